import SwarmSimCore

/// A command line of a step, parsed: the subset of the docker CLI, curl, dig, ping, nslookup, wget
/// and sleep that scenarios replay, with their real flags.
public enum Command: Equatable, Sendable {
    // docker swarm
    case swarmInit(advertiseAddr: String?, listenAddr: String?)
    /// `docker swarm join [--token T] HOST:PORT`; only the address matters (the token is often
    /// an opaque `$(ssh ...)`).
    case swarmJoin(address: String, port: Int, token: String?)
    case swarmLeave(force: Bool)
    case swarmJoinToken(role: NodeSpec.Role, quiet: Bool, rotate: Bool)
    // docker node
    case nodeLs(quiet: Bool)
    case nodeUpdate(node: String, availability: NodeSpec.Availability?, role: NodeSpec.Role?, labelAdd: [NodeSpec.Label])
    // docker network
    case networkCreate(NetworkCreate)
    case networkLs(quiet: Bool)
    case networkInspect(names: [String], format: String?)
    case networkRm(names: [String])
    // docker service
    case serviceCreate(ServiceCreate)
    case serviceScale([ServiceScale])
    case serviceUpdate(ServiceUpdate)
    case serviceRm(names: [String])
    case serviceLs(quiet: Bool)
    case servicePs(names: [String], quiet: Bool, noTrunc: Bool)
    case serviceInspect(names: [String], format: String?, pretty: Bool)
    // containers
    case run(DockerRun)
    case ps(all: Bool, quiet: Bool)
    case inspect(names: [String], format: String?)
    // tools inside a node, host or container
    case curl(Curl)
    case dig(Dig)
    case ping(Ping)
    case nslookup(name: String, server: String?, type: String?)
    case wget(Wget)
    case sleep(SimDuration)
}

/// `docker network create`.
public struct NetworkCreate: Equatable, Sendable {
    public var name: String
    /// `-d/--driver`, default `bridge` as Docker (a swarm scenario says `-d overlay`).
    public var driver: NetworkSpec.Driver
    public var attachable: Bool
    public var subnet: IPv4Prefix?
    public var gateway: IPv4Address?
    /// `--opt encrypted`.
    public var encrypted: Bool
}

/// `docker service create [OPTIONS] IMAGE [COMMAND] [ARG...]`.
public struct ServiceCreate: Equatable, Sendable {
    /// nil: Docker makes up a name (adjective_surname).
    public var name: String?
    public var image: String
    /// nil with `mode: .replicated`: 1.
    public var replicas: Int?
    /// `--mode global`.
    public var global: Bool
    public var publish: [Publish]
    public var networks: [String]
    public var endpointMode: ServiceSpecYAML.EndpointMode
    public var constraints: [PlacementConstraint]
    public var env: [String]
    public var detach: Bool
    public var quiet: Bool
    /// COMMAND ARG... after the image.
    public var args: [String]
}

/// One `SERVICE=REPLICAS` of `docker service scale`.
public struct ServiceScale: Equatable, Sendable {
    public var service: String
    public var replicas: Int
}

/// `docker service update`.
public struct ServiceUpdate: Equatable, Sendable {
    public var service: String
    public var replicas: Int?
    public var publishAdd: [Publish]
    /// `--publish-rm`: target ports (with protocol) whose published ports are removed.
    public var publishRemove: [Publish]
    public var image: String?
    public var force: Bool
    public var detach: Bool
    public var quiet: Bool
}

/// `docker run [OPTIONS] IMAGE [COMMAND] [ARG...]`.
public struct DockerRun: Equatable, Sendable {
    public var name: String?
    public var network: String?
    public var detach: Bool
    public var remove: Bool
    public var interactive: Bool
    public var tty: Bool
    public var env: [String]
    public var image: String
    public var args: [String]
}

/// `curl [options] URL`; the whole argv is kept for the application to interpret.
public struct Curl: Equatable, Sendable {
    public var argv: [String]
    public var urls: [String]
    public var silent: Bool
    public var headers: [String]
}

/// `dig [@server] name [type] [+options]`.
public struct Dig: Equatable, Sendable {
    public var argv: [String]
    /// `.` (the root) when none is given, as dig does.
    public var name: String
    /// `A` unless given.
    public var type: String
    public var server: String?
    /// `+short`, `+noall`, ... in order.
    public var queryOptions: [String]
}

/// `ping [-c N] [-i S] [-W S] [-w S] [-s SIZE] [-q] HOST`.
public struct Ping: Equatable, Sendable {
    public var argv: [String]
    public var host: String
    /// nil: until interrupted (or the scenario's `until`).
    public var count: Int?
    public var interval: SimDuration?
    public var timeout: SimDuration?
    public var deadline: SimDuration?
    public var size: Int?
    public var quiet: Bool
}

/// `wget [-q] [-O FILE] [-T SEC] URL`; the argv is kept.
public struct Wget: Equatable, Sendable {
    public var argv: [String]
    public var url: String
    public var quiet: Bool
    /// `-O-` is `-`: the body goes to stdout.
    public var output: String?
}
