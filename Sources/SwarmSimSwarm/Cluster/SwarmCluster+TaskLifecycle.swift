import SwarmSimCore

/// Starting and stopping task containers: what the node's agent and libnetwork do, in order.
extension SwarmCluster {
    /// Starts an assigned task on its node: the node's LB sandbox for each of the task's overlays
    /// if this is its first endpoint there, the container with its endpoints (ingress first), the
    /// peers everywhere, then the task's service bindings on every node hosting the networks' LBs.
    func start(_ task: TaskRecord) {
        guard task.state == .assigned, isLive(task), let index = task.node, let service = service(id: task.serviceID)
        else { return }
        let node = nodes[index]
        guard node.reachable, node.inSwarm else { return }
        for entry in task.addresses { ensureLoadBalancer(network(id: entry.networkID), on: node) }
        let containerID = ids.hexID()
        let name = taskName(task, service: service.spec.name)
        let endpoints = task.addresses.map { entry -> EndpointConfig in
            let network = network(id: entry.networkID)
            return EndpointConfig(
                network: network.config, address: entry.address,
                ingressPorts: network.config.isIngress ? service.ingressPorts : [])
        }
        namespaces[containerID] = node.networking.createContainer(
            id: containerID, name: name, endpoints: endpoints, gateway: true, hostPorts: service.hostPorts)
        task.containerID = containerID
        task.containerCreated = true
        task.state = .running
        task.timestamp = simulation.now
        for entry in task.addresses {
            network(id: entry.networkID).endpoints.append(
                NetworkEndpoint(node: index, address: entry.address, kind: .container(id: containerID), endpointID: ids.hexID()))
        }
        syncAll()
        let slot = slotName(task, service: service.spec.name)
        for entry in task.addresses {
            let network = network(id: entry.networkID)
            let binding = ServiceBindingConfig(
                serviceID: service.id, serviceName: service.spec.name, networkID: network.id,
                vip: service.vip(on: network.id), ingressPorts: network.config.isIngress ? service.ingressPorts : [],
                backendAddress: entry.address, weight: service.spec.weights[slot] ?? 1, scheduler: service.spec.scheduler)
            network.bindings.append(BindingRecord(taskID: task.id, config: binding, disabled: false))
        }
        syncAll()
        if let namespace = namespaces[containerID] {
            onContainerStarted?(
                StartedContainer(
                    id: containerID, name: name, slotName: slot, serviceName: service.spec.name, image: task.image,
                    arguments: service.spec.arguments, node: node.name, namespace: namespace))
        }
    }

    /// The node's `lb_<nid>` sandbox (not for ingress, whose `ingress_sbox` exists from the join).
    func ensureLoadBalancer(_ network: NetworkRecord, on node: NodeRecord) {
        guard !network.config.isIngress, !network.hostsLoadBalancer(node.index) else { return }
        let address: IPv4Address
        if let allocated = network.loadBalancerAddresses[node.index] {
            address = allocated
        } else {
            guard let fresh = network.pool.allocate() else { return }
            network.loadBalancerAddresses[node.index] = fresh
            address = fresh
        }
        node.networking.createLoadBalancerSandbox(network.config, address: address)
        network.endpoints.append(
            NetworkEndpoint(node: node.index, address: address, kind: .loadBalancer, endpointID: ids.hexID()))
        sync(node)
    }

    /// fidelity 4.3: disable (IPVS weight 0, `tasks.` records gone) now, remove the container after
    /// the gossip convergence delay, then `then`.
    func shutdownGracefully(_ task: TaskRecord, then: (() -> Void)? = nil) {
        task.desiredState = .shutdown
        guard task.containerCreated else {
            task.state = .shutdown
            task.timestamp = simulation.now
            releaseAddresses(task)
            then?()
            return
        }
        for network in networks {
            for index in network.bindings.indices where network.bindings[index].taskID == task.id {
                network.bindings[index].disabled = true
            }
        }
        syncAll()
        timers.after(gossipConvergeDelay) { [weak self] in
            self?.removeContainer(of: task, finalState: .shutdown)
            then?()
        }
    }

    /// The container leaves its networks (bindings fully removed everywhere), is removed from its
    /// node, and the node's LB sandboxes that served only it go too.
    func removeContainer(of task: TaskRecord, finalState: TaskState) {
        guard task.containerCreated, let index = task.node, let containerID = task.containerID else { return }
        let node = nodes[index]
        onContainerStopped?(containerID)
        for network in networks { network.bindings.removeAll { $0.taskID == task.id } }
        syncAll()
        if node.reachable {
            node.networking.removeContainer(id: containerID)
        } else {
            staleContainers.append((index, containerID))
        }
        namespaces[containerID] = nil
        task.containerCreated = false
        task.state = finalState
        task.timestamp = simulation.now
        for entry in task.addresses {
            let network = network(id: entry.networkID)
            network.endpoints.removeAll { $0.kind == .container(id: containerID) }
            dropLoadBalancerIfUnused(network, on: node)
        }
        releaseAddresses(task)
        syncAll()
    }

    /// Removes a node's LB sandbox of a network once no container of the node uses the network.
    func dropLoadBalancerIfUnused(_ network: NetworkRecord, on node: NodeRecord) {
        guard !network.config.isIngress else { return }
        let used = network.endpoints.contains { endpoint in
            if case .container = endpoint.kind { return endpoint.node == node.index }
            return false
        }
        guard !used, let lb = network.endpoints.first(where: { $0.node == node.index && $0.kind == .loadBalancer })
        else { return }
        network.endpoints.removeAll { $0.node == node.index && $0.kind == .loadBalancer }
        network.pool.release(lb.address)
        network.loadBalancerAddresses[node.index] = nil
        if node.reachable {
            sync(node)
            node.networking.removeLoadBalancerSandbox(networkID: network.id)
        } else {
            staleLoadBalancers.append((node.index, network.id))
        }
    }

    /// Forgets a task's container without calling its node (the node left the swarm).
    func dropTaskRecords(_ task: TaskRecord) {
        guard let containerID = task.containerID, task.containerCreated else { return }
        onContainerStopped?(containerID)
        for network in networks {
            network.bindings.removeAll { $0.taskID == task.id }
            network.endpoints.removeAll { $0.kind == .container(id: containerID) }
        }
        namespaces[containerID] = nil
        task.containerCreated = false
        releaseAddresses(task)
    }
}
