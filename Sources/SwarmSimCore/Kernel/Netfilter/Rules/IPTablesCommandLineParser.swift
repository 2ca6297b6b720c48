/// Parses one iptables command line the way iptables' `do_parse` does (iptables 1.8,
/// `iptables/xshared.c`), for three uses: a bare rule specification (`IPTablesSave.parseRule`),
/// a full `iptables ...` command (`IPTablesSave.parseCommand`) and a line of an iptables-restore
/// file (`IPTablesSave.parse`).
///
/// What it follows from iptables, because rules are spelled this way in the wild:
/// - words are resolved like `getopt_long` over the merged option table: long options may be
///   abbreviated to any unambiguous prefix (`--to` for `--to-destination`, `--icmp` for
///   `--icmp-type`, as libnetwork once wrote), and `--opt=value` works;
/// - an option goes to the most recently loaded extension that has it;
/// - an option no loaded extension knows loads the protocol's match, once (`-p tcp --dport 80`
///   is `-p tcp -m tcp --dport 80`), at that point in the rule, so `-m state -p tcp --sport 80`
///   puts the state match first;
/// - `!` applies to the next option.
struct IPTablesCommandLineParser {
    enum Mode: Equatable {
        case ruleSpecification
        case command
        case restore(IPTablesTableName)
    }

    /// What a line parsed into, with the words errors of a later stage should point at.
    struct Result {
        var command: IPTablesCommand?
        var rule: IPTablesRule
        var commandWord: IPTablesToken?
        var chainWord: IPTablesToken?
        var targetWord: IPTablesToken?
    }

    private struct LoadedMatch {
        let name: String
        let word: IPTablesToken
        var parser: any IPTablesMatchParser
        var seen: Set<Int> = []
    }

    private struct LoadedTarget {
        let name: String
        let word: IPTablesToken
        var parser: any IPTablesTargetParser
        var seen: Set<Int> = []
    }

    /// An extension whose options were merged into the option table (once per name).
    private enum Owner: Equatable {
        case match(String)
        case target
    }

    private enum Resolution {
        case base(BaseOption)
        case match(String, IPTablesOption)
        case target(IPTablesOption)
        case unknown
        case ambiguous([String])
    }

    let mode: Mode
    private var tokens: [IPTablesToken]
    private var index = 0
    private var context: IPTablesParseContext
    private var invert: IPTablesToken?

    private var commandOption: BaseOption?
    private var commandWord: IPTablesToken?
    private var chainWord: IPTablesToken?
    private var ruleNumber: Int?
    private var policyWord: IPTablesToken?
    private var newNameWord: IPTablesToken?
    private var table: IPTablesTableName
    private var counters: IPTablesCounters?
    private var countersWord: IPTablesToken?

    private var rule = IPTablesRule()
    private var options: [Character: IPTablesToken] = [:]
    private var protocolName: String?
    private var protocolUsed = false
    private var matches: [LoadedMatch] = []
    private var target: LoadedTarget?
    private var targetWord: IPTablesToken?
    private var merged: [Owner] = []

    init(tokens: [IPTablesToken], line: Int, mode: Mode) {
        self.tokens = tokens
        self.mode = mode
        context = IPTablesParseContext(line: line)
        if case .restore(let name) = mode { table = name } else { table = .filter }
    }

    private func error(_ token: IPTablesToken, _ message: String) -> IPTablesSaveError {
        context.error(token, message)
    }

    // MARK: Words

    private func hasArgument() -> Bool {
        guard index < tokens.count else { return false }
        let text = tokens[index].text
        return !text.hasPrefix("-") && !text.hasPrefix("!")
    }

    private mutating func nextWord() -> IPTablesToken? {
        guard index < tokens.count else { return nil }
        defer { index += 1 }
        return tokens[index]
    }

    /// Whether `word` names the iptables program (the optional first word of a command).
    private static func isProgramName(_ word: String) -> Bool {
        let base = word.split(separator: "/").last.map(String.init) ?? word
        return base == "iptables" || base == "iptables-legacy" || base == "iptables-nft"
    }

