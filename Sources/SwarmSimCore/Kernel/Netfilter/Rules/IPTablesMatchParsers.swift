/// The `-m` modules the model evaluates, each parsed as its libxt_*.c parses it: the same option
/// names and synonyms, the same value syntax, the same mandatory and mutually exclusive options.
/// Options a module has in iptables but the model does not evaluate are refused by name.
enum IPTablesMatches {
    /// The parser for `-m NAME`, or nil when the model has no such module.
    static func parser(named name: String) -> (any IPTablesMatchParser)? {
        switch name {
        case "tcp": TCPMatchParser()
        case "udp": UDPMatchParser()
        case "icmp": ICMPMatchParser()
        case "multiport": MultiportMatchParser()
        case "addrtype": AddrTypeMatchParser()
        case "conntrack": ConntrackMatchParser()
        case "state": StateMatchParser()
        case "mark": MarkMatchParser()
        case "ipvs": IPVSMatchParser()
        case "statistic": StatisticMatchParser()
        case "comment": CommentMatchParser()
        default: nil
        }
    }

    /// Match extensions of iptables 1.8 the model does not have, so that `-m u32` says "not
    /// supported" rather than "no such module".
    static let knownUnsupported: Set<String> = [
        "ah", "bpf", "cgroup", "cluster", "connbytes", "connlabel", "connlimit", "connmark", "cpu", "dccp", "devgroup",
        "dscp", "ecn", "esp", "hashlimit", "helper", "iprange", "ipcomp", "l2tp", "length", "limit", "mac", "nfacct",
        "osf", "owner", "physdev", "pkttype", "policy", "quota", "rateest", "realm", "recent", "rpfilter", "sctp",
        "set",
        "socket", "string", "tcpmss", "time", "tos", "ttl", "u32", "udplite",
    ]

    /// Parses a `--sport`/`--dport` value into a port match.
    static func portMatch(
        _ call: IPTablesOptionCall, context: IPTablesParseContext
    ) throws(IPTablesSaveError) -> PortMatch {
        guard let range = IPTablesValues.portRange(call.argument.text[...]) else {
            throw context.expected(call.option, call.argument)
        }
        return PortMatch(range, negated: call.inverted)
    }

    /// A port match that matches every port (`0:65535`, not negated) is no match at all, as in the
    /// kernel's rule blob; nil for it, so that equal rules compare equal.
    static func meaningful(_ match: PortMatch?) -> PortMatch? {
        guard let match else { return nil }
        return match.range == PortRange(0, 65535) && !match.negated ? nil : match
    }

    /// Parses `S1,S2,...` where each item is a case-insensitive prefix of a name in `names`
    /// (first hit wins), as addrtype and conntrack read their lists.
    static func nameList<T: OptionSet>(
        _ text: String, names: [(T, String)]
    ) -> (value: T, bad: Substring?) where T.RawValue: FixedWidthInteger, T.Element == T {
        var value: T = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty,
                let hit = names.first(where: { IPTablesValues.isCaseInsensitivePrefix(item, of: $0.1) })
            else { return (value, item) }
            value.insert(hit.0)
        }
        return (value, nil)
    }
}

// MARK: - tcp / udp

/// `libxt_tcp`: `[!] --sport`, `[!] --dport`, `[!] --syn`, `[!] --tcp-flags MASK COMP`.
struct TCPMatchParser: IPTablesMatchParser {
    var sourcePort: PortMatch?
    var destinationPort: PortMatch?
    var flags: TCPFlagsMatch?

    let options: [IPTablesOption] = [
        IPTablesOption("source-port", id: 1, invertible: true, expects: "a port or port range"),
        IPTablesOption("sport", id: 1, invertible: true, expects: "a port or port range"),
        IPTablesOption("destination-port", id: 2, invertible: true, expects: "a port or port range"),
        IPTablesOption("dport", id: 2, invertible: true, expects: "a port or port range"),
        IPTablesOption("syn", id: 3, .none, invertible: true),
        IPTablesOption("tcp-flags", id: 4, .two, invertible: true, expects: "TCP flags"),
        IPTablesOption("tcp-option", id: 5, invertible: true, expects: "a TCP option number"),
    ]

