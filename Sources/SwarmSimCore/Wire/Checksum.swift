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
        guard let base = bytes.baseAddress else { return initial }
        return sum(base, count: bytes.count, initial: initial)
    }

    /// `sum(_:initial:)` over `count` bytes at `base`. O(n).
    @inlinable public static func sum(_ base: UnsafeRawPointer, count: Int, initial: UInt32 = 0) -> UInt32 {
        // The one's-complement sum does not depend on byte order (RFC 1071 section 2(B)), and
        // 2^16 = 1 modulo 0xFFFF, so it can be taken over 32-bit host-order words (RFC 1071
        // section 2(C)'s deferred carries): each 64-bit load is split into its two halves and
        // added into 64-bit accumulators, which cannot overflow below 2^32 words. There is no
        // flag dependency from one addition to the next (an add-with-carry chain does one word
        // per cycle), and eight independent accumulators over 64 bytes per round let the
        // compiler keep them in vector registers and the additions overlap. Fold to 16 bits at
        // the end and swap to network order once, instead of swapping every word.
        var a: UInt64 = 0, b: UInt64 = 0, c: UInt64 = 0, d: UInt64 = 0
        var e: UInt64 = 0, f: UInt64 = 0, g: UInt64 = 0, h: UInt64 = 0
        var offset = 0
        @inline(__always) func load(_ at: Int) -> UInt64 { base.loadUnaligned(fromByteOffset: at, as: UInt64.self) }
        @inline(__always) func halves(_ word: UInt64) -> UInt64 { (word & 0xFFFF_FFFF) &+ (word &>> 32) }
        while offset &+ 64 <= count {
            a &+= halves(load(offset))
            b &+= halves(load(offset &+ 8))
            c &+= halves(load(offset &+ 16))
            d &+= halves(load(offset &+ 24))
            e &+= halves(load(offset &+ 32))
            f &+= halves(load(offset &+ 40))
            g &+= halves(load(offset &+ 48))
            h &+= halves(load(offset &+ 56))
            offset &+= 64
        }
        if offset &+ 32 <= count {
            a &+= halves(load(offset))
            b &+= halves(load(offset &+ 8))
            c &+= halves(load(offset &+ 16))
            d &+= halves(load(offset &+ 24))
            offset &+= 32
        }
        if offset &+ 16 <= count {
            e &+= halves(load(offset))
            f &+= halves(load(offset &+ 8))
            offset &+= 16
        }
        if offset &+ 8 <= count {
            g &+= halves(load(offset))
            offset &+= 8
        }
        if offset &+ 4 <= count {
            h &+= UInt64(base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            offset &+= 4
        }
        if offset &+ 2 <= count {
            a &+= UInt64(base.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            offset &+= 2
        }
        if offset < count {
            // The odd last byte is the high byte of a network-order word padded with zero.
            b &+= UInt64(UInt16(bigEndian: UInt16(base.load(fromByteOffset: offset, as: UInt8.self)) << 8))
        }
        // An accumulator gains less than 2^33 per word, so it cannot overflow before 2^31 words
        // (16 GiB); folding each to its halves first keeps the total below 2^36.
        let total = halves(a) &+ halves(b) &+ halves(c) &+ halves(d) &+ halves(e) &+ halves(f) &+ halves(g) &+ halves(h)
        return fromHostOrder(total, initial: initial)
    }

    /// Folds a host-order sum of 32-bit words to 16 bits, swaps it to network order and adds
    /// it to `initial`: the last step of `sum`.
    @inlinable @inline(__always) static func fromHostOrder(_ total: UInt64, initial: UInt32) -> UInt32 {
        var folded = (total & 0xFFFF_FFFF) &+ (total &>> 32)
        folded = (folded & 0xFFFF) &+ (folded &>> 16)
        folded = (folded & 0xFFFF) &+ (folded &>> 16)
        folded = (folded & 0xFFFF) &+ (folded &>> 16)
        let networkOrder = UInt64(UInt16(bigEndian: UInt16(truncatingIfNeeded: folded)))
        let result = UInt64(initial) &+ networkOrder
        return UInt32(truncatingIfNeeded: (result & 0xFFFF_FFFF) &+ (result &>> 32))
    }

    /// The partial sum `complete` less the partial sum of `pulled`, bytes at its start: what
    /// Linux's `skb_postpull_rcsum` does to a received packet's `CHECKSUM_COMPLETE` sum
    /// (`skb->csum`) when a header is pulled, so that an inner checksum verifies against the
    /// sum the outer layer already took without reading the data again. `pulled` must have an
    /// even length. A correct IPv4 header sums to 0xFFFF, which is zero in one's complement,
    /// so pulling one changes nothing (Linux does not adjust for it either). O(pulled).
    @inlinable @inline(__always) public static func pull(_ pulled: UnsafeRawBufferPointer, from complete: UInt32) -> UInt32 {
        UInt32(foldedSum(complete)) &+ UInt32(~foldedSum(sum(pulled)))
    }

    /// Whether a segment whose bytes have the partial sum `complete` verifies against a
    /// pseudo-header sum: Linux `__skb_checksum_validate_complete`. O(1).
    @inlinable @inline(__always) public static func verifies(complete: UInt32, pseudoHeaderSum: UInt32) -> Bool {
        fold(UInt32(foldedSum(complete)) &+ UInt32(foldedSum(pseudoHeaderSum))) == 0
    }

    /// A partial sum folded to 16 bits with end-around carry, not complemented. O(1).
    @inlinable @inline(__always) static func foldedSum(_ sum: UInt32) -> UInt16 {
        var folded = (sum & 0xFFFF) &+ (sum &>> 16)
        folded = (folded & 0xFFFF) &+ (folded &>> 16)
        return UInt16(truncatingIfNeeded: folded)
    }

    /// The partial sum of the two 16-bit halves of a 32-bit network-order value, for sums taken
    /// from field values instead of bytes. O(1).
    @inlinable @inline(__always) public static func sum(word: UInt32) -> UInt32 {
        (word &>> 16) &+ (word & 0xFFFF)
    }

    /// `sum` over the 20 bytes at `base`, the size of an IPv4 header without options. O(1).
    @inlinable @inline(__always) public static func sumOfTwentyBytes(_ base: UnsafeRawPointer) -> UInt32 {
        let total = UInt64(base.loadUnaligned(as: UInt32.self)) &+ UInt64(base.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
            &+ UInt64(base.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
            &+ UInt64(base.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
            &+ UInt64(base.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
        return fromHostOrder(total, initial: 0)
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