    mutating func parse() throws(IPTablesSaveError) -> Result {
        while let word = nextWord() {
            let text = word.text
            if text == "!" {
                if invert != nil { throw error(word, "multiple consecutive ! not allowed") }
                invert = word
                continue
            }
            if text.hasPrefix("--"), text.count > 2 {
                try longOption(word)
            } else if text.hasPrefix("-"), text.count > 1, !text.hasPrefix("--") {
                try shortOptions(word)
            } else if mode == .command, index == 1, IPTablesCommandLineParser.isProgramName(text) {
                continue
            } else if mode == .command, index == 1, text.hasSuffix("ip6tables") {
                throw error(word, "ip6tables is not modelled: the model is IPv4 only")
            } else {
                throw error(word, "unexpected \(IPTablesSave.quoted(text)): expected an option")
            }
        }
        if let invert { throw error(invert, "nothing appropriate following !") }
        return try finish()
    }

    // MARK: Option resolution

    /// `getopt_long`'s search: an exact name first, then a unique prefix (prefixes of synonyms
    /// of one option are not ambiguous).
    private func resolve(_ name: Substring) -> Resolution {
        var candidates: [(name: String, resolution: Resolution, identity: String)] = []
        for option in BaseOption.allCases {
            for long in option.longNames { candidates.append((long, .base(option), "base \(option.rawValue)")) }
        }
        for owner in merged.reversed() {
            switch owner {
            case .match(let matchName):
                guard let loaded = matches.last(where: { $0.name == matchName }) else { continue }
                for option in loaded.parser.options {
                    candidates.append((option.name, .match(matchName, option), "match \(matchName) \(option.id)"))
                }
            case .target:
                guard let target else { continue }
                for option in target.parser.options {
                    candidates.append((option.name, .target(option), "target \(option.id)"))
                }
            }
        }
        if let exact = candidates.first(where: { $0.name[...] == name }) { return exact.resolution }
        let prefixed = candidates.filter { $0.name.hasPrefix(name) }
        guard let first = prefixed.first else { return .unknown }
        if prefixed.contains(where: { $0.identity != first.identity }) {
            return .ambiguous(prefixed.map { "--" + $0.name })
        }
        return first.resolution
    }

    private mutating func longOption(_ word: IPTablesToken) throws(IPTablesSaveError) {
        var name = word.text.dropFirst(2)
        var inline: String?
        if let equals = name.firstIndex(of: "=") {
            inline = String(name[name.index(after: equals)...])
            name = name[..<equals]
        }
        var resolution = resolve(name)
        // `command_default`: an option getopt could not resolve (unknown or ambiguous) loads the
        // protocol's match once, and is looked up again.
        switch resolution {
        case .unknown, .ambiguous: if loadProtocolMatch() { resolution = resolve(name) }
        default: break
        }
        switch resolution {
        case .unknown:
            throw error(word, "unknown option \(IPTablesSave.quoted("--" + name))")
        case .ambiguous(let names):
            throw error(
                word, "option \(IPTablesSave.quoted("--" + name)) is ambiguous (\(names.joined(separator: ", ")))")
        case .base(let option):
            try base(option, word: word, inline: inline.map { IPTablesToken(text: $0, column: word.column) })
        case .match(let matchName, let option):
            try extensionOption(option, word: word, inline: inline, owner: .match(matchName))
        case .target(let option):
            try extensionOption(option, word: word, inline: inline, owner: .target)
        }
    }

    /// `-A CHAIN`, `-ptcp`, `-nv`: one or more short options in one word.
    private mutating func shortOptions(_ word: IPTablesToken) throws(IPTablesSaveError) {
        var rest = word.text.dropFirst()
        var column = word.column + 1
        while let letter = rest.first {
            let optionWord = IPTablesToken(text: "-" + String(letter), column: column - 1)
            guard let option = BaseOption(rawValue: letter), option != .lineNumbers else {
                throw error(optionWord, "unknown option \(IPTablesSave.quoted("-" + String(letter)))")
            }
            rest = rest.dropFirst()
            column += 1
            if option.argument != .none, !rest.isEmpty {
                try base(option, word: optionWord, inline: IPTablesToken(text: String(rest), column: column))
                return
            }
            try base(option, word: optionWord, inline: nil)
        }
    }

    // MARK: Protocol match

