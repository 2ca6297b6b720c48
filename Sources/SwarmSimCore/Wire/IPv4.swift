/// Internet Protocol version 4 ([RFC 791](https://www.rfc-editor.org/rfc/rfc791); DSCP and
/// ECN from [RFC 2474](https://www.rfc-editor.org/rfc/rfc2474) and
/// [RFC 3168](https://www.rfc-editor.org/rfc/rfc3168)).
///
/// ```text
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |Version|  IHL  |   DSCP    |ECN|          Total Length         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |         Identification        |R|D|M|    Fragment Offset      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Time to Live |    Protocol   |         Header Checksum       |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                       Source Address                          |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Destination Address                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Options (IHL > 5)                          |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///   R: reserved ("evil") bit, D: Don't Fragment, M: More Fragments
/// ```
///
/// Options are not interpreted (Docker traffic carries none); they are kept as bytes so a
/// forwarded packet is unchanged. The header value records only their length.

/// A zero-copy view of an IPv4 packet. `bytes` may extend past `totalLength` (Ethernet
/// padding); `payload` stops at `totalLength`.
public struct IPv4Packet {
    @usableFromInline enum Field {
        @usableFromInline static let versionIHL = 0
        @usableFromInline static let dscpECN = 1
        @usableFromInline static let totalLength = 2
        @usableFromInline static let identification = 4
        @usableFromInline static let flagsFragment = 6
        @usableFromInline static let ttl = 8
        @usableFromInline static let `protocol` = 9
        @usableFromInline static let checksum = 10
        @usableFromInline static let source = 12
        @usableFromInline static let destination = 16
        @usableFromInline static let options = 20
    }

    /// The packet and anything after it in the buffer.
    public let bytes: UnsafeMutableRawBufferPointer

    /// A view without any check, for emitting into a buffer the caller sized.
    @inlinable public init(unchecked bytes: UnsafeMutableRawBufferPointer) {
        self.bytes = bytes
    }

    /// A view of `bytes` whose length fields are consistent with the buffer, so that every
    /// accessor, `options` and `payload` stay inside it. The version and checksum are not
    /// checked here; `IPv4Header.parse` does that.
    @inlinable @inline(__always) public init(_ bytes: UnsafeMutableRawBufferPointer) throws(WireError) {
        self.bytes = bytes
        try checkLength()
    }

    /// Throws unless the buffer holds the fixed header, IHL is at least 5, and the buffer holds
    /// `totalLength` bytes, which hold the whole header (the checks of Linux `ip_rcv_core`).
    @inlinable @inline(__always) public func checkLength() throws(WireError) {
        // One inlined test for the usual, valid case; the error path is out of line.
        if _fastPath(bytes.count >= IPv4Header.minimumLength && ihl >= 5 && Int(totalLength) >= headerLength
            && bytes.count >= Int(totalLength)) { return }
        try lengthError()
    }

    /// The checks of `checkLength` one by one, for the error that names the first to fail.
    @usableFromInline @inline(never) func lengthError() throws(WireError) {
        if bytes.count < IPv4Header.minimumLength {
            throw .truncated(layer: .ipv4, needed: IPv4Header.minimumLength, available: bytes.count)
        }
        if ihl < 5 { throw .invalidField(layer: .ipv4, field: "IHL", value: Int(ihl)) }
        if bytes.count < headerLength {
            throw .truncated(layer: .ipv4, needed: headerLength, available: bytes.count)
        }
        let total = Int(totalLength)
        if total < headerLength { throw .invalidField(layer: .ipv4, field: "total length", value: total) }
        if bytes.count < total { throw .truncated(layer: .ipv4, needed: total, available: bytes.count) }
    }

    /// The version field; 4 for IPv4.
    @inlinable public var version: UInt8 {
        get { bytes.wireUInt8(at: Field.versionIHL) >> 4 }
        nonmutating set { bytes.setWireUInt8(newValue << 4 | (bytes.wireUInt8(at: Field.versionIHL) & 0x0F), at: Field.versionIHL) }
    }