    /// `tcp_flag_names`, in the order iptables-save prints them.
    static let flagNames: [(TCPFlags, String)] = [
        (.fin, "FIN"), (.syn, "SYN"), (.rst, "RST"), (.psh, "PSH"), (.ack, "ACK"), (.urg, "URG"),
        (TCPFlags(rawValue: 0x3F), "ALL"), (TCPFlags(), "NONE"),
    ]

    static func flags(_ text: String) -> TCPFlags? {
        var flags = TCPFlags()
        for item in text.split(separator: ",") {
            guard let hit = flagNames.first(where: { $0.1.utf8.elementsEqual(item.uppercased().utf8) }) else {
                return nil
            }
            flags.formUnion(hit.0)
        }
        return flags
    }

    mutating func parse(_ call: IPTablesOptionCall, context: IPTablesParseContext) throws(IPTablesSaveError) {
        switch call.option.id {
        case 1: sourcePort = try IPTablesMatches.portMatch(call, context: context)
        case 2: destinationPort = try IPTablesMatches.portMatch(call, context: context)
        case 3, 4:
            if flags != nil { throw context.error(call.word, "only one of --syn or --tcp-flags allowed") }
            if call.option.id == 3 {
                flags = TCPFlagsMatch(mask: [.fin, .syn, .rst, .ack], comparison: .syn, negated: call.inverted)
            } else {
                guard let mask = TCPMatchParser.flags(call.argument.text) else {
                    throw context.expected(
                        call.option, call.argument, "flags are FIN, SYN, RST, PSH, ACK, URG, ALL, NONE")
                }
                guard let second = call.second, let comparison = TCPMatchParser.flags(second.text) else {
                    throw context.expected(
                        call.option, call.second ?? call.argument, "flags are FIN, SYN, RST, PSH, ACK, URG, ALL, NONE")
                }
                flags = TCPFlagsMatch(mask: mask, comparison: comparison, negated: call.inverted)
            }
        default: throw context.unsupported(call, of: "match tcp")
        }
    }

    func finish(context: IPTablesParseContext, word: IPTablesToken) throws(IPTablesSaveError) -> MatchModule {
        let meaningfulFlags = flags.flatMap { $0.mask.isEmpty && !$0.negated ? nil : $0 }
        return .tcp(
            sourcePort: IPTablesMatches.meaningful(sourcePort),
            destinationPort: IPTablesMatches.meaningful(destinationPort),
            flags: meaningfulFlags)
    }
}

/// `libxt_udp`: `[!] --sport`, `[!] --dport`.
struct UDPMatchParser: IPTablesMatchParser {
    var sourcePort: PortMatch?
    var destinationPort: PortMatch?

    let options: [IPTablesOption] = [
        IPTablesOption("source-port", id: 1, invertible: true, expects: "a port or port range"),
        IPTablesOption("sport", id: 1, invertible: true, expects: "a port or port range"),
        IPTablesOption("destination-port", id: 2, invertible: true, expects: "a port or port range"),
        IPTablesOption("dport", id: 2, invertible: true, expects: "a port or port range"),
    ]

    mutating func parse(_ call: IPTablesOptionCall, context: IPTablesParseContext) throws(IPTablesSaveError) {
        if call.option.id == 1 {
            sourcePort = try IPTablesMatches.portMatch(call, context: context)
        } else {
            destinationPort = try IPTablesMatches.portMatch(call, context: context)
        }
    }

    func finish(context: IPTablesParseContext, word: IPTablesToken) throws(IPTablesSaveError) -> MatchModule {
        .udp(
            sourcePort: IPTablesMatches.meaningful(sourcePort),
            destinationPort: IPTablesMatches.meaningful(destinationPort))
    }
}

// MARK: - icmp

