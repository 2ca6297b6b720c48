import SwarmSimApps
import SwarmSimCore
import SwarmSimSwarm

/// `swarmsim show` and `swarmsim trace`: the state a run programmed, and one connection
/// followed hop by hop, after the scenario (or its first `after` steps) has run.
public enum ScenarioInspection {
    public enum Topic: String, CaseIterable, Sendable {
        case iptables, ipvs, routes, dns, services
    }

    /// Runs the first `after` steps (all when nil) without captures, quietly.
    static func replay(_ scenario: Scenario, after: Int?, seed: UInt64?) throws(InspectionError) -> ScenarioRun {
        var scenario = scenario
        if let after {
            guard (0...scenario.steps.count).contains(after) else {
                throw InspectionError("--after \(after): the scenario has \(scenario.steps.count) steps")
            }
            scenario.steps = Array(scenario.steps.prefix(after))
        }
        let run = ScenarioRun(scenario: scenario, settings: RunSettings(seed: seed, capture: false))
        do {
            try run.buildWorld()
        } catch {
            throw InspectionError(error.description)
        }
        // A second for the last connections to close, not an hour: the state shortly after the
        // last step, as an operator looking then sees it (neighbour entries still fresh).
        run.runTimeline(drain: .seconds(1))
        return run
    }

    /// What `show` prints for `topic` on `node` (default: the first manager) and `netns`.
    public static func show(
        _ scenario: Scenario, topic: Topic, node: String?, netns: String?, after: Int?, seed: UInt64? = nil
    ) throws(InspectionError) -> String {
        let run = try replay(scenario, after: after, seed: seed)
        let nodeName = node ?? scenario.swarm.firstManager?.name ?? scenario.swarm.nodes.first?.name ?? ""
        guard let daemon = run.daemon(nodeName) else {
            throw InspectionError("no swarm node named \(nodeName) (nodes: \(scenario.swarm.nodes.map(\.name).joined(separator: ", ")))")
        }
        let namespace = netns.map { run.namespaceName($0, on: nodeName) }
        switch topic {
        case .iptables:
            guard let text = daemon.iptablesSave(namespace: namespace) else { throw unknownNamespace(netns, daemon) }
            return text
        case .ipvs:
            guard let text = daemon.ipvsList(namespace: namespace ?? "ingress_sbox") else {
                throw unknownNamespace(netns, daemon)
            }
            return text
        case .routes:
            guard let text = daemon.ipRoute(namespace: namespace) else { throw unknownNamespace(netns, daemon) }
            return text
        case .services:
            return run.cluster.serviceLs()
        case .dns:
            return run.dnsRecords()
        }
    }

    static func unknownNamespace(_ name: String?, _ daemon: NodeDaemon) -> InspectionError {
        InspectionError(
            "no network namespace \(name ?? "") on \(daemon.nodeName) (namespaces: "
                + daemon.namespaceNames.joined(separator: ", ") + ")")
    }

    /// Follows one TCP connection from `from` (a node or host) to `host:port`, printing every
    /// device it crosses until the answer to its SYN is back, with each NAT and IPVS decision.
    public static func trace(
        _ scenario: Scenario, from: String, to target: String, after: Int?, seed: UInt64? = nil
    ) throws(InspectionError) -> String {
        let run = try replay(scenario, after: after, seed: seed)
        guard let machine = run.world.machine(named: from) else { throw InspectionError("no node or host named \(from)") }
        let (host, port) = ScenarioRun.hostAndPort(target)
        var address: IPv4Address?
        run.hostsTable.resolve(host) { if case .success(let list) = $0 { address = list.first } }
        guard let address, (1...65535).contains(port) else { throw InspectionError("cannot resolve \(target)") }
        let recorder = TraceRecorder()
        for each in run.world.machines {
            for namespace in each.namespaces {
                for device in namespace.devices {
                    let tap = TraceTap(point: run.describe(device).pointName, recorder: recorder)
                    recorder.taps.append(tap)
                    device.addTap(tap)
                }
            }
        }
        recorder.recording = true
        let start = run.simulation.now
        var answered = false
        do {
            let connection = try machine.root.connectTCP(to: address, port: UInt16(port))
            connection.onConnected = { answered = true; connection.abort() }
            connection.onClosed = { _ in answered = true }
        } catch {
            throw InspectionError("connect: \(error)")
        }
        while !answered, run.simulation.dispatchNext(notAfter: start + .seconds(3) - .nanoseconds(1)) {}
        recorder.recording = false
        var lines = ["trace \(from) -> \(host):\(port) (\(address):\(port)) at \(ScenarioRun.clock(start))"]
        for hop in recorder.hops {
            let offset = ExpectationJudge.format(hop.time - start)
            var line = "  +\(offset)  \(hop.point)  \(hop.summary)"
            if let comment = hop.comment { line += "\n      ^ \(comment)" }
            lines.append(line)
        }
        if !answered { lines.append("  no answer within 3s") }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// A `show` or `trace` request that cannot be answered.
public struct InspectionError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

extension ScenarioRun {
    /// The namespace a user names: as is (`ingress_sbox`, `lb_...`), a task slot (`lbapp1.1`) or
    /// a container name, or `lb-NET` for a network's LB namespace.
    func namespaceName(_ name: String, on node: String) -> String {
        if let entry = namespaceLabels.first(where: { $0.value == name && daemon(node)?.namespaceNames.contains($0.key) == true }) {
            return entry.key
        }
        if name.hasPrefix("lb-"), let network = cluster.networkInfo(String(name.dropFirst(3))) {
            return "lb_" + network.config.id.prefix(9)
        }
        return name
    }

    /// The embedded DNS's records, per network: service names, `tasks.` names and task names.
    func dnsRecords() -> String {
        var lines: [String] = []
        for network in cluster.networkList where !network.config.isIngress {
            lines.append("; network \(network.config.name) (\(network.config.subnet))")
            for service in cluster.serviceList {
                let tasks = reportTasks(service.spec.name).filter { $0.state == .running }
                let addresses = tasks.compactMap { $0.addresses.first { $0.networkID == network.config.id }?.address }
                guard !addresses.isEmpty else { continue }
                if let vip = service.virtualIPs.first(where: { $0.networkID == network.config.id }) {
                    lines.append("\(service.spec.name).\t600\tIN\tA\t\(vip.address)")
                } else {
                    for address in addresses { lines.append("\(service.spec.name).\t600\tIN\tA\t\(address)") }
                }
                for address in addresses { lines.append("tasks.\(service.spec.name).\t600\tIN\tA\t\(address)") }
                for task in tasks {
                    if let address = task.addresses.first(where: { $0.networkID == network.config.id })?.address {
                        lines.append("\(task.name).\t600\tIN\tA\t\(address)")
                    }
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
