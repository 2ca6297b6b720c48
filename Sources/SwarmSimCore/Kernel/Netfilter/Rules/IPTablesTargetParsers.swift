/// The `-j` target extensions the model executes, parsed as their libxt_*.c / libipt_*.c parse
/// them. Standard verdicts (`ACCEPT`, `DROP`, `RETURN`) and chain names need no parser.
enum IPTablesTargets {
    /// The parser for `-j NAME`, or nil when NAME is no target extension of the model.
    static func parser(named name: String) -> (any IPTablesTargetParser)? {
        switch name {
        case "REJECT": RejectTargetParser()
        case "MARK": MarkTargetParser()
        case "DNAT": NATTargetParser(kind: .dnat)
        case "SNAT": NATTargetParser(kind: .snat)
        case "MASQUERADE": NATTargetParser(kind: .masquerade)
        case "REDIRECT": NATTargetParser(kind: .redirect)
        case "LOG": LogTargetParser()
        case "TRACE": TraceTargetParser()
        default: nil
        }
    }

    /// The verdicts of the standard target.
    static let standard: [String: RuleTarget] = ["ACCEPT": .accept, "DROP": .drop, "RETURN": .return]

    /// Targets of iptables 1.8 the model does not have; a chain may not take these names either.
    static let knownUnsupported: Set<String> = [
        "AUDIT", "CHECKSUM", "CLASSIFY", "CLUSTERIP", "CONNMARK", "CONNSECMARK", "CT", "DSCP", "ECN", "HL", "HMARK",
        "IDLETIMER", "LED", "NETMAP", "NFLOG", "NFQUEUE", "NOTRACK", "QUEUE", "RATEEST", "SECMARK", "SET", "SYNPROXY",
        "TCPMSS", "TCPOPTSTRIP", "TEE", "TOS", "TPROXY", "TTL", "ULOG",
    ]

    /// Every name `-j` resolves to something other than a chain.
    static func isTargetName(_ name: String) -> Bool {
        standard[name] != nil || parser(named: name) != nil || knownUnsupported.contains(name) || name == "CONTINUE"
    }
}

// MARK: - REJECT

/// `libipt_REJECT`: `--reject-with TYPE` (a prefix of a name or its short alias), default
/// `icmp-port-unreachable`; `tcp-reset` only for `-p tcp` (`reject_tg_check`).
struct RejectTargetParser: IPTablesTargetParser {
    var type = RejectType.icmpPortUnreachable
    var word: IPTablesToken?

    let options: [IPTablesOption] = [
        IPTablesOption("reject-with", id: 0, expects: "a reject type (icmp-port-unreachable, tcp-reset, ...)")
    ]

    /// `reject_table` in index order, with the aliases iptables also takes.
    static let names: [(RejectType, String)] = [
        (.icmpNetUnreachable, "net-unreach"), (.icmpHostUnreachable, "host-unreach"),
        (.icmpProtoUnreachable, "proto-unreach"), (.icmpPortUnreachable, "port-unreach"),
        (.icmpNetProhibited, "net-prohib"), (.icmpHostProhibited, "host-prohib"), (.tcpReset, "tcp-rst"),
        (.icmpAdminProhibited, "admin-prohib"),
    ]

    mutating func parse(_ call: IPTablesOptionCall, context: IPTablesParseContext) throws(IPTablesSaveError) {
        let text = call.argument.text[...]
        guard
            let hit = RejectTargetParser.names.first(where: {
                IPTablesValues.isCaseInsensitivePrefix(text, of: $0.0.rawValue)
                    || IPTablesValues.isCaseInsensitivePrefix(text, of: $0.1)
            })
        else { throw context.expected(call.option, call.argument) }
        type = hit.0
        word = call.argument
    }

    func finish(context: IPTablesParseContext, word: IPTablesToken) throws(IPTablesSaveError) -> RuleTarget {
        if type == .tcpReset && (context.protocolNumber != 6 || context.protocolNegated) {
            throw context.error(self.word ?? word, "REJECT: --reject-with tcp-reset is only valid with -p tcp")
        }
        return .reject(type)
    }
}

// MARK: - MARK

/// `libxt_MARK` revision 2: `--set-xmark V[/M]`, `--set-mark V[/M]`, `--and-mark`, `--or-mark`,
/// `--xor-mark`, one of them, all kept as the (value, mask) pair iptables-save prints as
/// `--set-xmark`.
struct MarkTargetParser: IPTablesTargetParser {
    var mark: (value: UInt32, mask: UInt32)?

    let options: [IPTablesOption] = [
        IPTablesOption("set-xmark", id: 0, expects: "a mark VALUE[/MASK]"),
        IPTablesOption("set-mark", id: 1, expects: "a mark VALUE[/MASK]"),
        IPTablesOption("and-mark", id: 2, expects: "a 32-bit mark"),
        IPTablesOption("or-mark", id: 3, expects: "a 32-bit mark"),
        IPTablesOption("xor-mark", id: 4, expects: "a 32-bit mark"),
    ]

