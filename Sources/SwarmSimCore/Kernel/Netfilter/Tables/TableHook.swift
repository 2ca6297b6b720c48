/// A table's hook function (`ipt_do_table` for raw, mangle and filter): traverses the
/// table's built-in chain for the hook.
final class TableHook: NetfilterHookFunction {
    unowned let netfilter: Netfilter
    let table: IPTablesTableName

    init(netfilter: Netfilter, table: IPTablesTableName) {
        self.netfilter = netfilter
        self.table = table
    }

    func process(_ packet: PacketBuffer, state: HookState) -> NetfilterVerdict {
        guard let compiled = netfilter.compiled[table] else { return .accept }
        switch netfilter.traverse(compiled, hook: state.hook, packet: packet, state: state) {
        case .accept: return .accept
        case .drop(let reason): return .drop(reason: reason)
        case .nat: return .accept  // only the nat table has NAT targets (checked at load)
        }
    }
}

/// What traversing a table decided.
enum TraversalOutcome {
    case accept
    case drop(reason: String)
    /// A NAT target of the nat table, with the rule that chose it (for the packet comment).
    case nat(RuleTarget, rule: String)
}

extension Netfilter {
    /// `ipt_do_table`: walks the built-in chain of `hook`, following jumps (with a return stack)
    /// and gotos, counting every matching rule, until a terminal verdict or the chain policy.
    func traverse(_ table: CompiledTable, hook: NetfilterHook, packet: PacketBuffer, state: HookState) -> TraversalOutcome {
        guard let start = table.index[hook.description] else { return .accept }
        guard let fields = PacketFields(packet, inDevice: state.inDevice, outDevice: state.outDevice) else {
            return .accept
        }
        var chain = start
        var position = 0
        var stack: [(chain: Int, position: Int)] = []
        while true {
            if position >= table.chains[chain].rules.count {
                // End of a chain: back to the caller, or the built-in chain's policy.
                if let caller = stack.popLast() {
                    (chain, position) = (caller.chain, caller.position + 1)
                    continue
                }
                return policy(table, chain: start, packet: packet, fields: fields, hook: hook)
            }
            let rule = table.chains[chain].rules[position].rule
            guard matches(rule, fields: fields, packet: packet, table: table, chain: chain, position: position, state: state) else {
                position += 1
                continue
            }
            table.chains[chain].rules[position].packets += 1
            table.chains[chain].rules[position].bytes += UInt64(fields.length)
            guard let target = rule.target else {
                position += 1
                continue
            }
            switch target {
            case .accept:
                return .accept
            case .drop:
                return .drop(reason: describe(table, chain: chain, position: position, hook: hook))
            case .return:
                if let caller = stack.popLast() {
                    (chain, position) = (caller.chain, caller.position + 1)
                } else {
                    return policy(table, chain: start, packet: packet, fields: fields, hook: hook)
                }
            case .jump:
                guard stack.count < 32, let next = table.chains[chain].rules[position].targetChain else {
                    return .drop(reason: "iptables: jump stack exhausted in \(table.name.rawValue)")
                }
                stack.append((chain, position))
                (chain, position) = (next, 0)
            case .goto:
                guard let next = table.chains[chain].rules[position].targetChain else { return .accept }
                (chain, position) = (next, 0)
            case .mark(let value, let mask):
                packet.mark = (packet.mark & ~mask) ^ value
                position += 1
            case .log(let prefix, _):
                appendLog(logLine(prefix: prefix ?? "", packet: packet, fields: fields, state: state))
                position += 1
            case .trace:
                packet.nfTrace = true
                position += 1
            case .reject(let type):
                reject(packet, with: type, fields: fields, state: state)
                return .drop(reason: describe(table, chain: chain, position: position, hook: hook) + " (REJECT \(type.rawValue))")
            case .dnat, .snat, .masquerade, .redirect:
                return .nat(target, rule: describe(table, chain: chain, position: position, hook: hook))
            }
        }
    }

    private func policy(_ table: CompiledTable, chain: Int, packet: PacketBuffer, fields: PacketFields, hook: NetfilterHook) -> TraversalOutcome {
        table.chains[chain].policyPackets += 1
        table.chains[chain].policyBytes += UInt64(fields.length)
        if table.chains[chain].policy == .drop {
            return .drop(reason: "\(table.name.rawValue) \(table.chains[chain].name) policy DROP")
        }
        return .accept
    }

    /// `table CHAIN rule N: -A ...`, naming the rule that decided, for drops and comments.
    func describe(_ table: CompiledTable, chain: Int, position: Int, hook: NetfilterHook) -> String {
        let name = table.chains[chain].name
        return "\(table.name.rawValue) \(name) rule \(position + 1)"
    }

    /// `-j REJECT`: the ICMP error or TCP RST Linux sends (`nf_send_unreach`, `nf_send_reset`).
    private func reject(_ packet: PacketBuffer, with type: RejectType, fields: PacketFields, state: HookState) {
        let code: DestinationUnreachableCode
        switch type {
        case .icmpNetUnreachable: code = .networkUnreachable
        case .icmpHostUnreachable: code = .hostUnreachable
        case .icmpPortUnreachable: code = .portUnreachable
        case .icmpProtoUnreachable: code = .protocolUnreachable
        case .icmpNetProhibited: code = .networkProhibited
        case .icmpHostProhibited: code = .hostProhibited
        case .icmpAdminProhibited: code = .communicationProhibited
        case .tcpReset:
            state.namespace.sendTCPReset(answering: packet)
            return
        }
        state.namespace.sendICMPError(about: packet, .destinationUnreachable(code, nextHopMTU: 0))
    }

    /// A `-j LOG` line as the kernel writes it (`nf_log_ip_packet`), without the timestamp.
    private func logLine(prefix: String, packet: PacketBuffer, fields: PacketFields, state: HookState) -> String {
        let ip = IPv4Packet(unchecked: packet.bytes)
        var line = "\(prefix)IN=\(fields.inName) OUT=\(fields.outName) SRC=\(fields.source) DST=\(fields.destination) "
        line += "LEN=\(fields.length) TTL=\(ip.ttl) ID=\(ip.identification) "
        if ip.dontFragment { line += "DF " }
        switch fields.proto {
        case .tcp: line += "PROTO=TCP SPT=\(fields.sourcePort ?? 0) DPT=\(fields.destinationPort ?? 0)"
        case .udp: line += "PROTO=UDP SPT=\(fields.sourcePort ?? 0) DPT=\(fields.destinationPort ?? 0)"
        case .icmp: line += "PROTO=ICMP TYPE=\(fields.icmpType ?? 0) CODE=\(fields.icmpCode ?? 0)"
        default: line += "PROTO=\(fields.proto.rawValue)"
        }
        return line
    }
}
