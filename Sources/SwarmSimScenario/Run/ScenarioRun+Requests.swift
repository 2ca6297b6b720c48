import SwarmSimApps
import SwarmSimCore
import SwarmSimSwarm

extension ScenarioRun {
    /// Records a curl or wget of a step as a request to the service it reached, if any.
    func recordClientRequest(
        _ command: Command, result: CommandResult, step: Int, start: SimTime, from context: AppContext
    ) {
        let url: String
        switch command {
        case .curl(let curl): guard let first = curl.urls.first else { return }; url = first
        case .wget(let wget): url = wget.url
        default: return
        }
        let (host, port) = Self.hostAndPort(url)
        let failure: String? = result.exitCode == 0 ? nil : Self.failureReason(result)
        ledger.recordClient(
            RequestLedger.ClientRecord(
                service: serviceTargeted(host: host, port: port), step: step, target: "\(host):\(port)", start: start,
                latency: failure == nil ? simulation.now - start : nil, failure: failure))
    }

    /// The service a request to `host:port` reaches: a published port on a node's address, a
    /// service name (or `tasks.NAME`) or one of its VIPs.
    func serviceTargeted(host: String, port: Int) -> String? {
        var name = host
        if name.hasPrefix("tasks.") { name.removeFirst("tasks.".count) }
        if let service = cluster.serviceInfo(name), service.spec.name == name { return name }
        let address: IPv4Address?
        if let literal = IPv4Address(host) {
            address = literal
        } else if let node = scenario.swarm.nodes.first(where: { $0.name == host }) {
            address = node.address
        } else if let other = scenario.swarm.hosts.first(where: { $0.name == host }) {
            address = other.address
        } else {
            address = nil
        }
        guard let address else { return nil }
        for service in cluster.serviceList {
            if service.virtualIPs.contains(where: { $0.address == address }) { return service.spec.name }
        }
        if scenario.swarm.nodes.contains(where: { $0.address == address }) || address == IPv4Address(127, 0, 0, 1) {
            for service in cluster.serviceList where service.ports.contains(where: { Int($0.publishedPort) == port }) {
                return service.spec.name
            }
        }
        return nil
    }

    /// `http://host01:81/x` -> ("host01", 81), read as the clients read URLs (`HTTPURL`); the
    /// port defaults to 80, and an unreadable URL is taken as a bare host name.
    static func hostAndPort(_ url: String) -> (String, Int) {
        guard let parsed = try? HTTPURL.parse(url) else { return (url, 80) }
        return (parsed.host, Int(parsed.port))
    }

    /// A failed client's reason in the report's words, from curl's exit code.
    static func failureReason(_ result: CommandResult) -> String {
        switch result.exitCode {
        case 6: "resolve"
        case 7: "refused"
        case 28: "timeout"
        case 52, 56: "reset"
        default: "exit \(result.exitCode)"
        }
    }
}