    /// `load_proto`: once, for an option nothing loaded knows, load the match named by `-p`.
    private mutating func loadProtocolMatch() -> Bool {
        guard let protocolName, !protocolUsed else { return false }
        protocolUsed = true
        var name = protocolName
        if let number = IPTablesValues.unsigned(name, max: 255) {
            guard let known = IPTablesValues.protocolName(UInt8(number)) else { return false }
            name = known
        }
        guard ["tcp", "udp", "icmp"].contains(name), let parser = IPTablesMatches.parser(named: name) else {
            return false
        }
        loadMatch(name, parser: parser, word: options["p"] ?? IPTablesToken(text: name, column: 1))
        return true
    }

    private mutating func loadMatch(_ name: String, parser: any IPTablesMatchParser, word: IPTablesToken) {
        matches.append(LoadedMatch(name: name, word: word, parser: parser))
        if !merged.contains(.match(name)) { merged.append(.match(name)) }
    }

    // MARK: Extension options

    private mutating func extensionOption(
        _ option: IPTablesOption, word: IPTablesToken, inline: String?, owner: Owner
    ) throws(IPTablesSaveError) {
        let extensionName: String
        switch owner {
        case .match(let name): extensionName = name
        case .target: extensionName = target?.name ?? ""
        }
        let inverted = invert != nil
        if inverted && !option.invertible {
            throw error(invert ?? word, "\(extensionName): option \"--\(option.name)\" cannot be inverted")
        }
        invert = nil
        var argument = word
        var second: IPTablesToken?
        switch option.argument {
        case .none:
            if inline != nil { throw error(word, "option \"--\(option.name)\" doesn't allow an argument") }
        case .one, .two:
            if let inline {
                argument = IPTablesToken(text: inline, column: word.column)
            } else if let next = nextWord() {
                argument = next
            } else {
                throw error(word, "expected \(option.expects) after --\(option.name)")
            }
            if option.argument == .two {
                guard hasArgument(), let next = nextWord() else {
                    throw error(argument, "--\(option.name) requires two arguments")
                }
                second = next
            }
        }
        let call = IPTablesOptionCall(
            option: option, word: word, argument: argument, second: second, inverted: inverted)
        switch owner {
        case .match(let name):
            guard let position = matches.lastIndex(where: { $0.name == name }) else { return }
            if matches[position].seen.contains(option.id) {
                throw error(word, "\(name): option \"--\(option.name)\" can only be used once")
            }
            matches[position].seen.insert(option.id)
            try matches[position].parser.parse(call, context: context)
        case .target:
            guard var loaded = target else { return }
            if loaded.seen.contains(option.id) {
                throw error(word, "\(loaded.name): option \"--\(option.name)\" can only be used once")
            }
            loaded.seen.insert(option.id)
            try loaded.parser.parse(call, context: context)
            target = loaded
        }
    }

    // MARK: Base options

    private mutating func argument(
        _ option: BaseOption, word: IPTablesToken, inline: IPTablesToken?
    ) throws(IPTablesSaveError) -> IPTablesToken {
        if let inline { return inline }
        guard let next = nextWord() else { throw error(word, "expected \(option.expects) after \(word.text)") }
        return next
    }

    /// The optional argument of `-F`, `-X`, `-w`: attached, or the next word unless it looks
    /// like an option (`xs_has_arg`).
    private mutating func optionalArgument(inline: IPTablesToken?) -> IPTablesToken? {
        if let inline { return inline }
        return hasArgument() ? nextWord() : nil
    }

    /// `set_option`: each rule option once, `!` only where it means something.
    private mutating func setOption(_ option: BaseOption, word: IPTablesToken) throws(IPTablesSaveError) -> Bool {
        if options[option.rawValue] != nil || (option == .goto && options["j"] != nil)
            || (option == .jump && options["g"] != nil)
        {
            throw error(word, "multiple \(option.displayName) options not allowed")
        }
        options[option.rawValue] = word
        let inverted = invert != nil
        if inverted
            && ![.source, .destination, .protocolOption, .inInterface, .outInterface, .fragments].contains(option)
        {
            throw error(invert ?? word, "cannot have ! before \(option.displayName)")
        }
        invert = nil
        return inverted
    }

