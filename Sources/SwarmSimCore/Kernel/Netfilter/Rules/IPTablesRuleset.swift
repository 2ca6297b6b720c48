/// The iptables tables of one network namespace, as `iptables-save` shows them: what the
/// control plane programs (with `IPTablesSave.parse` or command by command with `apply`) and what
/// `Netfilter.load` compiles for the packet path.
///
/// Operations follow libiptc (legacy iptables): a table is created with its built-in chains on
/// first use, as the kernel creates a table when it is first touched; user chains are kept in
/// byte order after the built-in ones, as libiptc keeps them (and iptables-save prints them);
/// errors are the ones iptables prints (`iptables: Too many links.`); after every change the
/// table gets the checks the kernel makes (`IPTablesRuleset+KernelChecks.swift`), so a ruleset
/// the model holds is one Linux would have taken.
///
/// Complexity: chains and rules live in arrays; each operation is O(rules in the table), which is
/// what libiptc pays too. Nothing here is on the packet path.
public struct IPTablesRuleset: Hashable, Sendable {
    /// The tables present, in the order iptables-save prints them here: raw, mangle, nat, filter.
    public var tables: [IPTablesTable]
    /// `[packets:bytes]` by table and chain, for `iptables-save -c`. Kept apart from the rules so
    /// that rules compare without them; a chain without an entry has only zero counters.
    public var counters: [IPTablesTableName: [String: IPTablesChainCounters]]

    public init(tables: [IPTablesTable] = [], counters: [IPTablesTableName: [String: IPTablesChainCounters]] = [:]) {
        self.tables = []
        self.counters = counters
        for table in tables { self.tables.insert(table, at: insertionIndex(of: table.name)) }
    }

    /// The table `name`, if it has been used.
    public func table(_ name: IPTablesTableName) -> IPTablesTable? { tables.first { $0.name == name } }

    /// The counters of `chain` in `table`, one per rule (zeros where none were recorded).
    public func counters(table: IPTablesTableName, chain: String) -> IPTablesChainCounters {
        let count = self.table(table)?.chain(named: chain)?.rules.count ?? 0
        var result = counters[table]?[chain] ?? IPTablesChainCounters()
        if result.rules.count < count {
            result.rules += Array(repeating: .zero, count: count - result.rules.count)
        } else if result.rules.count > count {
            result.rules.removeLast(result.rules.count - count)
        }
        return result
    }

    /// Replaces table `name` by a fresh one (built-in chains, empty, policy ACCEPT), as
    /// iptables-restore does at `*name`.
    mutating func reset(_ name: IPTablesTableName) {
        counters[name] = nil
        if let index = tables.firstIndex(where: { $0.name == name }) {
            tables[index] = IPTablesTable(name)
        } else {
            tables.insert(IPTablesTable(name), at: insertionIndex(of: name))
        }
    }

    private func insertionIndex(of name: IPTablesTableName) -> Int {
        let order = IPTablesTableName.allCases
        let rank = order.firstIndex(of: name) ?? 0
        return tables.firstIndex { (order.firstIndex(of: $0.name) ?? 0) > rank } ?? tables.count
    }

    /// The index of table `name`, creating it with its built-in chains if needed.
    private mutating func tableIndex(_ name: IPTablesTableName) -> Int {
        if let index = tables.firstIndex(where: { $0.name == name }) { return index }
        let index = insertionIndex(of: name)
        tables.insert(IPTablesTable(name), at: index)
        return index
    }

    private func chainIndex(_ chain: String, in table: Int) throws(IPTablesCommandError) -> Int {
        guard let index = tables[table].chains.firstIndex(where: { $0.name == chain }) else {
            throw .noSuchChain
        }
        return index
    }

    /// Updates the recorded counters of a chain, if any were recorded; `body` gets them padded to
    /// the chain's rules before the change, so call it before changing the rules.
    private mutating func editCounters(
        _ table: IPTablesTableName, _ chain: String, create: Bool = false, _ body: (inout IPTablesChainCounters) -> Void
    ) {
        guard create || counters[table]?[chain] != nil else { return }
        var entry = counters(table: table, chain: chain)
        body(&entry)
        counters[table, default: [:]][chain] = entry
    }

    // MARK: Rules

    /// `-A CHAIN rule`. Throws for a missing chain, a jump to a missing chain, or a table the
    /// kernel would refuse with the rule (a loop, a target used outside its table or hooks).
    public mutating func append(
        _ rule: IPTablesRule, to chain: String, in table: IPTablesTableName = .filter, counters: IPTablesCounters? = nil
    ) throws(IPTablesCommandError) {
        let t = tableIndex(table)
        let c = try chainIndex(chain, in: t)
        try checkTarget(of: rule, in: t, chain: chain)
        var changed = tables[t]
        changed.chains[c].rules.append(rule)
        try IPTablesRuleset.kernelCheck(changed)
        editCounters(table, chain, create: counters != nil) { $0.rules.append(counters ?? .zero) }
        tables[t] = changed
    }

