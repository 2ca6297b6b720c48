import SwarmSimCore

/// `docker service create/update/scale/rm` and task faults.
extension SwarmCluster {
    /// `docker service create`. Validates as the daemon and swarmkit's control API do, allocates
    /// published ports and VIPs, then creates and starts the tasks.
    @discardableResult
    public func createService(_ requested: ServiceSpec) throws(SwarmError) -> ServiceInfo {
        guard swarmExists else { throw SwarmError.notInSwarm }
        var spec = requested
        spec.image = Self.normalizedImage(spec.image)
        guard !spec.name.isEmpty else {
            throw SwarmError.rpc("InvalidArgument", "name must be valid as a DNS name component")
        }
        guard !services.contains(where: { $0.spec.name == spec.name }) else {
            throw SwarmError.rpc(
                "AlreadyExists", "name conflicts with an existing object: service \(spec.name) already exists")
        }
        if case .replicated(let count) = spec.mode, count < 0 {
            throw SwarmError.rpc("InvalidArgument", "Number of replicas must be non-negative")
        }
        var networkIDs: [String] = []
        for name in spec.networks {
            guard let network = network(named: name) else { throw SwarmError.networkNotFound(name) }
            guard !network.config.isIngress else {
                throw SwarmError.rpc("InvalidArgument", "Service cannot be explicitly attached to the ingress network \"\(network.name)\"")
            }
            guard !networkIDs.contains(network.id) else {
                throw SwarmError.rpc("InvalidArgument", "duplicate network \(name) in service spec")
            }
            networkIDs.append(network.id)
        }
        for text in spec.constraints where PlacementConstraint(text) == nil {
            throw SwarmError.rpc("InvalidArgument", "constraint expected one operator from ==, !=")
        }
        spec.ports = try allocatePorts(spec.ports, endpointMode: spec.endpointMode, excluding: nil)
        let service = ServiceRecord(id: ids.objectID(), spec: spec, networkIDs: networkIDs, createdAt: simulation.now)
        allocateVirtualIPs(service)
        services.append(service)
        reconcile(service)
        return info(service)
    }

    /// Checks and allocates published ports: dnsrr cannot publish in ingress mode, no duplicates,
    /// no port another service publishes; published 0 becomes the next of 30000...32767.
    func allocatePorts(_ ports: [PortConfig], endpointMode: EndpointMode, excluding: ServiceRecord?)
        throws(SwarmError) -> [PortConfig]
    {
        if endpointMode == .dnsrr && ports.contains(where: { $0.mode == .ingress }) {
            throw SwarmError.rpc(
                "InvalidArgument", "EndpointSpec: port published with ingress mode can't be used with dnsrr mode")
        }
        var seen: [PortConfig] = []
        for port in ports where port.publishedPort != 0 {
            if seen.contains(where: { $0.publishedPort == port.publishedPort && $0.transport == port.transport }) {
                throw SwarmError.rpc("InvalidArgument", "EndpointSpec: duplicate published ports provided")
            }
            seen.append(port)
            for other in services where other !== excluding {
                if let used = other.spec.ports.first(where: {
                    $0.publishedPort == port.publishedPort && $0.transport == port.transport
                        && ($0.mode == .ingress || port.mode == .ingress)
                }) {
                    let kind = used.mode == .ingress ? "an ingress port" : "a host-published port"
                    throw SwarmError.rpc(
                        "InvalidArgument",
                        "port '\(port.publishedPort)' is already in use by service '\(other.spec.name)' (\(other.id)) as \(kind)")
                }
            }
        }
        var result: [PortConfig] = []
        for var port in ports {
            if port.publishedPort == 0 && port.mode == .ingress {
                guard let value = dynamicPorts.allocate() else {
                    throw SwarmError.rpc("InvalidArgument", "no more dynamic ports available")
                }
                port.publishedPort = UInt16(value)
            } else if port.mode == .ingress {
                _ = dynamicPorts.reserve(Int(port.publishedPort))
            }
            result.append(port)
        }
        return result
    }

    func releasePorts(_ ports: [PortConfig]) {
        for port in ports where port.mode == .ingress { dynamicPorts.release(Int(port.publishedPort)) }
    }

    /// VIPs in swarmkit's order (cnmallocator `AllocateService`): ingress first, then the spec's
    /// networks; none in dnsrr mode. Existing VIPs on networks still needed are kept.
    func allocateVirtualIPs(_ service: ServiceRecord) {
        var wanted: [String] = []
        if service.spec.endpointMode == .vip {
            if !service.ingressPorts.isEmpty, let ingress { wanted.append(ingress.id) }
            wanted.append(contentsOf: service.networkIDs)
        }
        var result: [(networkID: String, address: IPv4Address)] = []
        for vip in service.virtualIPs {
            if wanted.contains(vip.networkID) {
                result.append(vip)
            } else {
                network(id: vip.networkID).pool.release(vip.address)
            }
        }
        for id in wanted where !result.contains(where: { $0.networkID == id }) {
            if let address = network(id: id).pool.allocate() { result.append((id, address)) }
        }
        service.virtualIPs = result
    }

