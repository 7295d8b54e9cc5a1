// UIServer: what the session serves on loopback (Spark's UI port, 4040 or the next free one): the
// REST API under /api/v1, Prometheus metrics at /metrics, and the web UI pages, all read from the
// AppStatusStore. The HTTP work itself is LoopbackHTTPServer's.

import Foundation
@_spi(EmberInternal) import Planner

final class UIServer: Sendable {
    private let server: LoopbackHTTPServer
    /// e.g. http://127.0.0.1:4040
    var url: String { "http://127.0.0.1:\(server.port)" }

    init(store: AppStatusStore, preferred: UInt16) throws {
        server = try LoopbackHTTPServer(preferred: preferred) { request in Self.route(request, store: store) }
    }

    func stop() { server.stop() }

    static func json(_ value: Any, status: Int = 200) -> HTTPReply { .json(RestAPI.json(value), status: status) }
    static func notFound(_ what: String) -> HTTPReply { json(["error": "\(what) not found"], status: 404) }

    /// Answers one request: /api/v1/applications[/{appId}/(jobs[/{id}]|stages[/{id}]|executors|allexecutors)],
    /// /metrics, and the pages /, /job, /stages, /stage, /executors.
    static func route(_ request: HTTPRequest, store: AppStatusStore) -> HTTPReply {
        let parts = request.path.split(separator: "/").map(String.init)
        let s = store.snapshot
        switch parts.first {
        case nil: return .html(WebPages.jobs(s))
        case "job": return .html(WebPages.job(s, id: Int(request.query["id"] ?? "") ?? -1))
        case "stages" where parts.count == 1: return .html(WebPages.stages(s))
        case "stage" where parts.count == 1: return .html(WebPages.stage(s, id: Int(request.query["id"] ?? "") ?? -1))
        case "executors" where parts.count == 1: return .html(WebPages.executors(s))
        case "metrics" where parts.count == 1:
            return .text(ExecutorMetrics.text(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        case "api" where parts.count >= 3 && parts[1] == "v1" && parts[2] == "applications":
            return api(Array(parts.dropFirst(3)), s, maxMemory: store.maxMemory)
        default: return .text("no page at \(request.path)\n", status: 404)
        }
    }

    static func api(_ rest: [String], _ s: AppStatusStore.State, maxMemory: Int64) -> HTTPReply {
        guard let app = rest.first else { return json(RestAPI.applications(s)) }
        guard app == s.appId else { return notFound("application \(app)") }
        switch (rest.dropFirst().first, rest.count) {
        case ("jobs", 2): return json(RestAPI.jobs(s))
        case ("jobs", 3):
            guard let id = Int(rest[2]), let job = RestAPI.job(s, id: id) else { return notFound("job \(rest[2])") }
            return json(job)
        case ("stages", 2): return json(RestAPI.stages(s))
        case ("stages", 3):
            guard let id = Int(rest[2]), let attempts = RestAPI.stageAttempts(s, id: id) else { return notFound("stage \(rest[2])") }
            return json(attempts)
        case ("stages", 4):
            guard let id = Int(rest[2]), let attempt = Int(rest[3]), let row = s.stages[AppStatusStore.key(id, attempt)] else {
                return notFound("attempt \(rest[3]) of stage \(rest[2])")
            }
            return json(RestAPI.stage(row, details: true))
        case ("executors", 2): return json(RestAPI.executors(s, all: false, maxMemory: maxMemory))
        case ("allexecutors", 2): return json(RestAPI.executors(s, all: true, maxMemory: maxMemory))
        default: return notFound("endpoint /api/v1/applications/\(rest.joined(separator: "/"))")
        }
    }
}
