import SwarmSimCore

/// The docker CLI's outputs, byte for byte as docker/cli formats them (cli/command/formatter,
/// service, task, node, network), from the cluster's state and the simulated clock.
extension SwarmCluster {
    private func ago(_ time: SimTime) -> String {
        DockerFormat.humanDuration(nanoseconds: (simulation.now - time).nanoseconds).lowercased() + " ago"
    }

    /// `docker service create` without a TTY (or with `-d`): the service ID and a newline.
    public func serviceCreateOutput(_ info: ServiceInfo) -> String { info.id + "\n" }

    /// `docker service ls`.
    public func serviceLs() -> String {
        var lines = [["ID", "NAME", "MODE", "REPLICAS", "IMAGE", "PORTS"]]
        for service in services.sorted(by: { DockerFormat.naturalLess($0.spec.name, $1.spec.name) }) {
            let live = tasks.filter { $0.serviceID == service.id }
            let running = live.filter { $0.state == .running && $0.desiredState == .running }.count
            let desired: Int
            let mode: String
            switch service.spec.mode {
            case .replicated(let count):
                desired = count
                mode = "replicated"
            case .global:
                desired = live.filter { isLive($0) }.count
                mode = "global"
            }
            lines.append([
                DockerFormat.truncateID(service.id), service.spec.name, mode, "\(running)/\(desired)",
                service.spec.image, Self.portsColumn(service.spec.ports),
            ])
        }
        return DockerTabWriter().render(lines)
    }

    /// service formatter `Ports()`: ingress ports sorted by protocol then port, consecutive ones as ranges.
    static func portsColumn(_ ports: [PortConfig]) -> String {
        let sorted = ports.sorted {
            $0.transport == $1.transport ? $0.publishedPort < $1.publishedPort : $0.transport.rawValue < $1.transport.rawValue
        }
        var ranges: [String] = []
        var current: (pStart: UInt32, pEnd: UInt32, tStart: UInt32, tEnd: UInt32, proto: String)?
        func text(_ r: (pStart: UInt32, pEnd: UInt32, tStart: UInt32, tEnd: UInt32, proto: String)) -> String {
            let pub = r.pEnd > r.pStart ? "\(r.pStart)-\(r.pEnd)" : "\(r.pStart)"
            let tgt = r.tEnd > r.tStart ? "\(r.tStart)-\(r.tEnd)" : "\(r.tStart)"
            return "*:\(pub)->\(tgt)/\(r.proto)"
        }
        for port in sorted where port.mode == .ingress {
            let published = UInt32(port.publishedPort), target = UInt32(port.targetPort)
            if let range = current, range.proto == port.transport.rawValue, published &- range.pEnd <= 1,
                target &- range.tEnd <= 1, !(range.tEnd != range.tStart && target <= range.tEnd)
            {
                current = (range.pStart, published, range.tStart, target, range.proto)
            } else {
                if let range = current { ranges.append(text(range)) }
                current = (published, published, target, target, port.transport.rawValue)
            }
        }
        if let range = current { ranges.append(text(range)) }
        return ranges.joined(separator: ", ")
    }

    /// `docker service ps SERVICE`: tasks by natural name, newest first within a slot, history indented.
    public func servicePs(_ name: String) throws(SwarmError) -> String {
        let service = try service(named: name)
        let rows = tasks.filter { $0.serviceID == service.id }.map { task in (task, slotName(task, service: service.spec.name)) }
        let sorted = rows.enumerated().sorted { a, b in
            if a.element.1 != b.element.1 { return DockerFormat.naturalLess(a.element.1, b.element.1) }
            return a.offset > b.offset
        }.map(\.element)
        var lines = [["ID", "NAME", "IMAGE", "NODE", "DESIRED STATE", "CURRENT STATE", "ERROR", "PORTS"]]
        var previous = ""
        for (task, slot) in sorted {
            let error = task.error.isEmpty ? "" : "\"\(DockerFormat.ellipsis(task.error, 30))\""
            let ports = service.hostPorts.isEmpty || task.state != .running
                ? "" : service.hostPorts.map { "*:\($0.publishedPort)->\($0.targetPort)/\($0.transport.rawValue)" }.joined(separator: ",")
            lines.append([
                DockerFormat.truncateID(task.id), slot == previous ? " \\_ " + slot : slot, task.image,
                task.node.map { nodes[$0].name } ?? "", DockerFormat.pretty(task.desiredState.rawValue),
                "\(DockerFormat.pretty(task.state.rawValue)) \(ago(task.timestamp))", error, ports,
            ])
            previous = slot
        }
        return DockerTabWriter().render(lines)
    }

    /// `docker node ls` on a manager (`*` marks the node it runs on).
    public func nodeLs(on name: String) throws(SwarmError) -> String {
        let me = try node(named: name)
        guard me.inSwarm, me.role == .manager else { throw SwarmError.notInSwarm }
        var lines = [["ID  ", "HOSTNAME", "STATUS", "AVAILABILITY", "MANAGER STATUS", "ENGINE VERSION"]]
        for node in nodes.sorted(by: { DockerFormat.naturalLess($0.name, $1.name) }) {
            if node.inSwarm {
                let manager = node.role != .manager ? "" : node.isLeader ? "Leader" : node.statusDown ? "Unreachable" : "Reachable"
                lines.append([
                    node.id + (node === me ? " *" : "  "), node.name, node.statusDown ? "Down" : "Ready",
                    DockerFormat.pretty(node.availability.rawValue), manager, engineVersion,
                ])
            }
            for entry in node.departedEntries {
                lines.append([entry.id + "  ", node.name, "Down", DockerFormat.pretty(entry.availability.rawValue), "", engineVersion])
            }
        }
        return DockerTabWriter().render(lines)
    }

