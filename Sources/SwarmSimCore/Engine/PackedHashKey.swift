/// Hashing for the keys the packet path looks up on every packet: neighbour entries, bridge
/// and VXLAN forwarding databases, TCP sockets, conntrack tuples and IPVS connections.
///
/// `Hasher` is SipHash-1-3, keyed per process so that an adversary cannot flood a table; it
/// costs tens of nanoseconds per key, and a frame crossing one hop looked up several keys, which
/// made hashing a visible share of every benchmark profile. These keys are a few integers chosen
/// by the simulation itself, not by an adversary, so they hash their packed words with the
/// MurmurHash3 64-bit finaliser (`fmix64`), salted with the table's seed, by implementing
/// `Hashable`'s `_rawHashValue(seed:)`, the entry point `Dictionary` and `Set` call. Equal keys
/// pack to equal words, so hashing stays consistent with `==`; `hash(into:)` feeds the same words
/// to a `Hasher` for any other use.
///
/// No result depends on hash values: tables whose order is visible keep their own insertion
/// order (see `NeighbourTable.order`), so runs stay identical.
public protocol PackedHashKey: Hashable {
    /// The key's fields packed into two words; equal keys give equal words.
    var packedWords: (UInt64, UInt64) { get }
}

extension PackedHashKey {
    @inlinable public func hash(into hasher: inout Hasher) {
        let words = packedWords
        hasher.combine(words.0)
        hasher.combine(words.1)
    }

    @inlinable public func _rawHashValue(seed: Int) -> Int {
        let words = packedWords
        let salted = PackedHash.mix(UInt64(bitPattern: Int64(seed)) ^ 0x9E37_79B9_7F4A_7C15 ^ words.0)
        return Int(truncatingIfNeeded: PackedHash.mix(salted ^ words.1))
    }
}

/// The mixing function of `PackedHashKey`.
public enum PackedHash {
    /// MurmurHash3's `fmix64`: every input bit affects every output bit with probability near 1/2.
    @inlinable public static func mix(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x &*= 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x &*= 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return x
    }
}
