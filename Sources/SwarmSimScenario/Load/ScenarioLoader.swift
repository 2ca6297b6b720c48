import Foundation
import SwarmSimCore
import Yams

/// Reads a scenario file into a `Scenario`, or reports every problem in it, each located
/// (`file:line:col: error: ...`) and saying what was expected.
///
/// Defaults where scenario-format.md is silent: `underlay.subnet` 172.17.0.0/16 (Docker's
/// bridge range that the tutorials' hosts use), `latency` 100us, `bandwidth` 10Gbps, `loss` and
/// `jitter` 0; a network's `driver` overlay; a service's `replicas` 1. The steps are checked in
/// file order against the networks and services that earlier steps create and remove; a step
/// whose `expect: {exit: N}` expects a failure may name what does not exist.
public enum ScenarioLoader {
    public static func load(path: String) throws(ScenarioErrors) -> Scenario {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScenarioErrors([ScenarioError(.wholeFile(path), "cannot read the scenario file (no such file, or not readable)")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScenarioErrors([ScenarioError(.wholeFile(path), "the scenario file is not UTF-8 text")])
        }
        return try load(text: text, file: path)
    }

    public static func load(text: String, file: String) throws(ScenarioErrors) -> Scenario {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ScenarioErrors([syntaxError(error, file: file)])
        } catch {
            throw ScenarioErrors([ScenarioError(SourceLocation(file: file, line: 1, column: 1), "YAML: \(error)")])
        }
        guard let root else {
            throw ScenarioErrors([ScenarioError(
                SourceLocation(file: file, line: 1, column: 1), "empty scenario: expected a mapping with name and swarm"
            )])
        }
        let reader = YAMLReader(file: file)
        let scenario = ScenarioBuilder(reader: reader).scenario(root)
        let errors = reader.errors.enumerated().sorted {
            ($0.element.location.line, $0.element.location.column, $0.offset)
                < ($1.element.location.line, $1.element.location.column, $1.offset)
        }.map(\.element)
        guard errors.isEmpty, let scenario else {
            throw ScenarioErrors(errors.isEmpty ? [ScenarioError(reader.location(root), "invalid scenario")] : errors)
        }
        return scenario
    }

    /// A YAML syntax error at the position libyaml reports.
    static func syntaxError(_ error: YamlError, file: String) -> ScenarioError {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let while_ = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            return ScenarioError(at(mark), "YAML syntax: \(problem)\(while_)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return ScenarioError(at(context.mark), "duplicate key \(keys) in a mapping: each key may appear once")
        case .reader(let problem, let offset, _, let yaml):
            var line = 1
            var column = 1
            if let offset {
                for c in yaml.prefix(offset) {
                    if c == "\n" { line += 1; column = 1 } else { column += 1 }
                }
            }
            return ScenarioError(SourceLocation(file: file, line: line, column: column), "YAML: \(problem)")
        default:
            return ScenarioError(SourceLocation(file: file, line: 1, column: 1), "YAML: \(error)")
        }
    }
}
