/// A network namespace (`struct net`): its devices, addresses, routing tables, neighbour table,
/// netfilter hooks, sockets and sysctls. Packets are processed here the way `net/ipv4` does:
/// see `+Input`, `+Output`, `+ARP` and `+ICMP` beside this file.
///
/// Processing inside a namespace takes no simulated time; time passes only between devices
/// (veth, links, tunnels), so a packet's path is a sequence of timestamped hops.
public final class NetworkNamespace: EventTarget {
    /// The name `ip netns` knows it by; "" for a machine's root namespace.
    public let name: String
    /// Owned by its machine (unowned(unsafe): read on every hop, see `Machine.world`).
    public unowned(unsafe) let machine: Machine
    public internal(set) var devices: [NetDevice] = [] { didSet { routesChanged() } }
    public private(set) var loopback: LoopbackDevice!
    /// `ip route show table local`: local and broadcast addresses, filled from interface addresses.
    public internal(set) var localTable = RoutingTable(name: "local") { didSet { routesChanged() } }
    /// `ip route show table main`: connected routes and configured ones.
    public internal(set) var mainTable = RoutingTable(name: "main") { didSet { routesChanged() } }
    /// The last output route looked up, valid while `routeGeneration` is unchanged (see `routeOutput`).
    var outputRouteCache: OutputRouteCache?
    /// The last local-table lookup on input (see `localRouteKind`).
    var inputRouteCache: (generation: UInt64, destination: IPv4Address, kind: Route.Kind?)?
    /// Counts changes to anything an output route depends on: tables, devices, their state and addresses.
    private(set) var routeGeneration: UInt64 = 0
    public internal(set) var neighbours = NeighbourTable()
    /// The netfilter hook functions of this namespace (tables, conntrack, IPVS register here).
    public var hooks = NetfilterHookTable()
    /// `net.ipv4.ip_forward`: 0 in a new namespace.
    public var ipForward = false
    /// `net.ipv4.ip_local_port_range`: 32768-60999, used for ephemeral ports and the VXLAN source port.
    public var localPortRange: (low: UInt16, high: UInt16) = (32768, 60999)
    /// `net.ipv4.ip_default_ttl`.
    public var defaultTTL: UInt8 = 64
    /// Set by `Machine.deleteNamespace`: the namespace has no devices or sockets left and its
    /// pending timer events are ignored (it stays registered with the simulation, inert).
    public internal(set) var isDeleted = false

    var vxlanEndpoints = VXLANEndpoints()
    var netfilterStorage: Netfilter?
    var ipvsStorage: IPVS?
    /// Transport protocols beyond ICMP and UDP, by protocol number.
    var protocolHandlers = [IPProtocolHandler?](repeating: nil, count: 256)
    /// TCP once a socket has created it (also in `protocolHandlers`), kept typed so that
    /// `tcp` needs no dynamic cast and local delivery borrows it without reference counting.
    var tcpProtocol: Unretained<TCPProtocol>?
    var udpSockets: [UInt16: [UDPSocket]] = [:]
    var pingSockets: [UInt16: PingSocket] = [:]
    var reassembly = FragmentReassembly()
    private(set) var targetID = TargetID(rawValue: 0)
    var randomMACs: RandomStream
    var ports: RandomStream
    var identification: UInt16
    var reachableTimes: RandomStream

    /// Counters in the spirit of `nstat` (`IpInReceives`, `IpForwDatagrams`, ...).
    public internal(set) var counters = IPCounters()

    init(name: String, machine: Machine) {
        self.name = name
        self.machine = machine
        world = machine.world
        let label = "\(machine.name)/\(name.isEmpty ? "root" : name)"
        randomMACs = machine.world.simulation.randomStream(named: "netns \(label) random MACs")
        ports = machine.world.simulation.randomStream(named: "netns \(label) ephemeral ports")
        reachableTimes = machine.world.simulation.randomStream(named: "netns \(label) neighbour reachable time")
        var ids = machine.world.simulation.randomStream(named: "netns \(label) IP identification")
        identification = UInt16(truncatingIfNeeded: ids.next())
        super.init()
        targetID = machine.world.simulation.register(self)
        let lo = LoopbackDevice(namespace: self)
        loopback = lo
        adopt(lo)
        addAddress(InterfaceAddress(IPv4Address(127, 0, 0, 1), prefixLength: 8), to: lo)
    }

