/// One packet in the kernel model: its wire bytes plus the metadata Linux keeps beside them in
/// an `sk_buff` (mark, input device, IPVS property, flow hash).
///
/// The bytes sit in a buffer with headroom in front, so that encapsulation (VXLAN prepends 50
/// bytes) and the link layer (14 bytes) are a pointer move, not a copy, as with `skb_push`.
/// `bytes` always starts at the current outermost header.
///
/// A packet is one allocation: the metadata is the header of a `ManagedBuffer` and the bytes are
/// its tail, as an `sk_buff`'s data often sits right after it. Every segment a TCP connection
/// sends is a new packet, so a second block per packet was a tenth of the HTTP benchmark's
/// allocations. Only a packet that outgrows its block (a large reassembled datagram, headroom
/// for a second encapsulation) moves its bytes to a block of their own. Packets are created
/// with `make`, as a `ManagedBuffer` subclass has no initialisers of its own.
public final class PacketBuffer: ManagedBuffer<PacketMetadata, UInt8> {
    /// Headroom reserved in front of a new packet: room for an Ethernet header and a full VXLAN
    /// encapsulation (14 + 20 + 8 + 8 + 14) with spare.
    public static let defaultHeadroom = 128

    /// A packet of `length` zeroed bytes with `headroom` bytes free in front.
    public static func make(length: Int, headroom: Int = PacketBuffer.defaultHeadroom) -> PacketBuffer {
        precondition(length >= 0 && headroom >= 0)
        let capacity = max(headroom + length, standardCapacity)
        let buffer = unsafeDowncast(
            PacketBuffer.create(minimumCapacity: capacity) { _ in
                PacketMetadata(storage: UnsafeMutableRawPointer(bitPattern: 0x10).unsafelyUnwrapped, capacity: capacity,
                               start: headroom, length: length)
            },
            to: PacketBuffer.self)
        buffer.withUnsafeMutablePointerToElements { elements in
            elements.initialize(repeating: 0, count: capacity)
            buffer.header.storage = UnsafeMutableRawPointer(elements)
        }
        return buffer
    }

    /// The capacity of a packet made with the default headroom for at most 256 bytes: the
    /// packets a `PacketPool` keeps. 256 bytes hold a TCP header with options and a small HTTP
    /// answer (the docker-http-server's is 174 bytes with its head), so a request-response
    /// exchange reuses every one of its packets.
    static let standardCapacity = 384

    /// Makes a recycled packet new: `length` zeroed bytes after the default headroom and fresh
    /// metadata, as `make(length:)` leaves them. The packet has its standard block.
    func reset(length: Int) {
        precondition(!header.ownsStorage && header.capacity == PacketBuffer.standardCapacity
            && length >= 0 && PacketBuffer.defaultHeadroom + length <= header.capacity)
        let storage = header.storage
        // The references are tested before they are dropped (a recycled packet has usually
        // lost both on its way): assigning a whole new header released each one regardless.
        if header.conntrack != nil || header.comment != nil {
            header.conntrack = nil
            header.comment = nil
        }
        header.ownsStorage = false
        header.capacity = PacketBuffer.standardCapacity
        header.start = PacketBuffer.defaultHeadroom
        header.length = length
        header.mark = 0
        header.ipvsProperty = false
        header.flowHash = 0
        header.inputInterface = 0
        header.conntrackInfo = .new
        header.nfTrace = false
        (storage + PacketBuffer.defaultHeadroom).initializeMemory(as: UInt8.self, repeating: 0, count: length)
    }

    /// Whether the packet still has the block it was made with, of the standard size.
    var isStandard: Bool { !header.ownsStorage && header.capacity == PacketBuffer.standardCapacity }