    mutating func parse(_ call: IPTablesOptionCall, context: IPTablesParseContext) throws(IPTablesSaveError) {
        if mark != nil {
            throw context.error(
                call.word, "MARK: only one of --set-xmark, --set-mark, --and-mark, --or-mark, --xor-mark")
        }
        let text = call.argument.text[...]
        switch call.option.id {
        case 0, 1:
            guard let (value, mask) = IPTablesValues.markAndMask(text) else {
                throw context.expected(call.option, call.argument)
            }
            // `--set-mark V/M` clears M then sets V: xmark V/(V|M).
            mark = call.option.id == 0 ? (value, mask) : (value, value | mask)
        default:
            guard let value = IPTablesValues.unsigned(text, max: UInt64(UInt32.max)).map({ UInt32($0) }) else {
                throw context.expected(call.option, call.argument)
            }
            switch call.option.id {
            case 2: mark = (0, ~value)
            case 3: mark = (value, value)
            default: mark = (value, 0)
            }
        }
    }

    func finish(context: IPTablesParseContext, word: IPTablesToken) throws(IPTablesSaveError) -> RuleTarget {
        guard let mark else {
            throw context.error(word, "MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required")
        }
        return .mark(value: mark.value, mask: mark.mask)
    }
}

// MARK: - DNAT, SNAT, MASQUERADE, REDIRECT

/// `libxt_NAT`: `--to-destination` / `--to-source` `[ADDR[-ADDR]][:PORT[-PORT]]` and `--to-ports
/// PORT[-PORT]`; ports only after `-p tcp|udp|sctp|dccp|icmp`.
struct NATTargetParser: IPTablesTargetParser {
    enum Kind: String, Sendable {
        case dnat = "DNAT"
        case snat = "SNAT"
        case masquerade = "MASQUERADE"
        case redirect = "REDIRECT"
    }
    let kind: Kind
    var range: NATRange?

    var options: [IPTablesOption] {
        let to = "an address, address range and/or :port range"
        switch kind {
        case .dnat:
            return [
                IPTablesOption("to-destination", id: 0, expects: to), IPTablesOption("random", id: 1, .none),
                IPTablesOption("persistent", id: 2, .none),
            ]
        case .snat:
            return [
                IPTablesOption("to-source", id: 0, expects: to), IPTablesOption("random", id: 1, .none),
                IPTablesOption("random-fully", id: 3, .none), IPTablesOption("persistent", id: 2, .none),
            ]
        case .masquerade:
            return [
                IPTablesOption("to-ports", id: 0, expects: "a port or port range PORT[-PORT]"),
                IPTablesOption("random", id: 1, .none), IPTablesOption("random-fully", id: 3, .none),
            ]
        case .redirect:
            return [
                IPTablesOption("to-ports", id: 0, expects: "a port or port range PORT[-PORT]"),
                IPTablesOption("random", id: 1, .none),
            ]
        }
    }

    /// `parse_ports`: `PORT` (a number or service name) or `LOW-HIGH` (numbers).
    static func ports(_ text: Substring) -> Result<PortRange, NATPortProblem> {
        var lowText = text
        var highText: Substring?
        if let dash = text.firstIndex(of: "-") {
            lowText = text[..<dash]
            highText = text[text.index(after: dash)...]
        }
        if lowText.contains(":") { return .failure(NATPortProblem(detail: "invalid port:port syntax, use a dash")) }
        guard
            let low = highText == nil
                ? IPTablesValues.port(lowText) : IPTablesValues.unsigned(lowText, max: 65535).map({ UInt16($0) })
        else { return .failure(NATPortProblem(detail: "port \"\(lowText)\" not valid")) }
        guard let highText else { return .success(PortRange(low)) }
        if highText.contains("/") {
            return .failure(NATPortProblem(detail: "shifted port maps are not supported by the model"))
        }
        guard let high = IPTablesValues.unsigned(highText, max: 65535).map({ UInt16($0) }) else {
            return .failure(NATPortProblem(detail: "port \"\(highText)\" not valid"))
        }
        guard high >= low else { return .failure(NATPortProblem(detail: "port range \"\(text)\" is backwards")) }
        return .success(PortRange(low, high))
    }

