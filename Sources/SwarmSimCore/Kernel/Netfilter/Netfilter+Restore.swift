extension Netfilter {
    /// `iptables-restore`: replaces the namespace's tables with those of an iptables-save file.
    /// Counters of rules that did not change carry over.
    public func restore(_ text: String) throws(NetfilterRestoreError) {
        let parsed: IPTablesRuleset
        do {
            parsed = try IPTablesSave.parse(text)
        } catch {
            throw .syntax(error)
        }
        do {
            try load(parsed.tables)
        } catch {
            throw .load(error)
        }
    }

    /// One `iptables [-t TABLE] -A|-I|-D|-N|-F|-X|-P ...` command, as libnetwork runs it.
    public func apply(_ commandLine: String) throws(NetfilterRestoreError) {
        let command: IPTablesCommand
        do {
            command = try IPTablesSave.parseCommand(commandLine)
        } catch {
            throw .syntax(error)
        }
        var ruleset = IPTablesRuleset(tables: tables)
        do {
            try ruleset.apply(command)
        } catch {
            throw .command(error)
        }
        do {
            try load(ruleset.tables)
        } catch {
            throw .load(error)
        }
    }

    /// The namespace's tables in iptables-save format: exactly what the packet path evaluates,
    /// with `[packets:bytes]` when `counters` is set (`iptables-save -c`).
    public func save(counters: Bool = false) -> String {
        var ruleset = IPTablesRuleset(tables: tables)
        for table in tables {
            guard let compiled = compiled[table.name] else { continue }
            for chain in compiled.chains {
                ruleset.counters[table.name, default: [:]][chain.name] = IPTablesChainCounters(
                    policy: IPTablesCounters(packets: chain.policyPackets, bytes: chain.policyBytes),
                    rules: chain.rules.map { IPTablesCounters(packets: $0.packets, bytes: $0.bytes) })
            }
        }
        return IPTablesSave.print(ruleset, counters: counters)
    }
}

/// Why `iptables-restore` or an `iptables` command was refused.
public enum NetfilterRestoreError: Error, CustomStringConvertible {
    case syntax(IPTablesSaveError)
    case command(IPTablesCommandError)
    case load(NetfilterLoadError)

    public var description: String {
        switch self {
        case .syntax(let error): "\(error)"
        case .command(let error): "\(error)"
        case .load(let error): "\(error)"
        }
    }
}
