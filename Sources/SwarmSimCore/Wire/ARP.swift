/// The Address Resolution Protocol for IPv4 over Ethernet
/// ([RFC 826](https://www.rfc-editor.org/rfc/rfc826)).
///
/// ```text
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |      Hardware type (1)        |     Protocol type (0x0800)    |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | HW addr len 6 | Proto len 4   |           Operation           |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                 Sender hardware address (SHA)                 |
/// +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                               | Sender protocol address (SPA) |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
/// |                               |                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
/// |                 Target hardware address (THA)                 |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                 Target protocol address (TPA)                 |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
///
/// Only the Ethernet/IPv4 form (28 bytes) is modelled, the only one on a Docker node: the view's
/// address accessors are at the fixed offsets of that form, and `ARPHeader.parse` rejects any
/// other hardware or protocol, as Linux `arp_rcv` drops it for an Ethernet device.

/// The ARP operation code (IANA "arp-parameters"); open, so RARP and InARP codes are values.
public struct ARPOperation: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// "who-has TPA? tell SPA".
    public static let request = ARPOperation(rawValue: 1)
    /// "SPA is-at SHA".
    public static let reply = ARPOperation(rawValue: 2)

    public var description: String {
        switch self {
        case .request: "request"
        case .reply: "reply"
        default: "op \(rawValue)"
        }
    }
}

/// A zero-copy view of an Ethernet/IPv4 ARP packet. `bytes` is the ARP packet (an Ethernet
/// payload, possibly with trailing padding, which is ignored).
public struct ARPPacket {
    @usableFromInline enum Field {
        @usableFromInline static let hardwareType = 0
        @usableFromInline static let protocolType = 2
        @usableFromInline static let hardwareLength = 4
        @usableFromInline static let protocolLength = 5
        @usableFromInline static let operation = 6
        @usableFromInline static let senderHardwareAddress = 8
        @usableFromInline static let senderProtocolAddress = 14
        @usableFromInline static let targetHardwareAddress = 18
        @usableFromInline static let targetProtocolAddress = 24
    }

    /// The packet and whatever follows it in the buffer.
    public let bytes: UnsafeMutableRawBufferPointer

    /// A view without any check; the caller guarantees at least 28 bytes.
    @inlinable public init(unchecked bytes: UnsafeMutableRawBufferPointer) {
        self.bytes = bytes
    }

    /// A view of `bytes`, which must hold the 28-byte Ethernet/IPv4 form.
    @inlinable public init(_ bytes: UnsafeMutableRawBufferPointer) throws(WireError) {
        self.bytes = bytes
        try checkLength()
    }

    /// Throws unless every accessor is within the buffer.
    @inlinable public func checkLength() throws(WireError) {
        if bytes.count < ARPHeader.minimumLength {
            throw .truncated(layer: .arp, needed: ARPHeader.minimumLength, available: bytes.count)
        }
    }

    @inlinable public var hardwareType: UInt16 {
        get { bytes.wireUInt16(at: Field.hardwareType) }
        nonmutating set { bytes.setWireUInt16(newValue, at: Field.hardwareType) }
    }

    @inlinable public var protocolType: EtherType {
        get { EtherType(rawValue: bytes.wireUInt16(at: Field.protocolType)) }
        nonmutating set { bytes.setWireUInt16(newValue.rawValue, at: Field.protocolType) }
    }

    @inlinable public var hardwareLength: UInt8 {
        get { bytes.wireUInt8(at: Field.hardwareLength) }
        nonmutating set { bytes.setWireUInt8(newValue, at: Field.hardwareLength) }
    }

    @inlinable public var protocolLength: UInt8 {
        get { bytes.wireUInt8(at: Field.protocolLength) }
        nonmutating set { bytes.setWireUInt8(newValue, at: Field.protocolLength) }
    }

    @inlinable public var operation: ARPOperation {
        get { ARPOperation(rawValue: bytes.wireUInt16(at: Field.operation)) }
        nonmutating set { bytes.setWireUInt16(newValue.rawValue, at: Field.operation) }
    }