    private mutating func setCommand(_ option: BaseOption, word: IPTablesToken) throws(IPTablesSaveError) {
        if let invert { throw error(invert, "unexpected ! flag before \(word.text)") }
        if mode == .ruleSpecification {
            throw error(word, "unexpected command \(word.text) in a rule specification")
        }
        if let commandOption {
            throw error(word, "cannot use -\(option.rawValue) with -\(commandOption.rawValue)")
        }
        commandOption = option
        commandWord = word
    }

    private mutating func base(
        _ option: BaseOption, word: IPTablesToken, inline: IPTablesToken?
    ) throws(IPTablesSaveError) {
        switch option {
        case .append, .check, .insert, .replace, .delete, .newChain, .renameChain, .policy:
            try setCommand(option, word: word)
            let chain = try argument(option, word: word, inline: inline)
            chainWord = chain
            switch option {
            case .insert, .replace, .delete:
                if hasArgument(), let number = nextWord() {
                    guard let value = IPTablesValues.unsigned(number.text, max: UInt64(Int32.max)), value >= 1 else {
                        throw error(
                            number,
                            "expected a rule number after \(chain.text), got \(IPTablesSave.quoted(number.text))")
                    }
                    ruleNumber = Int(value)
                } else if option == .replace {
                    throw error(chain, "-R requires a rule number")
                }
            case .newChain:
                try IPTablesCommandLineParser.validateNewChain(chain, context: context)
            case .renameChain:
                guard hasArgument(), let new = nextWord() else {
                    throw error(chain, "-E requires old-chain-name and new-chain-name")
                }
                try IPTablesCommandLineParser.validateNewChain(new, context: context)
                newNameWord = new
            case .policy:
                guard hasArgument(), let policy = nextWord() else {
                    throw error(chain, "-P requires a chain and a policy")
                }
                guard IPTablesChain.Policy(rawValue: policy.text) != nil else {
                    throw error(policy, "expected a policy (ACCEPT or DROP), got \(IPTablesSave.quoted(policy.text))")
                }
                policyWord = policy
            default: break
            }
        case .flush, .deleteChain:
            try setCommand(option, word: word)
            chainWord = optionalArgument(inline: inline)
        case .list, .listRules, .zero, .version, .help:
            throw error(word, "\(word.text) is not supported: the model is programmed with iptables, not listed by it")
        case .table:
            if let invert { throw error(invert, "unexpected ! flag before --table") }
            let name = try argument(option, word: word, inline: inline)
            switch mode {
            case .restore: throw error(word, "the -t option cannot be used in iptables-restore")
            case .ruleSpecification: throw error(word, "-t is not part of a rule specification")
            case .command: table = try IPTablesCommandLineParser.tableName(name, context: context)
            }
        case .source, .destination:
            let negated = try setOption(option, word: word)
            let value = try argument(option, word: word, inline: inline)
            if value.text.contains(",") {
                throw error(
                    value, "several addresses in one \(word.text) (one rule each) are not supported by the model")
            }
            let match: AddressMatch
            switch IPTablesValues.prefix(value.text[...]) {
            case .success(let prefix): match = AddressMatch(prefix, negated: negated)
            case .failure(.nonContiguousMask):
                throw error(
                    value,
                    "expected an address after \(word.text), got \(IPTablesSave.quoted(value.text))"
                        + " (non-contiguous masks are not supported by the model)"
                )
            case .failure(.badMask):
                throw error(
                    value, "expected an address after \(word.text), got \(IPTablesSave.quoted(value.text)) (bad mask)")
            case .failure(.badAddress):
                throw error(value, "expected an address after \(word.text), got \(IPTablesSave.quoted(value.text))")
            }
            // `0.0.0.0/0` without `!` is what every rule has: no match at all.
            let meaningful = match.prefix.length == 0 && !negated ? nil : match
            if option == .source { rule.source = meaningful } else { rule.destination = meaningful }
        case .protocolOption:
            let negated = try setOption(option, word: word)
            let value = try argument(option, word: word, inline: inline)
            guard let number = IPTablesValues.protocolNumber(value.text[...]) else {
                throw error(value, "expected a protocol after \(word.text), got \(IPTablesSave.quoted(value.text))")
            }
            if number == 0 && negated { throw error(value, "rule would never match protocol") }
            protocolName = value.text.lowercased()
            context.protocolNumber = number
            context.protocolNegated = negated
            rule.protocolMatch = number == 0 ? nil : ProtocolMatch(IPProtocol(rawValue: number), negated: negated)
        case .inInterface, .outInterface:
            let negated = try setOption(option, word: word)
            let value = try argument(option, word: word, inline: inline)
            if value.text.isEmpty { throw error(value, "Empty interface is likely to be undesired") }
            guard value.text.utf8.count <= 15 else {
                throw error(
                    value, "interface name \(IPTablesSave.quoted(value.text)) must be shorter than IFNAMSIZ (15)")
            }
            let match = value.text == "+" && !negated ? nil : InterfaceMatch(value.text, negated: negated)
            if option == .inInterface { rule.inInterface = match } else { rule.outInterface = match }
        case .jump, .goto:
            _ = try setOption(option, word: word)
            let value = try argument(option, word: word, inline: inline)
            try jump(value, goto: option == .goto)
        case .match:
            if let invert { throw error(invert, "unexpected ! flag before --match") }
            let value = try argument(option, word: word, inline: inline)
            guard let parser = IPTablesMatches.parser(named: value.text) else {
                if IPTablesMatches.knownUnsupported.contains(value.text) {
                    throw error(value, "match \(IPTablesSave.quoted(value.text)) is not supported by the model")
                }
                throw error(value, "Couldn't load match `\(value.text)':No such file or directory")
            }
            loadMatch(value.text, parser: parser, word: value)
        case .numeric, .exact, .lineNumbers:
            throw error(word, "Illegal option `\(option.displayName)' with this command")
        case .verbose, .ipv4:
            if let invert { throw error(invert, "cannot have ! before \(option.displayName)") }
        case .ipv6:
            throw error(word, "IPv6 rules are not modelled: this is iptables")
        case .wait, .waitInterval:
            if case .restore = mode { throw error(word, "you cannot use `\(word.text)' from iptables-restore") }
            if let value = optionalArgument(inline: inline),
                IPTablesValues.unsigned(value.text, max: UInt64(UInt32.max)) == nil
            {
                throw error(
                    value,
                    "expected a number of \(option == .wait ? "seconds" : "microseconds") after \(word.text),"
                        + " got \(IPTablesSave.quoted(value.text))"
                )
            }
        case .modprobe:
            _ = try argument(option, word: word, inline: inline)
        case .fragments:
            throw error(word, "-f (second and further fragments) is not supported by the model")
        case .setCounters:
            let value = try argument(option, word: word, inline: inline)
            var packetsText = value.text[...]
            var bytesText: Substring?
            var bytesWord = value
            if let comma = packetsText.firstIndex(of: ",") {
                bytesText = packetsText[packetsText.index(after: comma)...]
                packetsText = packetsText[..<comma]
            } else if hasArgument(), let next = nextWord() {
                bytesText = next.text[...]
                bytesWord = next
            }
            guard let packets = IPTablesCounters.decimal(packetsText) else {
                throw error(
                    value,
                    "expected a packet counter after \(word.text), got \(IPTablesSave.quoted(String(packetsText)))")
            }
            guard let bytesText, let bytes = IPTablesCounters.decimal(bytesText) else {
                throw error(bytesWord, "\(word.text) requires packet and byte counter")
            }
            counters = IPTablesCounters(packets: packets, bytes: bytes)
            countersWord = word
        }
    }

