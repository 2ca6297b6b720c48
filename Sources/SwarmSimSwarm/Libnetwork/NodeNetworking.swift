import SwarmSimCore

/// An overlay network as the manager allocated it (swarmkit's cnmallocator): what every node's
/// libnetwork needs to build its part of the network.
public struct OverlayNetworkConfig: Sendable, Equatable {
    /// The 25-character network ID (`docker network ls` shows its first 12).
    public var id: String
    public var name: String
    public var subnet: IPv4Prefix
    /// The gateway address, on `br0` of each node's overlay namespace.
    public var gateway: IPv4Address
    /// The VXLAN network identifier (serial from 4096).
    public var vni: UInt32
    /// The overlay MTU: the underlay MTU minus 50 (1450).
    public var mtu: Int
    public var isIngress: Bool
    public var attachable: Bool

    public init(
        id: String, name: String, subnet: IPv4Prefix, gateway: IPv4Address, vni: UInt32, mtu: Int = 1450,
        isIngress: Bool = false, attachable: Bool = false
    ) {
        self.id = id
        self.name = name
        self.subnet = subnet
        self.gateway = gateway
        self.vni = vni
        self.mtu = mtu
        self.isIngress = isIngress
        self.attachable = attachable
    }
}

/// The transport of a published port.
public enum PortProtocol: String, Sendable, Hashable {
    case tcp, udp
}

/// How a port is published: through the routing mesh on every node, or on the task's node only.
public enum PublishMode: String, Sendable, Hashable {
    case ingress, host
}

/// One published port of a service (`-p 81:80`, `--publish published=81,target=80,mode=host`).
public struct PortConfig: Sendable, Hashable {
    public var transport: PortProtocol
    public var targetPort: UInt16
    public var publishedPort: UInt16
    public var mode: PublishMode

    public init(transport: PortProtocol = .tcp, targetPort: UInt16, publishedPort: UInt16, mode: PublishMode = .ingress) {
        self.transport = transport
        self.targetPort = targetPort
        self.publishedPort = publishedPort
        self.mode = mode
    }
}

/// A container's endpoint on one overlay network.
public struct EndpointConfig: Sendable, Equatable {
    public var network: OverlayNetworkConfig
    public var address: IPv4Address
    /// `02:42:` + the four address bytes, as the overlay driver derives it.
    public var mac: MACAddress
    /// On the ingress network: the service's ingress-mode ports, for the task's REDIRECT rules.
    public var ingressPorts: [PortConfig]

    public init(network: OverlayNetworkConfig, address: IPv4Address, ingressPorts: [PortConfig] = []) {
        self.network = network
        self.address = address
        self.mac = MACAddress.docker(for: address)
        self.ingressPorts = ingressPorts
    }
}

/// One backend of a service on one network, as libnetwork's agent binds it
/// (`addServiceBinding` / `rmServiceBinding` in agent.go and service_common.go).
public struct ServiceBindingConfig: Sendable, Equatable {
    public var serviceID: String
    public var serviceName: String
    public var networkID: String
    /// The service's VIP on this network; nil in endpoint mode dnsrr.
    public var vip: IPv4Address?
    /// Ingress-mode published ports: non-empty only for the binding on the ingress network.
    public var ingressPorts: [PortConfig]
    /// The task's address on this network.
    public var backendAddress: IPv4Address
    /// The IPVS weight the scenario asks for (Docker always uses 1).
    public var weight: Int
    /// The IPVS scheduler the scenario asks for (Docker always uses rr).
    public var scheduler: String

    public init(
        serviceID: String, serviceName: String, networkID: String, vip: IPv4Address?, ingressPorts: [PortConfig],
        backendAddress: IPv4Address, weight: Int = 1, scheduler: String = "rr"
    ) {
        self.serviceID = serviceID
        self.serviceName = serviceName
        self.networkID = networkID
        self.vip = vip
        self.ingressPorts = ingressPorts
        self.backendAddress = backendAddress
        self.weight = weight
        self.scheduler = scheduler
    }
}

/// What the manager asks of one node's dockerd + libnetwork: the boundary between swarmkit-level
/// decisions (IPAM, placement, IDs) and the programming of that node's kernel.
///
/// Every method programs the node's kernel model only through the artefacts libnetwork uses:
/// namespaces and devices, addresses and routes, permanent neighbours and FDB entries,
/// iptables-save / iptables command lines and ipvsadm commands. Calls are synchronous: the
/// control-plane delays (gossip convergence) are the caller's business.
public protocol NodeNetworking: AnyObject {
    /// The node's name (`host01`).
    var nodeName: String { get }
    /// The node's underlay (advertise and data-path) address.
    var underlayAddress: IPv4Address { get }

    /// On swarm init/join: docker_gwbridge with its rules, the ingress overlay namespace, the
    /// `ingress_sbox` namespace (eth0 on ingress at `sandboxAddress`, eth1 on docker_gwbridge)
    /// and the host's DOCKER-INGRESS chains.
    func joinIngress(_ network: OverlayNetworkConfig, sandboxAddress: IPv4Address)
    /// On swarm leave: removes everything swarm created on the node.
    func leaveSwarm()

    /// The `lb_<nid>` sandbox of a network on this node, with the node's LB address on it.
    func createLoadBalancerSandbox(_ network: OverlayNetworkConfig, address: IPv4Address)
    func removeLoadBalancerSandbox(networkID: String)

    /// A container sandbox named by the first 12 hex digits of `id`, with one interface per
    /// endpoint (eth0, eth1, ... in order), a docker_gwbridge endpoint and default route when
    /// `gateway` is true, the embedded DNS NAT rules, REDIRECT/ACCEPT/DROP rules for ingress ports
    /// and host-mode port DNATs on the node. Returns the container's namespace.
    func createContainer(
        id: String, name: String, endpoints: [EndpointConfig], gateway: Bool, hostPorts: [PortConfig]
    ) -> NetworkNamespace
    func removeContainer(id: String)
    /// The ports the embedded DNS of a container listens on at 127.0.0.11 (targets of its DNAT rules).
    func dnsPorts(containerID: String) -> (udp: UInt16, tcp: UInt16)?

    /// peerdb: a remote endpoint of a network (permanent neighbour + static FDB entry on vxlan0).
    func addPeer(networkID: String, address: IPv4Address, mac: MACAddress, vtep: IPv4Address)
    func removePeer(networkID: String, address: IPv4Address, mac: MACAddress, vtep: IPv4Address)

    /// A backend appears: the first one of a (service, network) creates the VIP alias, fwmark rules
    /// and IPVS service in the network's LB sandbox (and the host ingress rules on ingress).
    func addServiceBinding(_ binding: ServiceBindingConfig)
    /// Task shutdown begins: the backend's IPVS weight becomes 0.
    func disableServiceBinding(_ binding: ServiceBindingConfig)
    /// The backend is gone; the last one removes the service's rules, IPVS service and VIP.
    func removeServiceBinding(_ binding: ServiceBindingConfig)

    /// `iptables-save` of the host (nil) or a named namespace; nil for an unknown namespace.
    func iptablesSave(namespace: String?) -> String?
    /// `ipvsadm -Ln` of a namespace; nil for an unknown namespace.
    func ipvsList(namespace: String) -> String?
    /// `ip route` of the host (nil) or a named namespace.
    func ipRoute(namespace: String?) -> String?
    /// The namespaces on the node, host first, in creation order.
    var namespaceNames: [String] { get }
}
