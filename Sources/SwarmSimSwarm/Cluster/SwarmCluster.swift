import SwarmSimCore

/// The swarm's managers as one control plane: swarmkit's allocator, orchestrators, scheduler and
/// dispatcher, plus the NetworkDB state every node's libnetwork would converge to.
///
/// It decides (IDs, addresses, VNIs, placement) and tells each node's `NodeNetworking` what to
/// build. Per node it remembers which peers and service bindings it has applied, so after every
/// change it programs only the difference between what a node should have and what it has; an
/// unreachable node is skipped and catches up when it comes back, as a node resyncing NetworkDB.
///
/// Timing choices (documented in the README):
/// - tasks start at the instant they are placed (no image pull, no preparing/starting states);
/// - graceful task shutdown: binding disabled (IPVS weight 0, `tasks.` DNS record gone), then the
///   container removed `gossipConvergeDelay` (2 s, libnetwork's `defaultGossipConvergeDelay`) later;
/// - a failed task's replacement is created at once and started after `restartDelay` (5 s,
///   swarmkit's default `--restart-delay`);
/// - a node that stops answering is declared down `dispatcherGracePeriod` later (15 s: swarmkit's
///   heartbeat period 5 s x grace multiplier 3) and its tasks are then rescheduled.
public final class SwarmCluster {
    public let simulation: Simulation
    /// `docker version`'s engine version, shown by `docker node ls`.
    public var engineVersion = "24.0.7"
    public let gossipConvergeDelay = SimDuration.seconds(2)
    public let restartDelay = SimDuration.seconds(5)
    public let dispatcherGracePeriod = SimDuration.seconds(15)
    /// What `docker ps` shows for an image it runs (COMMAND, PORTS), filled by the scenario layer.
    public var imageDefaults: [String: ImageDefaults] = [:]
    /// Told when a container has started on its node (its namespace and endpoints exist, its
    /// service bindings are programmed), so the layer above can start its application.
    public var onContainerStarted: ((StartedContainer) -> Void)?
    /// Told when a container stops (by container ID), before its namespace is removed.
    public var onContainerStopped: ((String) -> Void)?

    var ids: SwarmIdentifiers
    var dnsShuffle: RandomStream
    var timers: ClusterTimers
    var nodes: [NodeRecord] = []
    var networks: [NetworkRecord] = []
    var services: [ServiceRecord] = []
    var tasks: [TaskRecord] = []
    var attached: [AttachedContainer] = []
    var namespaces: [String: NetworkNamespace] = [:]
    var defaultPool: DefaultAddressPool
    var vnis = SerialNumberAllocator(range: 4096...16_777_215)
    var dynamicPorts = SerialNumberAllocator(range: 30000...32767)
    let ingressSubnetOverride: IPv4Prefix?
    let overlayMTU: Int
    var swarmExists = false
    var caDigest = ""
    var workerToken = ""
    var managerToken = ""
    /// Per node: peers (network ID, address, VTEP) and bindings applied through its NodeNetworking.
    var appliedPeers: [[PeerKey]] = []
    var appliedBindings: [[AppliedBinding]] = []
    /// Containers and LB sandboxes removed while their node was unreachable: removed on its return.
    var staleContainers: [(node: Int, id: String)] = []
    var staleLoadBalancers: [(node: Int, networkID: String)] = []

    struct PeerKey: Equatable {
        var networkID: String
        var address: IPv4Address
        var vtep: IPv4Address
    }

    struct AppliedBinding {
        var networkID: String
        var taskID: String
        var config: ServiceBindingConfig
        var disabled: Bool
    }

