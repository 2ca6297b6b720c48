/// A point on the simulated clock, in integer nanoseconds since the start of the run.
///
/// Time is an integer so that arithmetic is exact and results never depend on floating-point
/// rounding (the same choice ns-3 and nexosim make). Points and intervals are separate types
/// (`SimTime` and `SimDuration`) so that adding two points, a common simulation bug, does not
/// compile: `time + duration` is a time, `time - time` is a duration.
public struct SimTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the start of the simulation.
    public var nanoseconds: Int64

    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// The start of every simulation.
    public static let zero = SimTime(nanoseconds: 0)
    /// Later than every event that can be scheduled; `run(until: .distantFuture)` drains the queue.
    public static let distantFuture = SimTime(nanoseconds: .max)

    @inlinable public static func < (a: SimTime, b: SimTime) -> Bool { a.nanoseconds < b.nanoseconds }
    @inlinable public static func + (a: SimTime, d: SimDuration) -> SimTime {
        // Saturate instead of trapping: a timer far in the future must not crash a run.
        let (sum, overflow) = a.nanoseconds.addingReportingOverflow(d.nanoseconds)
        return SimTime(nanoseconds: overflow ? (d.nanoseconds > 0 ? .max : .min) : sum)
    }
    @inlinable public static func - (a: SimTime, d: SimDuration) -> SimTime { a + SimDuration(nanoseconds: -d.nanoseconds) }
    @inlinable public static func - (a: SimTime, b: SimTime) -> SimDuration {
        SimDuration(nanoseconds: a.nanoseconds - b.nanoseconds)
    }
    @inlinable public static func += (a: inout SimTime, d: SimDuration) { a = a + d }

    /// Seconds with six decimals, as the run log prints it: `0.500000s`.
    public var description: String { SimDuration(nanoseconds: nanoseconds).secondsString(decimals: 6) + "s" }
}

/// An interval of simulated time in integer nanoseconds. May be negative.
public struct SimDuration: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64

    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static let zero = SimDuration(nanoseconds: 0)

    @inlinable public static func nanoseconds(_ n: Int64) -> SimDuration { SimDuration(nanoseconds: n) }
    @inlinable public static func microseconds(_ n: Int64) -> SimDuration { SimDuration(nanoseconds: n * 1_000) }
    @inlinable public static func milliseconds(_ n: Int64) -> SimDuration { SimDuration(nanoseconds: n * 1_000_000) }
    @inlinable public static func seconds(_ n: Int64) -> SimDuration { SimDuration(nanoseconds: n * 1_000_000_000) }

    @inlinable public static func < (a: SimDuration, b: SimDuration) -> Bool { a.nanoseconds < b.nanoseconds }
    @inlinable public static func + (a: SimDuration, b: SimDuration) -> SimDuration {
        SimDuration(nanoseconds: a.nanoseconds + b.nanoseconds)
    }
    @inlinable public static func - (a: SimDuration, b: SimDuration) -> SimDuration {
        SimDuration(nanoseconds: a.nanoseconds - b.nanoseconds)
    }
    @inlinable public static func * (a: SimDuration, k: Int64) -> SimDuration { SimDuration(nanoseconds: a.nanoseconds * k) }
    @inlinable public static func / (a: SimDuration, k: Int64) -> SimDuration { SimDuration(nanoseconds: a.nanoseconds / k) }

    /// Whole seconds and a zero-padded fraction, computed in integers so output is exact.
    public func secondsString(decimals: Int) -> String {
        precondition((0...9).contains(decimals), "decimals must be 0...9")
        let negative = nanoseconds < 0
        let magnitude = nanoseconds.magnitude
        let whole = magnitude / 1_000_000_000
        var fraction = magnitude % 1_000_000_000
        for _ in 0..<(9 - decimals) { fraction /= 10 }
        var text = (negative ? "-" : "") + String(whole)
        if decimals > 0 {
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: decimals - digits.count) + digits
        }
        return text
    }

    /// The shortest exact spelling in the scenario format's units: `250ns`, `100us`, `1.5ms`, `2s`.
    public var description: String {
        let units: [(Int64, String)] = [(1_000_000_000, "s"), (1_000_000, "ms"), (1_000, "us")]
        for (scale, unit) in units where nanoseconds.magnitude >= UInt64(scale) {
            if nanoseconds % scale == 0 { return "\(nanoseconds / scale)\(unit)" }
            // Keep it exact: print the fraction without trailing zeros.
            let whole = nanoseconds / scale
            var fraction = String((nanoseconds % scale).magnitude)
            let width = String(scale).count - 1
            fraction = String(repeating: "0", count: width - fraction.count) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
            return "\(whole).\(fraction)\(unit)"
        }
        return "\(nanoseconds)ns"
    }
}