    @inlinable public var senderHardwareAddress: MACAddress {
        get { MACAddress(reading: UnsafeRawBufferPointer(bytes), at: Field.senderHardwareAddress) }
        nonmutating set { newValue.write(to: bytes, at: Field.senderHardwareAddress) }
    }

    @inlinable public var senderProtocolAddress: IPv4Address {
        get { IPv4Address(value: bytes.wireUInt32(at: Field.senderProtocolAddress)) }
        nonmutating set { bytes.setWireUInt32(newValue.value, at: Field.senderProtocolAddress) }
    }

    @inlinable public var targetHardwareAddress: MACAddress {
        get { MACAddress(reading: UnsafeRawBufferPointer(bytes), at: Field.targetHardwareAddress) }
        nonmutating set { newValue.write(to: bytes, at: Field.targetHardwareAddress) }
    }

    @inlinable public var targetProtocolAddress: IPv4Address {
        get { IPv4Address(value: bytes.wireUInt32(at: Field.targetProtocolAddress)) }
        nonmutating set { bytes.setWireUInt32(newValue.value, at: Field.targetProtocolAddress) }
    }
}

/// An Ethernet/IPv4 ARP message as a value.
public struct ARPHeader: Hashable, Sendable {
    public var operation: ARPOperation
    public var senderMAC: MACAddress
    public var senderIP: IPv4Address
    public var targetMAC: MACAddress
    public var targetIP: IPv4Address

    /// The Ethernet/IPv4 form: 8 fixed bytes and 2 × (6 + 4) of addresses.
    public static let minimumLength = 28

    @inlinable public init(
        operation: ARPOperation, senderMAC: MACAddress, senderIP: IPv4Address,
        targetMAC: MACAddress, targetIP: IPv4Address
    ) {
        self.operation = operation
        self.senderMAC = senderMAC
        self.senderIP = senderIP
        self.targetMAC = targetMAC
        self.targetIP = targetIP
    }

    /// Always 28.
    @inlinable public var headerLength: Int { ARPHeader.minimumLength }

    /// A gratuitous ARP announces the sender's own address (RFC 5227 section 3): SPA == TPA.
    @inlinable public var isGratuitous: Bool { senderIP == targetIP }

    /// Reads and validates the packet: hardware type 1 (Ethernet), protocol 0x0800, address
    /// lengths 6 and 4. Unknown operations are values, not errors.
    @inlinable public static func parse(_ packet: ARPPacket) throws(WireError) -> ARPHeader {
        try packet.checkLength()
        if packet.hardwareType != 1 {
            throw .invalidField(layer: .arp, field: "hardware type", value: Int(packet.hardwareType))
        }
        if packet.protocolType != .ipv4 {
            throw .invalidField(layer: .arp, field: "protocol type", value: Int(packet.protocolType.rawValue))
        }
        if packet.hardwareLength != 6 {
            throw .invalidField(layer: .arp, field: "hardware address length", value: Int(packet.hardwareLength))
        }
        if packet.protocolLength != 4 {
            throw .invalidField(layer: .arp, field: "protocol address length", value: Int(packet.protocolLength))
        }
        return ARPHeader(
            operation: packet.operation,
            senderMAC: packet.senderHardwareAddress, senderIP: packet.senderProtocolAddress,
            targetMAC: packet.targetHardwareAddress, targetIP: packet.targetProtocolAddress
        )
    }

    /// Writes all 28 bytes.
    @inlinable public func emit(into packet: ARPPacket) {
        precondition(packet.bytes.count >= headerLength, "ARP buffer too short")
        packet.hardwareType = 1
        packet.protocolType = .ipv4
        packet.hardwareLength = 6
        packet.protocolLength = 4
        packet.operation = operation
        packet.senderHardwareAddress = senderMAC
        packet.senderProtocolAddress = senderIP
        packet.targetHardwareAddress = targetMAC
        packet.targetProtocolAddress = targetIP
    }

    /// Writes all 28 bytes at the start of `bytes`.
    @inlinable public func emit(into bytes: UnsafeMutableRawBufferPointer) {
        emit(into: ARPPacket(unchecked: bytes))
    }
}
