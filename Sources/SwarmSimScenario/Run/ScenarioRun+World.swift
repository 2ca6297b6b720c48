import SwarmSimApps
import SwarmSimCore
import SwarmSimSwarm

extension ScenarioRun {
    /// Builds machines, the underlay, one dockerd per node and the swarm's managers.
    ///
    /// Nodes first, then outside hosts, each with eth0 on the one underlay segment; link overrides
    /// of `underlay.links`; then the cluster, whose constructor runs `docker swarm init` on the
    /// first manager and joins the others (nodes with role `none` wait for a step).
    func buildWorld() throws(SwarmError) {
        let swarm = scenario.swarm
        let prefixLength = swarm.underlay.subnet.length
        for node in swarm.nodes {
            let machine = world.addMachine(node.name)
            nics[node.name] = segment.attach(
                machine, address: InterfaceAddress(node.address, prefixLength: prefixLength), mtu: swarm.underlay.mtu)
            machine.root.ipForward = true
            hostsTable.add(node.name, node.address)
        }
        for host in swarm.hosts {
            let machine = world.addMachine(host.name)
            nics[host.name] = segment.attach(
                machine, address: InterfaceAddress(host.address, prefixLength: prefixLength), mtu: swarm.underlay.mtu)
            hostsTable.add(host.name, host.address)
        }
        for link in swarm.underlay.links {
            var properties = segment.properties(between: link.between[0], link.between[1])
            if let latency = link.latency { properties.latency = latency }
            if let bandwidth = link.bandwidth { properties.bandwidth = bandwidth }
            if let loss = link.loss { properties.loss = loss }
            if let jitter = link.jitter { properties.jitter = jitter }
            if let down = link.down { properties.isUp = !down }
            segment.setProperties(properties, between: link.between[0], link.between[1])
        }
        var specs: [SwarmNodeSpec] = []
        for node in swarm.nodes {
            let machine = world.machine(named: node.name)!
            let daemon = NodeDaemon(
                world: world, machine: machine, nic: nics[node.name]!, underlayAddress: node.address,
                underlayMTU: swarm.underlay.mtu)
            daemons.append(daemon)
            specs.append(
                SwarmNodeSpec(
                    name: node.name, address: node.address, role: Self.role(node.role),
                    availability: Self.availability(node.availability),
                    labels: node.labels.map { ($0.key, $0.value) }, networking: daemon))
        }
        cluster = try SwarmCluster(
            simulation: simulation, nodes: specs, ingressSubnet: swarm.ingress.subnet, underlayMTU: swarm.underlay.mtu)
        cluster.imageDefaults = Self.imageDefaults
        cluster.onContainerStarted = { [unowned self] container in self.containerStarted(container) }
        cluster.onContainerStopped = { [unowned self] id in self.containerStopped(id) }
        try createDeclared()
    }

    /// `swarm.networks` and `swarm.services`: created at time 0 by the first manager, in file
    /// order, as if `docker network create` and `docker service create` had run then.
    func createDeclared() throws(SwarmError) {
        for network in scenario.swarm.networks {
            _ = try cluster.createNetwork(
                name: network.name, driver: network.driver.rawValue, attachable: network.attachable,
                subnet: network.subnet, gateway: network.gateway, encrypted: network.encrypted)
        }
        for service in scenario.swarm.services {
            let mode: ServiceMode
            switch service.mode {
            case .replicated(let replicas): mode = .replicated(replicas)
            case .global: mode = .global
            }
            _ = try cluster.createService(
                ServiceSpec(
                    name: service.name, image: service.image, mode: mode, ports: service.publish.map(Self.portConfig),
                    networks: service.networks, endpointMode: service.endpointMode == .dnsrr ? .dnsrr : .vip,
                    constraints: service.constraints.map(\.description), scheduler: service.scheduler.rawValue,
                    weights: Dictionary(service.weights.map { ($0.task, $0.weight) }, uniquingKeysWith: { _, last in last })))
        }
    }

    /// What `docker ps` shows for the known images: their entrypoint/command as the CLI quotes
    /// it (before truncation) and their exposed ports.
    static let imageDefaults: [String: ImageDefaults] = [
        "katacoda/docker-http-server:latest": ImageDefaults(command: "/app", exposedPorts: ["80/tcp"]),
        "nginx:latest": ImageDefaults(command: "/docker-entrypoint.sh nginx -g 'daemon off;'", exposedPorts: ["80/tcp"]),
        "redis:latest": ImageDefaults(command: "docker-entrypoint.sh redis-server", exposedPorts: ["6379/tcp"]),
        "redis:alpine": ImageDefaults(command: "docker-entrypoint.sh redis-server", exposedPorts: ["6379/tcp"]),
        "katacoda/redis-node-docker-example:latest": ImageDefaults(command: "npm start", exposedPorts: ["3000/tcp"]),
        "benhall/dig:latest": ImageDefaults(command: "dig"),
        "alpine:latest": ImageDefaults(command: "/bin/sh"),
        "busybox:latest": ImageDefaults(command: "sh"),
    ]

    static func role(_ role: NodeSpec.Role) -> SwarmNodeRole {
        switch role {
        case .manager: .manager
        case .worker: .worker
        case .none: .none
        }
    }

    static func availability(_ availability: NodeSpec.Availability) -> NodeAvailability {
        switch availability {
        case .active: .active
        case .pause: .pause
        case .drain: .drain
        }
    }
}
