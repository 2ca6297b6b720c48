/// One rule of an iptables chain, as `iptables-save` writes it:
/// `-A CHAIN [!] -s ADDR [!] -d ADDR [!] -i IF [!] -o IF [!] -p PROTO [-m MODULE OPTIONS]... -j TARGET [OPTIONS]`.
///
/// The model is programmed only by parsing such lines (`IPTablesSave.parse`) and shown only by
/// printing them (`IPTablesSave.print`), so what `swarmsim show iptables` prints is exactly
/// what the packet path evaluates.
public struct IPTablesRule: Hashable, Sendable {
    public var source: AddressMatch?
    public var destination: AddressMatch?
    public var inInterface: InterfaceMatch?
    public var outInterface: InterfaceMatch?
    public var protocolMatch: ProtocolMatch?
    /// `-m MODULE ...` in the order they were given (and are printed).
    public var matches: [MatchModule]
    /// `-j TARGET` / `-g CHAIN`; nil for a rule that only counts.
    public var target: RuleTarget?

    public init(
        source: AddressMatch? = nil, destination: AddressMatch? = nil, inInterface: InterfaceMatch? = nil,
        outInterface: InterfaceMatch? = nil, protocolMatch: ProtocolMatch? = nil, matches: [MatchModule] = [],
        target: RuleTarget? = nil
    ) {
        self.source = source
        self.destination = destination
        self.inInterface = inInterface
        self.outInterface = outInterface
        self.protocolMatch = protocolMatch
        self.matches = matches
        self.target = target
    }
}

/// `[!] -s 10.0.0.0/24`: an address and prefix, possibly negated.
public struct AddressMatch: Hashable, Sendable {
    public var prefix: IPv4Prefix
    public var negated: Bool
    public init(_ prefix: IPv4Prefix, negated: Bool = false) {
        self.prefix = prefix
        self.negated = negated
    }
}

/// `[!] -i eth+`: an interface name; a trailing `+` matches every name with that prefix.
public struct InterfaceMatch: Hashable, Sendable {
    public var name: String
    public var negated: Bool
    public init(_ name: String, negated: Bool = false) {
        self.name = name
        self.negated = negated
    }
}

/// `[!] -p tcp|udp|icmp|all|NUMBER`.
public struct ProtocolMatch: Hashable, Sendable {
    /// nil means `all`.
    public var proto: IPProtocol?
    public var negated: Bool
    public init(_ proto: IPProtocol?, negated: Bool = false) {
        self.proto = proto
        self.negated = negated
    }
}

/// An inclusive port range, `80` or `1024:65535` (iptables' spelling).
public struct PortRange: Hashable, Sendable {
    public var low: UInt16
    public var high: UInt16
    public init(_ low: UInt16, _ high: UInt16? = nil) {
        self.low = low
        self.high = high ?? low
    }
    public func contains(_ port: UInt16) -> Bool { port >= low && port <= high }
}

/// `[!] --dport 80` and the like: a port range, possibly negated.
public struct PortMatch: Hashable, Sendable {
    public var range: PortRange
    public var negated: Bool
    public init(_ range: PortRange, negated: Bool = false) {
        self.range = range
        self.negated = negated
    }
}

/// Address types of `-m addrtype` (`RTN_*`), as a set.
public struct AddressTypes: OptionSet, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let unspec = AddressTypes(rawValue: 1 << 0)
    public static let unicast = AddressTypes(rawValue: 1 << 1)
    public static let local = AddressTypes(rawValue: 1 << 2)
    public static let broadcast = AddressTypes(rawValue: 1 << 3)
    public static let anycast = AddressTypes(rawValue: 1 << 4)
    public static let multicast = AddressTypes(rawValue: 1 << 5)
    public static let blackhole = AddressTypes(rawValue: 1 << 6)
    public static let unreachable = AddressTypes(rawValue: 1 << 7)
    public static let prohibit = AddressTypes(rawValue: 1 << 8)
    /// The names iptables uses, in its printing order.
    public static let names: [(AddressTypes, String)] = [
        (.unspec, "UNSPEC"), (.unicast, "UNICAST"), (.local, "LOCAL"), (.broadcast, "BROADCAST"),
        (.anycast, "ANYCAST"), (.multicast, "MULTICAST"), (.blackhole, "BLACKHOLE"), (.unreachable, "UNREACHABLE"),
        (.prohibit, "PROHIBIT"),
    ]
}

