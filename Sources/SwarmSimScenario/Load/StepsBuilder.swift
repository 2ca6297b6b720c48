import SwarmSimCore
import Yams

/// `steps:`: each a command string (run on the first manager) or a mapping.
struct StepsBuilder {
    let reader: YAMLReader
    let declared: Declared

    static let keys = ["run", "on", "at", "load", "fault", "expect"]

    func steps(_ node: Node, until: SimDuration?) -> [Step]? {
        reader.sequence(node, "steps")?.compactMap { step($0, until: until) }
    }

    func commandLine(_ node: Node) -> ShellCommandLine? {
        guard let text = reader.string(node, "a command line") else { return nil }
        switch CommandParser.parse(text) {
        case .success(let (words, command)):
            return ShellCommandLine(text: text, words: words, command: command, location: reader.location(node))
        case .failure(let error):
            reader.fail(node, error.message)
            return nil
        }
    }

    func step(_ node: Node, until: SimDuration?) -> Step? {
        if case .scalar = node {
            return commandLine(node).map { Step(location: reader.location(node), on: nil, at: nil, action: .run($0)) }
        }
        guard let f = reader.mapping(node, "a step", allowed: Self.keys) else { return nil }
        let actions = f.entries.filter { ["run", "load", "fault"].contains($0.key) }
        guard let first = actions.first else {
            reader.fail(node, "a step needs one of run, load or fault")
            return nil
        }
        if actions.count > 1 {
            reader.fail(actions[1].keyNode, "a step takes one of run, load or fault; found both \(first.key) and \(actions[1].key)")
            return nil
        }
        var on: String?
        if let node = f["on"], let name = reader.string(node, "on") {
            if declared.isMachine(name) {
                on = name
            } else {
                reader.fail(node, "unknown node or host '\(name)' in on; expected one of the \(declared.machinesList)")
            }
        }
        let at = f["at"].flatMap { reader.duration($0, "at") }
        let action: Step.Action?
        switch first.key {
        case "run": action = commandLine(first.value).map { .run($0) }
        case "load": action = load(first.value, until: until).map { .load($0) }
        default: action = fault(first.value).map { .fault($0) }
        }
        var expect: StepExpect?
        if let node = f["expect"], let g = reader.mapping(node, "a step's expect", allowed: ["output", "exit"]) {
            var output: String?
            if let o = g["output"], var text = reader.string(o, "output") {
                if text.count >= 2, text.hasPrefix("/"), text.hasSuffix("/") { text = String(text.dropFirst().dropLast()) }
                do {
                    _ = try Regex(text)
                    output = text
                } catch {
                    reader.fail(o, "invalid regular expression for output: \(error)")
                }
            }
            let exit = g["exit"].flatMap { reader.int($0, "exit", 0...255) }.map(Int32.init)
            expect = StepExpect(output: output, exit: exit, location: g.location)
        }
        guard let action else { return nil }
        return Step(location: f.location, on: on, at: at, action: action, expect: expect)
    }

    static let loadKeys = ["target", "requests", "concurrency", "rate", "protocol", "network", "keepalive"]

    func load(_ node: Node, until: SimDuration?) -> LoadSpec? {
        guard let f = reader.mapping(node, "load", allowed: Self.loadKeys, required: ["target"]) else { return nil }
        var host: String?
        var port: Int?
        if let t = f["target"], let text = reader.string(t, "target") {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            if parts.count == 2, !parts[0].isEmpty, let p = Int(parts[1]), (1...65535).contains(p) {
                host = String(parts[0])
                port = p
            } else {
                reader.fail(t, "expected HOST:PORT or SERVICE:PORT for target, found '\(text)'")
            }
        }
        let requests = f["requests"].flatMap { reader.int($0, "requests", 1...Int(Int32.max)) }
        let concurrency = f["concurrency"].flatMap { reader.int($0, "concurrency", 1...100_000) } ?? 1
        let rate = f["rate"].flatMap { reader.value($0, "rate", Units.requestRateExpectation, Units.requestRate) }
        let proto = f["protocol"].map { reader.choice($0, "protocol", LoadSpec.LoadProtocol.self) } ?? .http
        if f["requests"] == nil, until == nil {
            reader.fail(node, "a load without requests never ends: give requests: N, or a scenario until:")
        }
        guard let host, let port, let proto else { return nil }
        return LoadSpec(
            targetHost: host, targetPort: port, requests: requests, concurrency: concurrency, rate: rate,
            protocol: proto, network: f["network"].flatMap { reader.string($0, "network") },
            keepalive: f["keepalive"].flatMap { reader.bool($0, "keepalive") } ?? false, location: f.location
        )
    }

    func machine(_ node: Node, _ what: String) -> String? {
        guard let name = reader.string(node, what) else { return nil }
        guard declared.isMachine(name) else {
            reader.fail(node, "unknown node or host '\(name)' in \(what); expected one of the \(declared.machinesList)")
            return nil
        }
        return name
    }

    func fault(_ node: Node) -> Fault? {
        guard let f = reader.mapping(node, "fault", allowed: ["node-down", "node-up", "kill-task", "link", "partition"]) else {
            return nil
        }
        guard f.entries.count == 1, let entry = f.entries.first else {
            reader.fail(node, "a fault is one of node-down, node-up, kill-task, link or partition")
            return nil
        }
        switch entry.key {
        case "node-down": return machine(entry.value, "node-down").map { .nodeDown($0) }
        case "node-up": return machine(entry.value, "node-up").map { .nodeUp($0) }
        case "kill-task":
            guard let task = reader.string(entry.value, "kill-task") else { return nil }
            guard let dot = task.lastIndex(of: "."), dot != task.startIndex, task.index(after: dot) != task.endIndex else {
                reader.fail(entry.value, "expected a task named SERVICE.SLOT or SERVICE.NODE for kill-task, found '\(task)'")
                return nil
            }
            return .killTask(task)
        case "link":
            guard let g = reader.mapping(entry.value, "link", allowed: ["between", "loss", "latency", "down"],
                                         required: ["between"]),
                  let pair = g["between"].flatMap({ SwarmBuilder(reader: reader).pair($0, "between") })
            else { return nil }
            for (name, item) in zip(pair, reader.sequence(g["between"]!, "between") ?? []) where !declared.isMachine(name) {
                reader.fail(item, "unknown node or host '\(name)' in between; expected one of the \(declared.machinesList)")
            }
            return .link(LinkFault(
                between: pair, loss: g["loss"].flatMap { reader.fraction($0, "loss") },
                latency: g["latency"].flatMap { reader.duration($0, "latency") },
                down: g["down"].flatMap { reader.bool($0, "down") }
            ))
        default:
            guard let groups = reader.sequence(entry.value, "partition") else { return nil }
            var result: [[String]] = []
            var seen: [String] = []
            for group in groups {
                guard let items = reader.strings(group, "a partition group") else { continue }
                var names: [String] = []
                for (name, item) in items {
                    if !declared.isMachine(name) {
                        reader.fail(item, "unknown node or host '\(name)' in partition; expected one of the \(declared.machinesList)")
                    } else if seen.contains(name) {
                        reader.fail(item, "'\(name)' is in two partition groups")
                    } else {
                        seen.append(name)
                        names.append(name)
                    }
                }
                result.append(names)
            }
            return .partition(result)
        }
    }
}
