/// One packet in the kernel model: its wire bytes plus the metadata Linux keeps beside them in
/// an `sk_buff` (mark, input device, IPVS property, flow hash).
///
/// The bytes sit in a buffer with headroom in front, so that encapsulation (VXLAN prepends 50
/// bytes) and the link layer (14 bytes) are a pointer move, not a copy, as with `skb_push`.
/// `bytes` always starts at the current outermost header.
public final class PacketBuffer {
    /// Headroom reserved in front of a new packet: room for an Ethernet header and a full VXLAN
    /// encapsulation (14 + 20 + 8 + 8 + 14) with spare.
    public static let defaultHeadroom = 128

    @usableFromInline var storage: UnsafeMutableRawPointer
    @usableFromInline var capacity: Int
    @usableFromInline var start: Int
    /// Length of the packet from its current start.
    public private(set) var length: Int

    /// `skb->mark`: set by `MARK`, read by IPVS fwmark services and `-m mark`.
    public var mark: UInt32 = 0
    /// `skb->ipvs_property`: set on packets IPVS rewrote; `-m ipvs --ipvs` matches it.
    public var ipvsProperty = false
    /// `skb->hash`: the flow hash; 0 means not computed yet. Sockets may set it (TCP's random
    /// transmit hash); otherwise the flow dissector computes it when VXLAN needs a source port.
    public var flowHash: UInt32 = 0
    /// The interface the packet arrived on in the current namespace, by ifindex (0 = locally generated).
    public var inputInterface: Int32 = 0
    /// `skb->_nfct`: the connection conntrack attached, nil when untracked or INVALID.
    public var conntrack: ConntrackEntry?
    /// `ctinfo`: how the packet relates to `conntrack`.
    public var conntrackInfo: ConntrackInfo = .new
    /// `skb->nf_trace`: set by `-j TRACE`; `swarmsim trace` follows such packets.
    public var nfTrace = false
    /// Why the model rewrote or dropped this packet, shown as the pcapng packet comment.
    public var comment: String?

    /// A packet of `length` zeroed bytes with `headroom` bytes free in front.
    public init(length: Int, headroom: Int = PacketBuffer.defaultHeadroom) {
        precondition(length >= 0 && headroom >= 0)
        capacity = max(headroom + length, 256)
        storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: capacity)
        start = headroom
        self.length = length
    }

    /// A packet holding a copy of `bytes`.
    public convenience init(copying bytes: UnsafeRawBufferPointer, headroom: Int = PacketBuffer.defaultHeadroom) {
        self.init(length: bytes.count, headroom: headroom)
        if bytes.count > 0 { (storage + start).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count) }
    }

    /// A packet holding a copy of `bytes`.
    public convenience init(_ bytes: [UInt8], headroom: Int = PacketBuffer.defaultHeadroom) {
        self.init(length: 0, headroom: headroom)
        bytes.withUnsafeBytes { self.append($0) }
    }

    deinit { storage.deallocate() }

    /// The packet's bytes from its current outermost header. Valid until the next call that
    /// changes the length or headroom.
    @inlinable public var bytes: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: storage + start, count: length)
    }

    /// Free bytes in front of the packet.
    public var headroom: Int { start }

    /// Adds `count` bytes in front (like `skb_push`) and returns the new outermost bytes.
    @discardableResult
    public func prepend(_ count: Int) -> UnsafeMutableRawBufferPointer {
        precondition(count >= 0)
        if count > start { regrow(headroom: count + PacketBuffer.defaultHeadroom, tailroom: 0) }
        start -= count
        length += count
        return bytes
    }

    /// Removes `count` bytes from the front (like `skb_pull`), e.g. the Ethernet header on input.
    public func removeFront(_ count: Int) {
        precondition(count >= 0 && count <= length, "cannot pull more than the packet holds")
        start += count
        length -= count
    }

    /// Cuts the packet to its first `newLength` bytes (like `skb_trim`, for Ethernet padding).
    public func trim(to newLength: Int) {
        precondition(newLength >= 0 && newLength <= length)
        length = newLength
    }

    /// Replaces the packet's bytes with `bytes` (defragmentation hands on the whole datagram).
    public func replaceContents(with bytes: UnsafeRawBufferPointer) {
        length = 0
        append(bytes)
    }

    /// Appends `more` at the end.
    public func append(_ more: UnsafeRawBufferPointer) {
        let tail = capacity - start - length
        if more.count > tail { regrow(headroom: start, tailroom: more.count) }
        if more.count > 0 { (storage + start + length).copyMemory(from: more.baseAddress!, byteCount: more.count) }
        length += more.count
    }

    /// Grows the packet by `count` zero bytes at the end and returns the new tail.
    @discardableResult
    public func extend(by count: Int) -> UnsafeMutableRawBufferPointer {
        let tail = capacity - start - length
        if count > tail { regrow(headroom: start, tailroom: count) }
        (storage + start + length).initializeMemory(as: UInt8.self, repeating: 0, count: count)
        length += count
        return UnsafeMutableRawBufferPointer(start: storage + start + length - count, count: count)
    }

    /// A deep copy with the same metadata, as `skb_copy` (bridges flooding, broadcast on a segment).
    public func copy() -> PacketBuffer {
        let other = PacketBuffer(copying: UnsafeRawBufferPointer(bytes), headroom: max(start, PacketBuffer.defaultHeadroom))
        other.mark = mark
        other.ipvsProperty = ipvsProperty
        other.flowHash = flowHash
        other.inputInterface = inputInterface
        other.comment = comment
        other.conntrack = conntrack
        other.conntrackInfo = conntrackInfo
        other.nfTrace = nfTrace
        return other
    }

    /// Clears the metadata that must not cross a namespace boundary (`skb_scrub_packet`): veth and
    /// VXLAN decapsulation scrub mark and IPVS state, as Linux does.
    public func scrub() {
        mark = 0
        ipvsProperty = false
        inputInterface = 0
        conntrack = nil
        conntrackInfo = .new
    }

    /// Adds a reason to the packet's comment (several decisions may touch one packet).
    public func annotate(_ reason: String) {
        comment = comment.map { $0 + "; " + reason } ?? reason
    }

    private func regrow(headroom: Int, tailroom: Int) {
        let newCapacity = max(capacity * 2, headroom + length + tailroom + 64)
        let fresh = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        fresh.initializeMemory(as: UInt8.self, repeating: 0, count: newCapacity)
        fresh.advanced(by: headroom).copyMemory(from: storage + start, byteCount: length)
        storage.deallocate()
        storage = fresh
        capacity = newCapacity
        start = headroom
    }
}
