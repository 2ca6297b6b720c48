/// `nf_defrag_ipv4`: conntrack needs whole datagrams, so fragments are reassembled before it
/// (priority -400) and the packet goes on as one; output refragments it if it is too big.
final class DefragHook: NetfilterHookFunction {
    unowned let netfilter: Netfilter
    init(netfilter: Netfilter) { self.netfilter = netfilter }

    func process(_ packet: PacketBuffer, state: HookState) -> NetfilterVerdict {
        guard IPv4Packet(unchecked: packet.bytes).isFragment else { return .accept }
        guard let whole = state.namespace.reassemble(packet) else { return .stolen }
        packet.replaceContents(with: UnsafeRawBufferPointer(whole.bytes))
        return .accept
    }
}

/// `nf_conntrack_in` (priority -200 at PREROUTING and OUTPUT): finds or creates the packet's
/// connection, advances its protocol state and attaches it with its `ctinfo`.
final class ConntrackHook: NetfilterHookFunction {
    unowned let netfilter: Netfilter
    init(netfilter: Netfilter) { self.netfilter = netfilter }

    func process(_ packet: PacketBuffer, state: HookState) -> NetfilterVerdict {
        if packet.conntrack != nil { return .accept }  // already tracked (looped back, re-injected)
        let table = netfilter.conntrack
        let now = state.namespace.world.now
        let bytes = packet.bytes
        let ip = IPv4Packet(unchecked: bytes)
        // ICMP errors belong to the connection of the packet they quote (RELATED).
        if ip.protocol == .icmp, let icmp = try? ICMPv4Packet(ip.payload), [3, 4, 5, 11, 12].contains(icmp.type) {
            guard let quoted = NATRewrite.quotedTuple(of: icmp.payload), let key = quoted.inverted(),
                let (entry, isReply) = table.find(key, now: now)
            else {
                table.countInvalid()
                return .accept
            }
            packet.conntrack = entry
            packet.conntrackInfo = isReply ? .relatedReply : .related
            return .accept
        }
        guard let tuple = NATRewrite.tuple(of: bytes) else {
            table.countInvalid()
            return .accept
        }
        var found = table.find(tuple, now: now)
        if let (entry, isReply) = found {
            let verdict = track(entry, isReply: isReply, ip: ip, now: now)
            switch verdict {
            case .invalid:
                table.countInvalid()
                return .accept
            case .reopen:
                table.remove(entry)
                found = nil
            case .accept, .ignore:
                packet.conntrack = entry
                if isReply {
                    packet.conntrackInfo = .establishedReply
                    entry.status.insert(.seenReply)
                } else {
                    packet.conntrackInfo = entry.status.contains(.seenReply) ? .established : .new
                }
                if entry.proto == .udp { table.trackUDP(entry, now: now) }
                if entry.proto == .icmp { entry.deadline = now + ConntrackTable.icmpTimeout }
                return .accept
            }
        }
        // A new connection, unconfirmed until its first packet leaves the last hook.
        if tuple.proto == .icmp && ConntrackTuple.icmpReplyType(UInt8(tuple.destinationPort >> 8)) == nil {
            table.countInvalid()
            return .accept
        }
        guard let entry = table.makeEntry(original: tuple, now: now) else {
            if tuple.inverted() == nil { table.countInvalid(); return .accept }
            return .drop(reason: "nf_conntrack: table full, dropping packet")
        }
        if tuple.proto == .tcp {
            guard let flags = tcpFlags(ip), let initial = table.tcpNewState(flags) else {
                table.countInvalid()
                return .accept
            }
            entry.tcpState = initial
        }
        packet.conntrack = entry
        packet.conntrackInfo = .new
        return .accept
    }

    private func track(_ entry: ConntrackEntry, isReply: Bool, ip: IPv4Packet, now: SimTime) -> ConntrackTable.TCPVerdict {
        guard entry.original.proto == .tcp else { return .accept }
        guard let flags = tcpFlags(ip) else { return .invalid }
        return netfilter.conntrack.trackTCP(entry, isReply: isReply, flags: flags, now: now)
    }

    private func tcpFlags(_ ip: IPv4Packet) -> TCPFlags? {
        let l4 = ip.payload
        return l4.count >= 14 ? TCPFlags(rawValue: l4[13]) : nil
    }
}

/// `nf_conntrack_confirm` (priority INT_MAX at POSTROUTING and INPUT): a new connection enters
/// the table when its first packet has passed every hook; its timeout starts then.
final class ConfirmHook: NetfilterHookFunction {
    unowned let netfilter: Netfilter
    init(netfilter: Netfilter) { self.netfilter = netfilter }

    func process(_ packet: PacketBuffer, state: HookState) -> NetfilterVerdict {
        guard let entry = packet.conntrack, !entry.status.contains(.confirmed) else { return .accept }
        let timeout: SimDuration
        switch entry.original.proto {
        case .tcp: timeout = entry.tcpState.timeout
        case .udp: timeout = ConntrackTable.udpTimeout
        case .icmp: timeout = ConntrackTable.icmpTimeout
        default: timeout = ConntrackTable.genericTimeout
        }
        guard netfilter.conntrack.confirm(entry, timeout: timeout, now: state.namespace.world.now) else {
            return .drop(reason: "nf_conntrack: confirm failed, tuple clash")
        }
        return .accept
    }
}

extension ConntrackEntry {
    var proto: IPProtocol { original.proto }
}
