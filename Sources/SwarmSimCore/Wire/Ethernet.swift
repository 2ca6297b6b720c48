/// Ethernet II framing (IEEE 802.3 clause 3, "DIX" type field; RFC 894 for IPv4 over it).
///
/// ```text
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                     Destination MAC address                   |
/// +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                               |                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
/// |                       Source MAC address                      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |           EtherType           |           Payload ...         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
///
/// As on a Linux device (and in a pcap), a frame here has no preamble and no FCS. The 60-byte
/// minimum is not enforced: veth and bridges pass short frames, and only a real NIC pads.
/// An 802.1Q tag is not modelled; such a frame parses with `etherType == .vlan` and the tag
/// as the first payload bytes.

/// A zero-copy view of an Ethernet II frame: one accessor per field, reading and writing the
/// bytes in place. `bytes` is the whole frame.
public struct EthernetFrame {
    @usableFromInline enum Field {
        @usableFromInline static let destination = 0
        @usableFromInline static let source = 6
        @usableFromInline static let etherType = 12
        @usableFromInline static let payload = 14
    }

    /// The whole frame.
    public let bytes: UnsafeMutableRawBufferPointer

    /// A view of `bytes` without any check; accessors trap (debug) or misbehave (release) if
    /// the buffer is shorter than 14 bytes. For emitting into a buffer the caller sized.
    @inlinable public init(unchecked bytes: UnsafeMutableRawBufferPointer) {
        self.bytes = bytes
    }

    /// A view of `bytes`, which must hold at least the 14-byte header.
    @inlinable @inline(__always) public init(_ bytes: UnsafeMutableRawBufferPointer) throws(WireError) {
        self.bytes = bytes
        try checkLength()
    }

    /// Throws unless every accessor is within the buffer.
    @inlinable public func checkLength() throws(WireError) {
        if bytes.count < EthernetHeader.minimumLength {
            throw .truncated(layer: .ethernet, needed: EthernetHeader.minimumLength, available: bytes.count)
        }
    }

    @inlinable public var destination: MACAddress {
        get { MACAddress(reading: UnsafeRawBufferPointer(bytes), at: Field.destination) }
        nonmutating set { newValue.write(to: bytes, at: Field.destination) }
    }

    @inlinable public var source: MACAddress {
        get { MACAddress(reading: UnsafeRawBufferPointer(bytes), at: Field.source) }
        nonmutating set { newValue.write(to: bytes, at: Field.source) }
    }

    @inlinable public var etherType: EtherType {
        get { EtherType(rawValue: bytes.wireUInt16(at: Field.etherType)) }
        nonmutating set { bytes.setWireUInt16(newValue.rawValue, at: Field.etherType) }
    }

    /// Everything after the header, to the end of the buffer.
    @inlinable @inline(__always) public var payload: UnsafeMutableRawBufferPointer { bytes.wireSlice(from: Field.payload) }
}

/// The Ethernet II header as a value.
public struct EthernetHeader: Hashable, Sendable {
    public var destination: MACAddress
    public var source: MACAddress
    public var etherType: EtherType

    /// 14 bytes: two addresses and the type.
    public static let minimumLength = 14

    @inlinable public init(destination: MACAddress, source: MACAddress, etherType: EtherType) {
        self.destination = destination
        self.source = source
        self.etherType = etherType
    }

    /// Always 14: no VLAN tag is emitted.
    @inlinable @inline(__always) public var headerLength: Int { EthernetHeader.minimumLength }

    /// Reads the header; every bit pattern is a valid Ethernet II header, so only a short
    /// buffer fails.
    @inlinable @inline(__always) public static func parse(_ frame: EthernetFrame) throws(WireError) -> EthernetHeader {
        try frame.checkLength()
        return EthernetHeader(destination: frame.destination, source: frame.source, etherType: frame.etherType)
    }

    /// Writes the header at the start of `frame`; the payload is left as it is.
    @inlinable @inline(__always) public func emit(into frame: EthernetFrame) {
        precondition(frame.bytes.count >= headerLength, "Ethernet buffer too short for the header")
        frame.destination = destination
        frame.source = source
        frame.etherType = etherType
    }

    /// Writes the header at the start of `bytes`.
    @inlinable @inline(__always) public func emit(into bytes: UnsafeMutableRawBufferPointer) {
        emit(into: EthernetFrame(unchecked: bytes))
    }
}
