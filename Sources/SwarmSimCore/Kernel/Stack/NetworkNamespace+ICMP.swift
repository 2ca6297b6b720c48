/// ICMP (`net/ipv4/icmp.c`): answering echo requests, sending errors, and handing replies and
/// errors to the sockets they concern.
extension NetworkNamespace {
    /// The most of the offending packet an ICMP error quotes: the error must fit in 576 bytes
    /// (RFC 1812 4.3.2.3), so 576 - 20 - 8 = 548 bytes.
    static let icmpErrorQuoteLimit = 548

    func receiveICMP(_ packet: PacketBuffer) {
        let ip = IPv4Packet(unchecked: packet.bytes)
        guard let icmp = try? ICMPv4Packet(ip.payload), let message = try? ICMPv4Message.parse(icmp) else {
            world.countDrop("bad ICMP")
            return
        }
        switch message {
        case .echoRequest(let identifier, let sequence):
            guard !ip.destination.isBroadcast else { return }  // icmp_echo_ignore_broadcasts=1
            sendEchoReply(to: ip.source, from: ip.destination, identifier: identifier, sequence: sequence,
                data: UnsafeRawBufferPointer(icmp.payload), dscp: ip.dscp)
        case .echoReply(let identifier, let sequence):
            pingSockets[identifier]?.deliverReply(
                from: ip.source, sequence: sequence, ttl: ip.ttl, length: icmp.bytes.count,
                data: UnsafeRawBufferPointer(icmp.payload))
        case .destinationUnreachable, .timeExceeded:
            deliverICMPError(message, from: ip.source, quoted: icmp.payload)
        case .other:
            break
        }
    }

    private func sendEchoReply(
        to destination: IPv4Address, from source: IPv4Address, identifier: UInt16, sequence: UInt16,
        data: UnsafeRawBufferPointer, dscp: UInt8
    ) {
        let reply = PacketBuffer.make(length: ICMPv4Message.headerLength)
        reply.append(data)
        ICMPv4Message.echoReply(identifier: identifier, sequence: sequence).emit(into: reply.bytes)
        // The kernel's ICMP socket sends with IP_PMTUDISC_DONT: no DF on replies and errors.
        try? sendIPv4(reply, from: source, to: destination, protocol: .icmp, dscp: dscp, dontFragment: false)
    }

    /// `icmp_send`: an error about `packet` (bytes start at its IP header) back to its source.
    /// Never about an ICMP error, a non-first fragment, or a packet whose source or destination
    /// is broadcast, multicast or unspecified (RFC 1122 3.2.2).
    func sendICMPError(about packet: PacketBuffer, _ message: ICMPv4Message) {
        let ip = IPv4Packet(unchecked: packet.bytes)
        let source = ip.source
        guard !source.isUnspecified, !source.isBroadcast, !source.isMulticast,
            !ip.destination.isBroadcast, !ip.destination.isMulticast, ip.fragmentOffset == 0
        else { return }
        if ip.protocol == .icmp, let inner = try? ICMPv4Packet(ip.payload),
            [3, 4, 5, 11, 12].contains(inner.type)
        {
            return
        }
        // The reply's source: our address the packet was for, else the address routing picks
        // toward the original sender (icmp_errors_use_inbound_ifaddr 0).
        let from: IPv4Address
        if isLocalAddress(ip.destination) {
            from = ip.destination
        } else if let out = routeOutput(to: source) {
            from = out.source
        } else {
            return
        }
        let quoted = min(packet.length, NetworkNamespace.icmpErrorQuoteLimit)
        let error = PacketBuffer.make(length: ICMPv4Message.headerLength)
        error.append(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(packet.bytes)[0..<quoted]))
        message.emit(into: error.bytes)
        counters.icmpOutErrors += 1
        // TOS: the original's precedence bits cleared, IPTOS_PREC_INTERNETCONTROL (0xc0) set.
        try? sendIPv4(error, from: from, to: source, protocol: .icmp, dscp: 0x30 | (ip.dscp & 0x07), dontFragment: false)
    }

    /// Hands an ICMP error to the socket whose packet it quotes (`icmp_unreach` -> `err_handler`).
    private func deliverICMPError(_ message: ICMPv4Message, from reporter: IPv4Address, quoted: UnsafeMutableRawBufferPointer) {
        guard let inner = try? IPv4Packet(unchecked: quoted).headerLengthChecked(), quoted.count >= inner.headerLength + 8
        else { return }
        let l4 = quoted.wireSlice(from: inner.headerLength)
        let report = ICMPErrorReport(message: message, reporter: reporter, originalDestination: inner.destination)
        switch inner.protocol {
        case .udp:
            let sourcePort = l4.wireUInt16(at: 0)
            let destinationPort = l4.wireUInt16(at: 2)
            udpSocket(localAddress: inner.source, localPort: sourcePort)?
                .deliverError(report, remote: inner.destination, remotePort: destinationPort)
        case .icmp:
            if l4[0] == 8 {  // our echo request
                pingSockets[l4.wireUInt16(at: 4)]?.deliverError(report, sequence: l4.wireUInt16(at: 6))
            }
        default:
            if let handler = protocolHandlers[Int(inner.protocol.rawValue)] as? IPErrorHandler {
                handler.receiveError(report, quoted: UnsafeRawBufferPointer(quoted), in: self)
            }
        }
    }
}

/// An ICMP error as a socket learns of it.
public struct ICMPErrorReport: Equatable, Sendable {
    public var message: ICMPv4Message
    /// Who sent the error (a router on the way, or the destination).
    public var reporter: IPv4Address
    public var originalDestination: IPv4Address
}

/// A transport protocol that wants ICMP errors about its packets (TCP).
public protocol IPErrorHandler: IPProtocolHandler {
    func receiveError(_ report: ICMPErrorReport, quoted: UnsafeRawBufferPointer, in namespace: NetworkNamespace)
}

extension IPv4Packet {
    /// The packet if its IHL is sane for the bytes present (a quoted header may be truncated).
    func headerLengthChecked() throws(WireError) -> IPv4Packet {
        guard bytes.count >= IPv4Header.minimumLength, version == 4, headerLength >= 20, headerLength <= bytes.count else {
            throw .truncated(layer: .ipv4, needed: IPv4Header.minimumLength, available: bytes.count)
        }
        return self
    }
}
