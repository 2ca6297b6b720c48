/// One direction of a tracked connection (`struct nf_conntrack_tuple`): addresses, protocol and
/// the protocol's two "ports". For TCP and UDP they are the ports; for ICMP the source "port"
/// is the echo identifier and the destination "port" is `type << 8 | code`, as the kernel keys
/// ICMP by id, type and code.
public struct ConntrackTuple: PackedHashKey, Sendable, CustomStringConvertible {
    public var source: IPv4Address
    public var destination: IPv4Address
    public var proto: IPProtocol
    public var sourcePort: UInt16
    public var destinationPort: UInt16

    public init(source: IPv4Address, destination: IPv4Address, proto: IPProtocol, sourcePort: UInt16, destinationPort: UInt16) {
        self.source = source
        self.destination = destination
        self.proto = proto
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
    }

    public var packedWords: (UInt64, UInt64) {
        (UInt64(source.value) << 32 | UInt64(destination.value),
         UInt64(proto.rawValue) << 32 | UInt64(sourcePort) << 16 | UInt64(destinationPort))
    }

    /// The tuple of the other direction (`nf_ct_invert_tuple`); nil for an ICMP type that has no
    /// reply type (only queries are tracked as connections).
    public func inverted() -> ConntrackTuple? {
        if proto == .icmp {
            guard let replyType = ConntrackTuple.icmpReplyType(UInt8(destinationPort >> 8)) else { return nil }
            return ConntrackTuple(source: destination, destination: source, proto: proto, sourcePort: sourcePort,
                destinationPort: UInt16(replyType) << 8 | (destinationPort & 0xFF))
        }
        return ConntrackTuple(source: destination, destination: source, proto: proto, sourcePort: destinationPort,
            destinationPort: sourcePort)
    }

    /// `invmap` of `nf_conntrack_proto_icmp.c`: echo, timestamp, info and address-mask queries.
    static func icmpReplyType(_ type: UInt8) -> UInt8? {
        switch type {
        case 8: 0
        case 0: 8
        case 13: 14
        case 14: 13
        case 15: 16
        case 16: 15
        case 17: 18
        case 18: 17
        default: nil
        }
    }

    /// `conntrack -L` spelling: `src=A dst=B sport=P dport=Q` or `src=A dst=B type=8 code=0 id=N`.
    public var description: String {
        if proto == .icmp {
            return "src=\(source) dst=\(destination) type=\(destinationPort >> 8) code=\(destinationPort & 0xFF) id=\(sourcePort)"
        }
        if proto == .tcp || proto == .udp {
            return "src=\(source) dst=\(destination) sport=\(sourcePort) dport=\(destinationPort)"
        }
        return "src=\(source) dst=\(destination)"
    }
}

/// Where a packet stands relative to its connection (`enum ip_conntrack_info`).
public enum ConntrackInfo: Sendable, Equatable {
    case new
    case established
    case related
    case establishedReply
    case relatedReply

    /// Whether the packet travels in the reply direction.
    public var isReply: Bool { self == .establishedReply || self == .relatedReply }

    /// The `--ctstate` bit this maps to.
    var state: ConntrackStates {
        switch self {
        case .new: .new
        case .established, .establishedReply: .established
        case .related, .relatedReply: .related
        }
    }
}
