import SwarmSimCore

/// Checks across sections that can be decided before the run: duplicate names and addresses,
/// references to nodes, networks, services and images, impossible placements, and a pass over
/// the steps in file order tracking the networks and services their commands create and remove.
struct StaticChecks {
    let reader: YAMLReader
    let swarm: SwarmSection
    let declared: Declared

    func check(steps: [Step], capture: CaptureSection, expectations: [Expectation]) {
        checkMachines()
        var networks = checkNetworks()
        var services: [String] = []
        for service in swarm.services {
            checkService(name: service.name, image: service.image, networks: service.networks, constraints: service.constraints,
                         location: service.location, known: services, knownNetworks: networks)
            services.append(service.name)
        }
        var everService = services
        if swarm.firstManager == nil, steps.contains(where: { $0.on == nil }) {
            reader.fail(steps.first { $0.on == nil }!.location,
                        "this step runs on the first manager, but no node has role: manager; add on: or a manager")
        }
        for step in steps {
            guard case .run(let line) = step.action else {
                if case .load(let load) = step.action, let network = load.network, !networks.contains(network) {
                    reader.fail(load.location, "unknown network '\(network)' in load; expected one of: \(list(networks))")
                }
                continue
            }
            let expectsFailure = (step.expect?.exit ?? 0) != 0
            func fail(_ message: String) { if !expectsFailure { reader.fail(line.location, message) } }
            if let on = step.on, declared.hosts.contains(on), line.words.first == "docker" {
                reader.fail(line.location, "'\(on)' is a host outside the swarm: docker commands run on nodes")
            }
            switch line.command {
            case .networkCreate(let create):
                if networks.contains(create.name) {
                    fail("Error response from daemon: network with name \(create.name) already exists")
                } else {
                    networks.append(create.name)
                }
            case .networkRm(let names):
                for name in names where !networks.contains(name) { fail("Error response from daemon: network \(name) not found") }
                networks.removeAll { names.contains($0) }
            case .serviceCreate(let create):
                if expectsFailure { break }
                checkService(name: create.name, image: create.image, networks: create.networks,
                             constraints: create.constraints, location: line.location, known: services,
                             knownNetworks: networks)
                if let name = create.name {
                    services.append(name)
                    everService.append(name)
                }
            case .serviceScale(let scales):
                for s in scales where !services.contains(s.service) { fail("Error: No such service: \(s.service)") }
            case .serviceUpdate(let update):
                if !services.contains(update.service) { fail("Error: No such service: \(update.service)") }
                if let image = update.image { checkImage(image, line.location) }
            case .serviceRm(let names):
                for name in names where !services.contains(name) { fail("Error: No such service: \(name)") }
                services.removeAll { names.contains($0) }
            case .servicePs(let names, _, _), .serviceInspect(let names, _, _):
                for name in names where !services.contains(name) { fail("no such service: \(name)") }
            case .run(let run):
                if !expectsFailure { checkImage(run.image, line.location) }
                if let network = run.network, !networks.contains(network), !["bridge", "host", "none"].contains(network) {
                    fail("docker: Error response from daemon: network \(network) not found.")
                }
            case .nodeUpdate(let node, _, _, _):
                if !declared.nodes.contains(node) { fail("Error response from daemon: node \(node) not found") }
            default: break
            }
        }
        for e in expectations where !everService.contains(e.service) {
            reader.fail(e.location, "unknown service '\(e.service)' in expect; expected one of: \(list(everService))")
        }
        for step in steps {
            if case .fault(.killTask(let task)) = step.action,
               !everService.contains(String(task[..<task.lastIndex(of: ".")!])) {
                reader.fail(step.location, "unknown service in kill-task '\(task)'; expected one of: \(list(everService))")
            }
        }
        if case .list(let points) = capture.points {
            for point in points { checkPoint(point, services: everService, networks: networks) }
        }
    }

    func list(_ names: [String]) -> String { names.isEmpty ? "(none declared)" : names.joined(separator: ", ") }

    func checkMachines() {
        var seen: [(name: String, address: IPv4Address, location: SourceLocation)] = []
        let machines = swarm.nodes.map { ($0.name, $0.address, $0.location) } + swarm.hosts.map { ($0.name, $0.address, $0.location) }
        for (name, address, location) in machines {
            if let other = seen.first(where: { $0.name == name }) {
                reader.fail(location, "duplicate name '\(name)': already used at \(other.location)")
            } else if let other = seen.first(where: { $0.address == address }) {
                reader.fail(location, "duplicate address \(address): already used by '\(other.name)' at \(other.location)")
            }
            seen.append((name, address, location))
        }
        for link in swarm.underlay.links {
            for name in link.between where !declared.isMachine(name) {
                reader.fail(link.location, "unknown node or host '\(name)' in between; expected one of the \(declared.machinesList)")
            }
        }
    }