    /// `-j NAME` / `-g NAME`: a verdict, a target extension or a chain (checked when the rule is
    /// added to a ruleset).
    private mutating func jump(_ value: IPTablesToken, goto: Bool) throws(IPTablesSaveError) {
        let name = value.text
        if name.isEmpty { throw error(value, "Invalid target name (too short)") }
        if name.utf8.count >= 29 { throw error(value, "Invalid target name `\(name)' (28 chars max)") }
        if name.contains(where: { $0.isWhitespace }) { throw error(value, "Invalid target name `\(name)'") }
        targetWord = value
        if goto {
            if IPTablesTargets.isTargetName(name) { throw error(value, "goto '\(name)' is not a chain") }
            rule.target = .goto(name)
            return
        }
        if name == "CONTINUE" { return }
        if let verdict = IPTablesTargets.standard[name] {
            rule.target = verdict
        } else if let parser = IPTablesTargets.parser(named: name) {
            target = LoadedTarget(name: name, word: value, parser: parser)
            merged.removeAll { $0 == .target }
            merged.append(.target)
        } else if IPTablesTargets.knownUnsupported.contains(name) {
            throw error(value, "target \(IPTablesSave.quoted(name)) is not supported by the model")
        } else {
            rule.target = .jump(name)
        }
    }

