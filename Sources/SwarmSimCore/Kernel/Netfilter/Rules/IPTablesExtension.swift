/// The option machinery shared by the match (`-m`) and target (`-j`) extensions, after
/// libxtables' `xt_option_entry`: each extension declares its options, the rule parser resolves a
/// word to one of them (as `getopt_long` does over the merged option table) and hands the
/// extension the option and its argument; the generic checks (used twice, `!` where it is not
/// allowed, missing argument) are done once for all (`xtables_option_parse`).

/// One `--option` of an extension.
struct IPTablesOption: Sendable {
    enum Argument: Sendable, Equatable {
        /// A flag (`--syn`, `--ipvs`).
        case none
        /// One word (`--dport 80`).
        case one
        /// Two words (`--tcp-flags SYN,ACK SYN`).
        case two
    }

    /// The long name without its dashes.
    let name: String
    /// Options with the same id are synonyms (`--sport` and `--source-port`).
    let id: Int
    let argument: Argument
    let invertible: Bool
    /// What the argument is, for error messages: "a port or port range".
    let expects: String

    init(_ name: String, id: Int, _ argument: Argument = .one, invertible: Bool = false, expects: String = "") {
        self.name = name
        self.id = id
        self.argument = argument
        self.invertible = invertible
        self.expects = expects
    }
}

/// What an extension sees of the rule being parsed when it parses an option or finishes.
struct IPTablesParseContext: Sendable {
    /// The input line, for error locations.
    var line: Int
    /// `-p` as parsed so far: nil until `-p`, 0 for `-p all`.
    var protocolNumber: UInt8?
    var protocolNegated = false

    /// An error located at `token`.
    func error(_ token: IPTablesToken, _ message: String) -> IPTablesSaveError {
        IPTablesSaveError(line: line, column: token.column, message: message)
    }

    func error(column: Int, _ message: String) -> IPTablesSaveError {
        IPTablesSaveError(line: line, column: column, message: message)
    }

    /// `expected EXPECTS after --OPTION, got "TEXT"`.
    func expected(_ option: IPTablesOption, _ token: IPTablesToken, _ detail: String? = nil) -> IPTablesSaveError {
        var message = "expected \(option.expects) after --\(option.name), got \(IPTablesSave.quoted(token.text))"
        if let detail { message += " (\(detail))" }
        return error(token, message)
    }
}

/// The arguments of one occurrence of an option.
struct IPTablesOptionCall: Sendable {
    let option: IPTablesOption
    /// The option word itself (`--dport`).
    let word: IPTablesToken
    /// Its first argument, when it takes one.
    let argument: IPTablesToken
    /// The second argument of a two-word option.
    let second: IPTablesToken?
    let inverted: Bool
}

/// A `-m MODULE` being parsed: its options, and the `MatchModule` it becomes.
protocol IPTablesMatchParser: Sendable {
    var options: [IPTablesOption] { get }
    mutating func parse(_ call: IPTablesOptionCall, context: IPTablesParseContext) throws(IPTablesSaveError)
    /// The module, once every option is read (`x6_fcheck`); `word` is the module name, for errors.
    func finish(context: IPTablesParseContext, word: IPTablesToken) throws(IPTablesSaveError) -> MatchModule
}

/// A `-j TARGET` extension being parsed.
protocol IPTablesTargetParser: Sendable {
    var options: [IPTablesOption] { get }
    mutating func parse(_ call: IPTablesOptionCall, context: IPTablesParseContext) throws(IPTablesSaveError)
    func finish(context: IPTablesParseContext, word: IPTablesToken) throws(IPTablesSaveError) -> RuleTarget
}

extension IPTablesParseContext {
    /// `EXTENSION: option "--NAME" must be specified`.
    func missing(_ extensionName: String, _ option: String, _ word: IPTablesToken) -> IPTablesSaveError {
        error(word, "\(extensionName): option \"--\(option)\" must be specified")
    }

    /// An option iptables has but the model does not evaluate: refused rather than ignored, so
    /// that the model never runs a rule that means less than it says.
    func unsupported(_ call: IPTablesOptionCall, of extensionName: String) -> IPTablesSaveError {
        error(call.word, "option --\(call.option.name) of \(extensionName) is not supported by the model")
    }
}
