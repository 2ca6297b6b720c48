/// Why a table operation (`-A`, `-I`, `-D`, `-N`, `-X`, `-F`, `-P`, `-E`, `-C`) cannot be done on a
/// ruleset: the conditions libiptc and the kernel refuse, with the message `iptables` prints for
/// them (`iptables: Too many links.` for deleting a chain that is still jumped to).
public struct IPTablesCommandError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// The chain does not exist in that table (`ENOENT`).
        case noSuchChain
        /// `-j`/`-g` names neither a target nor a chain of the table.
        case noSuchTarget
        /// `-N` (or `-E`) of a name that is already a chain or a built-in target (`EEXIST`).
        case chainExists
        /// `-X` of a chain that still has rules (`ENOTEMPTY`).
        case chainNotEmpty
        /// `-X` of a chain that rules still jump to (`EMLINK`).
        case chainReferenced
        /// `-X` or `-E` of a built-in chain, a jump to a built-in chain: what the kernel or
        /// libiptc refuses with `EINVAL`.
        case invalidArgument
        /// `-P` on a user chain.
        case notBuiltinChain
        /// `-D` or `-C` of a rule the chain does not have.
        case noMatchingRule
        /// `-I N`, `-R N` or `-D N` beyond the end of the chain (`E2BIG`).
        case indexTooBig
        /// A jump that would make chains reachable from a built-in chain call each other in a
        /// circle (`ELOOP`).
        case loop
        /// A chain name iptables does not allow (too long, clashes with a target, starts with `-`).
        case invalidChainName
        /// A rule or policy iptables refuses before asking the kernel (`-o` in PREROUTING, DROP in nat).
        case invalidRule
    }

    public var kind: Kind
    /// The text after `iptables: `, as iptables prints it.
    public var message: String
    /// For `invalidArgument` refused by the kernel, the line the kernel logs (what `dmesg` shows),
    /// e.g. `x_tables: ip_tables: DNAT target: used from hooks POSTROUTING, but only usable from
    /// PREROUTING/OUTPUT`.
    public var kernelLog: String?

    public init(_ kind: Kind, _ message: String, kernelLog: String? = nil) {
        self.kind = kind
        self.message = message
        self.kernelLog = kernelLog
    }

    public var description: String { "iptables: \(message)" }

    static let noSuchChain = Self(.noSuchChain, "No chain/target/match by that name.")
    static func noSuchTarget(_ name: String) -> Self {
        Self(.noSuchTarget, "Couldn't load target `\(name)':No such file or directory")
    }
    static let chainExists = Self(.chainExists, "Chain already exists.")
    static let chainNotEmpty = Self(.chainNotEmpty, "Directory not empty.")
    static let chainReferenced = Self(.chainReferenced, "Too many links.")
    static let invalidArgument = Self(.invalidArgument, "Invalid argument. Run `dmesg' for more information.")
    static let notBuiltinChain = Self(.notBuiltinChain, "Bad built-in chain name.")
    static let noMatchingRule = Self(.noMatchingRule, "Bad rule (does a matching rule exist in that chain?).")
    static let insertionTooBig = Self(.indexTooBig, "Index of insertion too big.")
    static let replacementTooBig = Self(.indexTooBig, "Index of replacement too big.")
    static let deletionTooBig = Self(.indexTooBig, "Index of deletion too big.")
    static let loop = Self(.loop, "Too many levels of symbolic links.")
}
