import SwarmSimCore

/// The overlay namespace of one network on this node (`1-<nid[:10]>`): `br0` with the gateway
/// address and `vxlan0` enslaved to it (fidelity 1, 3.1).
final class OverlaySandbox {
    let network: OverlayNetworkConfig
    let namespace: NetworkNamespace
    let bridge: BridgeDevice
    let vxlan: VXLANDevice

    init(network: OverlayNetworkConfig, namespace: NetworkNamespace, bridge: BridgeDevice, vxlan: VXLANDevice) {
        self.network = network
        self.namespace = namespace
        self.bridge = bridge
        self.vxlan = vxlan
    }
}

/// One peerdb record of a remote endpoint, with how many times it was added.
struct PeerEntry {
    var networkID: String
    var address: IPv4Address
    var mac: MACAddress
    var vtep: IPv4Address
    var count: Int
    /// Whether the neighbour and FDB entries are in the overlay namespace yet (they wait for
    /// the network's configuration when the peer is announced first).
    var programmed: Bool
}

/// The routing mesh on this node: the ingress network and the `ingress_sbox` sandbox.
struct IngressState {
    var network: OverlayNetworkConfig
    var sandboxAddress: IPv4Address
    var sandbox: NetworkNamespace
    var gatewayAddress: IPv4Address
}

/// An `lb_<nid>` sandbox: one endpoint (eth0) with the node's LB address on the network.
struct LoadBalancerSandbox {
    var network: OverlayNetworkConfig
    var address: IPv4Address
    var namespace: NetworkNamespace
}

/// libnetwork's `loadBalancer` of one (service, ingress ports, network) with its backends in
/// the order they were added and the ones disabled (weight 0).
struct LoadBalancerState {
    var serviceID: String
    var networkID: String
    var vip: IPv4Address
    var ingressPorts: [PortConfig]
    var firewallMark: UInt32
    var scheduler: String
    var backends: [(address: IPv4Address, weight: Int, disabled: Bool)]
    /// Whether the VIP, marks and IPVS service are programmed in the network's LB sandbox.
    var programmed: Bool

    func matches(_ binding: ServiceBindingConfig) -> Bool {
        serviceID == binding.serviceID && networkID == binding.networkID && ingressPorts == binding.ingressPorts
    }
}

/// A container sandbox with what must be undone when it goes.
struct ContainerSandbox {
    var id: String
    var name: String
    var namespace: NetworkNamespace
    var endpoints: [EndpointConfig]
    /// (overlay network ID, overlay-side veth name) per overlay endpoint.
    var overlayPorts: [(networkID: String, veth: String)]
    /// The docker_gwbridge endpoint: address and host-side veth name.
    var gateway: (address: IPv4Address, veth: String)?
    var hostPorts: [PortConfig]
    var dnsPorts: (udp: UInt16, tcp: UInt16)
}
