/// Packets whose journey ended, kept for the next ones a socket sends (a slab cache of
/// `sk_buff`s, as Linux's `skbuff_head_cache` recycles them).
///
/// Every TCP segment is a new packet and most die one event later, delivered to a socket: in
/// the HTTP benchmark, packets were 9 of the 38 allocations per request.
/// A packet is taken back only when nothing else holds it (`isKnownUniquelyReferenced`), so
/// no capture, queue or table can see its bytes change, and only with its standard block
/// (default headroom, at most 256 bytes of data: handshakes, ACKs, small requests and
/// answers). Reuse changes nothing a run computes, only where its packets live.
///
/// The free list is a block of its own, not an array: an array on the world paid a uniqueness
/// check on every take and every return, one of each per packet.
struct PacketPool: ~Copyable {
    /// At most this many packets wait (enough for every segment in flight of a busy run).
    static let limit = 1024
    /// The packets, moved in by `recycle` and out by `make` (initialised from 0 to `count`).
    private let free = UnsafeMutablePointer<PacketBuffer>.allocate(capacity: PacketPool.limit)
    /// Packets waiting for reuse.
    private(set) var count = 0

    deinit {
        free.deinitialize(count: count)
        free.deallocate()
    }

    /// A packet of `length` zeroed bytes with the default headroom: a recycled one when it fits.
    mutating func make(length: Int) -> PacketBuffer {
        if PacketBuffer.defaultHeadroom + length <= PacketBuffer.standardCapacity, count > 0 {
            count &-= 1
            let packet = (free + count).move()
            packet.reset(length: length)
            return packet
        }
        return PacketBuffer.make(length: length)
    }

    /// Takes `packet` back if nothing else refers to it and it has its standard block.
    /// Consuming, so that a packet taken back moves into the list (no retain and release).
    mutating func recycle(_ packet: consuming PacketBuffer) {
        guard count < Self.limit, packet.isStandard, isKnownUniquelyReferenced(&packet) else { return }
        (free + count).initialize(to: packet)
        count &+= 1
    }
}
