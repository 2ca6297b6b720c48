/// The protocol numbers that name the next header: open sets, so that an unknown number is a
/// value to count and drop (or forward), never a parse error.
///
/// Modelled as `RawRepresentable` structs rather than enums (as swift-nio and smoltcp do), so
/// `EtherType(rawValue: 0x88cc)` (LLDP) is as valid as `.ipv4`.

/// The EtherType of an Ethernet II frame (IEEE 802.3 clause 3.2.6; IANA "ieee-802-numbers").
public struct EtherType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Internet Protocol version 4 (RFC 894).
    @inlinable public static var ipv4: EtherType { EtherType(rawValue: 0x0800) }
    /// Address Resolution Protocol (RFC 826).
    @inlinable public static var arp: EtherType { EtherType(rawValue: 0x0806) }
    /// Internet Protocol version 6 (RFC 2464).
    @inlinable public static var ipv6: EtherType { EtherType(rawValue: 0x86DD) }
    /// An IEEE 802.1Q VLAN tag follows; not modelled beyond being recognised.
    @inlinable public static var vlan: EtherType { EtherType(rawValue: 0x8100) }

    /// Names as Wireshark shows them; unknown values in hex, e.g. "0x88cc".
    public var description: String {
        switch self {
        case .ipv4: "IPv4"
        case .arp: "ARP"
        case .ipv6: "IPv6"
        case .vlan: "802.1Q"
        default: "0x" + wireHex(UInt64(rawValue), digits: 4)
        }
    }
}

/// The IPv4 Protocol field (RFC 791), the IANA "protocol-numbers" registry.
public struct IPProtocol: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8

    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Internet Control Message Protocol (RFC 792).
    @inlinable public static var icmp: IPProtocol { IPProtocol(rawValue: 1) }
    /// Transmission Control Protocol (RFC 9293).
    @inlinable public static var tcp: IPProtocol { IPProtocol(rawValue: 6) }
    /// User Datagram Protocol (RFC 768).
    @inlinable public static var udp: IPProtocol { IPProtocol(rawValue: 17) }
    /// Encapsulating Security Payload (RFC 4303); Docker's encrypted overlay uses it.
    @inlinable public static var esp: IPProtocol { IPProtocol(rawValue: 50) }
    /// Stream Control Transmission Protocol (RFC 9260); Docker publishes SCTP ports too.
    @inlinable public static var sctp: IPProtocol { IPProtocol(rawValue: 132) }

    /// Names as `iptables -p` and /etc/protocols spell them; unknown values as the number.
    public var description: String {
        switch self {
        case .icmp: "icmp"
        case .tcp: "tcp"
        case .udp: "udp"
        case .esp: "esp"
        case .sctp: "sctp"
        default: String(rawValue)
        }
    }
}

/// `value` in lowercase hex, zero-padded to `digits`.
func wireHex(_ value: UInt64, digits: Int) -> String {
    let text = String(value, radix: 16)
    return text.count >= digits ? text : String(repeating: "0", count: digits - text.count) + text
}
