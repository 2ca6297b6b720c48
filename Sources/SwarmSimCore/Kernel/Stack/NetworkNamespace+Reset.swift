/// The TCP reset the kernel sends without a socket (`nf_send_reset` for `-j REJECT --reject-with
/// tcp-reset`, and `tcp_v4_send_reset` for a segment to a closed port).
extension NetworkNamespace {
    /// Answers the TCP segment in `packet` (bytes at its IP header) with a RST: if the segment
    /// carried an ACK, the RST's sequence number is that ACK; otherwise it is 0 with ACK set
    /// and acknowledges everything the segment occupied (SYN and FIN count one). Never answers a RST.
    public func sendTCPReset(answering packet: PacketBuffer) {
        guard let ip = try? IPv4Packet(packet.bytes), ip.protocol == .tcp, ip.fragmentOffset == 0,
            let tcp = try? TCPSegment(ip.payload)
        else { return }
        let flags = tcp.flags
        guard !flags.contains(.rst), !ip.destination.isBroadcast, !ip.destination.isMulticast else { return }
        var sequence: UInt32 = 0
        var acknowledgment: UInt32 = 0
        var replyFlags: TCPFlags = [.rst]
        if flags.contains(.ack) {
            sequence = tcp.acknowledgmentNumber
        } else {
            let occupied = UInt32(tcp.payload.count) + (flags.contains(.syn) ? 1 : 0) + (flags.contains(.fin) ? 1 : 0)
            acknowledgment = tcp.sequenceNumber &+ occupied
            replyFlags.insert(.ack)
        }
        let reset = PacketBuffer.make(length: TCPHeader.minimumLength)
        TCPHeader(sourcePort: tcp.destinationPort, destinationPort: tcp.sourcePort, sequenceNumber: sequence,
            acknowledgmentNumber: acknowledgment, flags: replyFlags, window: 0)
            .emit(into: reset.bytes, source: ip.destination, destination: ip.source)
        try? sendIPv4(reset, from: ip.destination, to: ip.source, protocol: .tcp, dontFragment: true, identification: 0)
    }
}
