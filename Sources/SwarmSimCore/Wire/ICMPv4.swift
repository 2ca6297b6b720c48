/// The Internet Control Message Protocol for IPv4
/// ([RFC 792](https://www.rfc-editor.org/rfc/rfc792); next-hop MTU from
/// [RFC 1191](https://www.rfc-editor.org/rfc/rfc1191)).
///
/// ```text
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Type      |     Code      |           Checksum            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                        Rest of header                         |
/// |  echo:        Identifier      |        Sequence Number        |
/// |  unreachable: unused (0)      |  Next-hop MTU (code 4 only)   |
/// |  time exceeded: unused (0)                                    |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Data: echo payload, or for errors the offending IP        |
/// |     header + its first 8 payload bytes                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
///
/// The checksum covers the whole ICMP message, header and data (no pseudo-header).

/// A zero-copy view of an ICMPv4 message. `bytes` must be exactly the message (the IPv4
/// payload), because the checksum covers all of it.
public struct ICMPv4Packet {
    @usableFromInline enum Field {
        @usableFromInline static let type = 0
        @usableFromInline static let code = 1
        @usableFromInline static let checksum = 2
        @usableFromInline static let rest = 4
        @usableFromInline static let identifier = 4
        @usableFromInline static let sequence = 6
        @usableFromInline static let payload = 8
    }

    /// The whole message.
    public let bytes: UnsafeMutableRawBufferPointer

    /// A view without any check; the caller guarantees at least 8 bytes.
    @inlinable public init(unchecked bytes: UnsafeMutableRawBufferPointer) {
        self.bytes = bytes
    }

    /// A view of `bytes`, which must hold the 8-byte header.
    @inlinable public init(_ bytes: UnsafeMutableRawBufferPointer) throws(WireError) {
        self.bytes = bytes
        try checkLength()
    }

    /// Throws unless the buffer holds the 8-byte header.
    @inlinable public func checkLength() throws(WireError) {
        if bytes.count < ICMPv4Message.headerLength {
            throw .truncated(layer: .icmpv4, needed: ICMPv4Message.headerLength, available: bytes.count)
        }
    }

    @inlinable public var type: UInt8 {
        get { bytes.wireUInt8(at: Field.type) }
        nonmutating set { bytes.setWireUInt8(newValue, at: Field.type) }
    }

    @inlinable public var code: UInt8 {
        get { bytes.wireUInt8(at: Field.code) }
        nonmutating set { bytes.setWireUInt8(newValue, at: Field.code) }
    }

    @inlinable public var checksum: UInt16 {
        get { bytes.wireUInt16(at: Field.checksum) }
        nonmutating set { bytes.setWireUInt16(newValue, at: Field.checksum) }
    }

    /// The second 32-bit word, whose meaning depends on the type.
    @inlinable public var restOfHeader: UInt32 {
        get { bytes.wireUInt32(at: Field.rest) }
        nonmutating set { bytes.setWireUInt32(newValue, at: Field.rest) }
    }

    /// Echo identifier (the high half of `restOfHeader`); Linux ping sockets key on it like a port.
    @inlinable public var identifier: UInt16 {
        get { bytes.wireUInt16(at: Field.identifier) }
        nonmutating set { bytes.setWireUInt16(newValue, at: Field.identifier) }
    }

    /// Echo sequence number (the low half of `restOfHeader`).
    @inlinable public var sequence: UInt16 {
        get { bytes.wireUInt16(at: Field.sequence) }
        nonmutating set { bytes.setWireUInt16(newValue, at: Field.sequence) }
    }

    /// Everything after the 8-byte header.
    @inlinable public var payload: UnsafeMutableRawBufferPointer { bytes.wireSlice(from: Field.payload) }

    /// Computes the checksum over the whole message and stores it. O(n).
    @inlinable public func fillChecksum() {
        checksum = 0
        checksum = InternetChecksum.checksum(UnsafeRawBufferPointer(bytes))
    }

    /// Whether the checksum over the whole message verifies. O(n).
    @inlinable public func verifyChecksum() -> Bool {
        InternetChecksum.checksum(UnsafeRawBufferPointer(bytes)) == 0
    }
}

/// The code of a Destination Unreachable message (RFC 792, RFC 1812 section 5.2.7.1); open.
public struct DestinationUnreachableCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8

    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let networkUnreachable = DestinationUnreachableCode(rawValue: 0)
    public static let hostUnreachable = DestinationUnreachableCode(rawValue: 1)
    public static let protocolUnreachable = DestinationUnreachableCode(rawValue: 2)
    /// What Linux sends for a closed UDP port, and iptables `REJECT` by default.
    public static let portUnreachable = DestinationUnreachableCode(rawValue: 3)
    /// "Fragmentation needed and DF set", carrying the next-hop MTU (path MTU discovery).
    public static let fragmentationNeeded = DestinationUnreachableCode(rawValue: 4)
    public static let sourceRouteFailed = DestinationUnreachableCode(rawValue: 5)
    /// iptables `REJECT --reject-with icmp-net-prohibited`.
    public static let networkProhibited = DestinationUnreachableCode(rawValue: 9)
    /// iptables `REJECT --reject-with icmp-host-prohibited`.
    public static let hostProhibited = DestinationUnreachableCode(rawValue: 10)
    /// iptables `REJECT --reject-with icmp-admin-prohibited` (RFC 1812).
    public static let communicationProhibited = DestinationUnreachableCode(rawValue: 13)

    /// Names as iptables `--reject-with` spells them, without the "icmp-" prefix.
    public var description: String {
        switch self {
        case .networkUnreachable: "net-unreachable"
        case .hostUnreachable: "host-unreachable"
        case .protocolUnreachable: "proto-unreachable"
        case .portUnreachable: "port-unreachable"
        case .fragmentationNeeded: "frag-needed"
        case .sourceRouteFailed: "source-route-failed"
        case .networkProhibited: "net-prohibited"
        case .hostProhibited: "host-prohibited"
        case .communicationProhibited: "admin-prohibited"
        default: "code \(rawValue)"
        }
    }
}

