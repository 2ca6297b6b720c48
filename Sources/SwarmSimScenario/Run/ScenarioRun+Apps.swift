import SwarmSimApps
import SwarmSimCore
import SwarmSimSwarm

extension ScenarioRun {
    /// A container came up: its embedded DNS server at 127.0.0.11 on the ports its DNAT rules
    /// name, then the application of its image. The servers are kept here (their sockets call
    /// back into them) until the container stops.
    func containerStarted(_ container: StartedContainer) {
        var objects: [AnyObject] = []
        let namespace = container.namespace
        let source = EmbeddedDNSSource(cluster: cluster, containerID: container.id)
        if let ports = daemon(container.node)?.dnsPorts(containerID: container.id),
            let server = try? DNSServer(
                namespace: namespace, address: IPv4Address(127, 0, 0, 11), udpPort: ports.udp, tcpPort: ports.tcp,
                source: source)
        {
            objects.append(server)
        }
        let context = containerContext(container)
        if let service = container.serviceName, let slot = container.slotName {
            containerTasks[container.id] = (service, slot)
        }
        namespaceLabels[namespace.name] = container.slotName ?? container.name
        let record: () -> Void = { [unowned self] in
            if let (service, slot) = containerTasks[container.id] {
                ledger.recordServed(service: service, task: slot, at: simulation.now)
            }
        }
        if let app = KnownImages.application(of: container.image, images: scenario.swarm.images) {
            let port = app.port.map { UInt16($0) }
            let server: ServerApplication?
            switch app.app {
            case .httpServer: server = try? DockerHTTPServer.start(context: context, port: port ?? 80)
            case .nginx: server = try? NginxServer.start(context: context, port: port ?? 80)
            case .httpEcho: server = try? HTTPEchoServer.start(context: context, port: port ?? 8080)
            case .tcpEcho: server = try? TCPEchoServer.start(context: context, port: port ?? 7)
            case .udpEcho: server = try? UDPEchoServer.start(context: context, port: port ?? 7)
            case .redis: server = try? RedisServer(namespace: namespace, port: port ?? 6379)
            case .redisNode: server = try? RedisNodeApp.start(context: context, port: port ?? 3000)
            case .dig, .shell:
                // A client image run as a service runs its command once (its output goes to the
                // container's log, which swarmsim does not keep).
                server = nil
                if !container.arguments.isEmpty {
                    timers.after(.zero) { [unowned self] in
                        runTool(container.arguments, context: context, flavour: .busybox) { _ in }
                    }
                }
            }
            if let server {
                server.onRequestServed = record
                objects.append(server)
            }
        }
        containerApps[container.id] = objects
    }

    /// A container stops: its applications stop with it (their sockets close).
    func containerStopped(_ id: String) {
        for object in containerApps[id] ?? [] {
            (object as? ServerApplication)?.stop()
            (object as? DNSServer)?.close()
        }
        // Keep the objects alive until the namespace is gone: callbacks may still be on the stack.
        retiredApps.append(contentsOf: containerApps[id] ?? [])
        containerApps[id] = nil
    }

    /// Where a container's commands run: its namespace, its embedded DNS, its hostname.
    func containerContext(_ container: StartedContainer) -> AppContext {
        let resolver = StubResolver(
            namespace: container.namespace, timers: timers,
            ids: simulation.randomStream(named: "resolver \(container.id)"))
        return AppContext(
            namespace: container.namespace, timers: timers, resolver: resolver, hostname: String(container.id.prefix(12)))
    }

    func daemon(_ node: String) -> NodeDaemon? {
        daemons.first { $0.nodeName == node }
    }
}

/// The cluster's embedded DNS records for one container, as the DNS server asks for them.
final class EmbeddedDNSSource: DNSRecordSource {
    unowned let cluster: SwarmCluster
    let containerID: String

    init(cluster: SwarmCluster, containerID: String) {
        self.cluster = cluster
        self.containerID = containerID
    }

    func lookup(name: String, type: DNSType, client: IPv4Address) -> DNSLookupResult {
        let answer = cluster.dnsLookup(name: name, type: type, fromContainer: containerID)
        if answer.rcode == .nxDomain { return .nxDomain }
        var records: [DNSResourceRecord] = []
        for record in answer.records {
            guard let owner = DNSName(record.name) else { continue }
            if let address = record.address {
                records.append(DNSResourceRecord(name: owner, ttl: record.ttl, data: .a(address)))
            } else if let target = record.target, let targetName = DNSName(target) {
                records.append(DNSResourceRecord(name: owner, ttl: record.ttl, data: .ptr(targetName)))
            }
        }
        return .records(records)
    }
}