/// Conntrack states of `-m conntrack --ctstate` and `-m state --state`.
public struct ConntrackStates: OptionSet, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let invalid = ConntrackStates(rawValue: 1 << 0)
    public static let new = ConntrackStates(rawValue: 1 << 1)
    public static let related = ConntrackStates(rawValue: 1 << 2)
    public static let established = ConntrackStates(rawValue: 1 << 3)
    public static let untracked = ConntrackStates(rawValue: 1 << 4)
    public static let snat = ConntrackStates(rawValue: 1 << 5)
    public static let dnat = ConntrackStates(rawValue: 1 << 6)
    /// The names and printing order of `conntrack_dump_states`.
    public static let names: [(ConntrackStates, String)] = [
        (.invalid, "INVALID"), (.new, "NEW"), (.related, "RELATED"), (.established, "ESTABLISHED"),
        (.untracked, "UNTRACKED"), (.snat, "SNAT"), (.dnat, "DNAT"),
    ]
}

/// `-m MODULE OPTIONS`: the match extensions the model evaluates.
public enum MatchModule: Hashable, Sendable {
    /// `-m tcp [[!] --sport P] [[!] --dport P] [[!] --tcp-flags MASK COMP]`.
    case tcp(sourcePort: PortMatch?, destinationPort: PortMatch?, flags: TCPFlagsMatch?)
    /// `-m udp [[!] --sport P] [[!] --dport P]`.
    case udp(sourcePort: PortMatch?, destinationPort: PortMatch?)
    /// `-m icmp [!] --icmp-type TYPE[/CODE]` (nil code: any code).
    case icmp(type: UInt8, code: UInt8?, negated: Bool)
    /// `-m multiport [!] --sports|--dports|--ports P,P:P,...`.
    case multiport(direction: MultiportDirection, ports: [PortRange], negated: Bool)
    /// `-m addrtype [[!] --src-type T,..] [[!] --dst-type T,..] [--limit-iface-in|--limit-iface-out]`.
    case addrtype(AddrTypeMatch)
    /// `-m conntrack [!] --ctstate S,...`.
    case conntrack(states: ConntrackStates, negated: Bool)
    /// `-m state [!] --state S,...`.
    case state(states: ConntrackStates, negated: Bool)
    /// `-m mark [!] --mark VALUE[/MASK]`.
    case mark(value: UInt32, mask: UInt32, negated: Bool)
    /// `-m ipvs [!] --ipvs` (and the other xt_ipvs options, when given).
    case ipvs(IPVSMatch)
    /// `-m statistic --mode random --probability P` or `--mode nth --every N [--packet P]`.
    case statistic(StatisticMatch)
    /// `-m comment --comment TEXT`.
    case comment(String)
}

public enum MultiportDirection: String, Hashable, Sendable {
    case source = "--sports"
    case destination = "--dports"
    case either = "--ports"
}

/// `--tcp-flags MASK COMP` (e.g. `FIN,SYN,RST,ACK SYN` for `--syn`).
public struct TCPFlagsMatch: Hashable, Sendable {
    public var mask: TCPFlags
    public var comparison: TCPFlags
    public var negated: Bool
    public init(mask: TCPFlags, comparison: TCPFlags, negated: Bool = false) {
        self.mask = mask
        self.comparison = comparison
        self.negated = negated
    }
}

public struct AddrTypeMatch: Hashable, Sendable {
    public var sourceTypes: AddressTypes?
    public var sourceNegated = false
    public var destinationTypes: AddressTypes?
    public var destinationNegated = false
    public var limitInterfaceIn = false
    public var limitInterfaceOut = false
    public init(
        sourceTypes: AddressTypes? = nil, sourceNegated: Bool = false, destinationTypes: AddressTypes? = nil,
        destinationNegated: Bool = false, limitInterfaceIn: Bool = false, limitInterfaceOut: Bool = false
    ) {
        self.sourceTypes = sourceTypes
        self.sourceNegated = sourceNegated
        self.destinationTypes = destinationTypes
        self.destinationNegated = destinationNegated
        self.limitInterfaceIn = limitInterfaceIn
        self.limitInterfaceOut = limitInterfaceOut
    }
}

/// `xt_ipvs`: `[!] --ipvs`, `[!] --vproto P`, `[!] --vaddr A/M`, `[!] --vport P`, `--vdir ORIGINAL|REPLY`,
/// `[!] --vmethod GATE|IPIP|MASQ`, `[!] --vportctl P`. Only the options given are checked.
public struct IPVSMatch: Hashable, Sendable {
    public enum Direction: String, Hashable, Sendable { case original = "ORIGINAL", reply = "REPLY" }
    public enum Method: String, Hashable, Sendable { case gate = "GATE", ipip = "IPIP", masq = "MASQ" }
    public var ipvs: Bool?
    public var ipvsNegated = false
    public var virtualProtocol: IPProtocol?
    public var virtualProtocolNegated = false
    public var virtualAddress: IPv4Prefix?
    public var virtualAddressNegated = false
    public var virtualPort: UInt16?
    public var virtualPortNegated = false
    public var direction: Direction?
    public var method: Method?
    public var methodNegated = false
    public init(ipvs: Bool? = true) { self.ipvs = ipvs }
}

