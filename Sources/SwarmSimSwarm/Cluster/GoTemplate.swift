/// A value as Go's `fmt` prints it with `%v`, for the few `--format` templates swarmsim evaluates.
indirect enum GoValue {
    case string(String)
    /// A struct's fields in declaration order; printed `{v1 v2}`.
    case structure([(String, GoValue)])
    /// A map; printed `map[k:v ...]` with keys sorted, as fmt does.
    case map([(String, GoValue)])
    case slice([GoValue])

    var formatted: String {
        switch self {
        case .string(let text): return text
        case .structure(let fields): return "{" + fields.map(\.1.formatted).joined(separator: " ") + "}"
        case .map(let entries):
            return "map[" + entries.sorted { $0.0 < $1.0 }.map { "\($0.0):\($0.1.formatted)" }.joined(separator: " ") + "]"
        case .slice(let items): return "[" + items.map(\.formatted).joined(separator: " ") + "]"
        }
    }
}

/// Evaluates templates made of text and field chains (`{{.Endpoint.VirtualIPs}}`,
/// `{{.NetworkSettings.Networks.NET.IPAddress}}`), with docker/cli's error texts: a missing key is
/// reported as the CLI's raw-JSON fallback reports it (`map has no entry for key "X"`).
enum GoTemplate {
    static func execute(_ template: String, on root: GoValue) throws(SwarmError) -> String {
        var output = ""
        var rest = Substring(template)
        var offset = 0
        while let open = rest.firstRange(of: "{{") {
            output += rest[..<open.lowerBound]
            offset += rest.distance(from: rest.startIndex, to: open.upperBound)
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.firstRange(of: "}}") else {
                throw SwarmError("template parsing error: template: :1: unclosed action")
            }
            let action = afterOpen[..<close.lowerBound]
            let leading = action.prefix(while: { $0 == " " }).count
            let text = action.trimmingWhitespace()
            let position = offset + leading
            guard text.hasPrefix(".") else {
                let word = text.split(separator: " ").first.map(String.init) ?? text
                throw SwarmError("template parsing error: template: :1: function \"\(word)\" not defined")
            }
            output += try evaluate(text, root, position)
            offset += afterOpen.distance(from: afterOpen.startIndex, to: close.upperBound)
            rest = afterOpen[close.upperBound...]
        }
        return output + rest
    }

    private static func evaluate(_ chain: String, _ root: GoValue, _ position: Int) throws(SwarmError) -> String {
        var value = root
        for key in chain.split(separator: ".", omittingEmptySubsequences: true).map(String.init) {
            let fields: [(String, GoValue)]
            switch value {
            case .structure(let entries), .map(let entries): fields = entries
            default:
                throw SwarmError(
                    "template parsing error: template: :1:\(position): executing \"\" at <\(chain)>: "
                        + "can't evaluate field \(key) in type interface {}")
            }
            guard let next = fields.first(where: { $0.0 == key })?.1 else {
                throw SwarmError(
                    "template parsing error: template: :1:\(position): executing \"\" at <\(chain)>: "
                        + "map has no entry for key \"\(key)\"")
            }
            value = next
        }
        return value.formatted
    }
}
