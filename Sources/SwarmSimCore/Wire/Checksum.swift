/// The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
///
/// The checksum is the one's-complement of the one's-complement sum of 16-bit big-endian words.
/// Computing it is split in two, as in the kernel (`csum_partial` then `csum_fold`): `sum`
/// returns a 32-bit *partial* sum that later pieces (the pseudo-header, a payload in another
/// buffer) can be added to, and `fold` turns it into the 16-bit value that goes on the wire.
///
/// NAT rewrites addresses and ports in place; recomputing the checksum over the whole segment
/// would cost O(length) per packet, so `update` applies RFC 1624 eqn. 3, which is O(1) and
/// gives exactly what full recomputation gives (eqn. 2 of RFC 1141 could yield -0).
///
/// - SeeAlso: [RFC 1071](https://www.rfc-editor.org/rfc/rfc1071),
///   [RFC 1624](https://www.rfc-editor.org/rfc/rfc1624), Linux `include/net/checksum.h`.
public enum InternetChecksum {
    /// The one's-complement partial sum of `bytes` added to `initial`. O(n).
    ///
    /// An odd trailing byte is padded with a zero byte (RFC 1071 section 4.1), so when summing a
    /// message in pieces, every piece but the last must have an even length. The result is
    /// only meaningful mod 0xFFFF; pass it to `fold` or as `initial` to the next `sum`.
    @inlinable public static func sum(_ bytes: UnsafeRawBufferPointer, initial: UInt32 = 0) -> UInt32 {
        // The one's-complement sum does not depend on byte order (RFC 1071 section 2(B)), and
        // 2^16 = 1 modulo 0xFFFF, so it can be taken over 32-bit host-order words (RFC 1071
        // section 2(C)'s deferred carries): each 64-bit load is split into its two halves and
        // added into one of two 64-bit accumulators, which cannot overflow below 2^32 words and
        // carry no dependency on a flag from one addition to the next, so the additions run in
        // parallel (an add-with-carry chain does one word per cycle). Fold to 16 bits at the end
        // and swap the result to network order once, instead of swapping every word.
        var even: UInt64 = 0
        var odd: UInt64 = 0
        let count = bytes.count
        var offset = 0
        while offset + 16 <= count {
            let first = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            let second = bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)
            even &+= (first & 0xFFFF_FFFF) &+ (first >> 32)
            odd &+= (second & 0xFFFF_FFFF) &+ (second >> 32)
            offset += 16
        }
        if offset + 8 <= count {
            let word = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            even &+= (word & 0xFFFF_FFFF) &+ (word >> 32)
            offset += 8
        }
        let (halves, halvesCarry) = even.addingReportingOverflow(odd)
        var accumulator = halves &+ (halvesCarry ? 1 : 0)
        var tail: UInt64 = 0
        if offset + 4 <= count {
            tail &+= UInt64(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            offset += 4
        }
        if offset + 2 <= count {
            tail &+= UInt64(bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            offset += 2
        }
        if offset < count {
            // The odd last byte is the high byte of a network-order word padded with zero.
            tail &+= UInt64(UInt16(bigEndian: UInt16(bytes[offset]) << 8))
        }
        let (total, carry) = accumulator.addingReportingOverflow(tail)
        accumulator = total &+ (carry ? 1 : 0)
        var folded = (accumulator & 0xFFFF_FFFF) &+ (accumulator >> 32)
        folded = (folded & 0xFFFF) &+ (folded >> 16)
        folded = (folded & 0xFFFF) &+ (folded >> 16)
        folded = (folded & 0xFFFF) &+ (folded >> 16)
        let networkOrder = UInt64(UInt16(bigEndian: UInt16(truncatingIfNeeded: folded)))
        var result = UInt64(initial) &+ networkOrder
        result = (result & 0xFFFF_FFFF) &+ (result >> 32)
        return UInt32(truncatingIfNeeded: result)
    }

    /// Folds a partial sum to 16 bits with end-around carry and complements it: the value to
    /// write in a checksum field. Over bytes that include a correct checksum it is 0. O(1).
    @inlinable public static func fold(_ sum: UInt32) -> UInt16 {
        var folded = (sum & 0xFFFF) &+ (sum >> 16)
        folded = (folded & 0xFFFF) &+ (folded >> 16)
        return ~UInt16(truncatingIfNeeded: folded)
    }

    /// The checksum of `bytes` (with `initial` already summed in): `fold(sum(bytes, initial:))`.
    @inlinable public static func checksum(_ bytes: UnsafeRawBufferPointer, initial: UInt32 = 0) -> UInt16 {
        fold(sum(bytes, initial: initial))
    }

    /// The partial sum of the IPv4 pseudo-header that UDP and TCP checksums cover
    /// (RFC 768; RFC 9293 section 3.1): source, destination, zero, protocol, and `length`, the
    /// UDP length or the TCP header-plus-data length.
    @inlinable public static func pseudoHeaderSum(
        source: IPv4Address, destination: IPv4Address, protocol: IPProtocol, length: Int
    ) -> UInt32 {
        (source.value >> 16) &+ (source.value & 0xFFFF) &+ (destination.value >> 16)
            &+ (destination.value & 0xFFFF) &+ UInt32(`protocol`.rawValue)
            &+ UInt32(truncatingIfNeeded: length)
    }

    /// The checksum after one 16-bit word covered by it changes from `oldValue` to `newValue`:
    /// RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'). O(1).
    ///
    /// For a UDP checksum use `updateUDP`, which keeps 0 ("no checksum") as 0.
    @inlinable public static func update(_ checksum: UInt16, oldValue: UInt16, newValue: UInt16) -> UInt16 {
        fold(UInt32(~checksum) &+ UInt32(~oldValue) &+ UInt32(newValue))
    }

    /// The checksum after an address covered by it (directly, or through the pseudo-header)
    /// changes, as SNAT/DNAT and IPVS do: `update` applied to both 16-bit halves. O(1).
    @inlinable public static func update(_ checksum: UInt16, oldAddress: IPv4Address, newAddress: IPv4Address) -> UInt16 {
        fold(
            UInt32(~checksum) &+ UInt32(~UInt16(truncatingIfNeeded: oldAddress.value >> 16))
                &+ UInt32(~UInt16(truncatingIfNeeded: oldAddress.value))
                &+ (newAddress.value >> 16) &+ (newAddress.value & 0xFFFF)
        )
    }

    /// `update` for a UDP checksum, which has two special values (RFC 768): 0 means the sender
    /// did not compute a checksum, so it stays 0 (Linux `inet_proto_csum_replace*` callers check
    /// `CSUM_MANGLED_0` the same way); and a computed 0 is sent as 0xFFFF.
    @inlinable public static func updateUDP(_ checksum: UInt16, oldValue: UInt16, newValue: UInt16) -> UInt16 {
        if checksum == 0 { return 0 }
        let updated = update(checksum, oldValue: oldValue, newValue: newValue)
        return updated == 0 ? 0xFFFF : updated
    }

    /// `update(_:oldAddress:newAddress:)` for a UDP checksum; see `updateUDP(_:oldValue:newValue:)`.
    @inlinable public static func updateUDP(_ checksum: UInt16, oldAddress: IPv4Address, newAddress: IPv4Address) -> UInt16 {
        if checksum == 0 { return 0 }
        let updated = update(checksum, oldAddress: oldAddress, newAddress: newAddress)
        return updated == 0 ? 0xFFFF : updated
    }
}
