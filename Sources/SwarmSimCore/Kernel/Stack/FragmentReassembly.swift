/// IPv4 reassembly (`net/ipv4/ip_fragment.c`): fragments are collected per
/// (source, destination, protocol, identification) until the whole datagram is there; an
/// incomplete one is dropped after `ipfrag_time` (30 s), with ICMP time exceeded (code 1) when
/// the first fragment had arrived (RFC 1122 3.3.2).
struct FragmentReassembly {
    struct Key: Hashable {
        let source: UInt32
        let destination: UInt32
        let proto: UInt8
        let identification: UInt16
    }

    struct Pending {
        var pieces: [(offset: Int, bytes: [UInt8])] = []
        var totalLength: Int?
        var firstHeader: [UInt8]?
        let deadline: SimTime
        var firstPacket: PacketBuffer?
    }

    static let timeout = SimDuration.seconds(30)
    var pending: [Key: Pending] = [:]
    var order: [Key] = []
}

extension NetworkNamespace {
    /// Adds a fragment; returns the reassembled packet when it completes a datagram.
    func reassemble(_ packet: PacketBuffer) -> PacketBuffer? {
        let ip = IPv4Packet(unchecked: packet.bytes)
        let key = FragmentReassembly.Key(
            source: ip.source.value, destination: ip.destination.value, proto: ip.protocol.rawValue,
            identification: ip.identification)
        var entry = reassembly.pending[key] ?? {
            let deadline = world.now + FragmentReassembly.timeout
            reassembly.order.append(key)
            world.simulation.schedule(Event(target: targetID, kind: EventKind.reassemblyTimeout), at: deadline)
            return FragmentReassembly.Pending(deadline: deadline)
        }()
        let offset = Int(ip.fragmentOffset) * 8
        let payload = Array(UnsafeRawBufferPointer(ip.payload))
        if offset == 0 {
            entry.firstHeader = Array(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(packet.bytes)[0..<ip.headerLength]))
            entry.firstPacket = packet
        }
        if !ip.moreFragments { entry.totalLength = offset + payload.count }
        entry.pieces.append((offset, payload))
        guard let total = entry.totalLength, let header = entry.firstHeader else {
            reassembly.pending[key] = entry
            return nil
        }
        var covered = [Bool](repeating: false, count: total)
        var data = [UInt8](repeating: 0, count: total)
        for piece in entry.pieces where piece.offset + piece.bytes.count <= total {
            for (i, byte) in piece.bytes.enumerated() {
                data[piece.offset + i] = byte
                covered[piece.offset + i] = true
            }
        }
        guard !covered.contains(false) else {
            reassembly.pending[key] = entry
            return nil
        }
        reassembly.pending[key] = nil
        reassembly.order.removeAll { $0 == key }
        let whole = PacketBuffer.make(header + data)
        let wholeIP = IPv4Packet(unchecked: whole.bytes)
        wholeIP.totalLength = UInt16(clamping: header.count + total)
        wholeIP.bytes.setWireUInt16(wholeIP.bytes.wireUInt16(at: 6) & 0x4000, at: 6)  // clear MF and offset, keep DF
        wholeIP.fillChecksum()
        whole.mark = packet.mark
        whole.inputInterface = packet.inputInterface
        counters.reassembled += 1
        return whole
    }

    /// Drops datagrams whose reassembly time is up.
    func expireFragments() {
        let now = world.now
        for key in reassembly.order {
            guard let entry = reassembly.pending[key], entry.deadline <= now else { continue }
            reassembly.pending[key] = nil
            reassembly.order.removeAll { $0 == key }
            world.countDrop("fragment reassembly timeout")
            if let first = entry.firstPacket { sendICMPError(about: first, .timeExceeded(code: 1)) }
        }
    }
}