    /// Builds the cluster; the first manager runs `docker swarm init` and the other managers and
    /// workers join, in the given order. Nodes with role `none` wait for `swarmInit`/`join`.
    /// - Parameters:
    ///   - ingressSubnet: overrides the ingress subnet (default: the pool's first /24, 10.0.0.0/24).
    ///   - defaultAddressPool: `--default-addr-pool` (10.0.0.0/8), split into `/poolMaskLength`.
    ///   - underlayMTU: the nodes' NIC MTU; overlays get 50 bytes less (VXLAN overhead).
    public init(
        simulation: Simulation, nodes specs: [SwarmNodeSpec], ingressSubnet: IPv4Prefix? = nil,
        defaultAddressPool: IPv4Prefix = IPv4Prefix(address: IPv4Address(10, 0, 0, 0), length: 8),
        poolMaskLength: Int = 24, underlayMTU: Int = 1500
    ) throws(SwarmError) {
        self.simulation = simulation
        ids = SwarmIdentifiers(simulation: simulation)
        dnsShuffle = simulation.randomStream(named: "embedded dns shuffle")
        timers = ClusterTimers(simulation: simulation)
        guard (defaultAddressPool.length...30).contains(poolMaskLength) else {
            throw SwarmError.daemon("invalid default address pool mask length \(poolMaskLength)")
        }
        defaultPool = DefaultAddressPool(base: defaultAddressPool, length: poolMaskLength)
        ingressSubnetOverride = ingressSubnet
        overlayMTU = underlayMTU - 50
        for (index, spec) in specs.enumerated() {
            guard !nodes.contains(where: { $0.name == spec.name }) else {
                throw SwarmError.unsupported("node name \(spec.name) is used twice")
            }
            let node = NodeRecord(index: index, spec: spec)
            node.localNetworks = ["bridge", "host", "none"].map { name in
                (name: name, id: ids.hexID(), driver: name == "none" ? "null" : name)
            }
            nodes.append(node)
            appliedPeers.append([])
            appliedBindings.append([])
        }
        let joiners = nodes.filter { $0.role != .none }
        guard let first = joiners.first(where: { $0.role == .manager }) ?? joiners.first else { return }
        guard first.role == .manager else {
            throw SwarmError.unsupported("node \(first.name) cannot join a swarm: no node has role manager")
        }
        _ = try swarmInit(node: first.name)
        for node in joiners where node !== first {
            _ = try join(node: node.name, asManager: node.role == .manager)
        }
    }

    // MARK: - Lookups

    func node(named name: String) throws(SwarmError) -> NodeRecord {
        guard let node = nodes.first(where: { $0.name == name || (!$0.id.isEmpty && $0.id == name) }) else {
            throw SwarmError.noSuchNode(name)
        }
        return node
    }

    func network(id: String) -> NetworkRecord {
        guard let network = networks.first(where: { $0.id == id }) else {
            preconditionFailure("unknown network ID \(id)")
        }
        return network
    }

    /// A network by name, full ID or unique ID prefix, as the daemon resolves `--network`.
    func network(named name: String) -> NetworkRecord? {
        if let exact = networks.first(where: { $0.name == name || $0.id == name }) { return exact }
        let matches = networks.filter { $0.id.hasPrefix(name) }
        return matches.count == 1 ? matches[0] : nil
    }

    var ingress: NetworkRecord? { networks.first { $0.config.isIngress } }

    func service(named name: String) throws(SwarmError) -> ServiceRecord {
        if let exact = services.first(where: { $0.spec.name == name || $0.id == name }) { return exact }
        let matches = services.filter { $0.id.hasPrefix(name) }
        guard matches.count == 1 else { throw SwarmError.noSuchService(name) }
        return matches[0]
    }

    func service(id: String) -> ServiceRecord? { services.first { $0.id == id } }

    /// `SERVICE.SLOT` or `SERVICE.NODEID`.
    func slotName(_ task: TaskRecord, service name: String) -> String {
        task.slot != 0 ? "\(name).\(task.slot)" : "\(name).\(task.node.map { nodes[$0].id } ?? "")"
    }

    func taskName(_ task: TaskRecord, service name: String) -> String {
        "\(slotName(task, service: name)).\(task.id)"
    }

    func serviceName(of task: TaskRecord) -> String {
        service(id: task.serviceID)?.spec.name ?? removedServiceNames[task.serviceID] ?? task.serviceID
    }

    /// Names of removed services whose tasks are still shutting down.
    var removedServiceNames: [String: String] = [:]

    // MARK: - Public queries

    public var nodeNames: [String] { nodes.map(\.name) }

