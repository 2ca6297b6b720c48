/// Where something was written in a scenario file: 1-based line and column, as libyaml counts them
/// (columns in Unicode scalars), so an error printed as `file:line:col` opens at the right spot in
/// an editor.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    /// 1-based; 0 when the error concerns the whole file (it could not be read).
    public var line: Int
    /// 1-based; 0 when the error concerns the whole file.
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// The whole file, for errors that have no position (the file cannot be read).
    public static func wholeFile(_ file: String) -> SourceLocation { SourceLocation(file: file, line: 0, column: 0) }

    /// `file:line:col`, or only `file` for the whole file.
    public var description: String { line == 0 ? file : "\(file):\(line):\(column)" }
}

/// One problem in a scenario file, located, saying what was expected.
public struct ScenarioError: Error, Hashable, Sendable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    /// `file:line:col: error: message`, the form compilers use, so editors and CI annotate it.
    public var description: String { "\(location): error: \(message)" }
}

/// Every problem found in a scenario file, in file order: `validate` reports them all, not only the first.
public struct ScenarioErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [ScenarioError]

    public init(_ errors: [ScenarioError]) {
        precondition(!errors.isEmpty, "ScenarioErrors needs at least one error")
        self.errors = errors
    }

    /// One `file:line:col: error: message` line per error.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
