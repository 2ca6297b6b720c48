#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Pearson's chi-square goodness-of-fit test, for `expect: chi2:` ("is this distribution
/// plausibly the expected one?").
///
/// The p-value is the upper tail of the chi-square distribution with k-1 degrees of freedom:
/// Q(df/2, x/2), the regularized upper incomplete gamma function, computed by its power series
/// below the mean and by Lentz's continued fraction above it (both converge fast there; see
/// Abramowitz & Stegun 6.5.29 and 6.5.31). Accurate to about 1e-12, far beyond what a verdict needs.
public enum ChiSquare {
    /// The statistic Σ (observed - expected)² / expected over categories with expected > 0.
    public static func statistic(observed: [Int], expected: [Double]) -> Double {
        precondition(observed.count == expected.count, "one expected count per category")
        var sum = 0.0
        for (o, e) in zip(observed, expected) where e > 0 {
            let d = Double(o) - e
            sum += d * d / e
        }
        return sum
    }

    /// P(X ≥ statistic) for X chi-square distributed with `degreesOfFreedom` (≥ 1).
    public static func pValue(statistic x: Double, degreesOfFreedom df: Int) -> Double {
        precondition(df >= 1, "a chi-square test needs at least one degree of freedom")
        if x <= 0 { return 1 }
        return regularizedUpperGamma(Double(df) / 2, x / 2)
    }

    /// Q(s, x) = Γ(s, x) / Γ(s).
    static func regularizedUpperGamma(_ s: Double, _ x: Double) -> Double {
        if x < s + 1 { return max(0, 1 - lowerSeries(s, x)) }
        return upperContinuedFraction(s, x)
    }

    /// P(s, x) by the series x^s e^-x / Γ(s+1) · Σ x^n / ((s+1)...(s+n)).
    private static func lowerSeries(_ s: Double, _ x: Double) -> Double {
        var term = 1 / s
        var sum = term
        var a = s
        for _ in 0..<1000 {
            a += 1
            term *= x / a
            sum += term
            if abs(term) < abs(sum) * 1e-15 { break }
        }
        return sum * exp(-x + s * log(x) - lgamma(s))
    }

    /// Q(s, x) by the continued fraction for Γ(s, x), evaluated with modified Lentz.
    private static func upperContinuedFraction(_ s: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - s
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1..<1000 {
            let an = -Double(i) * (Double(i) - s)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return exp(-x + s * log(x) - lgamma(s)) * h
    }
}