    mutating func parse(_ call: IPTablesOptionCall, context: IPTablesParseContext) throws(IPTablesSaveError) {
        guard call.option.id == 0 else { throw context.unsupported(call, of: "target \(kind.rawValue)") }
        let text = call.argument.text[...]
        let portsAllowed = [6, 17, 132, 33, 1].contains(context.protocolNumber ?? 0)
        let needPort = "ports need -p tcp, udp, sctp, dccp or icmp"
        if kind == .masquerade || kind == .redirect {
            guard portsAllowed else { throw context.expected(call.option, call.argument, needPort) }
            switch NATTargetParser.ports(text) {
            case .success(let ports): range = NATRange(ports: ports)
            case .failure(let problem): throw context.expected(call.option, call.argument, problem.detail)
            }
            return
        }
        var result = NATRange()
        var addressText = text
        // One colon is the port part; more would be IPv6, which `-j DNAT` of iptables (v4) refuses.
        if let colon = text.firstIndex(of: ":") {
            guard portsAllowed else { throw context.expected(call.option, call.argument, needPort) }
            switch NATTargetParser.ports(text[text.index(after: colon)...]) {
            case .success(let ports): result.ports = ports
            case .failure(let problem): throw context.expected(call.option, call.argument, problem.detail)
            }
            addressText = text[..<colon]
        }
        if !addressText.isEmpty || result.ports == nil {
            var lowText = addressText
            var highText = addressText
            if let dash = addressText.firstIndex(of: "-") {
                lowText = addressText[..<dash]
                highText = addressText[addressText.index(after: dash)...]
            }
            guard let low = IPv4Address(String(lowText)), let high = IPv4Address(String(highText)) else {
                throw context.expected(call.option, call.argument, "bad IP address")
            }
            guard low <= high else { throw context.expected(call.option, call.argument, "address range is backwards") }
            result.addresses = low...high
        }
        range = result
    }

    func finish(context: IPTablesParseContext, word: IPTablesToken) throws(IPTablesSaveError) -> RuleTarget {
        switch kind {
        case .dnat:
            guard let range else { throw context.missing("DNAT", "to-destination", word) }
            return .dnat(range)
        case .snat:
            guard let range else { throw context.missing("SNAT", "to-source", word) }
            return .snat(range)
        case .masquerade: return .masquerade(ports: range?.ports)
        case .redirect: return .redirect(ports: range?.ports)
        }
    }
}

/// Why a NAT port specification is wrong, for the error message.
struct NATPortProblem: Error {
    let detail: String
}

// MARK: - LOG

/// `libxt_LOG`: `--log-prefix TEXT` (1 to 29 bytes, no newline), `--log-level N|NAME` (default 4,
/// `warning`, kept as nil so that `--log-level 4` and no level are the same rule, as in the kernel).
struct LogTargetParser: IPTablesTargetParser {
    var prefix: String?
    var level: UInt8?

    let options: [IPTablesOption] = [
        IPTablesOption("log-level", id: 0, expects: "a syslog level (0-7 or a name)"),
        IPTablesOption("log-prefix", id: 1, expects: "a prefix of 1 to 29 bytes"),
        IPTablesOption("log-tcp-sequence", id: 2, .none), IPTablesOption("log-tcp-options", id: 3, .none),
        IPTablesOption("log-ip-options", id: 4, .none), IPTablesOption("log-uid", id: 5, .none),
        IPTablesOption("log-macdecode", id: 6, .none),
    ]

    /// `xtopt_parse_sysloglevel`'s names.
    static let levels: [(String, UInt8)] = [
        ("alert", 1), ("crit", 2), ("debug", 7), ("emerg", 0), ("error", 3), ("info", 6), ("notice", 5), ("panic", 0),
        ("warning", 4),
    ]

    mutating func parse(_ call: IPTablesOptionCall, context: IPTablesParseContext) throws(IPTablesSaveError) {
        let text = call.argument.text
        switch call.option.id {
        case 0:
            guard
                let value = IPTablesValues.unsigned(text, max: 7).map({ UInt8($0) })
                    ?? LogTargetParser.levels.first(where: { $0.0 == text })?.1
            else { throw context.expected(call.option, call.argument) }
            level = value == 4 ? nil : value
        case 1:
            let length = text.utf8.count
            guard length >= 1, length <= 29, !text.contains("\n") else {
                throw context.expected(call.option, call.argument)
            }
            prefix = text
        default: throw context.unsupported(call, of: "target LOG")
        }
    }

    func finish(context: IPTablesParseContext, word: IPTablesToken) throws(IPTablesSaveError) -> RuleTarget {
        .log(prefix: prefix, level: level)
    }
}

// MARK: - TRACE

/// `libxt_TRACE`: no options.
struct TraceTargetParser: IPTablesTargetParser {
    let options: [IPTablesOption] = []
    mutating func parse(_ call: IPTablesOptionCall, context: IPTablesParseContext) throws(IPTablesSaveError) {}
    func finish(context: IPTablesParseContext, word: IPTablesToken) throws(IPTablesSaveError) -> RuleTarget { .trace }
}