/// `libipt_icmp`: `[!] --icmp-type TYPE[/CODE]` or a name (`echo-request`, printed as `8`).
struct ICMPMatchParser: IPTablesMatchParser {
    var type: UInt8?
    var code: UInt8?
    var negated = false

    let options: [IPTablesOption] = [
        IPTablesOption("icmp-type", id: 0, invertible: true, expects: "an ICMP type (a name, TYPE or TYPE/CODE)")
    ]

    mutating func parse(_ call: IPTablesOptionCall, context: IPTablesParseContext) throws(IPTablesSaveError) {
        let text = call.argument.text[...]
        negated = call.inverted
        // `__parse_icmp`: a prefix of exactly one name, else numbers.
        let hits = IPTablesValues.icmpNames.filter { IPTablesValues.isCaseInsensitivePrefix(text, of: $0.name) }
        if !text.isEmpty, let first = hits.first {
            if hits.count > 1 {
                throw context.expected(
                    call.option, call.argument, "ambiguous: \(hits[0].name) or \(hits[1].name)")
            }
            type = first.type
            code = first.low == 0 && first.high == 255 ? nil : first.low
            return
        }
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let types = ICMPMatchParser.range(parts[0]) else { throw context.expected(call.option, call.argument) }
        guard types.0 == types.1 else {
            throw context.expected(call.option, call.argument, "ICMP type range not supported")
        }
        type = types.0
        code = nil
        if parts.count == 2 {
            guard let codes = ICMPMatchParser.range(parts[1]) else {
                throw context.expected(call.option, call.argument)
            }
            if codes.0 == codes.1 {
                code = codes.0
            } else if codes != (0, 255) {
                throw context.expected(call.option, call.argument, "a code range is not supported by the model")
            }
        }
    }

    /// `N` or `N:M`, each 0...255.
    private static func range(_ text: Substring) -> (UInt8, UInt8)? {
        let bounds = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let low = IPTablesValues.unsigned(bounds[0], max: 255) else { return nil }
        guard bounds.count == 2 else { return (UInt8(low), UInt8(low)) }
        guard let high = IPTablesValues.unsigned(bounds[1], max: 255) else { return nil }
        return (UInt8(low), UInt8(high))
    }

    func finish(context: IPTablesParseContext, word: IPTablesToken) throws(IPTablesSaveError) -> MatchModule {
        guard let type else { throw context.missing("icmp", "icmp-type", word) }
        return .icmp(type: type, code: type == 255 && code == nil ? nil : code, negated: negated)
    }
}

// MARK: - multiport

/// `libxt_multiport` revision 1: `[!] --sports|--dports|--ports P[,P|,P:P]...`, up to 15 ports
/// (a range counts twice), only after `-p tcp|udp|udplite|sctp|dccp`.
struct MultiportMatchParser: IPTablesMatchParser {
    var direction: MultiportDirection?
    var ports: [PortRange] = []
    var negated = false

    let options: [IPTablesOption] = [
        IPTablesOption("source-ports", id: 0, invertible: true, expects: "a list of ports"),
        IPTablesOption("sports", id: 0, invertible: true, expects: "a list of ports"),
        IPTablesOption("destination-ports", id: 1, invertible: true, expects: "a list of ports"),
        IPTablesOption("dports", id: 1, invertible: true, expects: "a list of ports"),
        IPTablesOption("ports", id: 2, invertible: true, expects: "a list of ports"),
    ]