    /// A packet holding a copy of `bytes`.
    public static func make(copying bytes: UnsafeRawBufferPointer, headroom: Int = PacketBuffer.defaultHeadroom) -> PacketBuffer {
        let packet = make(length: bytes.count, headroom: headroom)
        if bytes.count > 0 { (packet.storage + packet.start).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count) }
        return packet
    }

    /// A packet holding a copy of `bytes`.
    public static func make(_ bytes: [UInt8], headroom: Int = PacketBuffer.defaultHeadroom) -> PacketBuffer {
        bytes.withUnsafeBytes { make(copying: $0, headroom: headroom) }
    }

    deinit {
        if header.ownsStorage { header.storage.deallocate() }
    }

    @inlinable var storage: UnsafeMutableRawPointer { header.storage }
    @inlinable var start: Int {
        get { header.start }
        set { header.start = newValue }
    }

    /// Length of the packet from its current start.
    @inlinable public private(set) var length: Int {
        get { header.length }
        set { header.length = newValue }
    }

    /// `skb->mark`: set by `MARK`, read by IPVS fwmark services and `-m mark`.
    @inlinable public var mark: UInt32 {
        get { header.mark }
        set { header.mark = newValue }
    }
    /// `skb->ipvs_property`: set on packets IPVS rewrote; `-m ipvs --ipvs` matches it.
    @inlinable public var ipvsProperty: Bool {
        get { header.ipvsProperty }
        set { header.ipvsProperty = newValue }
    }
    /// `skb->hash`: the flow hash; 0 means not computed yet. Sockets may set it (TCP's random
    /// transmit hash); otherwise the flow dissector computes it when VXLAN needs a source port.
    @inlinable public var flowHash: UInt32 {
        get { header.flowHash }
        set { header.flowHash = newValue }
    }
    /// The interface the packet arrived on in the current namespace, by ifindex (0 = locally generated).
    @inlinable public var inputInterface: Int32 {
        get { header.inputInterface }
        set { header.inputInterface = newValue }
    }
    /// `skb->_nfct`: the connection conntrack attached, nil when untracked or INVALID.
    public var conntrack: ConntrackEntry? {
        get { header.conntrack }
        set { header.conntrack = newValue }
    }
    /// `ctinfo`: how the packet relates to `conntrack`.
    public var conntrackInfo: ConntrackInfo {
        get { header.conntrackInfo }
        set { header.conntrackInfo = newValue }
    }
    /// `skb->nf_trace`: set by `-j TRACE`; `swarmsim trace` follows such packets.
    public var nfTrace: Bool {
        get { header.nfTrace }
        set { header.nfTrace = newValue }
    }
    /// Why the model rewrote or dropped this packet, shown as the pcapng packet comment.
    public var comment: String? {
        get { header.comment }
        set { header.comment = newValue }
    }

    /// Drops the comment once a capture point has shown it. Most packets carry none, and
    /// testing first spares them the release of the old value that an assignment costs.
    @inline(__always) func clearComment() {
        if header.comment != nil { header.comment = nil }
    }

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
        let tail = header.capacity - start - length
        if more.count > tail { regrow(headroom: start, tailroom: more.count) }
        if more.count > 0 { (storage + start + length).copyMemory(from: more.baseAddress!, byteCount: more.count) }
        length += more.count
    }

    /// Grows the packet by `count` zero bytes at the end and returns the new tail.
    @discardableResult
    public func extend(by count: Int) -> UnsafeMutableRawBufferPointer {
        let tail = header.capacity - start - length
        if count > tail { regrow(headroom: start, tailroom: count) }
        (storage + start + length).initializeMemory(as: UInt8.self, repeating: 0, count: count)
        length += count
        return UnsafeMutableRawBufferPointer(start: storage + start + length - count, count: count)
    }

    /// A deep copy with the same metadata, as `skb_copy` (bridges flooding, broadcast on a segment).
    public func copy() -> PacketBuffer {
        let other = PacketBuffer.make(copying: UnsafeRawBufferPointer(bytes), headroom: max(start, PacketBuffer.defaultHeadroom))
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
        // Most packets carry no entry: testing spares them the release an assignment costs.
        if header.conntrack != nil { header.conntrack = nil }
        conntrackInfo = .new
    }

    /// Adds a reason to the packet's comment (several decisions may touch one packet).
    public func annotate(_ reason: String) {
        comment = comment.map { $0 + "; " + reason } ?? reason
    }

    /// Moves the bytes to a block of their own with room for `headroom` in front and `tailroom`
    /// behind (the tail of this object cannot grow).
    private func regrow(headroom: Int, tailroom: Int) {
        let newCapacity = max(header.capacity * 2, headroom + length + tailroom + 64)
        let fresh = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        fresh.initializeMemory(as: UInt8.self, repeating: 0, count: newCapacity)
        fresh.advanced(by: headroom).copyMemory(from: storage + start, byteCount: length)
        if header.ownsStorage { header.storage.deallocate() }
        header.storage = fresh
        header.ownsStorage = true
        header.capacity = newCapacity
        start = headroom
    }
}

/// What a packet keeps besides its bytes: the header of its `PacketBuffer` block.
public struct PacketMetadata {
    /// Where the bytes are: the block's own tail, or a block of their own after a regrow.
    @usableFromInline var storage: UnsafeMutableRawPointer
    /// Whether `storage` was allocated apart (and is freed with the packet).
    @usableFromInline var ownsStorage = false
    @usableFromInline var capacity: Int
    @usableFromInline var start: Int
    @usableFromInline var length: Int
    @usableFromInline var mark: UInt32 = 0
    @usableFromInline var ipvsProperty = false
    @usableFromInline var flowHash: UInt32 = 0
    @usableFromInline var inputInterface: Int32 = 0
    @usableFromInline var conntrack: ConntrackEntry?
    @usableFromInline var conntrackInfo: ConntrackInfo = .new
    @usableFromInline var nfTrace = false
    @usableFromInline var comment: String?

    @usableFromInline init(storage: UnsafeMutableRawPointer, capacity: Int, start: Int, length: Int) {
        self.storage = storage
        self.capacity = capacity
        self.start = start
        self.length = length
    }
}
