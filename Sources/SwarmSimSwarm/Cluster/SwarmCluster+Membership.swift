import SwarmSimCore

extension SwarmCluster {
    /// `docker swarm init` on `node`: creates the swarm (IDs, join tokens, the ingress network
    /// with VNI 4096) and makes the node its leader. Returns the CLI's output.
    public func swarmInit(node name: String) throws(SwarmError) -> String {
        let node = try node(named: name)
        guard !node.inSwarm else { throw SwarmError.alreadyInSwarm }
        guard !swarmExists else {
            throw SwarmError.unsupported("a second swarm is not modelled; join \(name) to the existing one")
        }
        swarmExists = true
        caDigest = ids.caDigest()
        workerToken = ids.joinToken(digest: caDigest)
        managerToken = ids.joinToken(digest: caDigest)
        let used = networks.map(\.config.subnet)
        guard let subnet = ingressSubnetOverride ?? defaultPool.firstFree(avoiding: used) else {
            throw SwarmError.daemon("could not find an available, non-overlapping IPv4 address pool")
        }
        let vni = UInt32(vnis.allocate()!)
        var pool = SerialAddressPool(subnet: subnet)
        _ = pool.reserve(subnet.host(1))
        let config = OverlayNetworkConfig(
            id: ids.objectID(), name: "ingress", subnet: subnet, gateway: subnet.host(1), vni: vni, mtu: overlayMTU,
            isIngress: true)
        networks.insert(NetworkRecord(config: config, pool: pool, createdAt: simulation.now, userSubnet: true), at: 0)
        node.role = .manager
        node.isLeader = true
        try admit(node)
        return "Swarm initialized: current node (\(node.id)) is now a manager.\n\n"
            + joinCommand(role: .worker, node: node)
            + "To add a manager to this swarm, run 'docker swarm join-token manager' and follow the instructions.\n\n"
    }

    /// `docker swarm join`: the node joins as a worker (or a manager with the manager token).
    public func join(node name: String, asManager: Bool = false) throws(SwarmError) -> String {
        let node = try node(named: name)
        guard !node.inSwarm else { throw SwarmError.alreadyInSwarm }
        guard swarmExists else {
            throw SwarmError.daemon("rpc error: code = Unavailable desc = connection error: no swarm manager to join")
        }
        node.role = asManager ? .manager : .worker
        try admit(node)
        schedulePendingTasks()
        return "This node joined a swarm as a \(asManager ? "manager" : "worker").\n"
    }

    /// The node's ingress attachment (its `ingress_sbox` address), docker_gwbridge and ingress.
    private func admit(_ node: NodeRecord) throws(SwarmError) {
        guard let ingress else { preconditionFailure("the swarm has no ingress network") }
        guard let address = ingress.pool.allocate() else {
            throw SwarmError.daemon("could not allocate an ingress address for node \(node.name): ingress subnet is full")
        }
        node.id = ids.objectID()
        node.inSwarm = true
        node.statusDown = false
        node.joinedAt = simulation.now
        node.localNetworks.append((name: "docker_gwbridge", id: ids.hexID(), driver: "bridge"))
        ingress.endpoints.append(
            NetworkEndpoint(node: node.index, address: address, kind: .ingressSandbox, endpointID: ids.hexID()))
        if node.reachable {
            node.networking.joinIngress(ingress.config, sandboxAddress: address)
        }
        syncAll()
        reconcileGlobalServices()
    }

    /// `docker swarm leave [--force]`.
    public func leave(node name: String, force: Bool = false) throws(SwarmError) -> String {
        let node = try node(named: name)
        guard node.inSwarm else {
            throw SwarmError.daemon("This node is not part of a swarm")
        }
        if node.role == .manager && !force {
            throw SwarmError.daemon(
                "You are attempting to leave the swarm on a node that is participating as a manager. "
                    + "Removing the last manager erases all current state of the swarm. Use `--force` to ignore this message.")
        }
        for task in tasks where task.node == node.index && task.containerCreated {
            task.desiredState = .shutdown
            task.state = .shutdown
            task.timestamp = simulation.now
            dropTaskRecords(task)
        }
        for container in attached where container.node == node.index {
            onContainerStopped?(container.id)
            network(id: container.networkID).endpoints.removeAll { $0.kind == .container(id: container.id) }
            network(id: container.networkID).pool.release(container.address)
            namespaces[container.id] = nil
        }
        attached.removeAll { $0.node == node.index }
        for network in networks {
            for endpoint in network.endpoints where endpoint.node == node.index {
                if endpoint.kind == .loadBalancer || endpoint.kind == .ingressSandbox {
                    network.pool.release(endpoint.address)
                }
            }
            network.endpoints.removeAll { $0.node == node.index }
            network.loadBalancerAddresses[node.index] = nil
        }
        node.departedEntries.append((node.id, node.availability))
        node.inSwarm = false
        node.isLeader = false
        node.localNetworks.removeAll { $0.name == "docker_gwbridge" }
        if node.reachable { node.networking.leaveSwarm() }
        appliedPeers[node.index] = []
        appliedBindings[node.index] = []
        syncAll()
        reconcileAll()
        return "Node left the swarm.\n"
    }

    /// `docker swarm join-token [-q] worker|manager` on a manager.
    public func joinToken(role: SwarmNodeRole, quiet: Bool, node name: String) throws(SwarmError) -> String {
        let node = try node(named: name)
        guard node.inSwarm, node.role == .manager else { throw SwarmError.notInSwarm }
        let token = role == .manager ? managerToken : workerToken
        return quiet ? token + "\n" : joinCommand(role: role, node: node)
    }

    func joinCommand(role: SwarmNodeRole, node: NodeRecord) -> String {
        let token = role == .manager ? managerToken : workerToken
        return "To add a \(role == .manager ? "manager" : "worker") to this swarm, run the following command:\n\n"
            + "    docker swarm join --token \(token) \(node.address):2377\n\n"
    }

    /// The worker and manager join tokens.
    public var joinTokens: (worker: String, manager: String) { (workerToken, managerToken) }

    /// The token's role, or nil if it is not one of this swarm's tokens.
    public func role(ofToken token: String) -> SwarmNodeRole? {
        token == workerToken ? .worker : token == managerToken ? .manager : nil
    }
}
