/// One word of an iptables command line and the 1-based column (in Unicode scalars) where it
/// starts, so that an error can point at it.
struct IPTablesToken: Hashable, Sendable {
    var text: String
    var column: Int
}

/// Splits a rule line into words with iptables-restore's quoting rules (`add_param_to_argv`):
/// words are separated by spaces and tabs; a double quote opens a quoted part in which a
/// backslash takes the next character literally and the closing quote ends the word (so `""` is
/// an empty word); outside quotes a backslash is an ordinary character.
///
/// An unterminated quote is an error here, where iptables would quietly take the rest of the line.
enum IPTablesTokenizer {
    static func words(_ text: Substring, line: Int, firstColumn: Int = 1) throws(IPTablesSaveError) -> [IPTablesToken] {
        var tokens: [IPTablesToken] = []
        var current = String.UnicodeScalarView()
        var start: Int?
        var quoteColumn = 0
        var inQuote = false
        var escaped = false
        var column = firstColumn - 1
        for scalar in text.unicodeScalars {
            column += 1
            if inQuote {
                if escaped {
                    current.append(scalar)
                    escaped = false
                } else if scalar == "\\" {
                    escaped = true
                } else if scalar == "\"" {
                    inQuote = false
                    tokens.append(IPTablesToken(text: String(current), column: start ?? quoteColumn))
                    current = String.UnicodeScalarView()
                    start = nil
                } else {
                    current.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"":
                inQuote = true
                quoteColumn = column
                if start == nil { start = column }
            case " ", "\t", "\n", "\r":
                if let begin = start {
                    tokens.append(IPTablesToken(text: String(current), column: begin))
                    current = String.UnicodeScalarView()
                    start = nil
                }
            default:
                current.append(scalar)
                if start == nil { start = column }
            }
        }
        if inQuote {
            throw IPTablesSaveError(line: line, column: quoteColumn, message: "unterminated quoted string")
        }
        if let begin = start { tokens.append(IPTablesToken(text: String(current), column: begin)) }
        return tokens
    }
}