    /// The network names a service or container may use; checks duplicates and overlapping subnets.
    func checkNetworks() -> [String] {
        var names: [String] = []
        var subnets: [(String, IPv4Prefix)] = [
            ("the underlay", swarm.underlay.subnet), ("ingress", swarm.ingress.subnet ?? IngressSpec.defaultSubnet),
        ]
        if let ingress = swarm.ingress.subnet, AddressParsing.overlap(ingress, swarm.underlay.subnet),
           let location = swarm.ingress.location {
            reader.fail(location, "the ingress subnet \(ingress) overlaps the underlay subnet \(swarm.underlay.subnet)")
        }
        for network in swarm.networks {
            if names.contains(network.name) {
                reader.fail(network.location, "duplicate network name '\(network.name)'")
                continue
            }
            names.append(network.name)
            if let subnet = network.subnet {
                if let other = subnets.first(where: { AddressParsing.overlap($0.1, subnet) }) {
                    reader.fail(network.location, "subnet \(subnet) of \(network.name) overlaps \(other.0) (\(other.1))")
                }
                subnets.append((network.name, subnet))
            }
        }
        return names
    }

    func checkImage(_ image: String, _ location: SourceLocation) {
        guard KnownImages.application(of: image, images: swarm.images) == nil else { return }
        reader.fail(location, "unknown image '\(image)': swarmsim knows \(KnownImages.knownNames(images: swarm.images).joined(separator: ", ")); describe others under swarm.images (name: {app, port})")
    }

    func checkService(
        name: String?, image: String, networks: [String], constraints: [PlacementConstraint], location: SourceLocation,
        known: [String], knownNetworks: [String]
    ) {
        if let name, known.contains(name) {
            reader.fail(location, "duplicate service name '\(name)': a service with this name already exists")
        }
        checkImage(image, location)
        for network in networks where !knownNetworks.contains(network) {
            reader.fail(location, "unknown network '\(network)'; expected one of: \(list(knownNetworks))")
        }
        for network in swarm.networks where networks.contains(network.name) && network.driver == .bridge {
            reader.fail(location, "network \(network.name) is a bridge network: services attach to overlay networks only")
        }
        guard !constraints.isEmpty else { return }
        let possible = swarm.nodes.contains { node in
            // A node of role none may join as either role.
            let roles: [NodeSpec.Role] = node.role == .none ? [.manager, .worker] : [node.role]
            return constraints.allSatisfy { $0.matches(hostname: node.name, roles: roles, labels: node.labels) ?? true }
        }
        if !possible {
            let text = constraints.map(\.description).joined(separator: ", ")
            reader.fail(location, "impossible placement: no node satisfies \(text) (no suitable node: scheduling constraints not satisfied on \(swarm.nodes.count) node\(swarm.nodes.count == 1 ? "" : "s"))")
        }
    }

    func checkPoint(_ point: CapturePointSpec, services: [String], networks: [String]) {
        if point.name == "underlay" { return }
        guard let node = point.node, let name = point.point, !name.isEmpty else {
            reader.fail(point.location, "expected a capture point underlay or NODE:POINT (host01:eth0, host01:ingress_sbox, host01:lbapp1.1, host01:docker_gwbridge, host01:br-ingress), found '\(point.name)'")
            return
        }
        guard declared.isMachine(node) else {
            reader.fail(point.location, "unknown node or host '\(node)' in capture point '\(point.name)'; expected one of the \(declared.machinesList)")
            return
        }
        if declared.hosts.contains(node) {
            if name != "eth0" { reader.fail(point.location, "host \(node) has only the capture point \(node):eth0") }
            return
        }
        if ["eth0", "ingress_sbox", "docker_gwbridge", "br-ingress"].contains(name) { return }
        if name.hasPrefix("br-"), networks.contains(String(name.dropFirst(3))) { return }
        if let dot = name.lastIndex(of: "."), services.contains(String(name[..<dot])) { return }
        reader.fail(point.location, "unknown capture point '\(name)' on \(node); expected eth0, ingress_sbox, docker_gwbridge, br-ingress, br-NETWORK or a task SERVICE.SLOT")
    }
}