    /// `-I CHAIN [N] rule`: before the rule at 1-based `position` (one past the end appends).
    public mutating func insert(
        _ rule: IPTablesRule, at position: Int = 1, into chain: String, in table: IPTablesTableName = .filter,
        counters: IPTablesCounters? = nil
    ) throws(IPTablesCommandError) {
        let t = tableIndex(table)
        let c = try chainIndex(chain, in: t)
        guard position >= 1, position <= tables[t].chains[c].rules.count + 1 else { throw .insertionTooBig }
        try checkTarget(of: rule, in: t, chain: chain)
        var changed = tables[t]
        changed.chains[c].rules.insert(rule, at: position - 1)
        try IPTablesRuleset.kernelCheck(changed)
        editCounters(table, chain, create: counters != nil) { $0.rules.insert(counters ?? .zero, at: position - 1) }
        tables[t] = changed
    }

    /// `-R CHAIN N rule`.
    public mutating func replace(
        at position: Int, in chain: String, with rule: IPTablesRule, table: IPTablesTableName = .filter,
        counters: IPTablesCounters? = nil
    ) throws(IPTablesCommandError) {
        let t = tableIndex(table)
        let c = try chainIndex(chain, in: t)
        guard position >= 1, position <= tables[t].chains[c].rules.count else { throw .replacementTooBig }
        try checkTarget(of: rule, in: t, chain: chain)
        var changed = tables[t]
        changed.chains[c].rules[position - 1] = rule
        try IPTablesRuleset.kernelCheck(changed)
        editCounters(table, chain, create: counters != nil) { $0.rules[position - 1] = counters ?? .zero }
        tables[t] = changed
    }

    /// `-D CHAIN rule`: removes the first rule equal to `rule` (rules compare without counters).
    public mutating func delete(
        _ rule: IPTablesRule, from chain: String, in table: IPTablesTableName = .filter
    ) throws(IPTablesCommandError) {
        let t = tableIndex(table)
        let c = try chainIndex(chain, in: t)
        guard let position = tables[t].chains[c].rules.firstIndex(of: rule) else { throw .noMatchingRule }
        try delete(at: position + 1, from: chain, in: table)
    }

    /// `-D CHAIN N`: removes the rule at 1-based `position`.
    public mutating func delete(
        at position: Int, from chain: String, in table: IPTablesTableName = .filter
    ) throws(IPTablesCommandError) {
        let t = tableIndex(table)
        let c = try chainIndex(chain, in: t)
        guard position >= 1, position <= tables[t].chains[c].rules.count else { throw .deletionTooBig }
        editCounters(table, chain) { $0.rules.remove(at: position - 1) }
        tables[t].chains[c].rules.remove(at: position - 1)
    }

    /// `-C CHAIN rule`: whether the chain has a rule equal to `rule`.
    public func contains(
        _ rule: IPTablesRule, in chain: String, table: IPTablesTableName = .filter
    ) throws(IPTablesCommandError) -> Bool {
        guard let found = self.table(table) else {
            // A table that was never used has only empty built-in chains.
            if table.builtinChains.contains(chain) { return false }
            throw .noSuchChain
        }
        guard let existing = found.chain(named: chain) else { throw .noSuchChain }
        return existing.rules.contains(rule)
    }

    /// A jump must name a user chain of the same table (iptables cannot even load the rule
    /// otherwise), and never a built-in chain (the kernel refuses the table).
    private func checkTarget(of rule: IPTablesRule, in table: Int, chain: String) throws(IPTablesCommandError) {
        let name: String
        switch rule.target {
        case .jump(let target), .goto(let target): name = target
        default: return
        }
        guard let called = tables[table].chain(named: name) else { throw .noSuchTarget(name) }
        if called.isBuiltin { throw .invalidArgument }
    }

    // MARK: Chains

    /// `-N CHAIN`: a new empty user chain, placed in byte order after the built-in chains.
    public mutating func newChain(_ name: String, in table: IPTablesTableName = .filter) throws(IPTablesCommandError) {
        let t = tableIndex(table)
        if tables[t].chain(named: name) != nil || IPTablesTargets.isTargetName(name) { throw .chainExists }
        tables[t].chains.insert(IPTablesChain(name: name, policy: nil), at: userChainIndex(for: name, in: tables[t]))
    }

    private func userChainIndex(for name: String, in table: IPTablesTable) -> Int {
        table.chains.firstIndex { !$0.isBuiltin && IPTablesValues.byteOrder(name, $0.name) } ?? table.chains.count
    }