    /// The Internet Header Length in 32-bit words (5...15).
    @inlinable public var ihl: UInt8 {
        get { bytes.wireUInt8(at: Field.versionIHL) & 0x0F }
        nonmutating set { bytes.setWireUInt8((bytes.wireUInt8(at: Field.versionIHL) & 0xF0) | (newValue & 0x0F), at: Field.versionIHL) }
    }

    /// The header length in bytes, `ihl * 4`.
    @inlinable @inline(__always) public var headerLength: Int { Int(ihl) * 4 }

    /// Differentiated Services Code Point, the top six bits of the old TOS byte.
    @inlinable public var dscp: UInt8 {
        get { bytes.wireUInt8(at: Field.dscpECN) >> 2 }
        nonmutating set { bytes.setWireUInt8(newValue << 2 | (bytes.wireUInt8(at: Field.dscpECN) & 0x03), at: Field.dscpECN) }
    }

    /// Explicit Congestion Notification, the low two bits of the old TOS byte.
    @inlinable public var ecn: UInt8 {
        get { bytes.wireUInt8(at: Field.dscpECN) & 0x03 }
        nonmutating set { bytes.setWireUInt8((bytes.wireUInt8(at: Field.dscpECN) & 0xFC) | (newValue & 0x03), at: Field.dscpECN) }
    }

    /// Header plus payload, in bytes.
    @inlinable public var totalLength: UInt16 {
        get { bytes.wireUInt16(at: Field.totalLength) }
        nonmutating set { bytes.setWireUInt16(newValue, at: Field.totalLength) }
    }

    @inlinable public var identification: UInt16 {
        get { bytes.wireUInt16(at: Field.identification) }
        nonmutating set { bytes.setWireUInt16(newValue, at: Field.identification) }
    }

    /// The reserved flag bit, which must be zero (RFC 3514 notwithstanding).
    @inlinable public var reservedFlag: Bool {
        get { bytes.wireUInt16(at: Field.flagsFragment) & 0x8000 != 0 }
        nonmutating set { setFlagBit(0x8000, newValue) }
    }

    @inlinable public var dontFragment: Bool {
        get { bytes.wireUInt16(at: Field.flagsFragment) & 0x4000 != 0 }
        nonmutating set { setFlagBit(0x4000, newValue) }
    }

    @inlinable public var moreFragments: Bool {
        get { bytes.wireUInt16(at: Field.flagsFragment) & 0x2000 != 0 }
        nonmutating set { setFlagBit(0x2000, newValue) }
    }

    /// The fragment's offset in 8-byte units (13 bits).
    @inlinable public var fragmentOffset: UInt16 {
        get { bytes.wireUInt16(at: Field.flagsFragment) & 0x1FFF }
        nonmutating set {
            let flags = bytes.wireUInt16(at: Field.flagsFragment) & 0xE000
            bytes.setWireUInt16(flags | (newValue & 0x1FFF), at: Field.flagsFragment)
        }
    }

    @inlinable func setFlagBit(_ bit: UInt16, _ on: Bool) {
        let word = bytes.wireUInt16(at: Field.flagsFragment)
        bytes.setWireUInt16(on ? word | bit : word & ~bit, at: Field.flagsFragment)
    }

    @inlinable public var ttl: UInt8 {
        get { bytes.wireUInt8(at: Field.ttl) }
        nonmutating set { bytes.setWireUInt8(newValue, at: Field.ttl) }
    }

    @inlinable public var `protocol`: IPProtocol {
        get { IPProtocol(rawValue: bytes.wireUInt8(at: Field.protocol)) }
        nonmutating set { bytes.setWireUInt8(newValue.rawValue, at: Field.protocol) }
    }

    @inlinable public var headerChecksum: UInt16 {
        get { bytes.wireUInt16(at: Field.checksum) }
        nonmutating set { bytes.setWireUInt16(newValue, at: Field.checksum) }
    }

    @inlinable public var source: IPv4Address {
        get { IPv4Address(value: bytes.wireUInt32(at: Field.source)) }
        nonmutating set { bytes.setWireUInt32(newValue.value, at: Field.source) }
    }

