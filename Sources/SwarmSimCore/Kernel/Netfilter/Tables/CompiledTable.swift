/// A table prepared for the packet path: chains by index, jump targets resolved, per-rule
/// counters beside the rules (what `iptables -L -v` shows), as the kernel's `xt_table_info`
/// holds a blob with offsets rather than names.
final class CompiledTable {
    struct Rule {
        let rule: IPTablesRule
        /// The chain index of a `-j CHAIN` or `-g CHAIN` target.
        let targetChain: Int?
        var packets: UInt64 = 0
        var bytes: UInt64 = 0
        /// The nth counter of `-m statistic --mode nth`.
        var nthCounter: UInt32 = 0
    }

    struct Chain {
        let name: String
        let policy: IPTablesChain.Policy?
        var rules: [Rule]
        var policyPackets: UInt64 = 0
        var policyBytes: UInt64 = 0
    }

    let name: IPTablesTableName
    var chains: [Chain]
    let index: [String: Int]

    /// Compiles `table`; counters of rules that are unchanged since `previous` carry over.
    init(_ table: IPTablesTable, previous: CompiledTable?) {
        name = table.name
        var index: [String: Int] = [:]
        for (i, chain) in table.chains.enumerated() { index[chain.name] = i }
        self.index = index
        chains = table.chains.map { chain in
            var old = previous?.index[chain.name].map { previous!.chains[$0] }
            let rules = chain.rules.map { rule -> Rule in
                var target: Int?
                switch rule.target {
                case .jump(let name), .goto(let name): target = index[name]
                default: target = nil
                }
                var compiled = Rule(rule: rule, targetChain: target)
                for case .statistic(.nth(_, let packet, _)) in rule.matches { compiled.nthCounter = packet }
                if let position = old?.rules.firstIndex(where: { $0.rule == rule }) {
                    compiled.packets = old!.rules[position].packets
                    compiled.bytes = old!.rules[position].bytes
                    compiled.nthCounter = old!.rules[position].nthCounter
                    old!.rules.remove(at: position)
                }
                return compiled
            }
            var compiled = Chain(name: chain.name, policy: chain.policy, rules: rules)
            compiled.policyPackets = old?.policyPackets ?? 0
            compiled.policyBytes = old?.policyBytes ?? 0
            return compiled
        }
    }

    /// `[packets:bytes]` of each rule of `chain`, in order.
    func counters(chain: String) -> [(packets: UInt64, bytes: UInt64)] {
        guard let i = index[chain] else { return [] }
        return chains[i].rules.map { ($0.packets, $0.bytes) }
    }
}