    /// The machine's world, kept here too: the packet path reads it at every hop, and one
    /// stored back-reference is cheaper than two.
    public unowned(unsafe) let world: World

    /// Invalidates cached output routes (`rt_genid_bump_ipv4`).
    func routesChanged() {
        routeGeneration &+= 1
    }

    /// `ip netns` style label used in messages: `host01:ingress_sbox`, `host01` for the root.
    public var qualifiedName: String { name.isEmpty ? machine.name : "\(machine.name):\(name)" }

    // MARK: devices

    func adopt(_ device: NetDevice) {
        precondition(device.namespace === self)
        precondition(self.device(named: device.name) == nil, "\(qualifiedName) already has a device named \(device.name)")
        devices.append(device)
        machine.world.onDeviceAdded?(device)
    }

    public func device(named name: String) -> NetDevice? { devices.first { $0.name == name } }
    public func device(ifindex: Int32) -> NetDevice? {
        // An index loop: `first(where:)` retained and released every device it passed (perf).
        for index in devices.indices where devices[index].ifindex == ifindex { return devices[index] }
        return nil
    }

    /// A locally administered MAC from this namespace's seeded stream, as the kernel's
    /// `eth_random_addr` gives veths and bridges.
    func randomMAC() -> MACAddress {
        let bits = randomMACs.next() & 0xFFFF_FFFF_FFFF
        return MACAddress(value: (bits & ~0x0100_0000_0000) | 0x0200_0000_0000)
    }

    /// Creates a veth pair, `ip link add NAME type veth peer name PEER netns OTHER`.
    @discardableResult
    public func addVethPair(
        _ name: String, mac: MACAddress? = nil, peerName: String, peerNamespace: NetworkNamespace,
        peerMAC: MACAddress? = nil, mtu: Int = 1500
    ) -> (VethDevice, VethDevice) {
        let a = VethDevice(name: name, namespace: self, mac: mac ?? randomMAC(), mtu: mtu)
        adopt(a)
        let b = VethDevice(name: peerName, namespace: peerNamespace, mac: peerMAC ?? peerNamespace.randomMAC(), mtu: mtu)
        peerNamespace.adopt(b)
        a.peer = b
        b.peer = a
        return (a, b)
    }

    /// Creates a bridge, `ip link add NAME type bridge`.
    @discardableResult
    public func addBridge(_ name: String, mac: MACAddress? = nil, mtu: Int = 1500) -> BridgeDevice {
        let bridge = BridgeDevice(name: name, namespace: self, mac: mac ?? randomMAC(), mtu: mtu)
        adopt(bridge)
        return bridge
    }

    /// Creates a VXLAN device whose UDP socket lives in `underlay` (Docker creates it in the
    /// host namespace and moves it into the overlay namespace).
    @discardableResult
    public func addVXLAN(
        _ name: String, vni: UInt32, port: UInt16 = 4789, underlay: NetworkNamespace, mtu: Int = 1450,
        mac: MACAddress? = nil
    ) -> VXLANDevice {
        let vxlan = VXLANDevice(
            name: name, namespace: self, mac: mac ?? randomMAC(), vni: vni, port: port, mtu: mtu, underlay: underlay)
        adopt(vxlan)
        return vxlan
    }

    // MARK: addresses and routes

    /// `ip addr add ADDR/LEN dev DEV`: also adds the local, broadcast and connected routes the
    /// kernel adds (`fib_add_ifaddr`).
    public func addAddress(_ address: InterfaceAddress, to device: NetDevice) {
        precondition(device.namespace === self)
        device.addresses.append(address)
        let subnet = address.subnet
        if device is LoopbackDevice {
            localTable.add(Route(destination: subnet, kind: .local, device: device.ifindex,
                preferredSource: address.address, scope: .host, origin: .kernel))
        }
        localTable.add(Route(destination: IPv4Prefix(address: address.address, length: 32), kind: .local,
            device: device.ifindex, preferredSource: address.address, scope: .host, origin: .kernel))
        if address.prefixLength < 31 && !(device is LoopbackDevice) {
            localTable.add(Route(destination: IPv4Prefix(address: subnet.broadcast, length: 32), kind: .broadcast,
                device: device.ifindex, preferredSource: address.address, scope: .link, origin: .kernel))
        }
        if !(device is LoopbackDevice) && address.prefixLength < 32 {
            mainTable.add(Route(destination: subnet, device: device.ifindex, preferredSource: address.address,
                scope: .link, origin: .kernel))
        }
    }

