/// Text that is not valid `iptables-save` / `iptables` syntax for the model, located as a
/// compiler locates an error: the line (1-based) and the column (1-based, in Unicode scalars) of
/// the offending word, and what was expected there.
///
/// `description` is `LINE:COL: error: MESSAGE`, e.g.
/// `7:23: error: expected a port or port range after --dport, got "http8"`, so that a scenario
/// loader can prefix the file name and print it as it prints its own errors.
public struct IPTablesSaveError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The line of the input, 1-based (always 1 for a single rule or command).
    public var line: Int
    /// The column where the offending word starts, 1-based.
    public var column: Int
    /// What was wrong, in iptables' terms: what was expected and what was found.
    public var message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(line):\(column): error: \(message)" }
}
