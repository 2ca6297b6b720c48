/// Rewriting a packet in place for NAT (`nf_nat_ipv4_manip_pkt` and the per-protocol
/// `*_manip_pkt`), with every checksum updated incrementally (RFC 1624) as the kernel does.
enum NATRewrite {
    /// Sets the source (or destination) address and port of the IPv4 packet at the start of
    /// `bytes` to those of `tuple` (its source side for `.source`, destination side for
    /// `.destination`). For ICMP queries the identifier is the source side's "port".
    /// `bytes` may be a packet quoted inside an ICMP error, whose transport header can be cut
    /// short: then only the fields present are changed, as `tcp_manip_pkt` does.
    static func apply(_ bytes: UnsafeMutableRawBufferPointer, tuple: ConntrackTuple, kind: NATManipulation) {
        guard bytes.count >= IPv4Header.minimumLength else { return }
        let ip = IPv4Packet(unchecked: bytes)
        let headerLength = ip.headerLength
        guard headerLength >= 20, headerLength <= bytes.count else { return }
        let oldAddress = kind == .source ? ip.source : ip.destination
        let newAddress = kind == .source ? tuple.source : tuple.destination
        let l4 = bytes.wireSlice(from: headerLength)
        let firstFragment = ip.fragmentOffset == 0
        if firstFragment {
            switch ip.protocol {
            case .tcp where l4.count >= 4:
                rewritePort(l4, kind: kind, newPort: kind == .source ? tuple.sourcePort : tuple.destinationPort,
                    checksumOffset: l4.count >= 18 ? 16 : nil, oldAddress: oldAddress, newAddress: newAddress, udp: false)
            case .udp where l4.count >= 4:
                rewritePort(l4, kind: kind, newPort: kind == .source ? tuple.sourcePort : tuple.destinationPort,
                    checksumOffset: l4.count >= 8 ? 6 : nil, oldAddress: oldAddress, newAddress: newAddress, udp: true)
            case .icmp where l4.count >= 8 && kind == .source:
                let type = l4[0]
                if type == 0 || type == 8 || type == 13 || type == 14 || type == 15 || type == 16 || type == 17 || type == 18 {
                    let oldID = l4.wireUInt16(at: 4)
                    l4.setWireUInt16(tuple.sourcePort, at: 4)
                    l4.setWireUInt16(InternetChecksum.update(l4.wireUInt16(at: 2), oldValue: oldID, newValue: tuple.sourcePort), at: 2)
                }
            default: break
            }
        }
        if kind == .source { ip.source = newAddress } else { ip.destination = newAddress }
        ip.headerChecksum = InternetChecksum.update(ip.headerChecksum, oldAddress: oldAddress, newAddress: newAddress)
    }

    private static func rewritePort(
        _ l4: UnsafeMutableRawBufferPointer, kind: NATManipulation, newPort: UInt16, checksumOffset: Int?,
        oldAddress: IPv4Address, newAddress: IPv4Address, udp: Bool
    ) {
        let portOffset = kind == .source ? 0 : 2
        let oldPort = l4.wireUInt16(at: portOffset)
        l4.setWireUInt16(newPort, at: portOffset)
        guard let offset = checksumOffset else { return }
        var checksum = l4.wireUInt16(at: offset)
        if udp {
            checksum = InternetChecksum.updateUDP(checksum, oldAddress: oldAddress, newAddress: newAddress)
            checksum = InternetChecksum.updateUDP(checksum, oldValue: oldPort, newValue: newPort)
        } else {
            checksum = InternetChecksum.update(checksum, oldAddress: oldAddress, newAddress: newAddress)
            checksum = InternetChecksum.update(checksum, oldValue: oldPort, newValue: newPort)
        }
        l4.setWireUInt16(checksum, at: offset)
    }

    /// The tuple of a packet as conntrack keys it (`nf_ct_get_tuple`), or nil when the protocol
    /// cannot be tracked or the header is short.
    static func tuple(of bytes: UnsafeMutableRawBufferPointer) -> ConntrackTuple? {
        guard let ip = try? IPv4Packet(bytes) else { return nil }
        let l4 = ip.payload
        switch ip.protocol {
        case .tcp, .udp:
            guard l4.count >= 4 else { return nil }
            return ConntrackTuple(source: ip.source, destination: ip.destination, proto: ip.protocol,
                sourcePort: l4.wireUInt16(at: 0), destinationPort: l4.wireUInt16(at: 2))
        case .icmp:
            guard l4.count >= 8 else { return nil }
            return ConntrackTuple(source: ip.source, destination: ip.destination, proto: .icmp,
                sourcePort: l4.wireUInt16(at: 4), destinationPort: UInt16(l4[0]) << 8 | UInt16(l4[1]))
        default:
            return ConntrackTuple(source: ip.source, destination: ip.destination, proto: ip.protocol, sourcePort: 0,
                destinationPort: 0)
        }
    }

    /// The tuple of the packet quoted in an ICMP error (its own direction, as it was sent).
    static func quotedTuple(of bytes: UnsafeMutableRawBufferPointer) -> ConntrackTuple? {
        guard bytes.count >= IPv4Header.minimumLength else { return nil }
        let ip = IPv4Packet(unchecked: bytes)
        guard ip.version == 4, ip.headerLength >= 20, bytes.count >= ip.headerLength + 8 else { return nil }
        let l4 = bytes.wireSlice(from: ip.headerLength)
        switch ip.protocol {
        case .tcp, .udp:
            return ConntrackTuple(source: ip.source, destination: ip.destination, proto: ip.protocol,
                sourcePort: l4.wireUInt16(at: 0), destinationPort: l4.wireUInt16(at: 2))
        case .icmp:
            return ConntrackTuple(source: ip.source, destination: ip.destination, proto: .icmp,
                sourcePort: l4.wireUInt16(at: 4), destinationPort: UInt16(l4[0]) << 8 | UInt16(l4[1]))
        default:
            return nil
        }
    }
}
