import SwarmSimCore

/// The routing mesh on this node: `ingress_sbox` and the host's DOCKER-INGRESS chains
/// (fidelity 1, 6.1, 6.2).
extension NodeDaemon {
    static let ingressSandboxName = "ingress_sbox"

    public func joinIngress(_ network: OverlayNetworkConfig, sandboxAddress: IPv4Address) {
        precondition(network.isIngress, "joinIngress takes the ingress network")
        guard ingress == nil else { return }
        remember(network)
        ensureGatewayBridge()
        installIngressChains()
        let sandbox = makeNamespace(Self.ingressSandboxName)
        _ = attachToOverlay(network, namespace: sandbox, ifName: "eth0", address: sandboxAddress)
        let gateway = attachToGatewayBridge(sandbox, ifName: "eth1")
        sandbox.ipForward = true
        sandbox.ipvs.sysctls = .docker
        ingress = IngressState(network: network, sandboxAddress: sandboxAddress, sandbox: sandbox, gatewayAddress: gateway.address)
        populateLoadBalancers(networkID: network.id)
    }

    /// `initIngressConfiguration`: the nat and filter DOCKER-INGRESS chains (ending in RETURN),
    /// their jumps ahead of DOCKER, the MASQUERADE of host-local clients into docker_gwbridge,
    /// and the FORWARD jump placed right after DOCKER-USER.
    private func installIngressChains() {
        let host = machine.root
        guard !iptablesRuleExists(host, "-A DOCKER-INGRESS -j RETURN") else { return }
        iptables(host, "-t nat -N DOCKER-INGRESS")
        iptables(host, "-t nat -A DOCKER-INGRESS -j RETURN")
        iptables(host, "-t nat -I PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS")
        iptables(host, "-t nat -I OUTPUT -m addrtype --dst-type LOCAL -j DOCKER-INGRESS")
        iptables(host, "-t nat -I POSTROUTING -o \(Self.gatewayBridgeName) -m addrtype --src-type LOCAL -j MASQUERADE")
        iptables(host, "-N DOCKER-INGRESS")
        iptables(host, "-A DOCKER-INGRESS -j RETURN")
        iptables(host, "-I FORWARD -j DOCKER-INGRESS")
        ensureJumpOnTop(host, "DOCKER-USER")
    }

    private func removeIngressChains() {
        let host = machine.root
        guard iptablesRuleExists(host, "-A DOCKER-INGRESS -j RETURN") else { return }
        iptablesDelete(host, "-A FORWARD -j DOCKER-INGRESS")
        iptables(host, "-F DOCKER-INGRESS")
        iptables(host, "-X DOCKER-INGRESS")
        iptablesDelete(host, "-t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS")
        iptablesDelete(host, "-t nat -A OUTPUT -m addrtype --dst-type LOCAL -j DOCKER-INGRESS")
        iptablesDelete(host, "-t nat -A POSTROUTING -o \(Self.gatewayBridgeName) -m addrtype --src-type LOCAL -j MASQUERADE")
        iptables(host, "-t nat -F DOCKER-INGRESS")
        iptables(host, "-t nat -X DOCKER-INGRESS")
    }

    /// `programIngress` for one published port, reference counted per port: the DNAT to
    /// ingress_sbox's gwbridge address (same port) and the two filter ACCEPTs, inserted at the
    /// top so the dport rule precedes the sport rule.
    func addIngressPortRules(_ ports: [PortConfig]) {
        guard let ingress else { return }
        let host = machine.root
        for port in ports where port.mode == .ingress {
            if let index = ingressPortReferences.firstIndex(where: { $0.port == port }) {
                ingressPortReferences[index].count += 1
                continue
            }
            ingressPortReferences.append((port, 1))
            let proto = port.transport.rawValue
            let published = port.publishedPort
            iptables(host, "-t nat -I DOCKER-INGRESS -p \(proto) -m \(proto) --dport \(published) "
                + "-j DNAT --to-destination \(ingress.gatewayAddress):\(published)")
            iptables(host, "-I DOCKER-INGRESS " + ingressEstablishedRule(port))
            iptables(host, "-I DOCKER-INGRESS -p \(proto) -m \(proto) --dport \(published) -j ACCEPT")
        }
    }

    func removeIngressPortRules(_ ports: [PortConfig]) {
        guard let ingress else { return }
        let host = machine.root
        for port in ports where port.mode == .ingress {
            guard let index = ingressPortReferences.firstIndex(where: { $0.port == port }) else { continue }
            ingressPortReferences[index].count -= 1
            guard ingressPortReferences[index].count == 0 else { continue }
            ingressPortReferences.remove(at: index)
            let proto = port.transport.rawValue
            let published = port.publishedPort
            iptablesDelete(host, "-t nat -A DOCKER-INGRESS -p \(proto) -m \(proto) --dport \(published) "
                + "-j DNAT --to-destination \(ingress.gatewayAddress):\(published)")
            iptablesDelete(host, "-A DOCKER-INGRESS " + ingressEstablishedRule(port))
            iptablesDelete(host, "-A DOCKER-INGRESS -p \(proto) -m \(proto) --dport \(published) -j ACCEPT")
        }
    }

    private func ingressEstablishedRule(_ port: PortConfig) -> String {
        let proto = port.transport.rawValue
        return "-p \(proto) -m state --state RELATED,ESTABLISHED -m \(proto) --sport \(port.publishedPort) -j ACCEPT"
    }

    public func leaveSwarm() {
        for container in containers.reversed() { removeContainer(id: container.id) }
        for lb in loadBalancers { if lb.programmed { unprogramLoadBalancer(lb) } }
        loadBalancers = []
        for sandbox in loadBalancerSandboxes.reversed() { removeLoadBalancerSandbox(networkID: sandbox.network.id) }
        if let ingress {
            removeIngressPortRules(ingressPortReferences.flatMap { entry in Array(repeating: entry.port, count: entry.count) })
            detachFromGatewayBridge(address: ingress.gatewayAddress, veth: gatewayVethName(of: ingress.sandbox))
            deleteSandboxNamespace(ingress.sandbox)
            self.ingress = nil
        }
        removeIngressChains()
        while !overlays.isEmpty { removeOverlaySandbox(at: overlays.count - 1) }
        peers = []
        knownNetworks = []
        removeGatewayBridge()
    }

    /// The host-side veth whose peer is `ifName` of `ns` on docker_gwbridge.
    func gatewayVethName(of ns: NetworkNamespace) -> String {
        guard let bridge = gatewayBridge else { return "" }
        for port in bridge.ports {
            if let veth = port as? VethDevice, veth.isUp, veth.peer?.namespace === ns { return veth.name }
        }
        return ""
    }
}