    mutating func parse(_ call: IPTablesOptionCall, context: IPTablesParseContext) throws(IPTablesSaveError) {
        if direction != nil {
            throw context.error(call.word, "multiport: only one of --sports, --dports or --ports is allowed")
        }
        let allowed: Set<UInt8> = [6, 17, 136, 132, 33]
        guard let proto = context.protocolNumber, proto != 0 else {
            throw context.error(call.word, "multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'")
        }
        guard allowed.contains(proto), !context.protocolNegated else {
            throw context.error(call.word, "multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP")
        }
        direction = [MultiportDirection.source, .destination, .either][call.option.id]
        negated = call.inverted
        var slots = 0
        for item in call.argument.text.split(separator: ",", omittingEmptySubsequences: false) {
            if let colon = item.firstIndex(of: ":") {
                guard let low = IPTablesValues.port(item[..<colon]),
                    let high = IPTablesValues.port(item[item.index(after: colon)...])
                else { throw context.expected(call.option, call.argument, "bad port \"\(item)\"") }
                guard low < high else {
                    throw context.expected(call.option, call.argument, "invalid port range \"\(item)\"")
                }
                ports.append(PortRange(low, high))
                slots += 2
            } else {
                guard let port = IPTablesValues.port(item) else {
                    throw context.expected(call.option, call.argument, "bad port \"\(item)\"")
                }
                ports.append(PortRange(port))
                slots += 1
            }
            guard slots <= 15 else { throw context.expected(call.option, call.argument, "too many ports specified") }
        }
    }

    func finish(context: IPTablesParseContext, word: IPTablesToken) throws(IPTablesSaveError) -> MatchModule {
        guard let direction else { throw context.error(word, "multiport: no ports specified") }
        return .multiport(direction: direction, ports: ports, negated: negated)
    }
}

// MARK: - addrtype

extension AddressTypes {
    /// `RTN_THROW`, `RTN_NAT`, `RTN_XRESOLVE`: types iptables accepts beyond `names`.
    static let `throw` = AddressTypes(rawValue: 1 << 9)
    static let nat = AddressTypes(rawValue: 1 << 10)
    static let xresolve = AddressTypes(rawValue: 1 << 11)

    /// `rtn_names` of libxt_addrtype.c: every name, in the order iptables parses and prints them.
    static let iptablesNames: [(AddressTypes, String)] =
        names + [(.throw, "THROW"), (.nat, "NAT"), (.xresolve, "XRESOLVE")]
}

/// `libxt_addrtype` revision 1: `[!] --src-type T,..`, `[!] --dst-type T,..`,
/// `--limit-iface-in` | `--limit-iface-out`.
struct AddrTypeMatchParser: IPTablesMatchParser {
    var match = AddrTypeMatch()

    let options: [IPTablesOption] = [
        IPTablesOption("src-type", id: 0, invertible: true, expects: "address types (LOCAL, UNICAST, ...)"),
        IPTablesOption("dst-type", id: 1, invertible: true, expects: "address types (LOCAL, UNICAST, ...)"),
        IPTablesOption("limit-iface-in", id: 2, .none),
        IPTablesOption("limit-iface-out", id: 3, .none),
    ]

    mutating func parse(_ call: IPTablesOptionCall, context: IPTablesParseContext) throws(IPTablesSaveError) {
        switch call.option.id {
        case 0, 1:
            let (types, bad) = IPTablesMatches.nameList(call.argument.text, names: AddressTypes.iptablesNames)
            if let bad { throw context.expected(call.option, call.argument, "bad type \"\(bad)\"") }
            if call.option.id == 0 {
                match.sourceTypes = types
                match.sourceNegated = call.inverted
            } else {
                match.destinationTypes = types
                match.destinationNegated = call.inverted
            }
        case 2, 3:
            if call.option.id == 2 ? match.limitInterfaceOut : match.limitInterfaceIn {
                throw context.error(
                    call.word,
                    "addrtype: option \"--limit-iface-in\" cannot be used together with \"--limit-iface-out\"")
            }
            if call.option.id == 2 { match.limitInterfaceIn = true } else { match.limitInterfaceOut = true }
        default: break
        }
    }

    func finish(context: IPTablesParseContext, word: IPTablesToken) throws(IPTablesSaveError) -> MatchModule {
        guard match.sourceTypes != nil || match.destinationTypes != nil else {
            throw context.error(word, "addrtype: you must specify --src-type or --dst-type")
        }
        return .addrtype(match)
    }
}

// MARK: - conntrack / state

/// `libxt_conntrack` revision 3, `[!] --ctstate S,...` only.
struct ConntrackMatchParser: IPTablesMatchParser {
    var states: ConntrackStates?
    var negated = false

