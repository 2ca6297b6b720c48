import SwarmSimCore
import Yams

/// Reads a composed YAML tree (Yams' `Node`, which carries the line and column of every node) into
/// typed values, collecting every error instead of stopping at the first, so `validate` reports
/// them all. Scalars are read from their text, never through YAML 1.1 typing: `on:` stays the key
/// `on`, and `1.5` stays the decimal 1.5 for the exact unit parsers.
final class YAMLReader {
    let file: String
    private(set) var errors: [ScenarioError] = []

    init(file: String) { self.file = file }

    func location(_ node: Node) -> SourceLocation {
        let mark = node.mark
        return SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    func fail(_ location: SourceLocation, _ message: String) {
        errors.append(ScenarioError(location, message))
    }

    func fail(_ node: Node, _ message: String) { fail(location(node), message) }

    /// How an error message shows what was found.
    func found(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return "nothing" }
            return "'\(scalar.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// A mapping's entries by key text, in file order.
    struct Fields {
        let node: Node
        let location: SourceLocation
        let entries: [(key: String, keyNode: Node, value: Node)]

        subscript(key: String) -> Node? { entries.first { $0.key == key }?.value }
        func has(_ key: String) -> Bool { entries.contains { $0.key == key } }
    }

    /// A mapping allowing only `allowed` keys, with `required` ones present; nil when not a mapping.
    func mapping(_ node: Node, _ what: String, allowed: [String], required: [String] = []) -> Fields? {
        guard case .mapping(let mapping) = node else {
            fail(node, "expected a mapping for \(what), found \(found(node))")
            return nil
        }
        var entries: [(key: String, keyNode: Node, value: Node)] = []
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                fail(key, "expected a key (a plain name) in \(what), found \(found(key))")
                continue
            }
            guard allowed.contains(scalar.string) else {
                fail(key, "unknown key '\(scalar.string)' in \(what); expected one of: \(allowed.joined(separator: ", "))")
                continue
            }
            entries.append((scalar.string, key, value))
        }
        let fields = Fields(node: node, location: location(node), entries: entries)
        for key in required where !mapping.keys.contains(where: { $0.scalar?.string == key }) {
            fail(node, "missing key '\(key)' in \(what)")
        }
        return fields
    }

    /// A mapping whose keys are free (labels, images, weights): each key's text and node, in order.
    func freeMapping(_ node: Node, _ what: String) -> [(key: String, keyNode: Node, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            fail(node, "expected a mapping for \(what), found \(found(node))")
            return nil
        }
        var entries: [(key: String, keyNode: Node, value: Node)] = []
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                fail(key, "expected a key in \(what), found \(found(key))")
                continue
            }
            entries.append((scalar.string, key, value))
        }
        return entries
    }

    func sequence(_ node: Node, _ what: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            fail(node, "expected a list for \(what), found \(found(node))")
            return nil
        }
        return Array(sequence)
    }

    /// A scalar's text; a null counts as missing.
    func string(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let scalar) = node, found(node) != "nothing" else {
            fail(node, "expected a string for \(what), found \(found(node))")
            return nil
        }
        return scalar.string
    }

    /// A scalar parsed by `parse`, or an error saying `expected`.
    func value<T>(_ node: Node, _ what: String, _ expected: String, _ parse: (String) -> T?) -> T? {
        guard case .scalar(let scalar) = node, found(node) != "nothing" else {
            fail(node, "expected \(expected) for \(what), found \(found(node))")
            return nil
        }
        guard let value = parse(scalar.string) else {
            fail(node, "expected \(expected) for \(what), found \(found(node))")
            return nil
        }
        return value
    }

    func int(_ node: Node, _ what: String, _ range: ClosedRange<Int>, _ expected: String? = nil) -> Int? {
        let text = expected ?? "an integer in \(range.lowerBound)...\(range.upperBound)"
        return value(node, what, text) { Int($0).flatMap { range.contains($0) ? $0 : nil } }
    }

    func bool(_ node: Node, _ what: String) -> Bool? {
        value(node, what, "true or false") {
            switch $0 {
            case "true", "True", "TRUE": true
            case "false", "False", "FALSE": false
            default: nil
            }
        }
    }

    func duration(_ node: Node, _ what: String) -> SimDuration? {
        value(node, what, Units.durationExpectation, Units.duration)
    }

    func rate(_ node: Node, _ what: String) -> UInt64? {
        value(node, what, Units.rateExpectation) { Units.bitsPerSecond($0).flatMap { $0 > 0 ? $0 : nil } }
    }

    func fraction(_ node: Node, _ what: String) -> Double? {
        value(node, what, Units.fractionExpectation + " (between 0 and 1)", Units.fraction)
    }

    func address(_ node: Node, _ what: String) -> IPv4Address? {
        value(node, what, "an IPv4 address such as 172.17.0.6", AddressParsing.ipv4)
    }

    func prefix(_ node: Node, _ what: String) -> IPv4Prefix? {
        guard let text = string(node, what) else { return nil }
        switch AddressParsing.prefix(text) {
        case .success(let prefix): return prefix
        case .failure(.hostBitsSet(let prefix)):
            fail(node, "invalid subnet \(text) for \(what): it should be \(prefix)")
        case .failure(.malformed):
            fail(node, "expected a subnet such as 172.17.0.0/16 for \(what), found '\(text)'")
        }
        return nil
    }

    /// One of an enum's raw values.
    func choice<E: RawRepresentable & CaseIterable>(_ node: Node, _ what: String, _ type: E.Type) -> E?
    where E.RawValue == String {
        let names = E.allCases.map(\.rawValue)
        let expected = names.count == 2 ? "\(names[0]) or \(names[1])" : "one of \(names.joined(separator: ", "))"
        return value(node, what, expected) { E(rawValue: $0) }
    }

    /// A list of strings, or one string standing for a list of one.
    func strings(_ node: Node, _ what: String) -> [(String, Node)]? {
        guard let items = sequence(node, what) else { return nil }
        return items.compactMap { item in string(item, what).map { ($0, item) } }
    }

    /// `[a-z0-9][a-z0-9_-]*`: scenario, node and host names.
    static func isSimpleName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, isLowerAlnum(first) else { return false }
        return text.unicodeScalars.allSatisfy { isLowerAlnum($0) || $0 == "_" || $0 == "-" }
    }

    static func isLowerAlnum(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("0"..."9").contains(c) }
    static func isAlnum(_ c: Unicode.Scalar) -> Bool { isLowerAlnum(c) || ("A"..."Z").contains(c) }

    /// swarmkit's service names: a DNS label, `^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$`, at most 63.
    static func isServiceName(_ text: String) -> Bool {
        let s = Array(text.unicodeScalars)
        guard let first = s.first, let last = s.last, s.count <= 63, isAlnum(first), isAlnum(last) else { return false }
        return s.allSatisfy { isAlnum($0) || $0 == "-" || $0 == "_" }
    }

    /// libnetwork's network names: `^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`.
    static func isNetworkName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, isAlnum(first) else { return false }
        return text.unicodeScalars.allSatisfy { isAlnum($0) || $0 == "_" || $0 == "." || $0 == "-" }
    }

    static let simpleNamePattern = "[a-z0-9][a-z0-9_-]*"
}