    /// `docker service scale NAME=N`.
    public func scaleService(_ name: String, replicas: Int) throws(SwarmError) {
        let service = try service(named: name)
        guard case .replicated = service.spec.mode else {
            throw SwarmError("\(name): scale can only be used with replicated or replicated-job mode")
        }
        try updateService(name, ServiceUpdate(replicas: replicas))
    }

    /// `docker service update`: replicas reconcile at once; a new image, changed published ports
    /// or `--force` replace the tasks one at a time (parallelism 1, stop-first, as Docker's defaults).
    public func updateService(_ name: String, _ update: ServiceUpdate) throws(SwarmError) {
        let service = try service(named: name)
        if let replicas = update.replicas {
            guard case .replicated = service.spec.mode else {
                throw SwarmError("replicas can only be used with replicated or replicated-job mode")
            }
            guard replicas >= 0 else { throw SwarmError.rpc("InvalidArgument", "Number of replicas must be non-negative") }
        }
        var rolling = update.force
        if !update.publishAdd.isEmpty || !update.publishRemove.isEmpty {
            var ports = service.spec.ports.filter { !update.publishRemove.contains($0.publishedPort) }
            ports.append(contentsOf: update.publishAdd)
            let old = service.spec.ports
            releasePorts(old)
            do {
                ports = try allocatePorts(ports, endpointMode: service.spec.endpointMode, excluding: service)
            } catch {
                _ = try? allocatePorts(old, endpointMode: service.spec.endpointMode, excluding: service)
                throw error
            }
            if ports != old {
                service.spec.ports = ports
                allocateVirtualIPs(service)
                rolling = true
            }
        }
        if let image = update.image, Self.normalizedImage(image) != service.spec.image {
            service.spec.image = Self.normalizedImage(image)
            rolling = true
        }
        if let replicas = update.replicas { service.spec.mode = .replicated(replicas) }
        reconcile(service)
        if rolling {
            let old = tasks.filter { $0.serviceID == service.id && isLive($0) }
                .sorted { ($0.slot, $0.node ?? 0) < ($1.slot, $1.node ?? 0) }
            rollingReplace(service, old, 0)
        }
    }

    private func rollingReplace(_ service: ServiceRecord, _ old: [TaskRecord], _ index: Int) {
        guard index < old.count, services.contains(where: { $0 === service }) else { return }
        let task = old[index]
        guard isLive(task) else { return rollingReplace(service, old, index + 1) }
        shutdownGracefully(task) { [weak self] in
            guard let self else { return }
            if task.slot != 0 {
                self.createTasks(service, slots: [task.slot], nodes: [])
            } else if let node = task.node {
                self.createTasks(service, slots: [], nodes: [node])
            }
            self.rollingReplace(service, old, index + 1)
        }
    }

    /// `docker service rm`: the name is free at once; the tasks shut down gracefully.
    public func removeService(_ name: String) throws(SwarmError) {
        let service = try service(named: name)
        services.removeAll { $0 === service }
        removedServiceNames[service.id] = service.spec.name
        releasePorts(service.spec.ports)
        for vip in service.virtualIPs { network(id: vip.networkID).pool.release(vip.address) }
        service.virtualIPs = []
        for task in tasks where task.serviceID == service.id && isLive(task) { shutdownGracefully(task) }
    }

    /// A task's container dies (exit 137): its bindings go at once (no graceful disable), the task
    /// fails, and a replacement for the same slot is created now and started after the restart delay.
    /// `name` is `SERVICE.SLOT` (global: `SERVICE.NODEID` or `SERVICE.HOSTNAME`), the task's full
    /// name, or its ID.
    public func killTask(_ name: String) throws(SwarmError) {
        guard let task = tasks.first(where: { task in
            guard isLive(task), task.containerCreated else { return false }
            let service = serviceName(of: task)
            let hostSlot = task.slot == 0 ? task.node.map { "\(service).\(nodes[$0].name)" } : nil
            return slotName(task, service: service) == name || taskName(task, service: service) == name
                || task.id == name || hostSlot == name
        }), let service = service(id: task.serviceID) else {
            throw SwarmError("Error: No such task: \(name)")
        }
        task.desiredState = .shutdown
        task.error = "task: non-zero exit (137)"
        removeContainer(of: task, finalState: .failed)
        if task.slot != 0 {
            createTasks(service, slots: [task.slot], nodes: [], startDelay: restartDelay)
        } else if let node = task.node {
            createTasks(service, slots: [], nodes: [node], startDelay: restartDelay)
        }
    }

    /// `katacoda/docker-http-server` -> `katacoda/docker-http-server:latest`: the CLI pins the
    /// image (tag and digest) at create; swarmsim has no registry digests, so only the tag is added.
    static func normalizedImage(_ image: String) -> String {
        let lastComponent = image.split(separator: "/").last.map(String.init) ?? image
        if lastComponent.contains(":") || image.contains("@") || image.isEmpty { return image }
        return image + ":latest"
    }
}
