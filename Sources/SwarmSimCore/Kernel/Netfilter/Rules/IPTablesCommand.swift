/// One `iptables [-t TABLE] COMMAND ...` invocation as data: what libnetwork runs to program a
/// node (`iptables -t nat -I PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS`), parsed by
/// `IPTablesSave.parseCommand` and carried out by `IPTablesRuleset.apply(_:)`.
public struct IPTablesCommand: Hashable, Sendable {
    /// The table and chain operations of iptables(8), by their option letter.
    public enum Operation: Hashable, Sendable {
        /// `-A CHAIN rule`.
        case append(chain: String, rule: IPTablesRule)
        /// `-I CHAIN [N] rule` (N is 1-based, 1 when not given).
        case insert(chain: String, position: Int, rule: IPTablesRule)
        /// `-R CHAIN N rule`.
        case replace(chain: String, position: Int, rule: IPTablesRule)
        /// `-D CHAIN rule`: the first identical rule.
        case delete(chain: String, rule: IPTablesRule)
        /// `-D CHAIN N`.
        case deleteNumber(chain: String, position: Int)
        /// `-C CHAIN rule`: fails unless the chain has an identical rule (libnetwork's `Exists`).
        case check(chain: String, rule: IPTablesRule)
        /// `-N CHAIN`.
        case newChain(String)
        /// `-F [CHAIN]`: one chain, or every chain of the table.
        case flush(chain: String?)
        /// `-X [CHAIN]`: one user chain, or every user chain of the table.
        case deleteChain(String?)
        /// `-E OLD NEW`.
        case renameChain(String, to: String)
        /// `-P CHAIN POLICY`.
        case setPolicy(chain: String, policy: IPTablesChain.Policy)
    }

    /// `-t TABLE`, filter when not given.
    public var table: IPTablesTableName
    public var operation: Operation
    /// `-c PACKETS BYTES`: the counters a new rule or a policy starts with.
    public var counters: IPTablesCounters?

    public init(table: IPTablesTableName = .filter, operation: Operation, counters: IPTablesCounters? = nil) {
        self.table = table
        self.operation = operation
        self.counters = counters
    }
}
