import Foundation

/// A `--constraint` / `placement.constraints` expression: `node.role==worker`,
/// `node.hostname!=host01`, `node.labels.zone==east` (swarmkit's `constraint.Parse`).
public struct PlacementConstraint: Equatable, Sendable, CustomStringConvertible {
    public enum Operator: String, Equatable, Sendable {
        case equal = "==", notEqual = "!="
    }

    public var key: String
    public var `operator`: Operator
    public var value: String

    /// Parses one expression; the error text is swarmkit's.
    public static func parse(_ text: String) -> Result<PlacementConstraint, ConstraintError> {
        for op in [Operator.equal, .notEqual] {
            guard let range = text.range(of: op.rawValue) else { continue }
            let key = text[..<range.lowerBound].trimmingSpaces
            let value = text[range.upperBound...].trimmingSpaces
            guard isValidKey(key) else { return .failure(ConstraintError(message: "key '\(key)' is invalid")) }
            guard isValidValue(value) else {
                return .failure(ConstraintError(message: "value '\(value)' is invalid"))
            }
            return .success(PlacementConstraint(key: key, operator: op, value: value))
        }
        return .failure(ConstraintError(message: "constraint expected one operator from ==, !="))
    }

    public struct ConstraintError: Error, Equatable, Sendable {
        public var message: String
    }

    /// Whether a node could satisfy this constraint; nil when it cannot be decided before the run
    /// (`node.id`, engine labels, platform keys).
    public func matches(hostname: String, roles: [NodeSpec.Role], labels: [NodeSpec.Label]) -> Bool? {
        let lowered = key.lowercased()
        let candidates: [String]
        if lowered == "node.role" {
            candidates = roles.map(\.rawValue)
        } else if lowered == "node.hostname" {
            candidates = [hostname]
        } else if lowered.hasPrefix("node.labels.") {
            let label = String(key.dropFirst("node.labels.".count))
            guard let found = labels.first(where: { $0.key == label }) else { return self.operator == .notEqual }
            candidates = [found.value]
        } else {
            return nil
        }
        let equal = candidates.map { $0.lowercased() == value.lowercased() }
        return self.operator == .equal ? equal.contains(true) : equal.contains(false)
    }

    public var description: String { "\(key)\(self.operator.rawValue)\(value)" }

    private static func isValidKey(_ key: String) -> Bool {
        // swarmkit: ^(?i)[a-z_][a-z0-9\-_.]+$
        guard key.unicodeScalars.count >= 2 else { return false }
        return key.unicodeScalars.enumerated().allSatisfy { index, c in
            let letter = ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_"
            return index == 0 ? letter : letter || ("0"..."9").contains(c) || c == "-" || c == "."
        }
    }

    private static func isValidValue(_ value: String) -> Bool {
        !value.isEmpty && value.unicodeScalars.allSatisfy { c in
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
                || ":-_ .*()?+[]\\^$|/".unicodeScalars.contains(c)
        }
    }
}

extension Substring {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