    let options: [IPTablesOption] = [
        IPTablesOption("ctstate", id: 0, invertible: true, expects: "conntrack states (NEW, ESTABLISHED, ...)"),
        IPTablesOption("ctproto", id: 1, invertible: true, expects: "a protocol"),
        IPTablesOption("ctorigsrc", id: 2, invertible: true, expects: "an address"),
        IPTablesOption("ctorigdst", id: 3, invertible: true, expects: "an address"),
        IPTablesOption("ctreplsrc", id: 4, invertible: true, expects: "an address"),
        IPTablesOption("ctrepldst", id: 5, invertible: true, expects: "an address"),
        IPTablesOption("ctstatus", id: 6, invertible: true, expects: "conntrack statuses"),
        IPTablesOption("ctexpire", id: 7, invertible: true, expects: "a time range"),
        IPTablesOption("ctorigsrcport", id: 8, invertible: true, expects: "a port range"),
        IPTablesOption("ctorigdstport", id: 9, invertible: true, expects: "a port range"),
        IPTablesOption("ctreplsrcport", id: 10, invertible: true, expects: "a port range"),
        IPTablesOption("ctrepldstport", id: 11, invertible: true, expects: "a port range"),
        IPTablesOption("ctdir", id: 12, expects: "ORIGINAL or REPLY"),
    ]

    mutating func parse(_ call: IPTablesOptionCall, context: IPTablesParseContext) throws(IPTablesSaveError) {
        guard call.option.id == 0 else { throw context.unsupported(call, of: "match conntrack") }
        states = try StateMatchParser.states(call, names: ConntrackStates.names, context: context)
        negated = call.inverted
    }

    func finish(context: IPTablesParseContext, word: IPTablesToken) throws(IPTablesSaveError) -> MatchModule {
        guard let states else { throw context.error(word, "conntrack: At least one option is required") }
        return .conntrack(states: states, negated: negated)
    }
}

/// `libxt_state` (the conntrack alias): `[!] --state S,...` without SNAT/DNAT.
struct StateMatchParser: IPTablesMatchParser {
    var states: ConntrackStates?
    var negated = false

    let options: [IPTablesOption] = [
        IPTablesOption(
            "state", id: 0, invertible: true, expects: "states (NEW, ESTABLISHED, RELATED, INVALID, UNTRACKED)")
    ]

    /// The parse order of `state_parse_state` / `conntrack_ps_state` (prefixes, first hit wins).
    static let stateNames: [(ConntrackStates, String)] = [
        (.invalid, "INVALID"), (.new, "NEW"), (.established, "ESTABLISHED"), (.related, "RELATED"),
        (.untracked, "UNTRACKED"),
    ]

    static func states(
        _ call: IPTablesOptionCall, names: [(ConntrackStates, String)], context: IPTablesParseContext
    ) throws(IPTablesSaveError) -> ConntrackStates {
        let order = stateNames + names.filter { $0.0 == .snat || $0.0 == .dnat }
        let text = call.argument.text
        if text.isEmpty || text.hasSuffix(",") {
            throw context.expected(
                call.option, call.argument, "a list of states with no spaces, e.g. ESTABLISHED,RELATED")
        }
        let (states, bad) = IPTablesMatches.nameList(text, names: order)
        if let bad { throw context.expected(call.option, call.argument, "bad state \"\(bad)\"") }
        return states
    }

    mutating func parse(_ call: IPTablesOptionCall, context: IPTablesParseContext) throws(IPTablesSaveError) {
        states = try StateMatchParser.states(call, names: [], context: context)
        negated = call.inverted
    }

    func finish(context: IPTablesParseContext, word: IPTablesToken) throws(IPTablesSaveError) -> MatchModule {
        guard let states else { throw context.missing("state", "state", word) }
        return .state(states: states, negated: negated)
    }
}

// MARK: - mark

/// `libxt_mark` revision 1: `[!] --mark VALUE[/MASK]`.
struct MarkMatchParser: IPTablesMatchParser {
    var mark: (value: UInt32, mask: UInt32)?
    var negated = false

