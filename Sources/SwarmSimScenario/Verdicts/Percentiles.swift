import SwarmSimCore

/// Latency percentiles by the nearest-rank method: the p-th percentile of n sorted values is the
/// value at rank ⌈p/100 · n⌉, always one of the measured values (as HdrHistogram and wrk report
/// them), never an interpolation between two.
public struct Percentiles: Sendable, Equatable {
    private let sorted: [SimDuration]

    public init(_ values: [SimDuration]) {
        sorted = values.sorted()
    }

    public var count: Int { sorted.count }

    /// The `p`-th percentile (0 < p ≤ 100), nil without values.
    public func value(at p: Double) -> SimDuration? {
        precondition(p > 0 && p <= 100, "a percentile is in (0, 100]")
        guard !sorted.isEmpty else { return nil }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    public var minimum: SimDuration? { sorted.first }
    public var maximum: SimDuration? { sorted.last }
}
