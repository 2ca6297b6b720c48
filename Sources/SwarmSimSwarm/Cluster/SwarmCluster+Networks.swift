import SwarmSimCore

/// `docker network create/rm` for swarm-scoped overlays, and `docker run --network`.
extension SwarmCluster {
    /// `docker network create -d overlay`. Only the overlay driver is modelled: `bridge` is
    /// rejected (a node-local bridge network is not part of swarm routing), and so is
    /// `--opt encrypted` (the IPsec ESP data path is not modelled, and a silently clear-text
    /// "encrypted" network would mislead).
    @discardableResult
    public func createNetwork(
        name: String, driver: String = "overlay", attachable: Bool = false, subnet: IPv4Prefix? = nil,
        gateway: IPv4Address? = nil, encrypted: Bool = false
    ) throws(SwarmError) -> NetworkInfo {
        guard swarmExists else { throw SwarmError.notInSwarm }
        guard driver == "overlay" else {
            throw SwarmError.unsupported(
                "network driver \"\(driver)\" is not modelled; swarm networks use -d overlay")
        }
        guard !encrypted else {
            throw SwarmError.unsupported(
                "encrypted overlays (--opt encrypted: IPsec ESP, MTU 1424) are not modelled; remove the option")
        }
        guard !name.isEmpty, !["bridge", "host", "none", "docker_gwbridge"].contains(name) else {
            throw SwarmError.daemon("network with name \(name) already exists")
        }
        guard !networks.contains(where: { $0.name == name }) else {
            throw SwarmError.daemon("network with name \(name) already exists")
        }
        let used = networks.map(\.config.subnet)
        let chosen: IPv4Prefix
        if let subnet {
            if networks.contains(where: { $0.config.subnet.contains(subnet) || subnet.contains($0.config.subnet) }) {
                throw SwarmError.daemon("invalid pool request: Pool overlaps with other one on this address space")
            }
            chosen = subnet
        } else {
            guard let free = defaultPool.firstFree(avoiding: used) else {
                throw SwarmError.daemon("could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network")
            }
            chosen = free
        }
        let gatewayAddress = gateway ?? chosen.host(1)
        var pool = SerialAddressPool(subnet: chosen)
        guard pool.reserve(gatewayAddress) else {
            throw SwarmError.daemon("invalid gateway \(gatewayAddress) for subnet \(chosen)")
        }
        guard let vni = vnis.allocate() else { throw SwarmError.daemon("no VXLAN IDs left") }
        let config = OverlayNetworkConfig(
            id: ids.objectID(), name: name, subnet: chosen, gateway: gatewayAddress, vni: UInt32(vni), mtu: overlayMTU,
            attachable: attachable)
        networks.append(NetworkRecord(config: config, pool: pool, createdAt: simulation.now, userSubnet: subnet != nil))
        return NetworkInfo(config: config, driver: "overlay")
    }

    /// `docker network rm`.
    public func removeNetwork(_ name: String) throws(SwarmError) {
        guard let network = network(named: name) else { throw SwarmError.daemon("network \(name) not found") }
        guard !network.config.isIngress else {
            throw SwarmError.daemon("rpc error: code = InvalidArgument desc = ingress network cannot be removed because service(s) may depend on it")
        }
        if let user = services.first(where: { $0.networkIDs.contains(network.id) }) {
            throw SwarmError.daemon(
                "rpc error: code = FailedPrecondition desc = network \(network.id) is in use by service \(user.id)")
        }
        if network.endpoints.contains(where: { if case .container = $0.kind { return true } else { return false } }) {
            throw SwarmError.daemon("error while removing network: network \(name) id \(network.id) has active endpoints")
        }
        vnis.release(Int(network.config.vni))
        networks.removeAll { $0 === network }
    }

    /// `docker run --name NAME --network NET IMAGE` on `node`: an attachable overlay endpoint with
    /// an address from the network's IPAM, the node's LB attachment if it is its first there, and
    /// a docker_gwbridge endpoint.
    @discardableResult
    public func runContainer(name: String?, network networkName: String, image: String, node nodeName: String)
        throws(SwarmError) -> ContainerInfo
    {
        let node = try node(named: nodeName)
        guard let network = network(named: networkName) else { throw SwarmError.networkNotFound(networkName) }
        guard node.inSwarm else { throw SwarmError.daemon("Could not attach to network \(networkName): rpc error: code = Unavailable desc = node is not part of a swarm") }
        guard network.config.attachable, !network.config.isIngress else {
            throw SwarmError.daemon(
                "Could not attach to network \(networkName): rpc error: code = PermissionDenied desc = network \(networkName) not manually attachable")
        }
        let id = ids.hexID()
        let containerName = name ?? generatedName(id)
        guard !attached.contains(where: { $0.name == containerName }) else {
            throw SwarmError.daemon("Conflict. The container name \"/\(containerName)\" is already in use.")
        }
        guard let address = network.pool.allocate() else {
            throw SwarmError.daemon("could not find an available IP while allocating VIP")
        }
        ensureLoadBalancer(network, on: node)
        let image = Self.normalizedImage(image)
        namespaces[id] = node.networking.createContainer(
            id: id, name: containerName, endpoints: [EndpointConfig(network: network.config, address: address)],
            gateway: true, hostPorts: [])
        network.endpoints.append(NetworkEndpoint(node: node.index, address: address, kind: .container(id: id), endpointID: ids.hexID()))
        let container = AttachedContainer(
            id: id, name: containerName, node: node.index, image: image, networkID: network.id, address: address,
            createdAt: simulation.now)
        attached.append(container)
        syncAll()
        if let namespace = namespaces[id] {
            onContainerStarted?(
                StartedContainer(
                    id: id, name: containerName, slotName: nil, serviceName: nil, image: image, arguments: [],
                    node: node.name, namespace: namespace))
        }
        return ContainerInfo(
            id: id, name: containerName, node: node.name, image: image,
            addresses: [NetworkAddress(network: network.name, networkID: network.id, address: address)])
    }

    /// The end of a `docker run` container (its command exited, or `docker rm -f`): it leaves its
    /// network, its address is released and its node removes it.
    public func removeContainer(_ reference: String) throws(SwarmError) {
        guard let index = attached.firstIndex(where: { $0.id == reference || $0.name == reference }) else {
            throw SwarmError.daemon("No such container: \(reference)")
        }
        let container = attached.remove(at: index)
        onContainerStopped?(container.id)
        let network = network(id: container.networkID)
        network.endpoints.removeAll { $0.kind == .container(id: container.id) }
        syncAll()
        let node = nodes[container.node]
        if node.reachable {
            node.networking.removeContainer(id: container.id)
        } else {
            staleContainers.append((container.node, container.id))
        }
        namespaces[container.id] = nil
        network.pool.release(container.address)
        dropLoadBalancerIfUnused(network, on: node)
        syncAll()
    }

    /// Docker names unnamed containers `adjective_surname`; swarmsim uses a stable stand-in.
    private func generatedName(_ id: String) -> String { "container_\(id.prefix(12))" }
}
