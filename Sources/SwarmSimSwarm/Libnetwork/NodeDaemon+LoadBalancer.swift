import SwarmSimCore

/// The `lb_<nid>` sandboxes (18.09+): one per overlay network per node with tasks on it, eth0
/// at the node's LB address, no gateway (fidelity 1, 4.2).
extension NodeDaemon {
    /// The netns file name: `lb_` + the first 9 characters of the network ID.
    static func loadBalancerNamespaceName(_ networkID: String) -> String { "lb_" + networkID.prefix(9) }

    public func createLoadBalancerSandbox(_ network: OverlayNetworkConfig, address: IPv4Address) {
        guard !network.isIngress else { return }
        guard !loadBalancerSandboxes.contains(where: { $0.network.id == network.id }) else { return }
        remember(network)
        let ns = makeNamespace(Self.loadBalancerNamespaceName(network.id))
        _ = attachToOverlay(network, namespace: ns, ifName: "eth0", address: address)
        ns.ipvs.sysctls = .docker
        loadBalancerSandboxes.append(LoadBalancerSandbox(network: network, address: address, namespace: ns))
        populateLoadBalancers(networkID: network.id)
    }

    public func removeLoadBalancerSandbox(networkID: String) {
        guard let index = loadBalancerSandboxes.firstIndex(where: { $0.network.id == networkID }) else { return }
        for lbIndex in loadBalancers.indices where loadBalancers[lbIndex].networkID == networkID && loadBalancers[lbIndex].programmed {
            unprogramLoadBalancer(loadBalancers[lbIndex])
            loadBalancers[lbIndex].programmed = false
        }
        let sandbox = loadBalancerSandboxes.remove(at: index)
        let overlayVeth = (sandbox.namespace.device(named: "eth0") as? VethDevice)?.peer?.name
        deleteSandboxNamespace(sandbox.namespace)
        if let overlayVeth { detachFromOverlay(networkID: networkID, veth: overlayVeth) }
    }

    /// The sandbox that load-balances a network on this node, its LB endpoint address and
    /// whether it is the ingress sandbox (`findLBEndpointSandbox`).
    func loadBalancerSandbox(networkID: String) -> (namespace: NetworkNamespace, address: IPv4Address, isIngress: Bool)? {
        if let ingress, ingress.network.id == networkID { return (ingress.sandbox, ingress.sandboxAddress, true) }
        guard let sandbox = loadBalancerSandboxes.first(where: { $0.network.id == networkID }) else { return nil }
        return (sandbox.namespace, sandbox.address, false)
    }

    /// `sb.populateLoadBalancers`: a new LB sandbox gets the services already bound on its network.
    func populateLoadBalancers(networkID: String) {
        for index in loadBalancers.indices where loadBalancers[index].networkID == networkID {
            if !loadBalancers[index].programmed && !loadBalancers[index].backends.isEmpty {
                programLoadBalancer(&loadBalancers[index])
            }
        }
    }

    /// `addLBBackend` for the first backend: the VIP as a /32 alias on eth0, the host ingress
    /// rules (ingress only), `configureFWMark` and the IPVS service with every backend so far.
    func programLoadBalancer(_ lb: inout LoadBalancerState) {
        guard let sandbox = loadBalancerSandbox(networkID: lb.networkID), let network = network(lb.networkID),
            let eth0 = sandbox.namespace.device(named: "eth0")
        else { return }
        let ns = sandbox.namespace
        ns.addAddress(InterfaceAddress(lb.vip, prefixLength: 32), to: eth0)
        if sandbox.isIngress { addIngressPortRules(lb.ingressPorts) }
        for rule in markRules(lb) { iptables(ns, rule) }
        iptablesAppendOnce(ns, snatRule(subnet: network.subnet, address: sandbox.address))
        ipvsadm(ns, "-A -f \(lb.firewallMark) -s \(lb.scheduler)")
        for backend in lb.backends {
            ipvsadm(ns, "-a -f \(lb.firewallMark) -r \(backend.address):0 -m -w \(backend.disabled ? 0 : backend.weight)")
        }
        lb.programmed = true
    }

    /// Undoes `programLoadBalancer` (the last backend is gone, or the sandbox goes).
    func unprogramLoadBalancer(_ lb: LoadBalancerState) {
        guard let sandbox = loadBalancerSandbox(networkID: lb.networkID), let network = network(lb.networkID) else { return }
        let ns = sandbox.namespace
        ipvsadm(ns, "-D -f \(lb.firewallMark)")
        for rule in markRules(lb) { iptablesDelete(ns, rule) }
        let othersInNamespace = loadBalancers.contains {
            $0.programmed && $0.firewallMark != lb.firewallMark && loadBalancerSandbox(networkID: $0.networkID)?.namespace === ns
        }
        if !othersInNamespace { iptablesDelete(ns, snatRule(subnet: network.subnet, address: sandbox.address)) }
        if let eth0 = ns.device(named: "eth0") { ns.removeAddress(lb.vip, from: eth0) }
        if sandbox.isIngress { removeIngressPortRules(lb.ingressPorts) }
    }

    /// `configureFWMark`'s marks: published ports in mangle PREROUTING (ingress only), then the
    /// VIP in mangle INPUT.
    private func markRules(_ lb: LoadBalancerState) -> [String] {
        var rules: [String] = []
        for port in lb.ingressPorts where port.mode == .ingress {
            let proto = port.transport.rawValue
            rules.append("-t mangle -A PREROUTING -p \(proto) -m \(proto) --dport \(port.publishedPort) -j MARK --set-mark \(lb.firewallMark)")
        }
        rules.append("-t mangle -A INPUT -d \(lb.vip)/32 -j MARK --set-mark \(lb.firewallMark)")
        return rules
    }

    /// IPVS-forwarded packets into the subnet leave with the LB endpoint's address.
    private func snatRule(subnet: IPv4Prefix, address: IPv4Address) -> String {
        "-t nat -A POSTROUTING -d \(subnet) -m ipvs --ipvs -j SNAT --to-source \(address)"
    }
}
