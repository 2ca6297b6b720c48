import SwarmSimCore
import Yams

/// Builds the typed model from the YAML tree, section by section, recording every error in the
/// reader. Elements with errors are left out of the model but their names stay declared, so one
/// bad node address does not also make every step on that node an "unknown node".
struct ScenarioBuilder {
    let reader: YAMLReader

    static let topKeys = ["name", "description", "seed", "until", "swarm", "steps", "capture", "expect"]

    func scenario(_ root: Node) -> Scenario? {
        guard let top = reader.mapping(root, "the scenario", allowed: Self.topKeys, required: ["name", "swarm"]) else {
            return nil
        }
        var name: String?
        if let node = top["name"], let text = reader.string(node, "name") {
            if YAMLReader.isSimpleName(text) {
                name = text
            } else {
                reader.fail(node, "invalid scenario name '\(text)': expected \(YAMLReader.simpleNamePattern)")
            }
        }
        let description = top["description"].flatMap { reader.string($0, "description") }
        var seed: UInt64 = 1
        if let node = top["seed"] {
            seed = reader.value(node, "seed", "an integer in 0...\(UInt64.max)") { UInt64($0) } ?? 1
        }
        var until: SimDuration?
        if let node = top["until"], let d = reader.duration(node, "until") {
            if d.nanoseconds > 0 { until = d } else { reader.fail(node, "expected a positive duration for until") }
        }
        let swarm = top["swarm"].flatMap { SwarmBuilder(reader: reader).swarm($0) }
        let names = Declared(swarm: swarm, reader: reader, root: top["swarm"])
        let steps = top["steps"].flatMap { StepsBuilder(reader: reader, declared: names).steps($0, until: until) } ?? []
        let capture = CaptureBuilder(reader: reader).capture(top["capture"], name: name ?? "scenario")
        let expectations = top["expect"].flatMap { ExpectBuilder(reader: reader).expectations($0) } ?? []
        if let swarm {
            StaticChecks(reader: reader, swarm: swarm, declared: names).check(
                steps: steps, capture: capture, expectations: expectations
            )
        }
        guard let name, let swarm, reader.errors.isEmpty else { return nil }
        return Scenario(
            name: name, description: description, seed: seed, until: until, swarm: swarm, steps: steps,
            capture: capture, expectations: expectations, file: reader.file, location: top.location
        )
    }
}

/// The names the file declares, including those of elements that had errors.
struct Declared {
    var nodes: [String] = []
    var hosts: [String] = []

    init(swarm: SwarmSection?, reader: YAMLReader, root: Node?) {
        // Read the raw names so that a node with a bad address still counts as declared.
        guard case .mapping(let m)? = root else { return }
        for (key, list) in [("nodes", \Declared.nodes), ("hosts", \Declared.hosts)] {
            guard case .sequence(let items)? = m[key] else { continue }
            for item in items {
                if case .mapping(let entry) = item, let name = entry["name"]?.scalar?.string { self[keyPath: list].append(name) }
            }
        }
    }

    func isMachine(_ name: String) -> Bool { nodes.contains(name) || hosts.contains(name) }

    /// For messages: `host01, host02 (nodes), client (hosts)`.
    var machinesList: String {
        var parts: [String] = []
        if !nodes.isEmpty { parts.append("nodes: " + nodes.joined(separator: ", ")) }
        if !hosts.isEmpty { parts.append("hosts: " + hosts.joined(separator: ", ")) }
        return parts.joined(separator: "; ")
    }
}
