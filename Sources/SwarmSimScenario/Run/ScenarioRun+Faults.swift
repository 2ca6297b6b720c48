import SwarmSimCore
import SwarmSimSwarm

extension ScenarioRun {
    /// Applies a `fault:` step at once.
    ///
    /// A node going down takes its NIC down (nothing reaches or leaves it); the managers notice
    /// after their heartbeat grace period and reschedule its tasks. A link fault changes the
    /// underlay path between two machines; a partition takes down every path between groups.
    func apply(_ fault: Fault, completion: @escaping (CommandOutcome) -> Void) {
        var outcome = CommandOutcome(stdout: "")
        do throws(SwarmError) {
            switch fault {
            case .nodeDown(let node):
                nics[node]?.setUp(false)
                try cluster.nodeDown(node)
            case .nodeUp(let node):
                nics[node]?.setUp(true)
                try cluster.nodeUp(node)
            case .killTask(let task):
                try cluster.killTask(task)
            case .link(let link):
                let a = link.between[0]
                let b = link.between[1]
                var properties = segment.properties(between: a, b)
                if let loss = link.loss { properties.loss = loss }
                if let latency = link.latency { properties.latency = latency }
                if let down = link.down { properties.isUp = !down }
                segment.setProperties(properties, between: a, b)
            case .partition(let groups):
                for (i, group) in groups.enumerated() {
                    for other in groups[(i + 1)...] {
                        for a in group { for b in other { segment.setLink(between: a, b, up: false) } }
                    }
                }
            }
        } catch {
            outcome = CommandOutcome(stdout: "", stderr: error.description + "\n", exitCode: 1)
        }
        timers.after(.zero) { completion(outcome) }
    }

    static func describe(_ fault: Fault) -> String {
        switch fault {
        case .nodeDown(let node): "node-down \(node)"
        case .nodeUp(let node): "node-up \(node)"
        case .killTask(let task): "kill-task \(task)"
        case .link(let link):
            "link \(link.between.joined(separator: "-"))"
                + (link.loss.map { " loss \(ExpectationJudge.percent($0))" } ?? "")
                + (link.latency.map { " latency \(ExpectationJudge.format($0))" } ?? "")
                + (link.down.map { $0 ? " down" : " up" } ?? "")
        case .partition(let groups): "partition " + groups.map { "[" + $0.joined(separator: ", ") + "]" }.joined(separator: " ")
        }
    }
}
