import Foundation

/// The text filters a tutorial pipes docker output through inside `$(...)`:
/// `docker ps | grep docker-http-server | head -n1 | awk '{print $1}'`.
///
/// Only what such one-liners use, each as the GNU/busybox tool behaves on lines of text:
/// `grep [-v] [-i] [-E] [-F] PATTERN`, `head [-n N | -N]`, `tail [-n N | -N]`,
/// `awk '{print $N[, $M...]}'` (fields split on runs of blanks), `wc -l`, `sort [-r]`, `uniq`.
/// Anything else is an error naming the filter, never a silent pass-through.
public enum TextFilter {
    public struct Unsupported: Error, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Runs the filter `argv` (program name first) over `input`.
    public static func apply(_ argv: [String], to input: String) throws(Unsupported) -> String {
        guard let program = argv.first else { throw Unsupported(message: "empty command in a pipeline") }
        let arguments = Array(argv.dropFirst())
        var lines = input.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let output: [String]
        switch program {
        case "grep": output = try grep(arguments, lines)
        case "head": output = Array(lines.prefix(try count(arguments, program)))
        case "tail": output = Array(lines.suffix(try count(arguments, program)))
        case "awk": output = try awk(arguments, lines)
        case "wc":
            guard arguments == ["-l"] else { throw Unsupported(message: "wc: only -l is supported") }
            output = [String(lines.count)]
        case "sort":
            guard arguments.isEmpty || arguments == ["-r"] else { throw Unsupported(message: "sort: only -r is supported") }
            output = arguments.isEmpty ? lines.sorted() : lines.sorted(by: >)
        case "uniq":
            guard arguments.isEmpty else { throw Unsupported(message: "uniq: no options are supported") }
            output = lines.enumerated().filter { $0.offset == 0 || lines[$0.offset - 1] != $0.element }.map(\.element)
        default:
            throw Unsupported(message: "\(program): not a supported filter (grep, head, tail, awk, wc -l, sort, uniq)")
        }
        return output.map { $0 + "\n" }.joined()
    }

    private static func grep(_ arguments: [String], _ lines: [String]) throws(Unsupported) -> [String] {
        var invert = false
        var ignoreCase = false
        var fixed = false
        var pattern: String?
        for argument in arguments {
            if argument.hasPrefix("-") && argument.count > 1 && pattern == nil {
                for flag in argument.dropFirst() {
                    switch flag {
                    case "v": invert = true
                    case "i": ignoreCase = true
                    case "E": break
                    case "F": fixed = true
                    default: throw Unsupported(message: "grep: unsupported option -\(flag)")
                    }
                }
            } else if pattern == nil {
                pattern = argument
            } else {
                throw Unsupported(message: "grep: reading files is not supported inside a pipeline")
            }
        }
        guard let pattern else { throw Unsupported(message: "grep: a pattern is required") }
        let regex: NSRegularExpression
        do {
            regex = try NSRegularExpression(
                pattern: fixed ? NSRegularExpression.escapedPattern(for: pattern) : pattern,
                options: ignoreCase ? [.caseInsensitive] : [])
        } catch {
            throw Unsupported(message: "grep: invalid pattern '\(pattern)'")
        }
        return lines.filter { line in
            let found = regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
            return found != invert
        }
    }

    private static func count(_ arguments: [String], _ program: String) throws(Unsupported) -> Int {
        var text: String?
        switch arguments.count {
        case 0: return 10
        case 1:
            let a = arguments[0]
            if a.hasPrefix("-n") { text = String(a.dropFirst(2)) } else if a.hasPrefix("-") { text = String(a.dropFirst()) }
        case 2 where arguments[0] == "-n": text = arguments[1]
        default: break
        }
        guard let text, let n = Int(text), n >= 0 else {
            throw Unsupported(message: "\(program): expected -n N or -N, got '\(arguments.joined(separator: " "))'")
        }
        return n
    }

    private static func awk(_ arguments: [String], _ lines: [String]) throws(Unsupported) -> [String] {
        guard arguments.count == 1 else { throw Unsupported(message: "awk: expected one program such as '{print $1}'") }
        let program = arguments[0].trimmingCharacters(in: .whitespaces)
        guard program.hasPrefix("{"), program.hasSuffix("}") else {
            throw Unsupported(message: "awk: only '{print $N}' programs are supported")
        }
        let body = program.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
        guard body.hasPrefix("print") else { throw Unsupported(message: "awk: only '{print $N}' programs are supported") }
        let fieldList = body.dropFirst("print".count).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var fields: [Int] = []
        for field in fieldList {
            guard field.hasPrefix("$"), let n = Int(field.dropFirst()), n >= 0 else {
                throw Unsupported(message: "awk: only field references such as $1 can be printed")
            }
            fields.append(n)
        }
        return lines.map { line in
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            if fields.isEmpty { return line }
            return fields.map { $0 == 0 ? line : ($0 <= words.count ? words[$0 - 1] : "") }.joined(separator: " ")
        }
    }
}