    @inlinable public var destination: IPv4Address {
        get { IPv4Address(value: bytes.wireUInt32(at: Field.destination)) }
        nonmutating set { bytes.setWireUInt32(newValue.value, at: Field.destination) }
    }

    /// The option bytes, `20..<headerLength` (empty when IHL is 5).
    @inlinable public var options: UnsafeMutableRawBufferPointer { bytes.wireSlice(Field.options..<headerLength) }

    /// The payload, `headerLength..<totalLength`: Ethernet padding after it is excluded.
    @inlinable @inline(__always) public var payload: UnsafeMutableRawBufferPointer { bytes.wireSlice(headerLength..<Int(totalLength)) }

    /// Whether this is a fragment: More Fragments set or a non-zero offset.
    @inlinable public var isFragment: Bool { bytes.wireUInt16(at: Field.flagsFragment) & 0x3FFF != 0 }

    /// Computes the header checksum over `headerLength` bytes and stores it. O(header).
    @inlinable public func fillChecksum() {
        // Summing over the stale checksum and adding its complement equals summing over a zero
        // field (one's-complement subtraction), and does not store to the field right before
        // loading it, which stalls the load until the store leaves the store buffer.
        let stale = headerChecksum
        headerChecksum = InternetChecksum.checksum(
            UnsafeRawBufferPointer(bytes.wireSlice(0..<headerLength)), initial: UInt32(~stale))
    }

    /// Whether the header checksum verifies. O(header).
    @inlinable @inline(__always) public func verifyChecksum() -> Bool {
        let length = headerLength
        if length == IPv4Header.minimumLength, let base = bytes.baseAddress {
            // Nearly every header has no options: five words, without the general loop.
            return InternetChecksum.fold(InternetChecksum.sumOfTwentyBytes(UnsafeRawPointer(base))) == 0
        }
        return InternetChecksum.checksum(UnsafeRawBufferPointer(bytes.wireSlice(0..<length))) == 0
    }
}

/// An IPv4 header as a value. Options are represented only by their length: their bytes stay
/// in the buffer (see `emit`).
public struct IPv4Header: Hashable, Sendable {
    public var dscp: UInt8
    public var ecn: UInt8
    /// Header plus payload, in bytes.
    public var totalLength: UInt16
    public var identification: UInt16
    public var dontFragment: Bool
    public var moreFragments: Bool
    /// In 8-byte units.
    public var fragmentOffset: UInt16
    public var ttl: UInt8
    public var `protocol`: IPProtocol
    public var source: IPv4Address
    public var destination: IPv4Address
    /// Option bytes after the fixed header: a multiple of 4, at most 40.
    public var optionsLength: Int

    /// The fixed header without options.
    public static let minimumLength = 20
    /// IHL 15: 60 bytes.
    public static let maximumLength = 60

    /// A header; the defaults are those of a Linux TCP or UDP packet (TTL 64, DF set, no options).
    @inlinable public init(
        dscp: UInt8 = 0, ecn: UInt8 = 0, totalLength: UInt16, identification: UInt16 = 0,
        dontFragment: Bool = true, moreFragments: Bool = false, fragmentOffset: UInt16 = 0,
        ttl: UInt8 = 64, protocol: IPProtocol, source: IPv4Address, destination: IPv4Address,
        optionsLength: Int = 0
    ) {
        self.dscp = dscp
        self.ecn = ecn
        self.totalLength = totalLength
        self.identification = identification
        self.dontFragment = dontFragment
        self.moreFragments = moreFragments
        self.fragmentOffset = fragmentOffset
        self.ttl = ttl
        self.protocol = `protocol`
        self.source = source
        self.destination = destination
        self.optionsLength = optionsLength
    }

    /// `20 + optionsLength`.
    @inlinable @inline(__always) public var headerLength: Int { IPv4Header.minimumLength + optionsLength }

    /// The payload length, `totalLength - headerLength`; setting it sets `totalLength`.
    @inlinable @inline(__always) public var payloadLength: Int {
        get { Int(totalLength) - headerLength }
        set { totalLength = UInt16(headerLength + newValue) }
    }

