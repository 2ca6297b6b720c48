import SwarmSimCore

/// What the manager knows about one node.
final class NodeRecord {
    let index: Int
    let name: String
    let address: IPv4Address
    let networking: any NodeNetworking
    var labels: [(String, String)]
    var id: String = ""
    var role: SwarmNodeRole
    var inSwarm = false
    var isLeader = false
    var availability: NodeAvailability
    /// False from `nodeDown` until `nodeUp`: nothing is programmed on an unreachable node.
    var reachable = true
    /// `docker node ls` STATUS: down once the dispatcher's grace period has expired.
    var statusDown = false
    var joinedAt: SimTime = .zero
    /// Local networks (bridge, host, none, docker_gwbridge) with their 64-hex IDs.
    var localNetworks: [(name: String, id: String, driver: String)] = []
    /// Entries of earlier memberships (`docker swarm leave`): the manager keeps each node object,
    /// shown Down in `docker node ls` until `docker node rm`, and a rejoin gets a new ID.
    var departedEntries: [(id: String, availability: NodeAvailability)] = []

    init(index: Int, spec: SwarmNodeSpec) {
        self.index = index
        name = spec.name
        address = spec.address
        networking = spec.networking
        labels = spec.labels
        role = spec.role
        availability = spec.availability
    }

    /// Ready and active: eligible for new tasks (swarmkit's ReadyFilter).
    var acceptsTasks: Bool { inSwarm && !statusDown && reachable && availability == .active }
}

/// An endpoint on an overlay network, wherever it lives.
struct NetworkEndpoint {
    enum Kind: Equatable {
        case ingressSandbox
        case loadBalancer
        case container(id: String)
    }
    var node: Int
    var address: IPv4Address
    var kind: Kind
    var endpointID: String
    var mac: MACAddress { MACAddress.docker(for: address) }
}

/// One service backend bound on one network (a NetworkDB service-table entry).
struct BindingRecord {
    var taskID: String
    var config: ServiceBindingConfig
    var disabled: Bool
}

/// An overlay network as the manager allocated it, with every endpoint and binding on it.
final class NetworkRecord {
    var config: OverlayNetworkConfig
    var pool: SerialAddressPool
    let createdAt: SimTime
    var endpoints: [NetworkEndpoint] = []
    var bindings: [BindingRecord] = []
    /// Node LB attachment addresses (allocated when the node first needs the network), by node index.
    var loadBalancerAddresses: [Int: IPv4Address] = [:]
    /// Whether the subnet came from `--subnet` (and so is not returned to the default pool's search).
    let userSubnet: Bool

    init(config: OverlayNetworkConfig, pool: SerialAddressPool, createdAt: SimTime, userSubnet: Bool) {
        self.config = config
        self.pool = pool
        self.createdAt = createdAt
        self.userSubnet = userSubnet
    }

    var id: String { config.id }
    var name: String { config.name }

    func hasEndpoint(on node: Int) -> Bool { endpoints.contains { $0.node == node } }
    func hostsLoadBalancer(_ node: Int) -> Bool {
        endpoints.contains { $0.node == node && ($0.kind == .loadBalancer || $0.kind == .ingressSandbox) }
    }
}

/// The swarmkit task states swarmsim goes through.
public enum TaskState: String, Sendable, Equatable {
    case pending, assigned, running, shutdown, failed, orphaned
}

final class TaskRecord {
    let id: String
    let serviceID: String
    /// 1...N for replicated services; 0 for global ones (named by node).
    let slot: Int
    var node: Int?
    var containerID: String?
    /// Addresses per network ID, ingress first, then the service's networks in order.
    var addresses: [(networkID: String, address: IPv4Address)] = []
    var state: TaskState
    var desiredState: TaskState
    var timestamp: SimTime
    let createdAt: SimTime
    var error = ""
    var image: String
    /// Whether the container exists on its node (created and not yet removed).
    var containerCreated = false

    init(id: String, serviceID: String, slot: Int, image: String, now: SimTime) {
        self.id = id
        self.serviceID = serviceID
        self.slot = slot
        self.image = image
        state = .pending
        desiredState = .running
        timestamp = now
        createdAt = now
    }
}

final class ServiceRecord {
    let id: String
    var spec: ServiceSpec
    /// Resolved network IDs of `spec.networks`, in order.
    var networkIDs: [String]
    /// VIPs in swarmkit's order: ingress first when ports are published in ingress mode.
    var virtualIPs: [(networkID: String, address: IPv4Address)] = []
    let createdAt: SimTime

    init(id: String, spec: ServiceSpec, networkIDs: [String], createdAt: SimTime) {
        self.id = id
        self.spec = spec
        self.networkIDs = networkIDs
        self.createdAt = createdAt
    }

    var ingressPorts: [PortConfig] { spec.ports.filter { $0.mode == .ingress } }
    var hostPorts: [PortConfig] { spec.ports.filter { $0.mode == .host } }
    func vip(on networkID: String) -> IPv4Address? { virtualIPs.first { $0.networkID == networkID }?.address }
}

/// A container started with `docker run --network` on an attachable overlay.
final class AttachedContainer {
    let id: String
    let name: String
    let node: Int
    let image: String
    let networkID: String
    let address: IPv4Address
    let createdAt: SimTime

    init(id: String, name: String, node: Int, image: String, networkID: String, address: IPv4Address, createdAt: SimTime) {
        self.id = id
        self.name = name
        self.node = node
        self.image = image
        self.networkID = networkID
        self.address = address
        self.createdAt = createdAt
    }
}
