import SwarmSimCore

/// dockerd and libnetwork of one swarm node (Docker 20.10 to 27.x behaviour): programs that
/// node's kernel model with what libnetwork programs on a real node, and nothing else.
///
/// The aspects live beside this file: the docker_gwbridge network and the host's iptables
/// (`+GatewayBridge`), overlay namespaces and peerdb (`+Overlay`), the routing mesh (`+Ingress`),
/// the `lb_` sandboxes and service bindings (`+LoadBalancer`, `+ServiceBindings`), container
/// sandboxes (`+Containers`, `+ContainerRules`) and the read-back commands (`+Show`).
public final class NodeDaemon: NodeNetworking {
    public let world: World
    public let machine: Machine
    /// The node's underlay NIC (`eth0` of the host), attached by the caller.
    public let nic: EthernetDevice
    public let underlayAddress: IPv4Address
    public let underlayMTU: Int

    public var nodeName: String { machine.name }

    // MARK: state (arrays, not dictionaries, wherever order decides an outcome)

    /// Every overlay network this node has been told about, first mention first.
    var knownNetworks: [OverlayNetworkConfig] = []
    /// The overlay namespaces built so far (`1-<nid[:10]>`).
    var overlays: [OverlaySandbox] = []
    /// peerdb entries with their reference counts.
    var peers: [PeerEntry] = []
    /// docker_gwbridge, created on swarm init/join.
    var gatewayBridge: BridgeDevice?
    /// Addresses handed out on docker_gwbridge (lowest free first, the bridge driver's IPAM).
    var gatewayAddresses: [IPv4Address] = []
    /// The ingress network and this node's `ingress_sbox`.
    var ingress: IngressState?
    /// `lb_<nid>` sandboxes by network.
    var loadBalancerSandboxes: [LoadBalancerSandbox] = []
    /// libnetwork's `loadBalancer` objects: one per (service, ingress ports, network).
    var loadBalancers: [LoadBalancerState] = []
    /// `fwMarkCtr`: starts at 0x100, one per new (service, network), never reused.
    var nextFirewallMark: UInt32 = 0x100
    /// Host DOCKER-INGRESS port rules, reference counted per published port.
    var ingressPortReferences: [(port: PortConfig, count: Int)] = []
    var containers: [ContainerSandbox] = []
    /// Namespaces iptables rules were written into (reading the others must not load netfilter).
    var namespacesWithRules: [String] = []
    /// Random names of host-side veths (`veth` + 7 hex digits, as libnetwork's `netutils.GenerateIfaceName`).
    var vethNames: RandomStream

    public init(world: World, machine: Machine, nic: EthernetDevice, underlayAddress: IPv4Address, underlayMTU: Int = 1500) {
        precondition(nic.namespace === machine.root, "the NIC belongs to the node's host namespace")
        self.world = world
        self.machine = machine
        self.nic = nic
        self.underlayAddress = underlayAddress
        self.underlayMTU = underlayMTU
        vethNames = world.simulation.randomStream(named: "node \(machine.name) libnetwork veth names")
    }

    /// The namespaces on the node, host first, in creation order.
    public var namespaceNames: [String] {
        machine.namespaces.map(\.name)
    }

    /// The node's namespace called `name` ("" or nil is the host).
    func liveNamespace(_ name: String?) -> NetworkNamespace? {
        guard let name, !name.isEmpty else { return machine.root }
        return machine.namespace(named: name)
    }

    /// A new namespace for a sandbox (`ip netns add`; a removed sandbox's name is free again).
    func makeNamespace(_ name: String) -> NetworkNamespace {
        let ns = machine.addNamespace(name)
        // A new netns copies the host's net.ipv4.conf.all settings (devconf_inherit_init_net=0),
        // ip_forward included, which dockerd has set to 1: this is what lets lb_ and
        // ingress_sbox forward the de-NATed replies.
        ns.ipForward = true
        return ns
    }

    /// Deletes a sandbox's namespace (`osl` `Destroy`: `ip netns del`): its devices go, and
    /// with them the peers of its veths in other namespaces (overlay `vethN`, host-side
    /// docker_gwbridge veths), as the kernel's netns teardown does.
    func deleteSandboxNamespace(_ ns: NetworkNamespace) {
        namespacesWithRules.removeAll { $0 == ns.name }
        machine.deleteNamespace(ns)
    }

    /// Registers a network configuration (the latest mention wins).
    func remember(_ network: OverlayNetworkConfig) {
        if let index = knownNetworks.firstIndex(where: { $0.id == network.id }) {
            knownNetworks[index] = network
        } else {
            knownNetworks.append(network)
        }
    }

    func network(_ id: String) -> OverlayNetworkConfig? { knownNetworks.first { $0.id == id } }

    /// `veth` + 7 hex digits.
    func randomVethName(in ns: NetworkNamespace) -> String {
        while true {
            let bits = vethNames.next() & 0xFFF_FFFF
            let hex = String(bits, radix: 16)
            let name = "veth" + String(repeating: "0", count: 7 - hex.count) + hex
            if ns.device(named: name) == nil { return name }
        }
    }
}

/// Programming helpers: every rule goes in through the kernel model's iptables and ipvsadm
/// front ends, as libnetwork shells out to (or speaks netlink for) them.
extension NodeDaemon {
    /// Runs `iptables ARGS` in `ns`. The rules are generated here, so a refusal is a bug.
    func iptables(_ ns: NetworkNamespace, _ arguments: String) {
        if !namespacesWithRules.contains(ns.name) { namespacesWithRules.append(ns.name) }
        do {
            try ns.netfilter.apply("iptables " + arguments)
        } catch {
            preconditionFailure("\(ns.qualifiedName): iptables \(arguments): \(error)")
        }
    }

    /// Whether `iptables -C`-style the rule exists (the argument starts with `-t TABLE -A CHAIN`
    /// or `-A CHAIN`).
    func iptablesRuleExists(_ ns: NetworkNamespace, _ arguments: String) -> Bool {
        let check = arguments.replacingFirst("-A ", with: "-C ")
        return (try? ns.netfilter.apply("iptables " + check)) != nil
    }

    /// Appends unless present, as libnetwork's `iptables.Exists` guards do.
    func iptablesAppendOnce(_ ns: NetworkNamespace, _ arguments: String) {
        if !iptablesRuleExists(ns, arguments) { iptables(ns, arguments) }
    }

    /// Deletes the rule if present (`-A` spelled in `arguments` becomes `-D`).
    func iptablesDelete(_ ns: NetworkNamespace, _ arguments: String) {
        guard iptablesRuleExists(ns, arguments) else { return }
        iptables(ns, arguments.replacingFirst("-A ", with: "-D "))
    }

    /// Runs `ipvsadm ARGS` in `ns`.
    func ipvsadm(_ ns: NetworkNamespace, _ arguments: String) {
        do {
            try ns.ipvs.apply(ipvsadm: "ipvsadm " + arguments, now: world.now)
        } catch {
            preconditionFailure("\(ns.qualifiedName): ipvsadm \(arguments): \(error)")
        }
    }
}

extension String {
    /// The string with the first occurrence of `target` replaced.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { return self }
        var copy = self
        copy.replaceSubrange(range, with: replacement)
        return copy
    }
}