    /// `-F [CHAIN]`: removes the rules of one chain, or of every chain of the table.
    public mutating func flush(chain: String? = nil, in table: IPTablesTableName = .filter) throws(IPTablesCommandError)
    {
        let t = tableIndex(table)
        let chosen: [Int]
        if let chain { chosen = [try chainIndex(chain, in: t)] } else { chosen = Array(tables[t].chains.indices) }
        for c in chosen {
            let name = tables[t].chains[c].name
            editCounters(table, name) { $0.rules.removeAll() }
            tables[t].chains[c].rules.removeAll()
        }
    }

    /// `-X [CHAIN]`: deletes an empty, unreferenced user chain, or every user chain of the table
    /// (which must then not be referenced from a built-in chain).
    public mutating func deleteChain(
        _ name: String? = nil, in table: IPTablesTableName = .filter
    ) throws(IPTablesCommandError) {
        let t = tableIndex(table)
        guard let name else {
            // All or nothing: iptables does not commit the table when one deletion fails.
            for chain in tables[t].chains where !chain.isBuiltin {
                if references(to: chain.name, in: tables[t]) > 0 { throw .chainReferenced }
                if !chain.rules.isEmpty { throw .chainNotEmpty }
            }
            for chain in tables[t].chains where !chain.isBuiltin { counters[table]?[chain.name] = nil }
            tables[t].chains.removeAll { !$0.isBuiltin }
            return
        }
        let c = try chainIndex(name, in: t)
        if tables[t].chains[c].isBuiltin { throw .invalidArgument }
        if references(to: name, in: tables[t]) > 0 { throw .chainReferenced }
        if !tables[t].chains[c].rules.isEmpty { throw .chainNotEmpty }
        counters[table]?[name] = nil
        tables[t].chains.remove(at: c)
    }

    /// The number of rules that jump or go to `chain`.
    private func references(to chain: String, in table: IPTablesTable) -> Int {
        table.chains.reduce(0) { count, other in
            count + other.rules.count(where: { rule in rule.target == .jump(chain) || rule.target == .goto(chain) })
        }
    }

    /// `-E OLD NEW`: renames a user chain and the jumps to it.
    public mutating func renameChain(
        _ old: String, to new: String, in table: IPTablesTableName = .filter
    ) throws(IPTablesCommandError) {
        let t = tableIndex(table)
        let c = try chainIndex(old, in: t)
        if tables[t].chains[c].isBuiltin { throw .invalidArgument }
        if tables[t].chain(named: new) != nil || IPTablesTargets.isTargetName(new) {
            throw IPTablesCommandError(.chainExists, "File exists.")
        }
        var chain = tables[t].chains.remove(at: c)
        chain.name = new
        tables[t].chains.insert(chain, at: userChainIndex(for: new, in: tables[t]))
        for i in tables[t].chains.indices {
            for r in tables[t].chains[i].rules.indices {
                switch tables[t].chains[i].rules[r].target {
                case .jump(old): tables[t].chains[i].rules[r].target = .jump(new)
                case .goto(old): tables[t].chains[i].rules[r].target = .goto(new)
                default: break
                }
            }
        }
        if let entry = counters[table]?[old] {
            counters[table]?[old] = nil
            counters[table, default: [:]][new] = entry
        }
    }

    /// `-P CHAIN POLICY`: the verdict of a built-in chain when no rule decides.
    public mutating func setPolicy(
        _ policy: IPTablesChain.Policy, for chain: String, in table: IPTablesTableName = .filter,
        counters: IPTablesCounters? = nil
    ) throws(IPTablesCommandError) {
        let t = tableIndex(table)
        let c = try chainIndex(chain, in: t)
        guard tables[t].chains[c].isBuiltin else { throw .notBuiltinChain }
        tables[t].chains[c].policy = policy
        if let counters { editCounters(table, chain, create: true) { $0.policy = counters } }
    }

    // MARK: Commands

    /// Carries out `command` as iptables would; `-C` throws `noMatchingRule` when the rule is
    /// absent, as `iptables -C` exits 1.
    public mutating func apply(_ command: IPTablesCommand) throws(IPTablesCommandError) {
        let table = command.table
        switch command.operation {
        case .append(let chain, let rule): try append(rule, to: chain, in: table, counters: command.counters)
        case .insert(let chain, let position, let rule):
            try insert(rule, at: position, into: chain, in: table, counters: command.counters)
        case .replace(let chain, let position, let rule):
            try replace(at: position, in: chain, with: rule, table: table, counters: command.counters)
        case .delete(let chain, let rule): try delete(rule, from: chain, in: table)
        case .deleteNumber(let chain, let position): try delete(at: position, from: chain, in: table)
        case .check(let chain, let rule):
            guard try contains(rule, in: chain, table: table) else { throw .noMatchingRule }
        case .newChain(let name): try newChain(name, in: table)
        case .flush(let chain): try flush(chain: chain, in: table)
        case .deleteChain(let name): try deleteChain(name, in: table)
        case .renameChain(let old, let new): try renameChain(old, to: new, in: table)
        case .setPolicy(let chain, let policy): try setPolicy(policy, for: chain, in: table, counters: command.counters)
        }
    }
}
