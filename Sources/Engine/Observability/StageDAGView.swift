// StageDAGView: a job's stages drawn as an SVG DAG (Spark's "DAG Visualization"): one box per
// stage, placed in columns by depth (parents to the left), arrows from each parent to its child,
// colored by the state of the stage's latest attempt, each box a link to the stage page. Built as
// HTML, so the stage names and states in it are escaped. Linear in the stages and edges (a replayed
// log may hold a job of 200,000 chained stages), with no recursion.

import Foundation

enum StageDAGView {
    static func svg(_ job: AppStatusStore.JobRow, _ s: AppStatusStore.State) -> HTML {
        let ids = job.stageIds
        guard !ids.isEmpty else { return "<p>No stages.</p>" }
        let depth = depths(of: ids, parents: job.stageParents)
        var position: [Int: (x: Int, y: Int)] = [:]
        var rowsInColumn: [Int: Int] = [:]
        for id in ids.sorted() {
            let column = depth[id] ?? 0
            let row = rowsInColumn[column, default: 0]
            rowsInColumn[column] = row + 1
            position[id] = (10 + column * 270, 10 + row * 70)
        }
        let (w, h) = (230, 50)
        var shapes: HTML = ""
        for id in ids {
            for parent in job.stageParents[id] ?? [] {
                guard let from = position[parent], let to = position[id] else { continue }
                shapes += "<line x1=\"\(from.x + w)\" y1=\"\(from.y + h / 2)\" x2=\"\(to.x - 4)\" y2=\"\(to.y + h / 2)\" "
                    + "stroke=\"#555\" stroke-width=\"1.5\" marker-end=\"url(#arrow)\"/>"
            }
        }
        var latestAttempt: [Int: AppStatusStore.StageRow] = [:]
        for stage in s.stages.values where position[stage.id] != nil && (latestAttempt[stage.id]?.attempt ?? -1) < stage.attempt {
            latestAttempt[stage.id] = stage
        }
        for id in ids {
            guard let p = position[id] else { continue }
            let latest = latestAttempt[id]
            let status = latest?.status ?? "SKIPPED"
            let fill = ["COMPLETE": "#d9f2d9", "FAILED": "#f8d0d0", "ACTIVE": "#d6e6fa"][status] ?? "#eee"
            let name = latest?.name ?? ""
            shapes += "<a href=\"/stage?id=\(id)\"><g class=\"dag-stage\" data-stage=\"\(id)\">"
                + "<rect x=\"\(p.x)\" y=\"\(p.y)\" width=\"\(w)\" height=\"\(h)\" rx=\"6\" fill=\"\(fill)\" stroke=\"#678\"/>"
                + "<text x=\"\(p.x + 8)\" y=\"\(p.y + 20)\" font-size=\"13\"><tspan font-weight=\"bold\">Stage \(id)</tspan> · \(status)</text>"
                + "<text x=\"\(p.x + 8)\" y=\"\(p.y + 38)\" font-size=\"11\">\(String(name.prefix(36)))</text></g></a>"
        }
        let width = (rowsInColumn.keys.max() ?? 0) * 270 + 10 + w + 10
        let height = (rowsInColumn.values.max() ?? 1) * 70 + 10
        return "<svg class=\"dag\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"stage DAG of job \(job.id)\">"
            + "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">"
            + "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>\(shapes)</svg>"
    }

    /// Each stage's column: 0 without parents in the job, else one more than its deepest parent's.
    /// A depth-first walk with a stack of its own (a chain of stages may be deep), in time linear in
    /// the stages and edges; an edge back onto the walk's path (a cycle, only in a damaged log) is
    /// ignored.
    static func depths(of ids: [Int], parents: [Int: [Int]]) -> [Int: Int] {
        let members = Set(ids)
        var depth: [Int: Int] = [:]
        var onPath: Set<Int> = []
        for root in ids.sorted() where depth[root] == nil {
            var path: [(id: Int, nextParent: Int)] = [(root, 0)]
            onPath.insert(root)
            while let (id, next) = path.last {
                let its = parents[id] ?? []
                if next < its.count {
                    path[path.count - 1].nextParent += 1
                    let parent = its[next]
                    if members.contains(parent), depth[parent] == nil, !onPath.contains(parent) {
                        onPath.insert(parent)
                        path.append((parent, 0))
                    }
                } else {
                    path.removeLast()
                    onPath.remove(id)
                    depth[id] = its.compactMap { members.contains($0) ? depth[$0].map { $0 + 1 } : nil }.max() ?? 0
                }
            }
        }
        return depth
    }
}
