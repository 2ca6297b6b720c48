import SwarmSimCore

/// libnetwork's `addServiceBinding` / `rmServiceBinding` on this node: the per-(service,
/// network) load balancer, its fwmark and its IPVS destinations (fidelity 4.1-4.3).
extension NodeDaemon {
    public func addServiceBinding(_ binding: ServiceBindingConfig) {
        guard let vip = binding.vip else { return }  // dnsrr: no VIP, no load balancer
        let index: Int
        if let existing = loadBalancers.firstIndex(where: { $0.matches(binding) }) {
            index = existing
        } else {
            loadBalancers.append(LoadBalancerState(
                serviceID: binding.serviceID, networkID: binding.networkID, vip: vip, ingressPorts: binding.ingressPorts,
                firewallMark: nextFirewallMark, scheduler: binding.scheduler, backends: [], programmed: false))
            nextFirewallMark += 1
            index = loadBalancers.count - 1
        }
        let mark = loadBalancers[index].firewallMark
        if let backend = loadBalancers[index].backends.firstIndex(where: { $0.address == binding.backendAddress }) {
            loadBalancers[index].backends[backend].weight = binding.weight
            let wasDisabled = loadBalancers[index].backends[backend].disabled
            loadBalancers[index].backends[backend].disabled = false
            if wasDisabled, loadBalancers[index].programmed, let sandbox = loadBalancerSandbox(networkID: binding.networkID) {
                ipvsadm(sandbox.namespace, "-e -f \(mark) -r \(binding.backendAddress):0 -m -w \(binding.weight)")
            }
            return
        }
        loadBalancers[index].backends.append((binding.backendAddress, binding.weight, false))
        if loadBalancers[index].programmed {
            if let sandbox = loadBalancerSandbox(networkID: binding.networkID) {
                ipvsadm(sandbox.namespace, "-a -f \(mark) -r \(binding.backendAddress):0 -m -w \(binding.weight)")
            }
        } else {
            programLoadBalancer(&loadBalancers[index])
        }
    }

    public func disableServiceBinding(_ binding: ServiceBindingConfig) {
        guard let index = loadBalancers.firstIndex(where: { $0.matches(binding) }),
            let backend = loadBalancers[index].backends.firstIndex(where: { $0.address == binding.backendAddress }),
            !loadBalancers[index].backends[backend].disabled
        else { return }
        loadBalancers[index].backends[backend].disabled = true
        if loadBalancers[index].programmed, let sandbox = loadBalancerSandbox(networkID: binding.networkID) {
            ipvsadm(sandbox.namespace, "-e -f \(loadBalancers[index].firewallMark) -r \(binding.backendAddress):0 -m -w 0")
        }
    }

    public func removeServiceBinding(_ binding: ServiceBindingConfig) {
        guard let index = loadBalancers.firstIndex(where: { $0.matches(binding) }),
            let backend = loadBalancers[index].backends.firstIndex(where: { $0.address == binding.backendAddress })
        else { return }
        loadBalancers[index].backends.remove(at: backend)
        let lb = loadBalancers[index]
        guard lb.programmed else {
            if lb.backends.isEmpty { loadBalancers.remove(at: index) }
            return
        }
        if lb.backends.isEmpty {
            loadBalancers[index].programmed = false
            unprogramLoadBalancer(lb)
            loadBalancers.remove(at: index)
        } else if let sandbox = loadBalancerSandbox(networkID: binding.networkID) {
            ipvsadm(sandbox.namespace, "-d -f \(lb.firewallMark) -r \(binding.backendAddress):0")
        }
    }
}
