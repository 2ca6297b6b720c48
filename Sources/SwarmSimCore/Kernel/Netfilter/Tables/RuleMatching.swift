/// Rule matching (`ip_packet_match` for the fixed part, then each `-m` extension's `match`).
extension Netfilter {
    func matches(
        _ rule: IPTablesRule, fields: PacketFields, packet: PacketBuffer, table: CompiledTable, chain: Int, position: Int,
        state: HookState
    ) -> Bool {
        if let m = rule.source, m.prefix.contains(fields.source) == m.negated { return false }
        if let m = rule.destination, m.prefix.contains(fields.destination) == m.negated { return false }
        if let m = rule.inInterface, Netfilter.interfaceMatches(m.name, fields.inName) == m.negated { return false }
        if let m = rule.outInterface, Netfilter.interfaceMatches(m.name, fields.outName) == m.negated { return false }
        if let m = rule.protocolMatch, let proto = m.proto, (proto == fields.proto) == m.negated { return false }
        for module in rule.matches {
            guard matches(module, fields: fields, packet: packet, table: table, chain: chain, position: position, state: state) else {
                return false
            }
        }
        return true
    }

    /// `-i eth+`: a trailing `+` matches any name with that prefix; `+` alone matches any.
    static func interfaceMatches(_ pattern: String, _ name: String) -> Bool {
        if pattern.hasSuffix("+") { return name.hasPrefix(pattern.dropLast()) }
        return pattern == name
    }

    private func matches(
        _ module: MatchModule, fields: PacketFields, packet: PacketBuffer, table: CompiledTable, chain: Int, position: Int,
        state: HookState
    ) -> Bool {
        switch module {
        case .tcp(let sport, let dport, let flags):
            guard fields.proto == .tcp, !fields.laterFragment, let s = fields.sourcePort, let d = fields.destinationPort,
                let f = fields.tcpFlags
            else { return false }
            if let sport, sport.range.contains(s) == sport.negated { return false }
            if let dport, dport.range.contains(d) == dport.negated { return false }
            if let flags, (f.rawValue & flags.mask.rawValue == flags.comparison.rawValue) == flags.negated { return false }
            return true
        case .udp(let sport, let dport):
            guard fields.proto == .udp, !fields.laterFragment, let s = fields.sourcePort, let d = fields.destinationPort
            else { return false }
            if let sport, sport.range.contains(s) == sport.negated { return false }
            if let dport, dport.range.contains(d) == dport.negated { return false }
            return true
        case .icmp(let type, let code, let negated):
            guard fields.proto == .icmp, !fields.laterFragment, let t = fields.icmpType, let c = fields.icmpCode else {
                return false
            }
            // Type 255 is "any" (`icmp_type_code_match`).
            let hit = type == 255 || (t == type && (code == nil || c == code!))
            return hit != negated
        case .multiport(let direction, let ports, let negated):
            guard fields.proto == .tcp || fields.proto == .udp, !fields.laterFragment,
                let s = fields.sourcePort, let d = fields.destinationPort
            else { return false }
            let hit = ports.contains { range in
                switch direction {
                case .source: range.contains(s)
                case .destination: range.contains(d)
                case .either: range.contains(s) || range.contains(d)
                }
            }
            return hit != negated
        case .addrtype(let m):
            if let types = m.sourceTypes, types.contains(addressType(fields.source)) == m.sourceNegated { return false }
            if let types = m.destinationTypes, types.contains(addressType(fields.destination)) == m.destinationNegated {
                return false
            }
            return true
        case .conntrack(let states, let negated), .state(let states, let negated):
            return !states.isDisjoint(with: conntrackState(packet)) != negated
        case .mark(let value, let mask, let negated):
            return ((packet.mark & mask) == value) != negated
        case .ipvs(let m):
            if let wanted = m.ipvs, (packet.ipvsProperty == wanted) == m.ipvsNegated { return false }
            return true
        case .statistic(let statistic):
            switch statistic {
            case .random(let probability, let negated):
                // xt_statistic: (get_random_u32() & 0x7FFFFFFF) < 0x80000000 * p.
                let threshold = UInt32((probability * 2_147_483_648.0).rounded())
                let draw = UInt32(truncatingIfNeeded: statisticStream.next()) & 0x7FFF_FFFF
                return (draw < threshold) != negated
            case .nth(let every, _, let negated):
                let next = (table.chains[chain].rules[position].nthCounter + 1) % max(every, 1)
                table.chains[chain].rules[position].nthCounter = next
                return (next == 0) != negated
            }
        case .comment:
            return true
        }
    }

    /// The `RTN_*` type of an address in this namespace (`inet_addr_type`): LOCAL for its own
    /// addresses, BROADCAST for broadcast addresses, MULTICAST, else UNICAST.
    func addressType(_ address: IPv4Address) -> AddressTypes {
        if address.isBroadcast { return .broadcast }
        if address.isMulticast { return .multicast }
        if address.isUnspecified { return .unspec }
        if let route = namespace.localTable.lookup(address) {
            switch route.kind {
            case .local: return .local
            case .broadcast: return .broadcast
            default: break
            }
        }
        return .unicast
    }

    /// The `--ctstate` of a packet: its ctinfo, INVALID when conntrack found it invalid, plus
    /// the virtual SNAT/DNAT states when its connection is NATed (`conntrack_mt_v3`).
    func conntrackState(_ packet: PacketBuffer) -> ConntrackStates {
        guard let entry = packet.conntrack else { return .invalid }
        var states = packet.conntrackInfo.state
        if entry.status.contains(.srcNAT) { states.insert(.snat) }
        if entry.status.contains(.dstNAT) { states.insert(.dnat) }
        return states
    }
}
