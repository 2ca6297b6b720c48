import SwarmSimCore

/// The scenario format's units, parsed exactly: decimals are read as integers so `1.5ms` is
/// 1_500_000ns with no floating-point rounding.
///
/// - durations: `250ns`, `100us` (also `µs`), `1.5ms`, `2s`, `1m` (minutes), `1h`;
/// - rates: `10Gbps`, `100Mbps`, `1.5Gbps`, `64kbps` (also `Kbps`), `1Tbps`, `800bps`, SI
///   multiples of 1000 as in networking;
/// - fractions: `2%` or `0.02`, in 0...1;
/// - request rates: `5000/s` (also `5/ms`, or a bare number, per second).
public enum Units {
    public static let durationExpectation = "a duration such as 250ns, 100us, 1.5ms or 2s"
    public static let rateExpectation = "a rate such as 10Gbps, 100Mbps or 64kbps"
    public static let fractionExpectation = "a fraction such as 2% or 0.02"
    public static let requestRateExpectation = "a request rate such as 5000/s"

    /// An exact decimal: `mantissa / 10^scale`.
    struct Decimal {
        var mantissa: UInt64
        var scale: Int
    }

    /// `12`, `1.5`, `.5` is rejected (a digit is required before the point).
    static func decimal(_ text: Substring) -> Decimal? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit) else { return nil }
        var fraction: Substring = ""
        if parts.count == 2 {
            fraction = parts[1]
            guard !fraction.isEmpty, fraction.allSatisfy(\.isASCIIDigit) else { return nil }
        }
        // Trailing zeros of the fraction carry nothing; dropping them keeps `1.500000000000ms` exact.
        while fraction.last == "0" { fraction = fraction.dropLast() }
        guard fraction.count <= 18, let value = UInt64(whole + fraction) else { return nil }
        return Decimal(mantissa: value, scale: fraction.count)
    }

    /// `value * multiplier` exactly, or nil when it is not a whole number or overflows.
    static func exact(_ value: Decimal, times multiplier: UInt64) -> UInt64? {
        let product = value.mantissa.multipliedFullWidth(by: multiplier)
        var divisor: UInt64 = 1
        for _ in 0..<value.scale { divisor *= 10 }
        guard divisor > product.high else { return nil }
        let (quotient, remainder) = divisor.dividingFullWidth((product.high, product.low))
        return remainder == 0 ? quotient : nil
    }

    static func split(_ text: String, units: [(String, UInt64)]) -> (Decimal, UInt64)? {
        // Longest suffix first: `ms` before `s`.
        for (suffix, multiplier) in units.sorted(by: { $0.0.count > $1.0.count }) where text.hasSuffix(suffix) {
            guard let number = decimal(text.dropLast(suffix.count)) else { return nil }
            return (number, multiplier)
        }
        return nil
    }

    /// A duration, or nil. Finer than a nanosecond is nil.
    public static func duration(_ text: String) -> SimDuration? {
        let units: [(String, UInt64)] = [
            ("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000),
            ("m", 60_000_000_000), ("h", 3_600_000_000_000),
        ]
        guard let (number, multiplier) = split(text, units: units), let ns = exact(number, times: multiplier),
              ns <= UInt64(Int64.max)
        else { return nil }
        return SimDuration(nanoseconds: Int64(ns))
    }

    /// A rate in bits per second, or nil.
    public static func bitsPerSecond(_ text: String) -> UInt64? {
        let units: [(String, UInt64)] = [
            ("bps", 1), ("kbps", 1_000), ("Kbps", 1_000), ("Mbps", 1_000_000), ("Gbps", 1_000_000_000),
            ("Tbps", 1_000_000_000_000),
        ]
        guard let (number, multiplier) = split(text, units: units) else { return nil }
        return exact(number, times: multiplier)
    }

    /// A fraction in 0...1, or nil.
    public static func fraction(_ text: String) -> Double? {
        let percent = text.hasSuffix("%")
        guard let number = decimal(percent ? Substring(text.dropLast()) : Substring(text)) else { return nil }
        var value = Double(number.mantissa)
        for _ in 0..<(number.scale + (percent ? 2 : 0)) { value /= 10 }
        return (0...1).contains(value) ? value : nil
    }

    /// Requests per second, > 0, or nil.
    public static func requestRate(_ text: String) -> Double? {
        var body = Substring(text)
        var perSecond = 1.0
        if body.hasSuffix("/s") {
            body = body.dropLast(2)
        } else if body.hasSuffix("/ms") {
            body = body.dropLast(3)
            perSecond = 1000
        }
        guard let number = decimal(body), number.mantissa > 0 else { return nil }
        var value = Double(number.mantissa) * perSecond
        for _ in 0..<number.scale { value /= 10 }
        return value
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
