/// swarmkit's spread scheduling of one task group (manager/scheduler `scheduleTaskGroup` and
/// `scheduleNTasksOnNodes`), without resources, plugins or placement preferences.
///
/// Candidate nodes pass the filter pipeline (ReadyFilter: ready and active; ConstraintFilter) and
/// are ordered by `nodeLess`: fewer tasks of this service, then fewer active tasks overall.
/// swarmkit breaks remaining ties by Go map order (effectively random); swarmsim breaks them by
/// node order (join order), so placement is deterministic. Tasks are taken in slot order (swarmkit:
/// map order). The walk is swarmkit's: fill the first node until the next one is "less", then
/// once every node has been reached, one task per node in turn.
struct SpreadScheduler {
    struct Candidate {
        var node: Int
        var serviceTasks: Int
        var totalTasks: Int
    }

    static func less(_ a: Candidate, _ b: Candidate) -> Bool {
        if a.serviceTasks != b.serviceTasks { return a.serviceTasks < b.serviceTasks }
        return a.totalTasks < b.totalTasks
    }

    /// The node of each of `count` tasks, in order.
    static func place(count: Int, candidates: [Candidate]) -> [Int] {
        guard !candidates.isEmpty else { return [] }
        // A stable insertion sort: ties keep node order.
        var nodes: [Candidate] = []
        for candidate in candidates {
            let index = nodes.firstIndex(where: { less(candidate, $0) }) ?? nodes.count
            nodes.insert(candidate, at: index)
        }
        var result: [Int] = []
        var iterator = 0
        let nodeCount = nodes.count
        for _ in 0..<count {
            let position = iterator % nodeCount
            result.append(nodes[position].node)
            nodes[position].serviceTasks += 1
            nodes[position].totalTasks += 1
            if iterator + 1 < nodeCount {
                if less(nodes[(iterator + 1) % nodeCount], nodes[position]) { iterator += 1 }
            } else {
                iterator += 1
            }
        }
        return result
    }
}
