import SwarmSimApps
import SwarmSimCore
import SwarmSimSwarm

extension ScenarioRun {
    /// Runs a `load:` step from `node`: from the machine itself, or with `network:` from a
    /// container attached to that overlay on the node (removed when the load ends).
    func runLoad(_ load: LoadSpec, on node: String, step: Int, completion: @escaping (CommandOutcome) -> Void) {
        var context: AppContext
        var attachedID: String?
        if let network = load.network {
            do {
                let info = try cluster.runContainer(name: nil, network: network, image: "alpine", node: node)
                guard let namespace = cluster.namespace(ofContainer: info.id) else {
                    return completion(CommandOutcome(stdout: "", stderr: "load: the container did not start\n", exitCode: 1))
                }
                attachedID = info.id
                context = containerContext(
                    StartedContainer(
                        id: info.id, name: info.name, slotName: nil, serviceName: nil, image: info.image, arguments: [],
                        node: node, namespace: namespace))
            } catch {
                return completion(CommandOutcome(stdout: "", stderr: "load: \(error.description)\n", exitCode: 1))
            }
        } else {
            guard let machine = world.machine(named: node) else {
                return completion(CommandOutcome(stdout: "", stderr: "load: no machine \(node)\n", exitCode: 1))
            }
            context = AppContext(namespace: machine.root, timers: timers, resolver: hostsTable, hostname: node)
        }
        let spec = SwarmSimApps.LoadSpec(
            host: load.targetHost, port: UInt16(clamping: load.targetPort), requests: requestCount(load),
            concurrency: load.concurrency, rate: load.rate, protocol: Self.loadProtocol(load.protocol),
            keepAlive: load.keepalive)
        let service = serviceTargeted(host: load.targetHost, port: load.targetPort)
        let started = simulation.now
        let generator = LoadGenerator.start(spec, context: context) { [unowned self] records in
            for record in records {
                ledger.recordClient(
                    RequestLedger.ClientRecord(
                        service: service, step: step, target: load.target, start: record.start,
                        latency: record.succeeded ? record.latency : nil,
                        failure: record.succeeded ? nil : Self.reason(record.failure)))
            }
            if let attachedID { timers.after(.zero) { [unowned self] in try? cluster.removeContainer(attachedID) } }
            completion(CommandOutcome(stdout: Self.summary(records, since: started, now: simulation.now)))
        }
        loadGenerators.append(generator)
    }

    /// `requests`, or for an open loop without it as many arrivals as fit before `until`.
    func requestCount(_ load: LoadSpec) -> Int {
        if let requests = load.requests { return requests }
        if let rate = load.rate, let until = scenario.until {
            let remaining = Double((SimTime.zero + until).nanoseconds - simulation.now.nanoseconds) / 1e9
            return max(0, Int(rate * remaining))
        }
        return Self.defaultLoadRequests
    }

    /// Requests of a load that names neither a count nor an open loop with `until`.
    static let defaultLoadRequests = 100

    static func loadProtocol(_ p: LoadSpec.LoadProtocol) -> LoadProtocol {
        switch p {
        case .http: .http
        case .tcp: .tcp
        case .udp: .udp
        }
    }

    static func reason(_ failure: RequestFailure?) -> String {
        guard let failure else { return "unknown" }
        return switch failure {
        case .refused: "refused"
        case .reset: "reset"
        case .timeout: "timeout"
        case .resolve: "resolve"
        case .protocol: "protocol"
        case .unreachable: "unreachable"
        case .addressNotAvailable: "no source port"
        }
    }

    /// One line: counts, duration, rate and latency percentiles.
    static func summary(_ records: [RequestRecord], since start: SimTime, now: SimTime) -> String {
        let succeeded = records.filter(\.succeeded)
        let seconds = Double(now.nanoseconds - start.nanoseconds) / 1e9
        var line = "\(records.count) requests: \(succeeded.count) succeeded, \(records.count - succeeded.count) failed"
        line += " in \(ExpectationJudge.fixed(seconds, 6))s"
        if seconds > 0 { line += " (\(Int((Double(records.count) / seconds).rounded())) req/s)" }
        let latencies = Percentiles(succeeded.compactMap(\.latency))
        if let p50 = latencies.value(at: 50), let p99 = latencies.value(at: 99) {
            line += "; latency p50 \(ExpectationJudge.format(p50)) p99 \(ExpectationJudge.format(p99))"
        }
        return line + "\n"
    }

    static func describe(_ load: LoadSpec) -> String {
        var parts = ["target=\(load.target)"]
        if let requests = load.requests { parts.append("requests=\(requests)") }
        parts.append("concurrency=\(load.concurrency)")
        if let rate = load.rate { parts.append("rate=\(ExpectationJudge.fixed(rate, 0))/s") }
        parts.append("protocol=\(load.protocol.rawValue)")
        if let network = load.network { parts.append("network=\(network)") }
        if load.keepalive { parts.append("keepalive") }
        return parts.joined(separator: " ")
    }
}
