/// One `--constraint` expression, matched as swarmkit's `constraint.NodeMatches` does.
struct PlacementConstraint: Equatable {
    enum Operator: String { case equal = "==", notEqual = "!=" }
    var key: String
    var op: Operator
    var value: String

    /// Parses `node.role==worker`; nil for an expression without exactly one `==`/`!=`.
    init?(_ text: String) {
        let ops: [Operator] = [.equal, .notEqual]
        let found = ops.compactMap { op -> (Operator, Range<String.Index>)? in
            guard let range = text.firstRange(of: op.rawValue) else { return nil }
            return (op, range)
        }
        guard found.count == 1, let (op, range) = found.first else { return nil }
        key = text[..<range.lowerBound].trimmingWhitespace()
        value = text[range.upperBound...].trimmingWhitespace()
        self.op = op
        guard !key.isEmpty, !value.isEmpty, !value.contains("="), !value.contains("!") else { return nil }
    }

    /// Whether a node satisfies the constraint. Names compare case-insensitively as swarmkit does
    /// for `node.hostname`/`node.role`/`node.id`; labels compare exactly. A missing label equals
    /// nothing, so `!=` holds. Keys swarmsim does not know never match.
    func matches(id: String, hostname: String, role: SwarmNodeRole, labels: [(String, String)]) -> Bool {
        let actual: String?
        var caseInsensitive = true
        switch key.lowercased() {
        case "node.id": actual = id
        case "node.hostname": actual = hostname
        case "node.role": actual = role.rawValue
        case "node.platform.os": actual = "linux"
        case "node.platform.arch": actual = "x86_64"
        default:
            guard key.lowercased().hasPrefix("node.labels.") else { return false }
            let label = String(key.dropFirst("node.labels.".count))
            actual = labels.first(where: { $0.0 == label })?.1
            caseInsensitive = false
        }
        let equal: Bool
        if let actual {
            equal = caseInsensitive ? actual.lowercased() == value.lowercased() : actual == value
        } else {
            equal = false
        }
        return op == .equal ? equal : !equal
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