/// An ICMPv4 message header as a value: the messages the simulation sends and inspects, and
/// `.other` for the rest, so that any 8 bytes parse and re-emit unchanged.
///
/// For `.destinationUnreachable` and `.timeExceeded` the payload is the offending packet's IP
/// header and the first 8 bytes of its payload (RFC 792; Linux `icmp_send` includes more, up
/// to 576 bytes in all). Building it is the caller's job: `emit` only checksums it.
public enum ICMPv4Message: Hashable, Sendable {
    case echoRequest(identifier: UInt16, sequence: UInt16)
    case echoReply(identifier: UInt16, sequence: UInt16)
    /// `nextHopMTU` is meaningful for `.fragmentationNeeded` and zero otherwise.
    case destinationUnreachable(DestinationUnreachableCode, nextHopMTU: UInt16)
    /// Code 0: TTL exceeded in transit; code 1: fragment reassembly time exceeded.
    case timeExceeded(code: UInt8)
    /// Any other message, or a known type whose code or unused bits are not the standard ones.
    case other(type: UInt8, code: UInt8, rest: UInt32)

    @usableFromInline enum MessageType {
        @usableFromInline static let echoReply: UInt8 = 0
        @usableFromInline static let destinationUnreachable: UInt8 = 3
        @usableFromInline static let echoRequest: UInt8 = 8
        @usableFromInline static let timeExceeded: UInt8 = 11
    }

    /// Type, code, checksum and the rest-of-header word.
    public static let headerLength = 8
    /// The same as `headerLength`: every ICMPv4 message has an 8-byte header.
    public static let minimumLength = 8

    /// Always 8.
    @inlinable public var headerLength: Int { ICMPv4Message.headerLength }

    /// The type field.
    @inlinable public var type: UInt8 {
        switch self {
        case .echoRequest: MessageType.echoRequest
        case .echoReply: MessageType.echoReply
        case .destinationUnreachable: MessageType.destinationUnreachable
        case .timeExceeded: MessageType.timeExceeded
        case .other(let type, _, _): type
        }
    }

    /// The code field.
    @inlinable public var code: UInt8 {
        switch self {
        case .echoRequest, .echoReply: 0
        case .destinationUnreachable(let code, _): code.rawValue
        case .timeExceeded(let code): code
        case .other(_, let code, _): code
        }
    }

    /// The rest-of-header word.
    @inlinable public var restOfHeader: UInt32 {
        switch self {
        case .echoRequest(let identifier, let sequence), .echoReply(let identifier, let sequence):
            UInt32(identifier) << 16 | UInt32(sequence)
        case .destinationUnreachable(_, let mtu): UInt32(mtu)
        case .timeExceeded: 0
        case .other(_, _, let rest): rest
        }
    }

    /// Whether this is an error message, whose payload quotes an offending packet (RFC 1122
    /// section 3.2.2): one that NAT must translate the quoted header of, and that must never
    /// be sent in response to another error.
    @inlinable public var isError: Bool {
        switch type {
        case MessageType.destinationUnreachable, MessageType.timeExceeded, 4, 5, 12: true
        default: false
        }
    }

    /// Reads the header and, unless `verifyChecksum` is false, verifies the checksum over the
    /// whole message. Unknown types are `.other`, not errors.
    @inlinable public static func parse(_ packet: ICMPv4Packet, verifyChecksum: Bool = true) throws(WireError) -> ICMPv4Message {
        try packet.checkLength()
        if verifyChecksum && !packet.verifyChecksum() { throw .badChecksum(layer: .icmpv4) }
        let type = packet.type
        let code = packet.code
        let rest = packet.restOfHeader
        switch type {
        case MessageType.echoRequest where code == 0:
            return .echoRequest(identifier: packet.identifier, sequence: packet.sequence)
        case MessageType.echoReply where code == 0:
            return .echoReply(identifier: packet.identifier, sequence: packet.sequence)
        case MessageType.destinationUnreachable where rest >> 16 == 0:
            return .destinationUnreachable(DestinationUnreachableCode(rawValue: code), nextHopMTU: UInt16(rest))
        case MessageType.timeExceeded where rest == 0:
            return .timeExceeded(code: code)
        default:
            return .other(type: type, code: code, rest: rest)
        }
    }

    /// Writes the header and the checksum over the whole of `packet.bytes`: the payload must
    /// already be in place, and `packet.bytes` must end where the message ends.
    @inlinable public func emit(into packet: ICMPv4Packet) {
        precondition(packet.bytes.count >= headerLength, "ICMPv4 buffer too short for the header")
        packet.type = type
        packet.code = code
        packet.restOfHeader = restOfHeader
        packet.fillChecksum()
    }

    /// Writes the header and checksum into `bytes`, the whole message; see `emit(into:)`.
    @inlinable public func emit(into bytes: UnsafeMutableRawBufferPointer) {
        emit(into: ICMPv4Packet(unchecked: bytes))
    }
}