    /// `ip addr del`: removes the address and the routes it brought.
    public func removeAddress(_ address: IPv4Address, from device: NetDevice) {
        guard let index = device.addresses.firstIndex(where: { $0.address == address }) else { return }
        let removed = device.addresses.remove(at: index)
        localTable.remove { $0.device == device.ifindex && $0.preferredSource == address && $0.origin == .kernel }
        mainTable.remove { $0.device == device.ifindex && $0.preferredSource == address && $0.origin == .kernel
            && $0.destination == removed.subnet }
    }

    /// `ip route add`.
    public func addRoute(_ route: Route) {
        mainTable.add(route)
    }

    /// `ip route add default via GATEWAY [dev DEV]`.
    public func addDefaultRoute(via gateway: IPv4Address, device: NetDevice? = nil) {
        let dev = device ?? mainTable.lookup(gateway).flatMap { $0.device }.flatMap { self.device(ifindex: $0) }
        precondition(dev != nil, "no connected route to the gateway \(gateway) in \(qualifiedName)")
        mainTable.add(Route(destination: IPv4Prefix(address: .any, length: 0), device: dev!.ifindex, gateway: gateway))
    }

    /// `ip neigh add ADDRESS lladdr MAC dev DEVICE nud permanent`, as Docker's peerdb does.
    public func addPermanentNeighbour(_ address: IPv4Address, mac: MACAddress, device: NetDevice) {
        precondition(device.namespace === self)
        neighbours.addPermanent(address, mac: mac, device: device.ifindex)
    }

    /// Whether `address` is one of this namespace's own (a `local` route matches it).
    public func isLocalAddress(_ address: IPv4Address) -> Bool {
        localTable.lookup(address)?.kind == .local
    }

    /// All addresses of the namespace's devices, loopback last.
    public var allAddresses: [IPv4Address] {
        devices.filter { !($0 is LoopbackDevice) }.flatMap { $0.addresses.map(\.address) }
            + loopback.addresses.map(\.address)
    }

    func routeIsUsable(_ route: Route) -> Bool {
        guard let ifindex = route.device else { return true }
        return device(ifindex: ifindex)?.isUp ?? false
    }

    // MARK: events

    enum EventKind {
        static let neighbourTimer: UInt32 = 1
        static let reassemblyTimeout: UInt32 = 2
    }

    public override func handle(_ event: Event, in simulation: Simulation) {
        guard !isDeleted else { return }
        switch event.kind {
        case EventKind.neighbourTimer: runNeighbourTimers()
        case EventKind.reassemblyTimeout: expireFragments()
        default: preconditionFailure("unknown namespace event \(event.kind)")
        }
    }

    /// Registers the handler of a transport protocol (TCP) in this namespace.
    public func register(_ handler: IPProtocolHandler, for proto: IPProtocol) {
        protocolHandlers[Int(proto.rawValue)] = handler
        if proto == .tcp, let tcp = handler as? TCPProtocol { tcpProtocol = Unretained(tcp) }
    }

    /// The next IP identification for packets that are not DF from a connected socket.
    func nextIdentification() -> UInt16 {
        identification &+= 1
        return identification
    }
}

/// IP counters of one namespace, named after `/proc/net/snmp`.
public struct IPCounters: Sendable {
    public var inReceives = 0
    public var inHeaderErrors = 0
    public var inAddressErrors = 0
    public var forwardedDatagrams = 0
    public var inDelivers = 0
    public var outRequests = 0
    public var outNoRoutes = 0
    public var fragmentsCreated = 0
    public var reassembled = 0
    public var icmpOutErrors = 0
    public var udpNoPorts = 0
}