    static func tableName(
        _ word: IPTablesToken, context: IPTablesParseContext
    ) throws(IPTablesSaveError) -> IPTablesTableName {
        if let name = IPTablesTableName(rawValue: word.text) { return name }
        if word.text == "security" { throw context.error(word, "table security is not supported by the model") }
        throw context.error(
            word, "expected a table (raw, mangle, nat or filter), got \(IPTablesSave.quoted(word.text))")
    }

    /// `assert_valid_chain_name`.
    static func validateNewChain(_ word: IPTablesToken, context: IPTablesParseContext) throws(IPTablesSaveError) {
        let name = word.text
        if name.isEmpty { throw context.error(word, "expected a chain name") }
        if name.utf8.count >= 29 { throw context.error(word, "chain name `\(name)' too long (must be under 29 chars)") }
        if let first = name.first, first == "-" || first == "!" {
            throw context.error(word, "chain name not allowed to start with `\(first)'")
        }
        if IPTablesTargets.isTargetName(name) { throw context.error(word, "chain name may not clash with target name") }
        if name.contains(where: { $0.isWhitespace }) { throw context.error(word, "Invalid chain name `\(name)'") }
    }

    // MARK: Finish

    private mutating func finish() throws(IPTablesSaveError) -> Result {
        var modules: [MatchModule] = []
        for loaded in matches {
            modules.append(try loaded.parser.finish(context: context, word: loaded.word))
            // `xt_check_match`: tcp, udp and icmp are registered for one protocol only.
            let required: UInt8? = ["tcp": 6, "udp": 17, "icmp": 1][loaded.name]
            if let required, context.protocolNumber != required || context.protocolNegated {
                throw error(
                    loaded.word,
                    "match \(loaded.name) is only valid with -p \(loaded.name)"
                        + " (the kernel refuses it: Invalid argument)"
                )
            }
        }
        rule.matches = modules
        if let target { rule.target = try target.parser.finish(context: context, word: target.word) }
        var result = Result(
            command: nil, rule: rule, commandWord: commandWord, chainWord: chainWord, targetWord: targetWord)
        guard mode != .ruleSpecification else { return result }
        guard let commandOption, let commandWord else {
            throw context.error(column: tokens.first?.column ?? 1, "no command specified")
        }
        let hasRule = commandOption.takesRule && !(commandOption == .delete && ruleNumber != nil)
        if !hasRule {
            for letter in ["s", "d", "p", "i", "o", "j", "g"] as [Character] {
                if let word = options[letter] { throw error(word, "Illegal option `\(word.text)' with this command") }
            }
            if let first = matches.first { throw error(first.word, "Illegal option `-m' with this command") }
        }
        if let countersWord, ![.append, .insert, .replace, .policy].contains(commandOption) {
            throw error(countersWord, "Illegal option `\(countersWord.text)' with this command")
        }
        let chain = chainWord?.text
        if hasRule, let chain {
            if chain == "PREROUTING" || chain == "INPUT", let word = options["o"] {
                throw error(word, "Can't use -o with \(chain)")
            }
            if chain == "POSTROUTING" || chain == "OUTPUT", let word = options["i"] {
                throw error(word, "Can't use -i with \(chain)")
            }
        }
        if table == .nat, (rule.target == .drop && hasRule) || policyWord?.text == "DROP" {
            throw error(
                policyWord ?? targetWord ?? commandWord,
                "the \"nat\" table is not intended for filtering, the use of DROP is therefore inhibited")
        }
        let operation: IPTablesCommand.Operation
        switch commandOption {
        case .append: operation = .append(chain: chain ?? "", rule: rule)
        case .check: operation = .check(chain: chain ?? "", rule: rule)
        case .insert: operation = .insert(chain: chain ?? "", position: ruleNumber ?? 1, rule: rule)
        case .replace: operation = .replace(chain: chain ?? "", position: ruleNumber ?? 1, rule: rule)
        case .delete:
            if let ruleNumber {
                operation = .deleteNumber(chain: chain ?? "", position: ruleNumber)
            } else {
                operation = .delete(chain: chain ?? "", rule: rule)
            }
        case .newChain: operation = .newChain(chain ?? "")
        case .renameChain: operation = .renameChain(chain ?? "", to: newNameWord?.text ?? "")
        case .policy:
            operation = .setPolicy(
                chain: chain ?? "", policy: IPTablesChain.Policy(rawValue: policyWord?.text ?? "") ?? .accept)
        case .flush: operation = .flush(chain: chain)
        default: operation = .deleteChain(chain)
        }
        result.command = IPTablesCommand(table: table, operation: operation, counters: counters)
        return result
    }
}