    let options: [IPTablesOption] = [
        IPTablesOption("mark", id: 0, invertible: true, expects: "a mark VALUE[/MASK]")
    ]

    mutating func parse(_ call: IPTablesOptionCall, context: IPTablesParseContext) throws(IPTablesSaveError) {
        guard let parsed = IPTablesValues.markAndMask(call.argument.text[...]) else {
            throw context.expected(call.option, call.argument)
        }
        mark = parsed
        negated = call.inverted
    }

    func finish(context: IPTablesParseContext, word: IPTablesToken) throws(IPTablesSaveError) -> MatchModule {
        guard let mark else { throw context.missing("mark", "mark", word) }
        return .mark(value: mark.value, mask: mark.mask, negated: negated)
    }
}

// MARK: - ipvs

/// `libxt_ipvs`: `[!] --ipvs`, `[!] --vproto`, `[!] --vaddr`, `[!] --vport`, `--vdir`, `[!] --vmethod`.
/// Any option but `--ipvs` implies `--ipvs` (`ipvs_mt_check`), which is then not printed.
struct IPVSMatchParser: IPTablesMatchParser {
    var match = IPVSMatch(ipvs: nil)
    var any = false

    let options: [IPTablesOption] = [
        IPTablesOption("ipvs", id: 0, .none, invertible: true),
        IPTablesOption("vproto", id: 1, invertible: true, expects: "a protocol"),
        IPTablesOption("vaddr", id: 2, invertible: true, expects: "an address ADDRESS[/MASK]"),
        IPTablesOption("vport", id: 3, invertible: true, expects: "a port"),
        IPTablesOption("vdir", id: 4, expects: "ORIGINAL or REPLY"),
        IPTablesOption("vmethod", id: 5, invertible: true, expects: "GATE, IPIP or MASQ"),
        IPTablesOption("vportctl", id: 6, invertible: true, expects: "a port"),
    ]

    mutating func parse(_ call: IPTablesOptionCall, context: IPTablesParseContext) throws(IPTablesSaveError) {
        let text = call.argument.text
        switch call.option.id {
        case 0:
            match.ipvs = true
            match.ipvsNegated = call.inverted
        case 1:
            guard let proto = IPTablesValues.protocolNumber(text[...]) else {
                throw context.expected(call.option, call.argument)
            }
            match.virtualProtocol = IPProtocol(rawValue: proto)
            match.virtualProtocolNegated = call.inverted
        case 2:
            guard case .success(let prefix) = IPTablesValues.prefix(text[...]) else {
                throw context.expected(call.option, call.argument)
            }
            match.virtualAddress = prefix
            match.virtualAddressNegated = call.inverted
        case 3:
            guard let port = IPTablesValues.port(text[...]) else { throw context.expected(call.option, call.argument) }
            match.virtualPort = port
            match.virtualPortNegated = call.inverted
        case 4:
            switch text.uppercased() {
            case "ORIGINAL": match.direction = .original
            case "REPLY": match.direction = .reply
            default: throw context.expected(call.option, call.argument)
            }
        case 5:
            switch text.uppercased() {
            case "GATE": match.method = .gate
            case "IPIP": match.method = .ipip
            case "MASQ": match.method = .masq
            default: throw context.expected(call.option, call.argument)
            }
            match.methodNegated = call.inverted
        default: throw context.unsupported(call, of: "match ipvs")
        }
        if call.option.id != 0 { any = true }
    }

    func finish(context: IPTablesParseContext, word: IPTablesToken) throws(IPTablesSaveError) -> MatchModule {
        var result = match
        if any {
            if result.ipvs != nil && result.ipvsNegated {
                throw context.error(word, "! --ipvs cannot be together with other options")
            }
            result.ipvs = true
        } else if result.ipvs == nil {
            throw context.error(word, "IPVS: At least one option is required")
        }
        return .ipvs(result)
    }
}

// MARK: - statistic

