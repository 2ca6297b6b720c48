import SwarmSimCore

/// docker_gwbridge: the local bridge network (ICC off, masquerade on) that gives ingress_sbox and
/// containers a way out, with the host rules the bridge driver of 20.10-27.x installs
/// (fidelity 1, 6.1).
extension NodeDaemon {
    static let gatewayBridgeName = "docker_gwbridge"
    /// The second local default pool after docker0's 172.17.0.0/16.
    static let gatewaySubnet = IPv4Prefix(address: IPv4Address(172, 18, 0, 0), length: 16)
    static let gatewayAddress = IPv4Address(172, 18, 0, 1)

    /// Creates docker_gwbridge and its rules once: `ip_forward=1` and FORWARD policy DROP as
    /// dockerd sets them, the bridge driver's chains, then the network's NAT, ICC-off, link and
    /// isolation rules in the order the driver issues them (`-I` puts later ones on top).
    @discardableResult
    func ensureGatewayBridge() -> BridgeDevice {
        if let gatewayBridge { return gatewayBridge }
        let host = machine.root
        let bridge = host.addBridge(Self.gatewayBridgeName)
        host.addAddress(InterfaceAddress(Self.gatewayAddress, prefixLength: Self.gatewaySubnet.length), to: bridge)
        gatewayBridge = bridge
        gatewayAddresses = []
        host.ipForward = true
        if !iptablesRuleExists(host, "-A DOCKER-USER -j RETURN") { installBridgeDriverChains(host) }
        let br = Self.gatewayBridgeName
        let subnet = Self.gatewaySubnet
        iptables(host, "-t nat -A POSTROUTING -s \(subnet) ! -o \(br) -j MASQUERADE")
        iptables(host, "-t nat -I DOCKER -i \(br) -j RETURN")
        iptables(host, "-A FORWARD -i \(br) -o \(br) -j DROP")
        iptables(host, "-I FORWARD -i \(br) ! -o \(br) -j ACCEPT")
        iptables(host, "-I FORWARD -o \(br) -j DOCKER")
        iptables(host, "-I FORWARD -o \(br) -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT")
        iptables(host, "-I DOCKER-ISOLATION-STAGE-1 -i \(br) ! -o \(br) -j DOCKER-ISOLATION-STAGE-2")
        iptables(host, "-I DOCKER-ISOLATION-STAGE-2 -o \(br) -j DROP")
        ensureJumpOnTop(host, "DOCKER-ISOLATION-STAGE-1")
        ensureJumpOnTop(host, "DOCKER-USER")
        return bridge
    }

    /// The chains the bridge driver creates at start (`setupIPChains`) and `DOCKER-USER`
    /// (`arrangeUserFilterRule`).
    private func installBridgeDriverChains(_ host: NetworkNamespace) {
        iptables(host, "-t nat -N DOCKER")
        iptables(host, "-t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER")
        iptables(host, "-t nat -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER")
        iptables(host, "-N DOCKER")
        iptables(host, "-N DOCKER-ISOLATION-STAGE-1")
        iptables(host, "-N DOCKER-ISOLATION-STAGE-2")
        iptables(host, "-A DOCKER-ISOLATION-STAGE-1 -j RETURN")
        iptables(host, "-A DOCKER-ISOLATION-STAGE-2 -j RETURN")
        iptables(host, "-P FORWARD DROP")
        iptables(host, "-N DOCKER-USER")
        iptables(host, "-A DOCKER-USER -j RETURN")
    }

    /// `iptables.EnsureJumpRule("FORWARD", chain)`: the jump is deleted and inserted at the top.
    func ensureJumpOnTop(_ host: NetworkNamespace, _ chain: String) {
        iptablesDelete(host, "-A FORWARD -j \(chain)")
        iptables(host, "-I FORWARD -j \(chain)")
    }

    /// Removes docker_gwbridge and its rules (the gateway network is deleted on swarm leave).
    func removeGatewayBridge() {
        guard let bridge = gatewayBridge else { return }
        let host = machine.root
        let br = Self.gatewayBridgeName
        iptablesDelete(host, "-t nat -A POSTROUTING -s \(Self.gatewaySubnet) ! -o \(br) -j MASQUERADE")
        iptablesDelete(host, "-t nat -A DOCKER -i \(br) -j RETURN")
        iptablesDelete(host, "-A FORWARD -i \(br) -o \(br) -j DROP")
        iptablesDelete(host, "-A FORWARD -i \(br) ! -o \(br) -j ACCEPT")
        iptablesDelete(host, "-A FORWARD -o \(br) -j DOCKER")
        iptablesDelete(host, "-A FORWARD -o \(br) -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT")
        iptablesDelete(host, "-A DOCKER-ISOLATION-STAGE-1 -i \(br) ! -o \(br) -j DOCKER-ISOLATION-STAGE-2")
        iptablesDelete(host, "-A DOCKER-ISOLATION-STAGE-2 -o \(br) -j DROP")
        host.deleteDevice(bridge)
        gatewayBridge = nil
        gatewayAddresses = []
    }

    /// The bridge driver's IPAM: the lowest free address after the gateway.
    func allocateGatewayAddress() -> IPv4Address {
        var candidate = Self.gatewayAddress.value + 1
        while gatewayAddresses.contains(where: { $0.value == candidate }) { candidate += 1 }
        precondition(Self.gatewaySubnet.contains(IPv4Address(value: candidate)), "docker_gwbridge is full")
        let address = IPv4Address(value: candidate)
        gatewayAddresses.append(address)
        return address
    }

    /// A docker_gwbridge endpoint in `ns` named `ifName`: host-side `vethXXXXXXX` on the bridge,
    /// MAC 02:42:+IP (bridge endpoints before 28.0), the address, and the default route.
    func attachToGatewayBridge(_ ns: NetworkNamespace, ifName: String) -> (address: IPv4Address, veth: String) {
        let bridge = ensureGatewayBridge()
        let address = allocateGatewayAddress()
        let vethName = randomVethName(in: machine.root)
        let (port, eth) = machine.root.addVethPair(
            vethName, peerName: ifName, peerNamespace: ns, peerMAC: MACAddress.docker(for: address), mtu: underlayMTU)
        bridge.addPort(port)
        ns.addAddress(InterfaceAddress(address, prefixLength: Self.gatewaySubnet.length), to: eth)
        ns.addDefaultRoute(via: Self.gatewayAddress, device: eth)
        return (address, vethName)
    }

    /// Undoes `attachToGatewayBridge`: the address is free, and the host-side veth is deleted
    /// (with its peer) unless it already went with the sandbox's namespace.
    func detachFromGatewayBridge(address: IPv4Address, veth: String) {
        gatewayAddresses.removeAll { $0 == address }
        if let device = machine.root.device(named: veth) { machine.root.deleteDevice(device) }
    }
}
