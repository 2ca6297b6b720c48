/// The checks the kernel makes when iptables hands it a table (`translate_table` in
/// net/ipv4/netfilter/ip_tables.c), which refuse the whole command with `EINVAL` or `ELOOP`:
/// iptables then prints `iptables: Invalid argument. Run `dmesg' for more information.` and the
/// kernel logs why. The model makes them after every change, so a ruleset the model accepts is one
/// Linux would have accepted.
extension IPTablesRuleset {
    /// The netfilter hooks, in their kernel order, named as the built-in chains that are their
    /// entry points.
    static let hookOrder = ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"]

    /// Throws when the kernel would refuse `table`: `.loop` for a circle of jumps reachable from a
    /// built-in chain (`mark_source_chains`; circles no built-in chain reaches are accepted, as
    /// the kernel never walks them), `.invalidArgument` with the kernel's log line for a target or
    /// match used outside the tables or hooks it is registered for (`xt_check_target`,
    /// `xt_check_match`, `addrtype_mt_checkentry_v1`). O(rules).
    static func kernelCheck(_ table: IPTablesTable) throws(IPTablesCommandError) {
        guard let hooks = hooksReachingChains(table) else { throw .loop }
        for (index, chain) in table.chains.enumerated() {
            let used = hookOrder.filter { hooks[index].contains($0) }
            for rule in chain.rules {
                if let log = matchProblem(rule, hooks: used) ?? targetProblem(rule, table: table.name, hooks: used) {
                    var error = IPTablesCommandError.invalidArgument
                    error.kernelLog = log
                    throw error
                }
            }
        }
    }

    /// For each chain, the hooks whose built-in chain reaches it by jumps and gotos; nil when a
    /// chain reachable from a built-in chain can reach itself. Iterative depth-first search.
    static func hooksReachingChains(_ table: IPTablesTable) -> [Set<String>]? {
        var byName: [String: Int] = [:]
        for (i, chain) in table.chains.enumerated() { byName[chain.name] = i }
        var hooks = [Set<String>](repeating: [], count: table.chains.count)
        for start in table.chains.indices where table.chains[start].isBuiltin {
            let hook = table.chains[start].name
            // 0: not visited from this hook, 1: on the current path, 2: done.
            var state = [UInt8](repeating: 0, count: table.chains.count)
            var stack: [(chain: Int, position: Int)] = [(start, 0)]
            state[start] = 1
            hooks[start].insert(hook)
            while let (chain, position) = stack.last {
                let rules = table.chains[chain].rules
                guard position < rules.count else {
                    state[chain] = 2
                    stack.removeLast()
                    continue
                }
                stack[stack.count - 1].position += 1
                let next: Int?
                switch rules[position].target {
                case .jump(let name), .goto(let name): next = byName[name]
                default: next = nil
                }
                guard let next else { continue }
                if state[next] == 1 { return nil }
                if state[next] == 0 {
                    state[next] = 1
                    hooks[next].insert(hook)
                    stack.append((next, 0))
                }
            }
        }
        return hooks
    }

    /// `addrtype_mt_checkentry_v1`: the interface limits need the interface to exist at the hook.
    private static func matchProblem(_ rule: IPTablesRule, hooks: [String]) -> String? {
        for module in rule.matches {
            guard case .addrtype(let m) = module else { continue }
            if m.limitInterfaceIn && (hooks.contains("POSTROUTING") || hooks.contains("OUTPUT")) {
                return "xt_addrtype: input interface limitation not valid in POSTROUTING and OUTPUT"
            }
            if m.limitInterfaceOut && (hooks.contains("PREROUTING") || hooks.contains("INPUT")) {
                return "xt_addrtype: output interface limitation not valid in PREROUTING and INPUT"
            }
        }
        return nil
    }

    /// `xt_check_target`: the table and hooks each target extension is registered for.
    private static func targetProblem(_ rule: IPTablesRule, table: IPTablesTableName, hooks: [String]) -> String? {
        let name: String
        let validTable: IPTablesTableName?
        let validHooks: [String]?
        switch rule.target {
        case .dnat: (name, validTable, validHooks) = ("DNAT", .nat, ["PREROUTING", "OUTPUT"])
        case .snat: (name, validTable, validHooks) = ("SNAT", .nat, ["INPUT", "POSTROUTING"])
        case .masquerade: (name, validTable, validHooks) = ("MASQUERADE", .nat, ["POSTROUTING"])
        case .redirect: (name, validTable, validHooks) = ("REDIRECT", .nat, ["PREROUTING", "OUTPUT"])
        case .reject: (name, validTable, validHooks) = ("REJECT", .filter, ["INPUT", "FORWARD", "OUTPUT"])
        case .trace: (name, validTable, validHooks) = ("TRACE", .raw, nil)
        default: return nil
        }
        if let validTable, validTable != table {
            return
                "x_tables: ip_tables: \(name) target: only valid in \(validTable.rawValue) table, not \(table.rawValue)"
        }
        if let validHooks, hooks.contains(where: { !validHooks.contains($0) }) {
            return "x_tables: ip_tables: \(name) target: used from hooks \(hooks.joined(separator: "/")), "
                + "but only usable from \(validHooks.joined(separator: "/"))"
        }
        return nil
    }
}
