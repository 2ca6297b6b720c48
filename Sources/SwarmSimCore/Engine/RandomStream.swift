/// A seeded pseudo-random stream: xoshiro256** (Blackman & Vigna), seeded through SplitMix64.
///
/// The project owns both the generator and the mapping of bits to ranges, so a run's random
/// choices depend only on the seed and never on the Swift toolchain: the standard library does
/// not promise a stable algorithm for `random(in:using:)` or `shuffle(using:)`, so neither is
/// used anywhere in the simulation.
///
/// Each source of randomness (a link's loss, a link's jitter, the DNS answer shuffle, the IPVS
/// `twos` scheduler, ...) takes its own stream derived from the run's seed and a stable name, so
/// adding a new consumer of randomness does not perturb the choices of the others.
public struct RandomStream: Sendable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// A stream for `name` under the run's `seed`. Equal inputs give equal streams, always.
    public init(seed: UInt64, name: String) {
        var mix = SplitMix64(state: seed ^ RandomStream.fnv1a64(name))
        s0 = mix.next()
        s1 = mix.next()
        s2 = mix.next()
        s3 = mix.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }  // the all-zero state is the generator's only fixed point
    }

    /// The next 64 random bits. O(1).
    @inlinable public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// A uniform integer in `0..<bound` without modulo bias (Lemire's multiply-shift with rejection).
    @inlinable public mutating func next(below bound: UInt64) -> UInt64 {
        precondition(bound > 0, "bound must be positive")
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
        }
        return product.high
    }

    /// A uniform integer in `range`.
    @inlinable public mutating func next(in range: ClosedRange<Int>) -> Int {
        let width = UInt64(bitPattern: Int64(range.upperBound &- range.lowerBound)) &+ 1
        if width == 0 { return Int(truncatingIfNeeded: next()) }  // the full 64-bit range
        return range.lowerBound &+ Int(truncatingIfNeeded: next(below: width))
    }

    /// A uniform double in [0, 1) with 53 random bits.
    @inlinable public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// `true` with probability `p` (clamped to [0, 1]).
    @inlinable public mutating func bernoulli(_ p: Double) -> Bool {
        if p <= 0 { return false }
        if p >= 1 { return true }
        return nextUnitDouble() < p
    }

    /// Shuffles `array` in place with Fisher-Yates over this stream.
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            let j = Int(next(below: UInt64(i + 1)))
            array.swapAt(i, j)
        }
    }

    @inlinable func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

    /// FNV-1a over the UTF-8 bytes of `text`: a stable, toolchain-independent name hash
    /// (Swift's `Hasher` is seeded per process and must not be used for this).
    public static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}

/// SplitMix64 (Steele, Lea & Flood), used only to expand a seed into xoshiro state.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
