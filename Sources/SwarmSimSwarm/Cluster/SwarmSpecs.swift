import SwarmSimCore

/// A node's role in the swarm; `none` is a Docker host that has not run `docker swarm init/join`.
public enum SwarmNodeRole: String, Sendable, Equatable {
    case manager, worker, none
}

/// `docker node update --availability`.
public enum NodeAvailability: String, Sendable, Equatable {
    case active, pause, drain
}

/// One Docker host of the simulated cluster, and the libnetwork of that host.
public struct SwarmNodeSpec {
    public var name: String
    public var address: IPv4Address
    public var role: SwarmNodeRole
    public var availability: NodeAvailability
    /// Node labels in the scenario's order (`node.labels.k==v` constraints).
    public var labels: [(String, String)]
    public var networking: any NodeNetworking

    public init(
        name: String, address: IPv4Address, role: SwarmNodeRole = .worker, availability: NodeAvailability = .active,
        labels: [(String, String)] = [], networking: any NodeNetworking
    ) {
        self.name = name
        self.address = address
        self.role = role
        self.availability = availability
        self.labels = labels
        self.networking = networking
    }
}

/// `--endpoint-mode`.
public enum EndpointMode: String, Sendable, Equatable {
    case vip, dnsrr
}

/// `--mode replicated --replicas N` or `--mode global`.
public enum ServiceMode: Sendable, Equatable {
    case replicated(Int)
    case global
}

/// The declarative form of `docker service create`.
public struct ServiceSpec: Sendable, Equatable {
    public var name: String
    public var image: String
    public var mode: ServiceMode
    /// Published ports; a published port of 0 is allocated from 30000 up.
    public var ports: [PortConfig]
    /// Network names or IDs, in the order given (`--network`).
    public var networks: [String]
    public var endpointMode: EndpointMode
    /// `--constraint` expressions: `node.role==worker`, `node.hostname!=host01`, `node.labels.k==v`.
    public var constraints: [String]
    /// The IPVS scheduler of the service's VIPs (a swarmsim extension; Docker always uses rr).
    public var scheduler: String
    /// IPVS weights per task (`lbapp1.1`, or `svc.<node>` for global services); tasks not named weigh 1.
    public var weights: [String: Int]
    /// The command and arguments after the image (`benhall/dig dig http`).
    public var arguments: [String]

    public init(
        name: String, image: String, mode: ServiceMode = .replicated(1), ports: [PortConfig] = [],
        networks: [String] = [], endpointMode: EndpointMode = .vip, constraints: [String] = [],
        scheduler: String = "rr", weights: [String: Int] = [:], arguments: [String] = []
    ) {
        self.arguments = arguments
        self.name = name
        self.image = image
        self.mode = mode
        self.ports = ports
        self.networks = networks
        self.endpointMode = endpointMode
        self.constraints = constraints
        self.scheduler = scheduler
        self.weights = weights
    }
}

/// A change requested by `docker service update` (each field nil/empty = unchanged).
public struct ServiceUpdate: Sendable, Equatable {
    public var replicas: Int?
    public var image: String?
    /// `--publish-add`.
    public var publishAdd: [PortConfig]
    /// `--publish-rm`: published ports to remove.
    public var publishRemove: [UInt16]
    /// `--force`: replace every task even when nothing else changed.
    public var force: Bool

    public init(
        replicas: Int? = nil, image: String? = nil, publishAdd: [PortConfig] = [], publishRemove: [UInt16] = [],
        force: Bool = false
    ) {
        self.replicas = replicas
        self.image = image
        self.publishAdd = publishAdd
        self.publishRemove = publishRemove
        self.force = force
    }
}