public enum StatisticMatch: Hashable, Sendable {
    /// Matches with `probability` (printed with 11 decimals, as iptables does).
    case random(probability: Double, negated: Bool)
    /// Matches every `every`-th packet, starting at counter `packet`.
    case nth(every: UInt32, packet: UInt32, negated: Bool)
}

/// `-j TARGET [OPTIONS]` or `-g CHAIN`.
public enum RuleTarget: Hashable, Sendable {
    case accept
    case drop
    case `return`
    /// `-j CHAIN`: a user chain, returning here at its end or on RETURN.
    case jump(String)
    /// `-g CHAIN`: a user chain that returns to this chain's caller.
    case goto(String)
    /// `-j REJECT --reject-with TYPE`.
    case reject(RejectType)
    /// `-j MARK --set-xmark VALUE/MASK` (`--set-mark V` is `V/0xffffffff`; `--or-mark`,
    /// `--and-mark`, `--xor-mark` are spelled as xmark too, as iptables-save prints them).
    case mark(value: UInt32, mask: UInt32)
    /// `-j DNAT --to-destination [ADDR[-ADDR]][:PORT[-PORT]]`.
    case dnat(NATRange)
    /// `-j SNAT --to-source [ADDR[-ADDR]][:PORT[-PORT]]`.
    case snat(NATRange)
    /// `-j MASQUERADE [--to-ports P[-P]]`.
    case masquerade(ports: PortRange?)
    /// `-j REDIRECT [--to-ports P[-P]]`.
    case redirect(ports: PortRange?)
    /// `-j LOG [--log-prefix TEXT] [--log-level N]`.
    case log(prefix: String?, level: UInt8?)
    /// `-j TRACE` (raw table): marks the packet for `swarmsim trace`.
    case trace
}

/// `--reject-with` types (`ipt_REJECT`).
public enum RejectType: String, Hashable, Sendable, CaseIterable {
    case icmpNetUnreachable = "icmp-net-unreachable"
    case icmpHostUnreachable = "icmp-host-unreachable"
    case icmpPortUnreachable = "icmp-port-unreachable"
    case icmpProtoUnreachable = "icmp-proto-unreachable"
    case icmpNetProhibited = "icmp-net-prohibited"
    case icmpHostProhibited = "icmp-host-prohibited"
    case icmpAdminProhibited = "icmp-admin-prohibited"
    case tcpReset = "tcp-reset"
}

/// The `--to-destination` / `--to-source` of DNAT and SNAT: an address range, a port range,
/// or both (`172.18.0.2:8080`, `:53`, `10.0.0.1-10.0.0.9`).
public struct NATRange: Hashable, Sendable {
    public var addresses: ClosedRange<IPv4Address>?
    public var ports: PortRange?
    public init(addresses: ClosedRange<IPv4Address>? = nil, ports: PortRange? = nil) {
        self.addresses = addresses
        self.ports = ports
    }
}

/// A chain: built-in ones have a policy, user chains do not (`-` in iptables-save).
public struct IPTablesChain: Hashable, Sendable {
    public enum Policy: String, Hashable, Sendable { case accept = "ACCEPT", drop = "DROP" }
    public var name: String
    public var policy: Policy?
    public var rules: [IPTablesRule]
    public init(name: String, policy: Policy?, rules: [IPTablesRule] = []) {
        self.name = name
        self.policy = policy
        self.rules = rules
    }
    public var isBuiltin: Bool { policy != nil }
}

/// The four tables the model has, with their built-in chains (`iptable_raw`, ...).
public enum IPTablesTableName: String, Hashable, Sendable, CaseIterable {
    case raw, mangle, nat, filter

    /// Built-in chains in the order iptables-save prints them.
    public var builtinChains: [String] {
        switch self {
        case .raw: ["PREROUTING", "OUTPUT"]
        case .mangle: ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"]
        case .nat: ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"]
        case .filter: ["INPUT", "FORWARD", "OUTPUT"]
        }
    }
}

/// One table: its chains, built-in first in hook order, then user chains.
public struct IPTablesTable: Hashable, Sendable {
    public var name: IPTablesTableName
    public var chains: [IPTablesChain]

    /// A table with its built-in chains, empty, policy ACCEPT.
    public init(_ name: IPTablesTableName) {
        self.name = name
        chains = name.builtinChains.map { IPTablesChain(name: $0, policy: .accept) }
    }

    public func chain(named name: String) -> IPTablesChain? { chains.first { $0.name == name } }
}
