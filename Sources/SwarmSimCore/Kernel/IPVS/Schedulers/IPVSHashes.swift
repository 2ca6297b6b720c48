/// The kernel hash functions IPVS uses, bit for bit as a 64-bit x86 build computes them.
///
/// - `hash_32` (`include/linux/hash.h`, the generic version x86 uses): dh, sh, lblc and lblcr.
/// - `hsiphash` (`lib/siphash.c`): mh. On 64-bit kernels "HalfSipHash" is really SipHash-1-3 with
///   two 64-bit key words, truncated to 32 bits (the comment in `lib/siphash.c`: "on 64-bit, we
///   make HalfSipHash1-3 actually be SipHash1-3, for performance reasons").
/// - `jhash_3words` (`include/linux/jhash.h`): the connection table's bucket
///   (`ip_vs_conn_hashkey`), which only decides the order of `ipvsadm -Lnc`.
enum IPVSHash {
    /// `GOLDEN_RATIO_32` of `include/linux/hash.h` (kernel 4.7 and later).
    static let goldenRatio32: UInt32 = 0x61C8_8647

    /// `hash_32(val, bits)`: `(val * GOLDEN_RATIO_32) >> (32 - bits)` in 32-bit arithmetic. O(1).
    static func hash32(_ value: UInt32, bits: Int) -> UInt32 {
        (value &* goldenRatio32) >> UInt32(32 - bits)
    }

    /// The `hsiphash_key_t` of a 64-bit kernel: two `unsigned long` words.
    struct SipKey: Hashable, Sendable {
        var k0: UInt64
        var k1: UInt64
    }

    /// `hsiphash(data, len, key)` of a 64-bit kernel (`__hsiphash_aligned` / `_unaligned`, which
    /// agree): SipHash-1-3 over `bytes`, truncated to 32 bits. O(bytes.count).
    static func hsiphash(_ bytes: [UInt8], key: SipKey) -> UInt32 {
        var state = SipState(length: bytes.count, key: key)
        let whole = bytes.count - bytes.count % 8
        var offset = 0
        while offset < whole {
            var word: UInt64 = 0
            for i in 0..<8 { word |= UInt64(bytes[offset + i]) << UInt64(8 * i) }
            state.compress(word)
            offset += 8
        }
        for i in 0..<(bytes.count - whole) { state.b |= UInt64(bytes[whole + i]) << UInt64(8 * i) }
        return state.finish()
    }

    /// `hsiphash(&v, sizeof(u32), key)` for one host-order `u32` (little-endian in memory), the
    /// only shape `ip_vs_mh_hashkey` uses. Allocation-free. O(1).
    static func hsiphash(uint32 value: UInt32, key: SipKey) -> UInt32 {
        var state = SipState(length: 4, key: key)
        state.b |= UInt64(value)
        return state.finish()
    }

    /// The SipHash state of `PREAMBLE` / `SIPROUND` / `HPOSTAMBLE` (1 compression round, 3
    /// finalisation rounds on 64-bit).
    struct SipState {
        var v0: UInt64
        var v1: UInt64
        var v2: UInt64
        var v3: UInt64
        var b: UInt64

        init(length: Int, key: SipKey) {
            v0 = 0x736F_6D65_7073_6575 ^ key.k0  // "somepseu"
            v1 = 0x646F_7261_6E64_6F6D ^ key.k1  // "dorandom"
            v2 = 0x6C79_6765_6E65_7261 ^ key.k0  // "lygenera"
            v3 = 0x7465_6462_7974_6573 ^ key.k1  // "tedbytes"
            b = UInt64(length) << 56
        }

        static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

        /// `SIPROUND` (`SIPHASH_PERMUTATION`).
        mutating func round() {
            v0 = v0 &+ v1
            v1 = Self.rotl(v1, 13)
            v1 ^= v0
            v0 = Self.rotl(v0, 32)
            v2 = v2 &+ v3
            v3 = Self.rotl(v3, 16)
            v3 ^= v2
            v0 = v0 &+ v3
            v3 = Self.rotl(v3, 21)
            v3 ^= v0
            v2 = v2 &+ v1
            v1 = Self.rotl(v1, 17)
            v1 ^= v2
            v2 = Self.rotl(v2, 32)
        }

        /// One message word with one round (`v3 ^= m; HSIPROUND; v0 ^= m`).
        mutating func compress(_ m: UInt64) {
            v3 ^= m
            round()
            v0 ^= m
        }

        /// `HPOSTAMBLE` on 64-bit: one round with the length word, three after `v2 ^= 0xff`.
        mutating func finish() -> UInt32 {
            v3 ^= b
            round()
            v0 ^= b
            v2 ^= 0xFF
            round()
            round()
            round()
            return UInt32(truncatingIfNeeded: (v0 ^ v1) ^ (v2 ^ v3))
        }
    }

    /// `jhash_3words(a, b, c, initval)` (`include/linux/jhash.h`): `__jhash_final` over the
    /// three words after adding `initval + JHASH_INITVAL + (3 << 2)`. O(1).
    static func jhash3(_ a: UInt32, _ b: UInt32, _ c: UInt32, initval: UInt32) -> UInt32 {
        let iv = initval &+ 0xDEAD_BEEF &+ (3 << 2)
        var a = a &+ iv
        var b = b &+ iv
        var c = c &+ iv
        c ^= b; c = c &- b.ipvsRotl(14)
        a ^= c; a = a &- c.ipvsRotl(11)
        b ^= a; b = b &- a.ipvsRotl(25)
        c ^= b; c = c &- b.ipvsRotl(16)
        a ^= c; a = a &- c.ipvsRotl(4)
        b ^= a; b = b &- a.ipvsRotl(14)
        c ^= b; c = c &- b.ipvsRotl(24)
        return c
    }

    /// Greatest common divisor of two positive numbers (`lib/math/gcd.c`; any correct gcd agrees).
    static func gcd(_ a: Int, _ b: Int) -> Int {
        var a = a
        var b = b
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    /// `fls(x)`: the 1-based index of the most significant set bit, 0 for 0.
    static func fls(_ x: Int) -> Int { x <= 0 ? 0 : Int.bitWidth - x.leadingZeroBitCount }
}

extension UInt32 {
    /// `rol32`.
    func ipvsRotl(_ k: UInt32) -> UInt32 { (self << k) | (self >> (32 - k)) }
}
