/// How frames fare between two machines on the underlay: one-way latency, bandwidth,
/// loss and jitter, and whether the link is up. Like `tc qdisc ... netem` on a real link.
public struct LinkProperties: Hashable, Sendable {
    /// One-way propagation delay.
    public var latency: SimDuration
    /// Bits per second; sets the serialisation delay of each frame.
    public var bandwidth: UInt64
    /// Probability in [0, 1] that a frame is lost.
    public var loss: Double
    /// Delay varies uniformly in `latency ± jitter` (netem's default distribution), never below zero.
    public var jitter: SimDuration
    public var isUp: Bool

    public init(
        latency: SimDuration = .microseconds(100), bandwidth: UInt64 = 10_000_000_000, loss: Double = 0,
        jitter: SimDuration = .zero, isUp: Bool = true
    ) {
        precondition(bandwidth > 0, "bandwidth must be positive")
        precondition((0...1).contains(loss), "loss is a probability")
        self.latency = latency
        self.bandwidth = bandwidth
        self.loss = loss
        self.jitter = jitter
        self.isUp = isUp
    }

    /// Bytes a frame occupies on the wire beyond what a capture shows: FCS (4), preamble and
    /// start delimiter (8), inter-frame gap (12).
    public static let wireOverhead = 24

    /// The time to clock `frameLength` bytes onto the wire, rounded up to the nanosecond.
    public func serialisationDelay(frameLength: Int) -> SimDuration {
        let bits = UInt64(frameLength + LinkProperties.wireOverhead) * 8
        let (product, overflow) = bits.multipliedReportingOverflow(by: 1_000_000_000)
        precondition(!overflow)
        return .nanoseconds(Int64((product + bandwidth - 1) / bandwidth))
    }
}
