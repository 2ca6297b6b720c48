import SwarmSimCore

/// Container (task) sandboxes: interfaces, gateway, and what they take away when removed
/// (fidelity 1, 5, 6.2, 6.3).
extension NodeDaemon {
    public func createContainer(
        id: String, name: String, endpoints: [EndpointConfig], gateway: Bool, hostPorts: [PortConfig]
    ) -> NetworkNamespace {
        let shortID = String(id.prefix(12))
        precondition(!containers.contains { $0.id == id }, "container \(shortID) exists on \(nodeName)")
        let ns = makeNamespace(shortID)
        var overlayPorts: [(networkID: String, veth: String)] = []
        for (index, endpoint) in endpoints.enumerated() {
            let veth = attachToOverlay(endpoint.network, namespace: ns, ifName: "eth\(index)", address: endpoint.address)
            overlayPorts.append((endpoint.network.id, veth))
        }
        let gatewayEndpoint = gateway ? attachToGatewayBridge(ns, ifName: "eth\(endpoints.count)") : nil
        let dns = pickDNSPorts(containerID: id)
        installEmbeddedDNSRules(ns, ports: dns)
        for endpoint in endpoints where !endpoint.ingressPorts.isEmpty {
            installRedirectRules(ns, address: endpoint.address, ports: endpoint.ingressPorts)
        }
        if let gatewayEndpoint {
            for rule in hostPortRules(hostPorts, address: gatewayEndpoint.address) { iptables(machine.root, rule) }
        }
        containers.append(ContainerSandbox(
            id: id, name: name, namespace: ns, endpoints: endpoints, overlayPorts: overlayPorts,
            gateway: gatewayEndpoint, hostPorts: hostPorts, dnsPorts: dns))
        return ns
    }

    public func removeContainer(id: String) {
        guard let index = containers.firstIndex(where: { $0.id == id }) else { return }
        let container = containers.remove(at: index)
        if let gateway = container.gateway {
            for rule in hostPortRules(container.hostPorts, address: gateway.address).reversed() {
                iptablesDelete(machine.root, rule)
            }
        }
        deleteSandboxNamespace(container.namespace)
        if let gateway = container.gateway { detachFromGatewayBridge(address: gateway.address, veth: gateway.veth) }
        for port in container.overlayPorts { detachFromOverlay(networkID: port.networkID, veth: port.veth) }
    }

    public func dnsPorts(containerID: String) -> (udp: UInt16, tcp: UInt16)? {
        containers.first { $0.id == containerID }?.dnsPorts
    }

    /// The embedded DNS server's two listeners bind port 0 at 127.0.0.11 inside the container:
    /// two distinct ports of Linux's ephemeral range, from a stream named after the container.
    private func pickDNSPorts(containerID: String) -> (udp: UInt16, tcp: UInt16) {
        var stream = world.simulation.randomStream(named: "node \(nodeName) container \(containerID) embedded DNS ports")
        let udp = UInt16(stream.next(in: 32768...60999))
        var tcp = udp
        while tcp == udp { tcp = UInt16(stream.next(in: 32768...60999)) }
        return (udp, tcp)
    }
}
