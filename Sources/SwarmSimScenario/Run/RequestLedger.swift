import SwarmSimCore

/// Every request a run's steps and loads made, and every request a task's server answered.
///
/// Two sides, because neither alone is enough: the client knows whether a request failed and how
/// long it took; only the server knows which task served it (an app such as the redis-node
/// example does not name its host in the body, and the routing mesh hides the task's address
/// behind the node's). Both are keyed by the service they concern.
public final class RequestLedger {
    /// One request as the client saw it.
    public struct ClientRecord: Sendable, Equatable {
        public var service: String?
        public var step: Int
        public var target: String
        public var start: SimTime
        public var latency: SimDuration?
        public var failure: String?
    }

    /// One request as a server saw it.
    public struct ServedRecord: Sendable, Equatable {
        public var service: String
        public var task: String
        public var time: SimTime
    }

    public private(set) var clientRecords: [ClientRecord] = []
    public private(set) var servedRecords: [ServedRecord] = []

    public init() {}

    public func recordClient(_ record: ClientRecord) {
        clientRecords.append(record)
    }

    public func recordServed(service: String, task: String, at time: SimTime) {
        servedRecords.append(ServedRecord(service: service, task: task, time: time))
    }

    public func clientRecords(for service: String) -> [ClientRecord] {
        clientRecords.filter { $0.service == service }
    }

    /// Requests served per task of `service`, tasks in `order` first (every task of the service,
    /// serving or not), then any other task that served, in order of first service.
    public func servedCounts(for service: String, order: [String]) -> [(task: String, count: Int)] {
        var names = order
        var counts = Array(repeating: 0, count: names.count)
        for record in servedRecords where record.service == service {
            if let index = names.firstIndex(of: record.task) {
                counts[index] += 1
            } else {
                names.append(record.task)
                counts.append(1)
            }
        }
        return zip(names, counts).map { ($0, $1) }
    }

    /// The tasks of `service` in the order they served.
    public func sequence(for service: String) -> [String] {
        servedRecords.filter { $0.service == service }.map(\.task)
    }
}