/// The options of iptables itself (`original_opts` of iptables.c), by their short letter.
enum BaseOption: Character, CaseIterable {
    case append = "A"
    case delete = "D"
    case check = "C"
    case insert = "I"
    case replace = "R"
    case list = "L"
    case listRules = "S"
    case flush = "F"
    case zero = "Z"
    case newChain = "N"
    case deleteChain = "X"
    case renameChain = "E"
    case policy = "P"
    case source = "s"
    case destination = "d"
    case protocolOption = "p"
    case inInterface = "i"
    case jump = "j"
    case table = "t"
    case match = "m"
    case numeric = "n"
    case outInterface = "o"
    case verbose = "v"
    case wait = "w"
    case waitInterval = "W"
    case exact = "x"
    case fragments = "f"
    case version = "V"
    case help = "h"
    case lineNumbers = "0"
    case modprobe = "M"
    case setCounters = "c"
    case goto = "g"
    case ipv4 = "4"
    case ipv6 = "6"

    enum Argument { case none, required, optional }

    var longNames: [String] {
        switch self {
        case .append: ["append"]
        case .delete: ["delete"]
        case .check: ["check"]
        case .insert: ["insert"]
        case .replace: ["replace"]
        case .list: ["list"]
        case .listRules: ["list-rules"]
        case .flush: ["flush"]
        case .zero: ["zero"]
        case .newChain: ["new-chain"]
        case .deleteChain: ["delete-chain"]
        case .renameChain: ["rename-chain"]
        case .policy: ["policy"]
        case .source: ["source", "src"]
        case .destination: ["destination", "dst"]
        case .protocolOption: ["protocol"]
        case .inInterface: ["in-interface"]
        case .jump: ["jump"]
        case .table: ["table"]
        case .match: ["match"]
        case .numeric: ["numeric"]
        case .outInterface: ["out-interface"]
        case .verbose: ["verbose"]
        case .wait: ["wait"]
        case .waitInterval: ["wait-interval"]
        case .exact: ["exact"]
        case .fragments: ["fragments"]
        case .version: ["version"]
        case .help: ["help"]
        case .lineNumbers: ["line-numbers"]
        case .modprobe: ["modprobe"]
        case .setCounters: ["set-counters"]
        case .goto: ["goto"]
        case .ipv4: ["ipv4"]
        case .ipv6: ["ipv6"]
        }
    }

    var argument: Argument {
        switch self {
        case .list, .listRules, .flush, .zero, .deleteChain, .wait, .waitInterval, .help: .optional
        case .numeric, .verbose, .exact, .fragments, .version, .lineNumbers, .ipv4, .ipv6: .none
        default: .required
        }
    }

    /// The name iptables uses in its messages (`ip46t_option_name`).
    var displayName: String { "--" + longNames[0] }

    /// What the argument is, for "expected ... after -X".
    var expects: String {
        switch self {
        case .source, .destination: "an address"
        case .protocolOption: "a protocol"
        case .inInterface, .outInterface: "an interface name"
        case .jump: "a target or chain"
        case .goto: "a chain"
        case .table: "a table"
        case .match: "a match module"
        case .setCounters: "packet and byte counters"
        case .modprobe: "a program"
        default: "a chain name"
        }
    }

    /// Commands that carry a rule specification.
    var takesRule: Bool { [.append, .check, .insert, .replace, .delete].contains(self) }
}
