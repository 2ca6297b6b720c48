import SwarmSimCore

/// The `swarm:` section: the machines, the underlay between them, and what the cluster starts with.
public struct SwarmSection: Equatable, Sendable {
    public var nodes: [NodeSpec]
    public var hosts: [HostSpec]
    public var underlay: UnderlaySpec
    public var ingress: IngressSpec
    public var networks: [NetworkSpec]
    public var services: [ServiceSpecYAML]
    /// `images:` entries, in file order.
    public var images: [ImageSpec]
    public var location: SourceLocation

    /// The first node with `role: manager`: it runs `docker swarm init` at time 0 and the steps
    /// written as plain strings.
    public var firstManager: NodeSpec? { nodes.first { $0.role == .manager } }
}

/// A Docker host of the cluster.
public struct NodeSpec: Equatable, Sendable {
    public enum Role: String, Equatable, Sendable, CaseIterable {
        case manager, worker
        /// Not in the swarm until a `docker swarm init/join` step runs on it.
        case none
    }

    /// As `docker node update --availability`.
    public enum Availability: String, Equatable, Sendable, CaseIterable {
        case active, pause, drain
    }

    /// One `labels:` entry; kept in file order (Docker prints labels sorted, the runner can sort).
    public struct Label: Equatable, Sendable {
        public var key: String
        public var value: String
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    public var name: String
    public var address: IPv4Address
    /// Default `worker`.
    public var role: Role
    /// Default `active`.
    public var availability: Availability
    public var labels: [Label]
    public var location: SourceLocation
}

/// A machine on the underlay outside the swarm, used as an external client.
public struct HostSpec: Equatable, Sendable {
    public var name: String
    public var address: IPv4Address
    public var location: SourceLocation
}

/// The physical network between every node and host: one L2 segment with these properties.
public struct UnderlaySpec: Equatable, Sendable {
    public var subnet: IPv4Prefix
    /// One way. Default 100us.
    public var latency: SimDuration
    /// Bits per second. Default 10Gbps.
    public var bandwidth: UInt64
    /// Probability that a frame is lost, 0...1. Default 0.
    public var loss: Double
    /// The largest extra random delay added to `latency`. Default 0.
    public var jitter: SimDuration
    /// Default 1500.
    public var mtu: Int
    public var links: [LinkOverride]
    public var location: SourceLocation

    public static let defaultLatency = SimDuration.microseconds(100)
    public static let defaultBandwidth: UInt64 = 10_000_000_000
    public static let defaultMTU = 1500
}

/// Per-pair properties of the underlay that differ from its defaults (both directions).
public struct LinkOverride: Equatable, Sendable {
    /// Two distinct node or host names.
    public var between: [String]
    public var latency: SimDuration?
    public var bandwidth: UInt64?
    public var loss: Double?
    public var jitter: SimDuration?
    public var down: Bool?
    public var location: SourceLocation
}

/// Overrides of Docker's `ingress` network.
public struct IngressSpec: Equatable, Sendable {
    /// Docker's default is 10.0.0.0/24.
    public var subnet: IPv4Prefix?
    public var location: SourceLocation?

    public static let defaultSubnet = IPv4Prefix(address: IPv4Address(10, 0, 0, 0), length: 24)
}

/// A user network, as `docker network create`.
public struct NetworkSpec: Equatable, Sendable {
    public enum Driver: String, Equatable, Sendable, CaseIterable {
        case overlay, bridge
    }

    public var name: String
    /// Default `overlay`.
    public var driver: Driver
    public var attachable: Bool
    public var subnet: IPv4Prefix?
    public var gateway: IPv4Address?
    public var encrypted: Bool
    public var location: SourceLocation
}

/// One published port of a service (`-p 81:80/udp` or the long form).
public struct Publish: Equatable, Sendable {
    public enum PortProtocol: String, Equatable, Sendable, CaseIterable {
        case tcp, udp
    }

    public enum Mode: String, Equatable, Sendable, CaseIterable {
        /// The routing mesh: every node listens and forwards through IPVS in `ingress_sbox`.
        case ingress
        /// Only the nodes running a task listen, straight to the task.
        case host
    }

    /// nil: Docker picks one from 30000-32767.
    public var published: Int?
    public var target: Int
    public var `protocol`: PortProtocol
    public var mode: Mode
    public var location: SourceLocation

    public init(published: Int?, target: Int, protocol: PortProtocol = .tcp, mode: Mode = .ingress,
                location: SourceLocation) {
        self.published = published
        self.target = target
        self.protocol = `protocol`
        self.mode = mode
        self.location = location
    }
}

/// The Linux IPVS schedulers (`ipvsadm -s`); Docker always uses `rr`.
public enum IPVSSchedulerName: String, Equatable, Sendable, CaseIterable {
    case rr, wrr, lc, wlc, sed, nq, dh, sh, mh, lblc, lblcr, fo, ovf, twos
}

/// The declarative form of `docker service create`.
public struct ServiceSpecYAML: Equatable, Sendable {
    public enum Mode: Equatable, Sendable {
        case replicated(replicas: Int)
        /// One task on every eligible node.
        case global
    }

    public enum EndpointMode: String, Equatable, Sendable, CaseIterable {
        case vip, dnsrr
    }

    /// A per-task IPVS weight (`weights: {lbapp1.1: 3}`).
    public struct Weight: Equatable, Sendable {
        public var task: String
        public var weight: Int
        public var location: SourceLocation
    }

    public var name: String
    public var image: String
    /// `replicas: N` (default 1, as Docker) or `mode: global`.
    public var mode: Mode
    public var publish: [Publish]
    public var networks: [String]
    /// Default `vip`.
    public var endpointMode: EndpointMode
    public var constraints: [PlacementConstraint]
    /// Default `rr`.
    public var scheduler: IPVSSchedulerName
    public var weights: [Weight]
    public var location: SourceLocation
}

/// What an image not known to swarmsim does (`images: {myorg/api: {app: http-echo, port: 8080}}`).
public struct ImageSpec: Equatable, Sendable {
    /// The image reference as written; may carry a tag (`myorg/api:v2`).
    public var name: String
    public var app: ImageApplication
    public var port: Int?
    public var location: SourceLocation
}