    /// `docker network ls` on a node: its local networks, and the swarm networks it can see
    /// (a manager all of them, a worker those it has endpoints on).
    public func networkLs(on name: String) throws(SwarmError) -> String {
        let node = try node(named: name)
        var rows: [(String, String, String, String)] = node.localNetworks.map {
            (DockerFormat.truncateID($0.id), $0.name, $0.driver, "local")
        }
        for network in networks where node.inSwarm && (node.role == .manager || network.hasEndpoint(on: node.index)) {
            rows.append((DockerFormat.truncateID(network.id), network.name, "overlay", "swarm"))
        }
        rows.sort { DockerFormat.naturalLess($0.1, $1.1) }
        return DockerTabWriter().render([["NETWORK ID", "NAME", "DRIVER", "SCOPE"]] + rows.map { [$0.0, $0.1, $0.2, $0.3] })
    }

    /// `docker service inspect SERVICE --format TEMPLATE`.
    public func serviceInspect(_ name: String, format: String) throws(SwarmError) -> String {
        let service = try service(named: name)
        let vips = GoValue.slice(service.virtualIPs.map { vip in
            .structure([
                ("NetworkID", .string(vip.networkID)),
                ("Addr", .string("\(vip.address)/\(network(id: vip.networkID).config.subnet.length)")),
            ])
        })
        let root = GoValue.structure([
            ("ID", .string(service.id)),
            ("Spec", .structure([("Name", .string(service.spec.name))])),
            ("Endpoint", .structure([("VirtualIPs", vips)])),
        ])
        return try GoTemplate.execute(format, on: root) + "\n"
    }

    /// `docker inspect --format TEMPLATE C` on a node: C is a container name, ID (or unique
    /// prefix) or a task's full name.
    public func inspect(_ reference: String, format: String, on nodeName: String) throws(SwarmError) -> String {
        let node = try node(named: nodeName)
        var entries: [(String, GoValue)] = []
        var found = false
        for task in tasks where task.node == node.index && task.containerCreated {
            guard let id = task.containerID else { continue }
            let name = taskName(task, service: serviceName(of: task))
            guard name == reference || id == reference || (reference.count >= 1 && id.hasPrefix(reference)) else { continue }
            found = true
            entries = task.addresses.map { entry in (network(id: entry.networkID).name, endpointValue(entry.networkID, entry.address)) }
            break
        }
        if !found, let container = attached.first(where: {
            $0.node == node.index && ($0.name == reference || $0.id.hasPrefix(reference))
        }) {
            found = true
            entries = [(network(id: container.networkID).name, endpointValue(container.networkID, container.address))]
        }
        guard found else { throw SwarmError.noSuchObject(reference) }
        let root = GoValue.structure([("NetworkSettings", .structure([("Networks", .map(entries))]))])
        return try GoTemplate.execute(format, on: root) + "\n"
    }

    private func endpointValue(_ networkID: String, _ address: IPv4Address) -> GoValue {
        .structure([
            ("NetworkID", .string(networkID)), ("Gateway", .string("")), ("IPAddress", .string("\(address)")),
            ("IPPrefixLen", .string("\(network(id: networkID).config.subnet.length)")),
            ("MacAddress", .string("\(MACAddress.docker(for: address))")),
        ])
    }

    /// `docker ps` on a node: its running containers, newest first.
    public func ps(on name: String) throws(SwarmError) -> String {
        let node = try node(named: name)
        var rows: [(created: SimTime, order: Int, cells: [String])] = []
        func row(_ id: String, _ image: String, _ created: SimTime, _ name: String, _ order: Int) {
            let defaults = imageDefaults[image] ?? imageDefaults[image.replacingLatest()]
            let command = defaults.map { "\"\(DockerFormat.ellipsis($0.command, 20))\"" } ?? "\"\""
            rows.append((created, order, [
                DockerFormat.truncateID(id), image, command, ago(created),
                "Up " + DockerFormat.humanDuration(nanoseconds: (simulation.now - created).nanoseconds),
                (defaults?.exposedPorts ?? []).joined(separator: ", "), name,
            ]))
        }
        for (order, task) in tasks.enumerated() where task.node == node.index && task.containerCreated {
            row(task.containerID ?? "", task.image, task.timestamp, taskName(task, service: serviceName(of: task)), order)
        }
        for (order, container) in attached.enumerated() where container.node == node.index {
            row(container.id, container.image, container.createdAt, container.name, tasks.count + order)
        }
        rows.sort { $0.created != $1.created ? $0.created > $1.created : $0.order > $1.order }
        return DockerTabWriter().render(
            [["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]] + rows.map(\.cells))
    }
}

extension String {
    fileprivate func replacingLatest() -> String { hasSuffix(":latest") ? String(dropLast(7)) : self }
}
