import SwarmSimCore
import SwarmSimSwarm

extension ScenarioRun {
    /// How long docker commands take on the simulated clock: the CLI's round trip to the
    /// daemon, and for service changes the wait for the tasks to converge (`docker service
    /// create` waits for its tasks by default since 17.10).
    static let dockerRoundTrip = SimDuration.milliseconds(100)
    static let serviceConvergence = SimDuration.milliseconds(500)

    /// Runs a docker command on `node` and returns what the CLI prints, at once.
    ///
    /// The cluster changes at the instant the command is issued; the step's simulated duration
    /// (`dockerDuration`) stands for the CLI's wait.
    func dockerCommand(_ command: Command, on node: String) -> CommandOutcome {
        do throws(SwarmError) {
            return CommandOutcome(stdout: try dockerOutput(command, on: node))
        } catch {
            return CommandOutcome(stdout: "", stderr: error.description + "\n", exitCode: 1)
        }
    }

    /// `docker service create` flags as the manager's service spec.
    func serviceSpec(_ create: ServiceCreate) -> SwarmSimSwarm.ServiceSpec {
        SwarmSimSwarm.ServiceSpec(
            name: create.name ?? "", image: create.image,
            mode: create.global ? .global : .replicated(create.replicas ?? 1),
            ports: create.publish.map(Self.portConfig), networks: create.networks,
            endpointMode: create.endpointMode == .dnsrr ? .dnsrr : .vip,
            constraints: create.constraints.map(\.description), arguments: create.args)
    }

    func serviceUpdate(_ update: ServiceUpdate) -> SwarmSimSwarm.ServiceUpdate {
        SwarmSimSwarm.ServiceUpdate(
            replicas: update.replicas, image: update.image, publishAdd: update.publishAdd.map(Self.portConfig),
            publishRemove: update.publishRemove.map { UInt16(clamping: $0.published ?? $0.target) }, force: update.force)
    }

    static func portConfig(_ publish: Publish) -> PortConfig {
        PortConfig(
            transport: publish.protocol == .udp ? .udp : .tcp, targetPort: UInt16(clamping: publish.target),
            publishedPort: UInt16(clamping: publish.published ?? 0), mode: publish.mode == .host ? .host : .ingress)
    }

    static func dockerDuration(_ command: Command) -> SimDuration {
        switch command {
        case .serviceCreate, .serviceScale, .serviceUpdate, .serviceRm: serviceConvergence
        default: dockerRoundTrip
        }
    }

    private func dockerOutput(_ command: Command, on node: String) throws(SwarmError) -> String {
        switch command {
        case .swarmInit:
            return try cluster.swarmInit(node: node)
        case .swarmJoin(let address, _, let token):
            let manager = token.flatMap { cluster.role(ofToken: $0) } == .manager
            _ = address
            return try cluster.join(node: node, asManager: manager)
        case .swarmLeave(let force):
            return try cluster.leave(node: node, force: force)
        case .swarmJoinToken(let role, let quiet, _):
            return try cluster.joinToken(role: Self.role(role), quiet: quiet, node: node)
        case .nodeLs:
            return try cluster.nodeLs(on: node)
        case .nodeUpdate(let target, let availability, _, _):
            if let availability { try cluster.updateAvailability(target, Self.availability(availability)) }
            return target + "\n"
        case .networkCreate(let create):
            return try cluster.createNetwork(
                name: create.name, driver: create.driver.rawValue, attachable: create.attachable, subnet: create.subnet,
                gateway: create.gateway, encrypted: create.encrypted
            ).config.id + "\n"
        case .networkLs:
            return try cluster.networkLs(on: node)
        case .networkInspect(let names, let format):
            return try cluster.networkInspect(names, format: format, on: node)
        case .networkRm(let names):
            var out = ""
            for name in names {
                try cluster.removeNetwork(name)
                out += name + "\n"
            }
            return out
        case .serviceCreate(let create):
            let info = try cluster.createService(serviceSpec(create))
            return cluster.serviceCreateOutput(info)
        case .serviceScale(let scales):
            var out = ""
            for scale in scales {
                try cluster.scaleService(scale.service, replicas: scale.replicas)
                out += "\(scale.service) scaled to \(scale.replicas)\n"
            }
            return out
        case .serviceUpdate(let update):
            try cluster.updateService(update.service, serviceUpdate(update))
            return update.service + "\n"
        case .serviceRm(let names):
            var out = ""
            for name in names {
                try cluster.removeService(name)
                out += name + "\n"
            }
            return out
        case .serviceLs:
            return cluster.serviceLs()
        case .servicePs(let names, _, _):
            var out = ""
            for name in names { out += try cluster.servicePs(name) }
            return out
        case .serviceInspect(let names, let format, _):
            var out = ""
            for name in names { out += try cluster.serviceInspect(name, format: format ?? "") }
            return out
        case .ps:
            return try cluster.ps(on: node)
        case .inspect(let names, let format):
            var out = ""
            for name in names { out += try cluster.inspect(name, format: format ?? "", on: node) }
            return out
        default:
            preconditionFailure("not a docker command: \(command)")
        }
    }
}
