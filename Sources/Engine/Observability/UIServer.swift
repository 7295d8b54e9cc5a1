// UIServer: the session's HTTP server on loopback (Spark's UI port, 4040 or the next free one):
// the REST API under /api/v1, Prometheus metrics at /metrics, and the web UI pages. Every response
// says "Connection: close" (FlyingFox holds keep-alive responses back ~40 ms otherwise).

import FlyingFox
import Foundation
import Planner
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

final class UIServer: Sendable {
    let port: UInt16
    private let task: Task<Void, Never>
    private let server: HTTPServer

    /// Ports handed out in this process (so two sessions never pick the same one).
    private static let reserved = Mutex<Set<UInt16>>([])

    /// Starts serving `store` on the first free port from `preferred` (16 tries, as Spark's
    /// spark.port.maxRetries), else on any free port. Does not wait for the server: a caller may be
    /// on Swift's cooperative thread pool, which the server needs too.
    init(store: AppStatusStore, preferred: UInt16, appDir: String) throws {
        let chosen: UInt16? = Self.reserved.withLock { taken in
            for p in (0..<16).map({ preferred &+ UInt16($0) }) where !taken.contains(p) && Self.canBind(p) {
                taken.insert(p)
                return p
            }
            guard let p = Self.ephemeralPort() else { return nil }
            taken.insert(p)
            return p
        }
        guard let port = chosen else {
            throw EmberError(.configuration, "no free port for the UI from \(preferred)",
                             hint: "set SessionConfig.uiPort to another port, or uiEnabled = false")
        }
        let server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: port))
        self.server = server
        self.port = port
        task = Task {
            await Self.routes(server, store: store)
            do { try await server.run() } catch is CancellationError {} catch {
                FileHandle.standardError.write(Data("ember: the UI could not listen on 127.0.0.1:\(port): \(error)\n".utf8))
            }
        }
    }

    static func canBind(_ port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    /// A port the kernel considers free right now.
    static func ephemeralPort() -> UInt16? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        guard withUnsafePointer(to: &addr, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }) == 0 else { return nil }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return UInt16(bigEndian: addr.sin_port)
    }

    func stop() {
        let server = self.server
        Task { await server.stop(timeout: 1) }
        _ = Self.reserved.withLock { $0.remove(port) }
    }

    static func json(_ value: Any, _ status: HTTPStatusCode = .ok) -> HTTPResponse {
        HTTPResponse(statusCode: status, headers: [.contentType: "application/json", .connection: "close"], body: RestAPI.json(value))
    }

    static func html(_ body: String) -> HTTPResponse {
        HTTPResponse(statusCode: .ok, headers: [.contentType: "text/html; charset=utf-8", .connection: "close"], body: Data(body.utf8))
    }

    static func notFound(_ what: String) -> HTTPResponse { json(["error": "\(what) not found"], .notFound) }

    static func routes(_ server: HTTPServer, store: AppStatusStore) async {
        let max = store.maxMemory
        await server.appendRoute("GET,HEAD /api/v1/applications") { _ in json(RestAPI.applications(store.snapshot)) }
        await server.appendRoute("GET,HEAD /api/v1/applications/:app/jobs") { r in
            let s = store.snapshot
            return r.routeParameters["app"] == s.appId ? json(RestAPI.jobs(s)) : notFound("application")
        }
        await server.appendRoute("GET,HEAD /api/v1/applications/:app/stages") { r in
            let s = store.snapshot
            return r.routeParameters["app"] == s.appId ? json(RestAPI.stages(s)) : notFound("application")
        }
        await server.appendRoute("GET,HEAD /api/v1/applications/:app/stages/:id") { r in
            let s = store.snapshot
            guard r.routeParameters["app"] == s.appId, let id = Int(r.routeParameters["id"] ?? ""),
                  let attempts = RestAPI.stageAttempts(s, id: id) else { return notFound("stage") }
            return json(attempts)
        }
        await server.appendRoute("GET,HEAD /api/v1/applications/:app/executors") { r in
            let s = store.snapshot
            return r.routeParameters["app"] == s.appId ? json(RestAPI.executors(s, all: false, maxMemory: max)) : notFound("application")
        }
        await server.appendRoute("GET,HEAD /api/v1/applications/:app/allexecutors") { r in
            let s = store.snapshot
            return r.routeParameters["app"] == s.appId ? json(RestAPI.executors(s, all: true, maxMemory: max)) : notFound("application")
        }
        await server.appendRoute("GET,HEAD /metrics") { _ in
            HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .connection: "close"],
                         body: Data(ExecutorMetrics.text().utf8))
        }
        await server.appendRoute("GET,HEAD /") { _ in html(WebPages.jobs(store.snapshot)) }
        await server.appendRoute("GET,HEAD /stages") { _ in html(WebPages.stages(store.snapshot)) }
        await server.appendRoute("GET,HEAD /stage") { r in
            let id = Int(r.query["id"] ?? "") ?? -1
            return html(WebPages.stage(store.snapshot, id: id))
        }
        await server.appendRoute("GET,HEAD /executors") { _ in html(WebPages.executors(store.snapshot)) }
    }
}