/// `libxt_statistic`: `--mode random [!] --probability P` or `--mode nth [!] --every N --packet P`.
/// The probability is kept as the kernel keeps it, in 1/2^31 steps.
struct StatisticMatchParser: IPTablesMatchParser {
    var mode: String?
    var probability: Double?
    var every: UInt32?
    var packet: UInt32?
    var negated = false
    var words: [Int: IPTablesToken] = [:]

    let options: [IPTablesOption] = [
        IPTablesOption("mode", id: 0, expects: "random or nth"),
        IPTablesOption("probability", id: 1, invertible: true, expects: "a probability between 0 and 1"),
        IPTablesOption("every", id: 2, invertible: true, expects: "a number from 1"),
        IPTablesOption("packet", id: 3, expects: "a packet number"),
    ]

    /// `lround(0x80000000 * p) / 0x80000000`: the probability the kernel actually applies.
    static func quantized(_ probability: Double) -> Double {
        Double(IPTablesValues.roundedHalfAway(probability * 2_147_483_648.0)) / 2_147_483_648.0
    }

    mutating func parse(_ call: IPTablesOptionCall, context: IPTablesParseContext) throws(IPTablesSaveError) {
        let text = call.argument.text
        if call.inverted { negated = true }
        switch call.option.id {
        case 0:
            guard text == "random" || text == "nth" else { throw context.expected(call.option, call.argument) }
            mode = text
        case 1:
            guard let value = Double(text), value >= 0, value <= 1 else {
                throw context.expected(call.option, call.argument)
            }
            probability = StatisticMatchParser.quantized(value)
        case 2:
            guard let value = IPTablesValues.unsigned(text, max: UInt64(UInt32.max)), value >= 1 else {
                throw context.expected(call.option, call.argument)
            }
            every = UInt32(value)
        default:
            guard let value = IPTablesValues.unsigned(text, max: UInt64(UInt32.max)) else {
                throw context.expected(call.option, call.argument)
            }
            packet = UInt32(value)
        }
        if probability != nil && (every != nil || packet != nil) {
            throw context.error(
                call.word,
                "statistic: option \"--probability\" cannot be used together with \"--every\" or \"--packet\"")
        }
        words[call.option.id] = call.word
    }

    func finish(context: IPTablesParseContext, word: IPTablesToken) throws(IPTablesSaveError) -> MatchModule {
        guard let mode else { throw context.missing("statistic", "mode", word) }
        if every != nil && packet == nil {
            throw context.error(words[2] ?? word, "statistic: option \"--every\" also requires \"--packet\"")
        }
        if packet != nil && every == nil {
            throw context.error(words[3] ?? word, "statistic: option \"--packet\" also requires \"--every\"")
        }
        if mode == "random" {
            guard let probability else {
                throw context.error(word, "--probability must be specified when using random mode")
            }
            return .statistic(.random(probability: probability, negated: negated))
        }
        guard let every, let packet else {
            throw context.error(word, "--every and --packet must be specified when using nth mode")
        }
        guard packet <= every - 1 else { throw context.error(words[3] ?? word, "the --packet p must be 0 <= p <= n-1") }
        return .statistic(.nth(every: every, packet: packet, negated: negated))
    }
}

// MARK: - comment

/// `libxt_comment`: `--comment TEXT`, at most 255 bytes.
struct CommentMatchParser: IPTablesMatchParser {
    var comment: String?

    let options: [IPTablesOption] = [IPTablesOption("comment", id: 0, expects: "a comment")]

    mutating func parse(_ call: IPTablesOptionCall, context: IPTablesParseContext) throws(IPTablesSaveError) {
        guard call.argument.text.utf8.count <= 255 else {
            throw context.expected(call.option, call.argument, "longer than 255 bytes")
        }
        comment = call.argument.text
    }

    func finish(context: IPTablesParseContext, word: IPTablesToken) throws(IPTablesSaveError) -> MatchModule {
        guard let comment else { throw context.missing("comment", "comment", word) }
        return .comment(comment)
    }
}
