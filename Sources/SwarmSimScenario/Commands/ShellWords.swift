/// Splits a command line into words the way a POSIX shell does before running it: blanks
/// separate words; single quotes keep everything; double quotes keep everything but `\"`, `\\`,
/// `\$` and `` \` ``; a backslash outside quotes keeps the next character.
///
/// A command substitution `$(...)` (or `` `...` ``) is not run: it is kept verbatim, as one opaque
/// part of its word, because a scenario replays commands whose substitutions only matter by
/// their place (`docker swarm join ADDR --token $(ssh ADDR "docker swarm join-token -q worker")`).
/// Pipes, lists and redirections are rejected: a step runs one command.
public enum ShellWords {
    public struct SplitError: Error, Equatable, Sendable {
        /// bash's wording.
        public var message: String
    }

    public static func split(_ text: String) -> Result<[String], SplitError> {
        var words: [String] = []
        var word = ""
        var inWord = false
        var chars = Array(text)
        var i = 0
        func finish() {
            if inWord { words.append(word) }
            word = ""
            inWord = false
        }
        while i < chars.count {
            let c = chars[i]
            switch c {
            case " ", "\t", "\n":
                finish()
                i += 1
            case "'":
                inWord = true
                guard let end = chars[(i + 1)...].firstIndex(of: "'") else {
                    return .failure(SplitError(message: "unexpected EOF while looking for matching `''"))
                }
                word += String(chars[(i + 1)..<end])
                i = end + 1
            case "\"":
                inWord = true
                i += 1
                var closed = false
                while i < chars.count {
                    let d = chars[i]
                    if d == "\"" {
                        closed = true
                        i += 1
                        break
                    } else if d == "\\", i + 1 < chars.count, "\"\\$`\n".contains(chars[i + 1]) {
                        if chars[i + 1] != "\n" { word.append(chars[i + 1]) }
                        i += 2
                    } else if d == "$", i + 1 < chars.count, chars[i + 1] == "(" {
                        guard let end = substitutionEnd(chars, from: i) else {
                            return .failure(SplitError(message: "unexpected EOF while looking for matching `)'"))
                        }
                        word += String(chars[i...end])
                        i = end + 1
                    } else {
                        word.append(d)
                        i += 1
                    }
                }
                if !closed {
                    return .failure(SplitError(message: "unexpected EOF while looking for matching `\"'"))
                }
            case "\\":
                inWord = true
                if i + 1 < chars.count {
                    if chars[i + 1] != "\n" { word.append(chars[i + 1]) }
                    i += 2
                } else {
                    i += 1
                }
            case "$" where i + 1 < chars.count && chars[i + 1] == "(":
                inWord = true
                guard let end = substitutionEnd(chars, from: i) else {
                    return .failure(SplitError(message: "unexpected EOF while looking for matching `)'"))
                }
                word += String(chars[i...end])
                i = end + 1
            case "`":
                inWord = true
                guard let end = chars[(i + 1)...].firstIndex(of: "`") else {
                    return .failure(SplitError(message: "unexpected EOF while looking for matching ``'"))
                }
                word += String(chars[i...end])
                i = end + 1
            case "|", ";", "&", "<", ">", "(", ")":
                var op = String(c)
                if i + 1 < chars.count, "|&><".contains(chars[i + 1]) { op.append(chars[i + 1]) }
                return .failure(SplitError(
                    message: "unsupported shell syntax near `\(op)': a step runs one command, without pipes, lists or redirections"
                ))
            case "#" where !inWord:
                // A comment runs to the end of the line.
                while i < chars.count, chars[i] != "\n" { i += 1 }
            default:
                inWord = true
                word.append(c)
                i += 1
            }
        }
        finish()
        chars.removeAll()
        return .success(words)
    }

    /// The index of the `)` closing the `$(` at `start`, skipping nested parentheses and quotes.
    static func substitutionEnd(_ chars: [Character], from start: Int) -> Int? {
        var depth = 0
        var i = start + 1
        var quote: Character?
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                if c == "\\", q == "\"" {
                    i += 1
                } else if c == q {
                    quote = nil
                }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "\\" {
                i += 1
            } else if c == "(" {
                depth += 1
            } else if c == ")" {
                depth -= 1
                if depth == 0 { return i }
            }
            i += 1
        }
        return nil
    }
}