    /// Reads and validates a header: version 4, IHL >= 5, `headerLength <= totalLength <=`
    /// the buffer, and, unless `verifyChecksum` is false (checksum offload on receive), the
    /// header checksum. The order of checks follows Linux `ip_rcv_core`.
    @inlinable @inline(__always) public static func parse(_ packet: IPv4Packet, verifyChecksum: Bool = true) throws(WireError) -> IPv4Header {
        if packet.bytes.count < minimumLength {
            throw .truncated(layer: .ipv4, needed: minimumLength, available: packet.bytes.count)
        }
        if packet.version != 4 { throw .invalidField(layer: .ipv4, field: "version", value: Int(packet.version)) }
        try packet.checkLength()
        if verifyChecksum && !packet.verifyChecksum() { throw .badChecksum(layer: .ipv4) }
        return IPv4Header(packet)
    }

    /// The fields of a checked view, read field by field into the result (see `TCPHeader`'s
    /// reading initialiser for why not through a temporary).
    @inlinable @inline(__always) init(_ packet: IPv4Packet) {
        dscp = packet.dscp
        ecn = packet.ecn
        totalLength = packet.totalLength
        identification = packet.identification
        dontFragment = packet.dontFragment
        moreFragments = packet.moreFragments
        fragmentOffset = packet.fragmentOffset
        ttl = packet.ttl
        self.protocol = packet.protocol
        source = packet.source
        destination = packet.destination
        optionsLength = packet.headerLength - IPv4Header.minimumLength
    }

    /// Writes the header and its checksum. Option bytes, if `optionsLength > 0`, must already
    /// be in place at offset 20: they are covered by the checksum but not written.
    @inlinable @inline(__always) public func emit(into packet: IPv4Packet) {
        precondition(optionsLength >= 0 && optionsLength <= 40 && optionsLength % 4 == 0, "bad IPv4 options length")
        precondition(packet.bytes.count >= headerLength, "IPv4 buffer too short for the header")
        // The header is five 32-bit words, written whole, and the checksum is summed from the
        // values rather than read back: a wide load over narrower stores still in the store
        // buffer cannot be forwarded from them and waits until they reach the cache.
        let flags: UInt16 = (dontFragment ? 0x4000 : 0) | (moreFragments ? 0x2000 : 0)
        let versionLength = UInt32(0x40 | UInt8(headerLength / 4)) << 24 | UInt32(dscp << 2 | (ecn & 0x03)) << 16
            | UInt32(totalLength)
        let fragment = UInt32(identification) << 16 | UInt32(flags | (fragmentOffset & 0x1FFF))
        let ttlProtocol = UInt32(ttl) << 24 | UInt32(`protocol`.rawValue) << 16
        var sum = InternetChecksum.sum(word: versionLength) &+ InternetChecksum.sum(word: fragment)
            &+ InternetChecksum.sum(word: ttlProtocol) &+ InternetChecksum.sum(word: source.value)
            &+ InternetChecksum.sum(word: destination.value)
        if optionsLength > 0 {
            sum = InternetChecksum.sum(
                UnsafeRawBufferPointer(packet.bytes.wireSlice(IPv4Packet.Field.options..<headerLength)), initial: sum)
        }
        let bytes = packet.bytes
        bytes.setWireUInt32(versionLength, at: IPv4Packet.Field.versionIHL)
        bytes.setWireUInt32(fragment, at: IPv4Packet.Field.identification)
        bytes.setWireUInt32(ttlProtocol | UInt32(InternetChecksum.fold(sum)), at: IPv4Packet.Field.ttl)
        bytes.setWireUInt32(source.value, at: IPv4Packet.Field.source)
        bytes.setWireUInt32(destination.value, at: IPv4Packet.Field.destination)
    }

    /// Writes the header and its checksum at the start of `bytes`; see `emit(into:)`.
    @inlinable @inline(__always) public func emit(into bytes: UnsafeMutableRawBufferPointer) {
        emit(into: IPv4Packet(unchecked: bytes))
    }
}
