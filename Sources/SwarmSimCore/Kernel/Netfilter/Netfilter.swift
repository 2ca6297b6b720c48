/// The netfilter of one namespace: its iptables tables, connection tracking and NAT, hooked into
/// the namespace's packet path at the kernel's priorities (fidelity.md 8.1):
///
/// | hook        | functions, lowest priority first                                        |
/// | PREROUTING  | defrag -400, raw -300, conntrack -200, mangle -150, nat (DNAT) -100      |
/// | INPUT       | mangle -150, filter 0, nat (SNAT) 100, conntrack confirm INT_MAX         |
/// | FORWARD     | mangle -150, filter 0                                                    |
/// | OUTPUT      | defrag -400, raw -300, conntrack -200, mangle -150, nat (DNAT) -100, filter 0 |
/// | POSTROUTING | mangle -150, nat (SNAT) 100, conntrack confirm INT_MAX                   |
///
/// It is created the first time rules are loaded into a namespace, as the kernel registers a
/// table's hooks in a netns when that table is first used there; conntrack is enabled with it.
public final class Netfilter {
    public unowned let namespace: NetworkNamespace
    public let conntrack = ConntrackTable()
    /// The tables as loaded, in iptables-save order.
    public private(set) var tables: [IPTablesTable] = []
    var compiled: [IPTablesTableName: CompiledTable] = [:]
    var statisticStream: RandomStream
    var natPortStream: RandomStream
    /// `nf_nat_bysource`: the mapping last chosen for a (protocol, source, port), reused for
    /// later connections from the same source so one socket keeps one mapped port.
    var bySource: [BySourceKey: (address: IPv4Address, port: UInt16)] = [:]
    /// Kernel log lines written by `-j LOG` (as `dmesg` would show them).
    public private(set) var log: [String] = []

    struct BySourceKey: Hashable {
        let proto: UInt8
        let address: UInt32
        let port: UInt16
    }

    static let prioritiesDefrag: Int32 = -400
    static let priorityRaw: Int32 = -300
    static let priorityConntrack: Int32 = -200
    static let priorityMangle: Int32 = -150
    static let priorityNATDestination: Int32 = -100
    static let priorityFilter: Int32 = 0
    static let priorityNATSource: Int32 = 100
    static let priorityConfirm: Int32 = .max

    init(namespace: NetworkNamespace) {
        self.namespace = namespace
        let label = namespace.machine.name + "/" + (namespace.name.isEmpty ? "root" : namespace.name)
        statisticStream = namespace.world.simulation.randomStream(named: "netns \(label) xt_statistic")
        natPortStream = namespace.world.simulation.randomStream(named: "netns \(label) nat ports")
        register()
    }

    private func register() {
        let defrag = DefragHook(netfilter: self)
        let tracker = ConntrackHook(netfilter: self)
        let confirm = ConfirmHook(netfilter: self)
        namespace.hooks.register(defrag, on: .preRouting, priority: Netfilter.prioritiesDefrag)
        namespace.hooks.register(defrag, on: .localOut, priority: Netfilter.prioritiesDefrag)
        namespace.hooks.register(tracker, on: .preRouting, priority: Netfilter.priorityConntrack)
        namespace.hooks.register(tracker, on: .localOut, priority: Netfilter.priorityConntrack)
        for hook in [NetfilterHook.preRouting, .localOut] {
            namespace.hooks.register(TableHook(netfilter: self, table: .raw), on: hook, priority: Netfilter.priorityRaw)
        }
        for hook in NetfilterHook.allCases {
            namespace.hooks.register(TableHook(netfilter: self, table: .mangle), on: hook, priority: Netfilter.priorityMangle)
        }
        for hook in [NetfilterHook.localIn, .forward, .localOut] {
            namespace.hooks.register(TableHook(netfilter: self, table: .filter), on: hook, priority: Netfilter.priorityFilter)
        }
        let nat = NATHook(netfilter: self)
        namespace.hooks.register(nat, on: .preRouting, priority: Netfilter.priorityNATDestination)
        namespace.hooks.register(nat, on: .localOut, priority: Netfilter.priorityNATDestination)
        namespace.hooks.register(nat, on: .postRouting, priority: Netfilter.priorityNATSource)
        namespace.hooks.register(nat, on: .localIn, priority: Netfilter.priorityNATSource)
        namespace.hooks.register(confirm, on: .postRouting, priority: Netfilter.priorityConfirm)
        namespace.hooks.register(confirm, on: .localIn, priority: Netfilter.priorityConfirm)
    }

    /// Replaces every table with `tables` (`iptables-restore`), keeping the counters of rules
    /// that did not change. Jumps must name chains of their table.
    public func load(_ tables: [IPTablesTable]) throws(NetfilterLoadError) {
        for table in tables {
            let names = Set(table.chains.map(\.name))
            for chain in table.chains {
                for rule in chain.rules {
                    switch rule.target {
                    case .jump(let target), .goto(let target):
                        guard names.contains(target) else {
                            throw NetfilterLoadError(message: "chain \(chain.name) of table \(table.name.rawValue) jumps to \(target), which does not exist")
                        }
                    case .dnat, .snat, .masquerade, .redirect:
                        guard table.name == .nat else {
                            throw NetfilterLoadError(message: "\(chain.name) of table \(table.name.rawValue): NAT targets are only valid in the nat table")
                        }
                    default: break
                    }
                }
            }
        }
        let previous = compiled
        var fresh: [IPTablesTableName: CompiledTable] = [:]
        for table in tables { fresh[table.name] = CompiledTable(table, previous: previous[table.name]) }
        self.tables = IPTablesTableName.allCases.compactMap { name in tables.first { $0.name == name } }
        compiled = fresh
    }

    /// The table `name` as loaded, if any.
    public func table(_ name: IPTablesTableName) -> IPTablesTable? { tables.first { $0.name == name } }

    /// `[packets:bytes]` per rule of a chain, as `iptables -L -v -n` counts them.
    public func counters(table: IPTablesTableName, chain: String) -> [(packets: UInt64, bytes: UInt64)] {
        compiled[table]?.counters(chain: chain) ?? []
    }

    func appendLog(_ line: String) { log.append(line) }
}

/// A ruleset that cannot be loaded (a jump to a missing chain, a target in the wrong table).
public struct NetfilterLoadError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension NetworkNamespace {
    /// This namespace's netfilter, created (and its hooks registered) on first use.
    public var netfilter: Netfilter {
        if let existing = netfilterStorage { return existing }
        let created = Netfilter(namespace: self)
        netfilterStorage = created
        return created
    }
}
