/// The fields of a packet that rule matches read, decoded once per table traversal
/// (the kernel's `xt_action_param`: offsets, fragment offset, in/out devices).
struct PacketFields {
    let source: IPv4Address
    let destination: IPv4Address
    let proto: IPProtocol
    /// True for a non-first fragment: port and type matches never match it (`par->fragoff`).
    let laterFragment: Bool
    let sourcePort: UInt16?
    let destinationPort: UInt16?
    let tcpFlags: TCPFlags?
    let icmpType: UInt8?
    let icmpCode: UInt8?
    let length: Int
    let inName: String
    let outName: String

    init?(_ packet: PacketBuffer, inDevice: NetDevice?, outDevice: NetDevice?) {
        guard let ip = try? IPv4Packet(packet.bytes) else { return nil }
        source = ip.source
        destination = ip.destination
        proto = ip.protocol
        laterFragment = ip.fragmentOffset != 0
        length = Int(ip.totalLength)
        inName = inDevice?.name ?? ""
        outName = outDevice?.name ?? ""
        let l4 = ip.payload
        var sport: UInt16?
        var dport: UInt16?
        var flags: TCPFlags?
        var type: UInt8?
        var code: UInt8?
        if !laterFragment {
            switch ip.protocol {
            case .tcp where l4.count >= 14:
                sport = l4.wireUInt16(at: 0)
                dport = l4.wireUInt16(at: 2)
                flags = TCPFlags(rawValue: l4[13])
            case .udp where l4.count >= 4:
                sport = l4.wireUInt16(at: 0)
                dport = l4.wireUInt16(at: 2)
            case .icmp where l4.count >= 2:
                type = l4[0]
                code = l4[1]
            default: break
            }
        }
        sourcePort = sport
        destinationPort = dport
        tcpFlags = flags
        icmpType = type
        icmpCode = code
    }
}
