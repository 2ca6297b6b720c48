/// Virtual eXtensible Local Area Network ([RFC 7348](https://www.rfc-editor.org/rfc/rfc7348)
/// section 5), the encapsulation of Docker's overlay networks: an Ethernet frame inside UDP
/// to port 4789.
///
/// ```text
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |R|R|R|R|I|R|R|R|            Reserved                           |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                VXLAN Network Identifier (VNI) |   Reserved    |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                  Inner Ethernet frame ...                     |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
///
/// The I flag says the VNI is valid and must be set; reserved bits are sent as zero and
/// ignored on receipt (RFC 7348). Docker's overlay networks take VNIs from 4096 upwards.

/// A zero-copy view of a VXLAN header and the inner frame after it.
public struct VXLANPacket {
    @usableFromInline enum Field {
        @usableFromInline static let flags = 0
        @usableFromInline static let reserved1 = 1
        @usableFromInline static let vni = 4
        @usableFromInline static let reserved2 = 7
        @usableFromInline static let payload = 8
    }

    /// The header and the inner frame.
    public let bytes: UnsafeMutableRawBufferPointer

    /// A view without any check; the caller guarantees at least 8 bytes.
    @inlinable public init(unchecked bytes: UnsafeMutableRawBufferPointer) {
        self.bytes = bytes
    }

    /// A view of `bytes`, which must hold the 8-byte header.
    @inlinable @inline(__always) public init(_ bytes: UnsafeMutableRawBufferPointer) throws(WireError) {
        self.bytes = bytes
        try checkLength()
    }

    /// Throws unless the buffer holds the 8-byte header.
    @inlinable public func checkLength() throws(WireError) {
        if bytes.count < VXLANHeader.minimumLength {
            throw .truncated(layer: .vxlan, needed: VXLANHeader.minimumLength, available: bytes.count)
        }
    }

    /// The flags byte; 0x08 is the I (valid VNI) flag.
    @inlinable public var flags: UInt8 {
        get { bytes.wireUInt8(at: Field.flags) }
        nonmutating set { bytes.setWireUInt8(newValue, at: Field.flags) }
    }

    /// The 24 reserved bits after the flags.
    @inlinable public var reserved1: UInt32 {
        get { bytes.wireUInt32(at: Field.flags) & 0x00FF_FFFF }
        nonmutating set {
            bytes.setWireUInt32(UInt32(flags) << 24 | (newValue & 0x00FF_FFFF), at: Field.flags)
        }
    }

    /// The 24-bit VXLAN Network Identifier.
    @inlinable public var vni: UInt32 {
        get { bytes.wireUInt32(at: Field.vni) >> 8 }
        nonmutating set { bytes.setWireUInt32(newValue << 8 | UInt32(reserved2), at: Field.vni) }
    }

    /// The 8 reserved bits after the VNI.
    @inlinable public var reserved2: UInt8 {
        get { bytes.wireUInt8(at: Field.reserved2) }
        nonmutating set { bytes.setWireUInt8(newValue, at: Field.reserved2) }
    }

    /// The inner Ethernet frame.
    @inlinable @inline(__always) public var payload: UnsafeMutableRawBufferPointer { bytes.wireSlice(from: Field.payload) }
}

/// A VXLAN header as a value: only the VNI carries information.
public struct VXLANHeader: Hashable, Sendable {
    /// The VXLAN Network Identifier, 0 ..< 2^24.
    public var vni: UInt32

    /// The IANA-assigned destination port (RFC 7348 section 5), which Docker uses.
    public static let udpPort: UInt16 = 4789
    /// The 8-byte header.
    public static let minimumLength = 8
    /// The I flag.
    public static let validVNIFlag: UInt8 = 0x08

    /// - Precondition: `vni < 2^24`.
    @inlinable public init(vni: UInt32) {
        precondition(vni < 1 << 24, "VXLAN VNI \(vni) does not fit in 24 bits")
        self.vni = vni
    }

    /// Always 8.
    @inlinable @inline(__always) public var headerLength: Int { VXLANHeader.minimumLength }

    /// Reads a header; the I flag must be set (Linux `vxlan_rcv` drops the packet otherwise).
    /// Reserved bits are ignored, as RFC 7348 asks.
    @inlinable @inline(__always) public static func parse(_ packet: VXLANPacket) throws(WireError) -> VXLANHeader {
        try packet.checkLength()
        if packet.flags & validVNIFlag == 0 {
            throw .invalidField(layer: .vxlan, field: "flags", value: Int(packet.flags))
        }
        return VXLANHeader(vni: packet.vni)
    }

    /// Writes flags 0x08, the VNI and zero reserved fields.
    @inlinable @inline(__always) public func emit(into packet: VXLANPacket) {
        precondition(vni < 1 << 24, "VXLAN VNI \(vni) does not fit in 24 bits")
        precondition(packet.bytes.count >= headerLength, "VXLAN buffer too short for the header")
        packet.bytes.setWireUInt32(UInt32(VXLANHeader.validVNIFlag) << 24, at: VXLANPacket.Field.flags)
        packet.bytes.setWireUInt32(vni << 8, at: VXLANPacket.Field.vni)
    }

    /// Writes the header at the start of `bytes`.
    @inlinable @inline(__always) public func emit(into bytes: UnsafeMutableRawBufferPointer) {
        emit(into: VXLANPacket(unchecked: bytes))
    }
}
