import SwarmSimCore

/// `docker network inspect NAME...`: the daemon's network resource (api/types `network.Inspect`,
/// fields in its declaration order) as the CLI prints it.
///
/// What a node shows depends on the node, as in Docker: a node taking part in the network answers
/// from its libnetwork (its own containers and its `lb-NET` / `ingress-sbox` endpoint, the
/// NetworkDB peers of the network); a manager without an endpoint on it answers from the cluster
/// store (`Containers` null, no `Peers`); a worker without an endpoint does not know the network.
extension SwarmCluster {
    /// - Parameters:
    ///   - names: network names, full IDs or unique ID prefixes.
    ///   - format: a `--format` template, executed per network (one line each).
    ///   - nodeName: the node the command runs on (default: the swarm's leader).
    /// - Throws: `Error: No such network: NAME` (the CLI's text; exit status 1) for any name not
    ///   found; the JSON of the networks that were found is then not returned.
    public func networkInspect(_ names: [String], format: String?, on nodeName: String? = nil) throws(SwarmError) -> String {
        let node: NodeRecord
        if let nodeName {
            node = try self.node(named: nodeName)
        } else {
            guard let leader = nodes.first(where: { $0.isLeader }) else { throw SwarmError.notInSwarm }
            node = leader
        }
        var documents: [DockerJSON] = []
        var missing: [String] = []
        for name in names {
            if node.localNetworks.contains(where: { $0.name == name || $0.id == name }) {
                throw SwarmError.unsupported("docker network inspect of the local network \(name) is not modelled")
            }
            guard node.inSwarm, let network = network(named: name) else {
                missing.append(name)
                continue
            }
            if locallyPresent(network, on: node) {
                documents.append(localDocument(network, on: node))
            } else if node.role == .manager {
                documents.append(clusterDocument(network))
            } else {
                missing.append(name)
            }
        }
        if !missing.isEmpty {
            throw SwarmError(missing.map { "Error: No such network: \($0)" }.joined(separator: "\n"))
        }
        guard let format else { return DockerJSON.array(documents).indented() + "\n" }
        var output = ""
        for document in documents { output += try GoTemplate.execute(format, on: document.goValue) + "\n" }
        return output
    }

    /// Whether the node's libnetwork has the network: every swarm node has ingress (its
    /// `ingress_sbox`), other overlays once the node has an endpoint on them.
    private func locallyPresent(_ network: NetworkRecord, on node: NodeRecord) -> Bool {
        network.config.isIngress ? node.inSwarm : network.hasEndpoint(on: node.index)
    }

    /// The fields both views share, up to and including `ConfigOnly`.
    private func commonFields(_ network: NetworkRecord) -> [(String, DockerJSON)] {
        [
            ("Name", .string(network.name)),
            ("Id", .string(network.id)),
            ("Created", .string(GoTimeFormat.rfc3339Nano(network.createdAt))),
            ("Scope", .string("swarm")),
            ("Driver", .string("overlay")),
            ("EnableIPv6", .bool(false)),
            ("IPAM", .object([
                ("Driver", .string("default")),
                ("Options", .null),
                ("Config", .array([.object([
                    ("Subnet", .string("\(network.config.subnet)")),
                    ("Gateway", .string("\(network.config.gateway)")),
                ])])),
            ])),
            ("Internal", .bool(false)),
            ("Attachable", .bool(network.config.attachable)),
            ("Ingress", .bool(network.config.isIngress)),
            ("ConfigFrom", .object([("Network", .string(""))])),
            ("ConfigOnly", .bool(false)),
        ]
    }

    private func driverOptions(_ network: NetworkRecord) -> DockerJSON {
        .map([("com.docker.network.driver.overlay.vxlanid_list", .string("\(network.config.vni)"))])
    }

    private func clusterDocument(_ network: NetworkRecord) -> DockerJSON {
        .object(commonFields(network) + [
            ("Containers", .null), ("Options", driverOptions(network)), ("Labels", .map([])),
        ])
    }

    private func localDocument(_ network: NetworkRecord, on node: NodeRecord) -> DockerJSON {
        var containers: [(String, DockerJSON)] = []
        let prefixLength = network.config.subnet.length
        for endpoint in network.endpoints where endpoint.node == node.index {
            let key: String
            let name: String
            switch endpoint.kind {
            case .ingressSandbox:
                (key, name) = ("ingress-sbox", "ingress-endpoint")
            case .loadBalancer:
                (key, name) = ("lb-\(network.name)", "\(network.name)-endpoint")
            case .container(let id):
                key = id
                if let task = tasks.first(where: { $0.containerID == id && $0.containerCreated }) {
                    name = taskName(task, service: serviceName(of: task))
                } else {
                    name = attached.first { $0.id == id }?.name ?? id
                }
            }
            containers.append((key, .object([
                ("Name", .string(name)),
                ("EndpointID", .string(endpoint.endpointID)),
                ("MacAddress", .string("\(endpoint.mac)")),
                ("IPv4Address", .string("\(endpoint.address)/\(prefixLength)")),
                ("IPv6Address", .string("")),
            ])))
        }
        let peers = peerNodes(network, seenFrom: node).map { peer -> DockerJSON in
            .object([("Name", .string(networkDBName(peer))), ("IP", .string("\(peer.address)"))])
        }
        return .object(commonFields(network) + [
            ("Containers", .map(containers)), ("Options", driverOptions(network)), ("Labels", .map([])),
            ("Peers", .array(peers)),
        ])
    }

    /// NetworkDB's members of the network as the node sees them: itself first (it joined the
    /// network locally before learning of the others), then the other live nodes in the order
    /// their first endpoint appeared; nodes declared down have left NetworkDB.
    private func peerNodes(_ network: NetworkRecord, seenFrom node: NodeRecord) -> [NodeRecord] {
        var result = [node]
        let members: [Int]
        if network.config.isIngress {
            members = network.endpoints.filter { $0.kind == .ingressSandbox }.map(\.node)
        } else {
            members = network.endpoints.map(\.node)
        }
        for index in members where !result.contains(where: { $0.index == index }) {
            let peer = nodes[index]
            if peer.inSwarm && !peer.statusDown { result.append(peer) }
        }
        return result
    }

    /// A node's NetworkDB name: 12 hex digits its daemon draws when it joins the swarm; drawn here
    /// from a stream of its own so that naming peers never shifts the cluster's other IDs.
    func networkDBName(_ node: NodeRecord) -> String {
        var stream = simulation.randomStream(named: "networkdb node \(node.id)")
        let word = stream.next()
        let hex = String(word, radix: 16)
        return String((String(repeating: "0", count: max(0, 16 - hex.count)) + hex).prefix(12))
    }
}