    /// The 25-character node ID (empty before the node joined a swarm).
    public func nodeID(_ name: String) -> String? { nodes.first { $0.name == name }?.id }

    public func networkInfo(_ name: String) -> NetworkInfo? {
        network(named: name).map { NetworkInfo(config: $0.config, driver: "overlay") }
    }

    public var networkList: [NetworkInfo] { networks.map { NetworkInfo(config: $0.config, driver: "overlay") } }

    public func serviceInfo(_ name: String) -> ServiceInfo? {
        guard let service = try? service(named: name) else { return nil }
        return info(service)
    }

    public var serviceList: [ServiceInfo] { services.map(info) }

    func info(_ service: ServiceRecord) -> ServiceInfo {
        ServiceInfo(
            id: service.id, spec: service.spec, ports: service.spec.ports,
            virtualIPs: service.virtualIPs.map { vip in
                (vip.networkID, vip.address, network(id: vip.networkID).config.subnet.length)
            })
    }

    /// Every task of a service, oldest first (including shut-down history).
    public func tasks(of serviceName: String) -> [TaskInfo] {
        guard let service = try? service(named: serviceName) else { return [] }
        return tasks.filter { $0.serviceID == service.id }.map(info)
    }

    /// Every task of every service, in creation order.
    public var allTasks: [TaskInfo] { tasks.map(info) }

    func info(_ task: TaskRecord) -> TaskInfo {
        let name = serviceName(of: task)
        return TaskInfo(
            id: task.id, serviceID: task.serviceID, serviceName: name, slot: task.slot,
            slotName: slotName(task, service: name), name: taskName(task, service: name),
            node: task.node.map { nodes[$0].name }, containerID: task.containerID,
            addresses: task.addresses.map { entry in
                NetworkAddress(network: network(id: entry.networkID).name, networkID: entry.networkID, address: entry.address)
            },
            state: task.state, desiredState: task.desiredState, timestamp: task.timestamp, error: task.error)
    }

    /// The network namespace of a running container (task or attached), by container ID.
    public func namespace(ofContainer id: String) -> NetworkNamespace? { namespaces[id] }

    /// The node LB address of a network on a node (`lb_<nid>` eth0), if the node has one.
    public func loadBalancerAddress(network name: String, node nodeName: String) -> IPv4Address? {
        guard let network = network(named: name), let node = nodes.first(where: { $0.name == nodeName }) else {
            return nil
        }
        if network.config.isIngress {
            return network.endpoints.first { $0.node == node.index && $0.kind == .ingressSandbox }?.address
        }
        return network.endpoints.first { $0.node == node.index && $0.kind == .loadBalancer }?.address
    }
}

/// A container that has just started: what its application needs to know.
public struct StartedContainer {
    /// The 64-hex container ID (its hostname is the first 12).
    public var id: String
    /// The task name (`lbapp1.1.<taskid>`) or the `docker run` container's name.
    public var name: String
    /// For a task: `SERVICE.SLOT` (or `SERVICE.NODEID` for global services); nil otherwise.
    public var slotName: String?
    /// For a task: its service's name; nil otherwise.
    public var serviceName: String?
    /// The image as the cluster recorded it (`katacoda/docker-http-server:latest`).
    public var image: String
    /// The command and arguments given after the image, if any.
    public var arguments: [String]
    public var node: String
    public var namespace: NetworkNamespace

    public init(
        id: String, name: String, slotName: String?, serviceName: String?, image: String, arguments: [String],
        node: String, namespace: NetworkNamespace
    ) {
        self.id = id
        self.name = name
        self.slotName = slotName
        self.serviceName = serviceName
        self.image = image
        self.arguments = arguments
        self.node = node
        self.namespace = namespace
    }
}

/// What the docker CLI shows about an image's containers.
public struct ImageDefaults: Sendable, Equatable {
    /// The command, as `docker ps` quotes it (`/app`, `docker-entrypoint.sh redis-server`).
    public var command: String
    /// Exposed ports (`80/tcp`).
    public var exposedPorts: [String]

    public init(command: String, exposedPorts: [String] = []) {
        self.command = command
        self.exposedPorts = exposedPorts
    }
}
