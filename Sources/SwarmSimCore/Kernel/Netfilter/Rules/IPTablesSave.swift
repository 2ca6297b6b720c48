/// The iptables-save language: the one way rules get into the netfilter model and out of it.
///
/// - `parse` reads a whole `iptables-save` file (what `iptables-restore` reads), as a real node
///   dumps it or a scenario writes it;
/// - `parseRule` reads one rule specification, `parseCommand` one `iptables ...` command line as
///   libnetwork runs it (apply it with `IPTablesRuleset.apply`);
/// - `print` writes the canonical text back (see `IPTablesSave+Print.swift`).
///
/// Input is read with iptables' own rules (option abbreviations, the implicit protocol match,
/// base-0 numbers, names of ICMP types and reject types...) so that whatever a real iptables
/// accepts for the modules the model has is accepted, and prints as the real iptables-save prints
/// it. Everything else is an `IPTablesSaveError` naming the line, the column and what was
/// expected; no input traps.
public enum IPTablesSave {
    /// Parses an `iptables-save` file: `*table` sections of `:CHAIN POLICY [packets:bytes]` lines
    /// and rule lines (`-A CHAIN ...`, optionally prefixed by `[packets:bytes]` as
    /// `iptables-save -c` writes them, or any other iptables command), each ended by `COMMIT`;
    /// blank lines and `#` comments are skipped. A table section replaces that table, as
    /// iptables-restore does; tables not mentioned are absent from the result.
    public static func parse(_ text: String) throws(IPTablesSaveError) -> IPTablesRuleset {
        var ruleset = IPTablesRuleset()
        var table: IPTablesTableName?
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let content = line.drop { $0 == " " || $0 == "\t" }
            let indent = line.unicodeScalars.count - content.unicodeScalars.count
            if content.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) || content.hasPrefix("#") { continue }
            var trimmed = content
            while let last = trimmed.last, last == " " || last == "\t" || last == "\r" { trimmed = trimmed.dropLast() }
            let firstColumn = indent + 1
            guard let current = table else {
                guard content.hasPrefix("*") else {
                    let what = trimmed == "COMMIT" ? "COMMIT outside a table" : "a rule outside a table"
                    throw IPTablesSaveError(
                        line: lineNumber, column: firstColumn,
                        message: "expected *raw, *mangle, *nat or *filter, got \(what)")
                }
                let words = try IPTablesTokenizer.words(
                    content.dropFirst(), line: lineNumber, firstColumn: firstColumn + 1)
                guard let word = words.first else {
                    throw IPTablesSaveError(
                        line: lineNumber, column: firstColumn, message: "expected a table name after *")
                }
                let name = try IPTablesCommandLineParser.tableName(
                    word, context: IPTablesParseContext(line: lineNumber))
                ruleset.reset(name)
                table = name
                continue
            }
            if trimmed == "COMMIT" {
                table = nil
            } else if content.hasPrefix("*") {
                throw IPTablesSaveError(
                    line: lineNumber, column: firstColumn, message: "expected COMMIT before the next table")
            } else if content.hasPrefix(":") {
                try chainLine(
                    content.dropFirst(), firstColumn: firstColumn + 1, line: lineNumber, table: current, into: &ruleset)
            } else {
                try ruleLine(content, firstColumn: firstColumn, line: lineNumber, table: current, into: &ruleset)
            }
        }
        if let table {
            // The line after the last one (a final newline ends the last line, it starts none).
            let lines = text.hasSuffix("\n") ? lineNumber - 1 : lineNumber
            throw IPTablesSaveError(
                line: lines + 1, column: 1, message: "expected COMMIT to end table \(table.rawValue)")
        }
        return ruleset
    }

    /// `:NAME POLICY [packets:bytes]`: a built-in chain's policy (`-` keeps it) or a new user
    /// chain (policy `-`).
    private static func chainLine(
        _ text: Substring, firstColumn: Int, line: Int, table: IPTablesTableName, into ruleset: inout IPTablesRuleset
    ) throws(IPTablesSaveError) {
        let words = try IPTablesTokenizer.words(text, line: line, firstColumn: firstColumn)
        guard let name = words.first, !name.text.isEmpty else {
            throw IPTablesSaveError(line: line, column: firstColumn, message: "expected a chain name after :")
        }
        if name.text.utf8.count >= 29 {
            throw IPTablesSaveError(
                line: line, column: name.column, message: "invalid chain name `\(name.text)' (28 chars max)")
        }
        guard words.count >= 2 else {
            throw IPTablesSaveError(
                line: line, column: name.column, message: "expected a policy (ACCEPT, DROP or -) after the chain name")
        }
        let policyWord = words[1]
        let builtin = table.builtinChains.contains(name.text)
        if !builtin {
            do {
                try ruleset.newChain(name.text, in: table)
            } catch {
                throw IPTablesSaveError(
                    line: line, column: name.column,
                    message: "cannot create chain \(quoted(name.text)): \(error.message)")
            }
        }
        guard policyWord.text != "-" else { return }
        guard builtin else {
            throw IPTablesSaveError(
                line: line, column: policyWord.column,
                message:
                    "can't set policy `\(policyWord.text)' on `\(name.text)': Bad built-in chain name"
                    + " (user chains take -)"
            )
        }
        guard let policy = IPTablesChain.Policy(rawValue: policyWord.text) else {
            throw IPTablesSaveError(
                line: line, column: policyWord.column,
                message: "expected a policy (ACCEPT, DROP or -), got \(quoted(policyWord.text))")
        }
        var counters: IPTablesCounters?
        if words.count >= 3 {
            guard let parsed = IPTablesCounters(bracketed: words[2].text[...]) else {
                throw IPTablesSaveError(
                    line: line, column: words[2].column,
                    message: "invalid policy counters for chain '\(name.text)', expected [packets:bytes]")
            }
            counters = parsed == .zero ? nil : parsed
        }
        try? ruleset.setPolicy(policy, for: name.text, in: table, counters: counters)
    }

    /// `[packets:bytes] -A CHAIN ...` (or any other command, as iptables-restore takes them).
    private static func ruleLine(
        _ content: Substring, firstColumn: Int, line: Int, table: IPTablesTableName, into ruleset: inout IPTablesRuleset
    ) throws(IPTablesSaveError) {
        var text = content
        var column = firstColumn
        var counters: IPTablesCounters?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw IPTablesSaveError(
                    line: line, column: column, message: "expected [packets:bytes] counters, missing ]")
            }
            let bracketed = text[...close]
            guard let parsed = IPTablesCounters(bracketed: bracketed) else {
                throw IPTablesSaveError(
                    line: line, column: column,
                    message: "expected [packets:bytes] counters, got \(quoted(String(bracketed)))")
            }
            counters = parsed == .zero ? nil : parsed
            column += bracketed.unicodeScalars.count
            text = text[text.index(after: close)...]
        }
        let words = try IPTablesTokenizer.words(text, line: line, firstColumn: column)
        var parser = IPTablesCommandLineParser(tokens: words, line: line, mode: .restore(table))
        let result = try parser.parse()
        guard var command = result.command else { return }
        if command.counters == nil { command.counters = counters }
        do {
            try ruleset.apply(command)
        } catch {
            let word: IPTablesToken?
            let message: String
            switch error.kind {
            case .noSuchChain:
                word = result.chainWord
                message = "no chain \(quoted(result.chainWord?.text ?? "")) in table \(table.rawValue)"
            case .noSuchTarget, .loop:
                word = result.targetWord
                message =
                    error.kind == .loop
                    ? "jump to \(quoted(result.targetWord?.text ?? "")) would make a loop (\(error.message))"
                    : "expected a target or a chain of table \(table.rawValue),"
                        + " got \(quoted(result.targetWord?.text ?? ""))"
            case .invalidArgument:
                let byTarget = error.kernelLog.map { $0.contains(" target:") } ?? true
                word = byTarget ? result.targetWord ?? result.chainWord : result.chainWord
                message =
                    error.kernelLog.map { "the kernel refuses the rule: \($0) (\(error.message))" } ?? error.message
            default:
                word = result.chainWord ?? result.commandWord
                message = error.message
            }
            throw IPTablesSaveError(
                line: line, column: (word ?? result.commandWord)?.column ?? column, message: message)
        }
    }

    /// Parses a rule specification, the words after `-A CHAIN` (`-s 1.2.3.4 -p tcp --dport 80 -j
    /// ACCEPT`). Errors are on line 1.
    public static func parseRule(_ arguments: String) throws(IPTablesSaveError) -> IPTablesRule {
        let words = try IPTablesTokenizer.words(arguments[...], line: 1)
        var parser = IPTablesCommandLineParser(tokens: words, line: 1, mode: .ruleSpecification)
        return try parser.parse().rule
    }

    /// Parses an iptables command line as libnetwork runs it:
    /// `[iptables] [-w [N]] [-t TABLE] -A|-I|-R|-D|-C|-N|-F|-X|-E|-P CHAIN ...`. The program name
    /// is optional; `-w`/`--wait` and `-W` are accepted and ignored. Errors are on line 1.
    public static func parseCommand(_ line: String) throws(IPTablesSaveError) -> IPTablesCommand {
        let words = try IPTablesTokenizer.words(line[...], line: 1)
        var parser = IPTablesCommandLineParser(tokens: words, line: 1, mode: .command)
        // `.command` mode always yields a command or throws.
        guard let command = try parser.parse().command else {
            throw IPTablesSaveError(line: 1, column: 1, message: "no command specified")
        }
        return command
    }

    /// `text` in double quotes with `"` and `\` escaped, for error messages.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for character in text {
            if character == "\"" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        return result + "\""
    }
}
