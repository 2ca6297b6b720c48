/// The protocol layer a `WireError` was found in, named as Wireshark and the kernel name them.
public enum WireLayer: String, Sendable, Hashable, CustomStringConvertible {
    case ethernet, arp, ipv4, icmpv4, udp, tcp, vxlan, dns

    public var description: String {
        switch self {
        case .ethernet: "Ethernet"
        case .arp: "ARP"
        case .ipv4: "IPv4"
        case .icmpv4: "ICMPv4"
        case .udp: "UDP"
        case .tcp: "TCP"
        case .vxlan: "VXLAN"
        case .dns: "DNS"
        }
    }
}

/// Why some bytes are not a valid packet of a protocol.
///
/// Every parser in `Wire` throws this one concrete type (typed throws), so a failed parse on the
/// packet path costs no existential box and no allocation: the `field` names are string
/// literals. Bad bytes are a property of the input, never a programmer error, so parsers throw
/// instead of trapping; the kernel model turns the error into a drop with a counter, as Linux
/// does (`InHdrErrors`, `InCsumErrors`, ...).
public enum WireError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The buffer ends before the protocol says it should: `needed` bytes, only `available`.
    case truncated(layer: WireLayer, needed: Int, available: Int)
    /// A field holds a value the protocol (or the part of it modelled here) does not allow.
    case invalidField(layer: WireLayer, field: String, value: Int)
    /// The checksum over the bytes does not verify.
    case badChecksum(layer: WireLayer)

    /// The layer the error was found in.
    public var layer: WireLayer {
        switch self {
        case .truncated(let layer, _, _), .invalidField(let layer, _, _), .badChecksum(let layer): layer
        }
    }

    public var description: String {
        switch self {
        case .truncated(let layer, let needed, let available):
            "\(layer) truncated: needed \(needed) bytes, only \(available) available"
        case .invalidField(let layer, let field, let value):
            "\(layer) has an invalid \(field): \(value)"
        case .badChecksum(let layer):
            "\(layer) checksum does not verify"
        }
    }
}
