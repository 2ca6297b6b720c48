import SwarmSimCore

/// One `expect:` entry, evaluated after the run.
public struct Expectation: Equatable, Sendable {
    public enum Distribution: Equatable, Sendable {
        case uniform
        /// By the IPVS weights.
        case weighted
        /// task -> expected share, 0...1 (`lbapp1.1: 75%`).
        case shares([TaskShare])
        /// task -> exact count (`lbapp1.1: 3`).
        case counts([TaskCount])
    }

    public struct TaskShare: Equatable, Sendable {
        public var task: String
        public var share: Double
    }

    public struct TaskCount: Equatable, Sendable {
        public var task: String
        public var count: Int
    }

    /// `p50: 1ms`: the 50th percentile of request latency is at most 1ms.
    public struct LatencyBound: Equatable, Sendable {
        /// As written: `p50`, `p99.9`.
        public var name: String
        /// 50, 99.9.
        public var percentile: Double
        public var bound: SimDuration
    }

    public var location: SourceLocation
    public var service: String
    /// At most this many failed requests.
    public var failed: Int?
    public var distribution: Distribution?
    /// Largest absolute difference between measured and expected share, 0...1.
    public var tolerance: Double?
    /// Instead of `tolerance`: smallest allowed p-value of a chi-square goodness-of-fit test.
    public var chi2: Double?
    public var latency: [LatencyBound]
    /// The exact tasks that served the requests, in order.
    public var sequence: [String]
}
