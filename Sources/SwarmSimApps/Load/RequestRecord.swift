import SwarmSimCore

/// Why a load generator's request failed.
public enum RequestFailure: Error, Equatable, Sendable {
    /// A RST answered the SYN (ECONNREFUSED), or ICMP port unreachable for UDP.
    case refused
    /// The connection was reset (or its retransmissions ran out) before the answer.
    case reset
    /// No answer within the request timeout (the SYN retries giving up included).
    case timeout
    /// The target's name did not resolve.
    case resolve
    /// The answer was not what the protocol expects (no HTTP response, closed before the answer).
    case `protocol`
    /// ICMP host or network unreachable, or no route (EHOSTUNREACH, ENETUNREACH).
    case unreachable
    /// No free source port for the destination (EADDRNOTAVAIL: every port in TIME-WAIT).
    case addressNotAvailable
}

/// One request of a load run.
public struct RequestRecord: Equatable, Sendable {
    /// The request's number in the run, from 0.
    public var index: Int
    /// When it was issued (for an open loop, its scheduled arrival).
    public var start: SimTime
    /// When its answer arrived or it failed; nil only while in flight.
    public var end: SimTime?
    /// `end - start` for a success.
    public var latency: SimDuration?
    /// The server that answered, as the `identify` closure names it from the response.
    public var servedBy: String?
    /// The address and port the request went to (`10.0.0.2:80`).
    public var peer: String?
    public var failure: RequestFailure?

    public init(index: Int, start: SimTime, end: SimTime? = nil, latency: SimDuration? = nil, servedBy: String? = nil,
                peer: String? = nil, failure: RequestFailure? = nil) {
        self.index = index
        self.start = start
        self.end = end
        self.latency = latency
        self.servedBy = servedBy
        self.peer = peer
        self.failure = failure
    }

    public var succeeded: Bool { failure == nil && end != nil }
}
