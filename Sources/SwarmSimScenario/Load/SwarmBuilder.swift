import SwarmSimCore
import Yams

/// The `swarm:` section: nodes, hosts, underlay, ingress, networks, services, images.
struct SwarmBuilder {
    let reader: YAMLReader

    static let keys = ["nodes", "hosts", "underlay", "ingress", "networks", "services", "images"]
    static let defaultSubnet = IPv4Prefix(address: IPv4Address(172, 17, 0, 0), length: 16)

    func swarm(_ node: Node) -> SwarmSection? {
        guard let f = reader.mapping(node, "swarm", allowed: Self.keys, required: ["nodes"]) else { return nil }
        let underlay = f["underlay"].flatMap(self.underlay)
            ?? UnderlaySpec(
                subnet: Self.defaultSubnet, latency: UnderlaySpec.defaultLatency, bandwidth: UnderlaySpec.defaultBandwidth,
                loss: 0, jitter: .zero, mtu: UnderlaySpec.defaultMTU, links: [], location: f.location
            )
        var nodes: [NodeSpec] = []
        if let list = f["nodes"].flatMap({ reader.sequence($0, "nodes") }) {
            if list.isEmpty { reader.fail(f["nodes"]!, "expected at least one node in nodes") }
            nodes = list.compactMap { self.node($0, underlay: underlay.subnet) }
        }
        let hosts = f["hosts"].flatMap { reader.sequence($0, "hosts") }?.compactMap {
            host($0, underlay: underlay.subnet)
        } ?? []
        var ingress = IngressSpec(subnet: nil, location: nil)
        if let node = f["ingress"], let g = reader.mapping(node, "ingress", allowed: ["subnet"]) {
            ingress = IngressSpec(subnet: g["subnet"].flatMap { reader.prefix($0, "the ingress subnet") }, location: g.location)
        }
        let networks = f["networks"].flatMap { reader.sequence($0, "networks") }?.compactMap(network) ?? []
        let images = f["images"].flatMap(self.images) ?? []
        let services = f["services"].flatMap { reader.sequence($0, "services") }?.compactMap(service) ?? []
        return SwarmSection(
            nodes: nodes, hosts: hosts, underlay: underlay, ingress: ingress, networks: networks,
            services: services, images: images, location: f.location
        )
    }

    func name(_ node: Node, _ what: String) -> String? {
        guard let text = reader.string(node, "the \(what) name") else { return nil }
        guard YAMLReader.isSimpleName(text) else {
            reader.fail(node, "invalid \(what) name '\(text)': expected \(YAMLReader.simpleNamePattern)")
            return nil
        }
        return text
    }

    /// An underlay address: inside the subnet and neither its network nor its broadcast address.
    func underlayAddress(_ node: Node, _ what: String, _ subnet: IPv4Prefix) -> IPv4Address? {
        guard let address = reader.address(node, "the \(what) address") else { return nil }
        guard subnet.contains(address) else {
            reader.fail(node, "address \(address) is outside the underlay subnet \(subnet)")
            return nil
        }
        if subnet.length < 31, address == subnet.address || address == subnet.broadcast {
            let which = address == subnet.address ? "network" : "broadcast"
            reader.fail(node, "address \(address) is the \(which) address of the underlay subnet \(subnet); expected a host address")
            return nil
        }
        return address
    }

    func node(_ node: Node, underlay: IPv4Prefix) -> NodeSpec? {
        guard let f = reader.mapping(node, "a node", allowed: ["name", "address", "role", "availability", "labels"],
                                     required: ["name", "address"])
        else { return nil }
        let name = f["name"].flatMap { self.name($0, "node") }
        let address = f["address"].flatMap { underlayAddress($0, "node", underlay) }
        let role = f["role"].map { reader.choice($0, "role", NodeSpec.Role.self) } ?? .worker
        let availability = f["availability"].map { reader.choice($0, "availability", NodeSpec.Availability.self) } ?? .active
        var labels: [NodeSpec.Label] = []
        if let node = f["labels"], let entries = reader.freeMapping(node, "labels") {
            for (key, _, value) in entries {
                if let text = reader.string(value, "the label \(key)") { labels.append(NodeSpec.Label(key: key, value: text)) }
            }
        }
        guard let name, let address, let role, let availability else { return nil }
        return NodeSpec(name: name, address: address, role: role, availability: availability, labels: labels,
                        location: f.location)
    }

    func host(_ node: Node, underlay: IPv4Prefix) -> HostSpec? {
        guard let f = reader.mapping(node, "a host", allowed: ["name", "address"], required: ["name", "address"]) else {
            return nil
        }
        let name = f["name"].flatMap { self.name($0, "host") }
        let address = f["address"].flatMap { underlayAddress($0, "host", underlay) }
        guard let name, let address else { return nil }
        return HostSpec(name: name, address: address, location: f.location)
    }

    func underlay(_ node: Node) -> UnderlaySpec? {
        guard let f = reader.mapping(node, "underlay", allowed: ["subnet", "latency", "bandwidth", "loss", "jitter",
                                                                  "mtu", "links"])
        else { return nil }
        let subnet = f["subnet"].map { reader.prefix($0, "the underlay subnet") } ?? Self.defaultSubnet
        let links = f["links"].flatMap { reader.sequence($0, "links") }?.compactMap(link) ?? []
        return UnderlaySpec(
            subnet: subnet ?? Self.defaultSubnet,
            latency: f["latency"].flatMap { reader.duration($0, "latency") } ?? UnderlaySpec.defaultLatency,
            bandwidth: f["bandwidth"].flatMap { reader.rate($0, "bandwidth") } ?? UnderlaySpec.defaultBandwidth,
            loss: f["loss"].flatMap { reader.fraction($0, "loss") } ?? 0,
            jitter: f["jitter"].flatMap { reader.duration($0, "jitter") } ?? .zero,
            mtu: f["mtu"].flatMap { reader.int($0, "mtu", 576...9216) } ?? UnderlaySpec.defaultMTU,
            links: links, location: f.location
        )
    }

    /// Two names, for `between:`.
    func pair(_ node: Node, _ what: String) -> [String]? {
        guard let items = reader.strings(node, what) else { return nil }
        guard items.count == 2 else {
            reader.fail(node, "expected two names for \(what), found \(items.count)")
            return nil
        }
        guard items[0].0 != items[1].0 else {
            reader.fail(items[1].1, "expected two different names for \(what), found '\(items[0].0)' twice")
            return nil
        }
        return items.map(\.0)
    }

    func link(_ node: Node) -> LinkOverride? {
        guard let f = reader.mapping(node, "a link", allowed: ["between", "latency", "bandwidth", "loss", "jitter", "down"],
                                     required: ["between"])
        else { return nil }
        guard let between = f["between"].flatMap({ pair($0, "between") }) else { return nil }
        return LinkOverride(
            between: between, latency: f["latency"].flatMap { reader.duration($0, "latency") },
            bandwidth: f["bandwidth"].flatMap { reader.rate($0, "bandwidth") },
            loss: f["loss"].flatMap { reader.fraction($0, "loss") },
            jitter: f["jitter"].flatMap { reader.duration($0, "jitter") },
            down: f["down"].flatMap { reader.bool($0, "down") }, location: f.location
        )
    }

    func network(_ node: Node) -> NetworkSpec? {
        guard let f = reader.mapping(node, "a network", allowed: ["name", "driver", "attachable", "subnet", "gateway",
                                                                   "encrypted"], required: ["name"])
        else { return nil }
        var name: String?
        if let node = f["name"], let text = reader.string(node, "the network name") {
            if ["ingress", "docker_gwbridge", "bridge", "host", "none"].contains(text) {
                reader.fail(node, "network name '\(text)' is reserved by Docker; choose another name")
            } else if YAMLReader.isNetworkName(text) {
                name = text
            } else {
                reader.fail(node, "invalid network name '\(text)': expected [a-zA-Z0-9][a-zA-Z0-9_.-]*")
            }
        }
        let driver = f["driver"].map { reader.choice($0, "driver", NetworkSpec.Driver.self) } ?? .overlay
        let subnet = f["subnet"].flatMap { reader.prefix($0, "the network subnet") }
        var gateway: IPv4Address?
        if let node = f["gateway"], let address = reader.address(node, "the gateway") {
            if let subnet, !subnet.contains(address) {
                reader.fail(node, "gateway \(address) is not in the subnet \(subnet)")
            } else if subnet == nil, !f.has("subnet") {
                reader.fail(node, "a gateway needs a subnet: every ip-range or gateway must have a corresponding subnet")
            } else {
                gateway = address
            }
        }
        guard let name, let driver else { return nil }
        return NetworkSpec(
            name: name, driver: driver, attachable: f["attachable"].flatMap { reader.bool($0, "attachable") } ?? false,
            subnet: subnet, gateway: gateway, encrypted: f["encrypted"].flatMap { reader.bool($0, "encrypted") } ?? false,
            location: f.location
        )
    }

    func images(_ node: Node) -> [ImageSpec]? {
        guard let entries = reader.freeMapping(node, "images") else { return nil }
        return entries.compactMap { key, keyNode, value in
            guard let f = reader.mapping(value, "the image \(key)", allowed: ["app", "port"], required: ["app"]) else {
                return nil
            }
            guard let app = f["app"].flatMap({ reader.choice($0, "app", ImageApplication.self) }) else { return nil }
            let port = f["port"].flatMap { reader.int($0, "port", 1...65535) }
            return ImageSpec(name: key, app: app, port: port, location: reader.location(keyNode))
        }
    }

    func publish(_ node: Node) -> Publish? {
        if case .scalar = node {
            guard let text = reader.string(node, "publish") else { return nil }
            switch PublishParsing.parse(text, location: reader.location(node)) {
            case .success(let publish): return publish
            case .failure(let why):
                reader.fail(node, "invalid publish '\(text)': \(why.message); expected \"PUBLISHED:TARGET\", \"PUBLISHED:TARGET/udp\" or {published, target, protocol, mode}")
                return nil
            }
        }
        guard let f = reader.mapping(node, "a published port", allowed: ["published", "target", "protocol", "mode"],
                                     required: ["target"])
        else { return nil }
        let published = f["published"].flatMap { reader.int($0, "published", 1...65535) }
        let target = f["target"].flatMap { reader.int($0, "target", 1...65535) }
        let proto = f["protocol"].map { reader.choice($0, "protocol", Publish.PortProtocol.self) } ?? .tcp
        let mode = f["mode"].map { reader.choice($0, "mode", Publish.Mode.self) } ?? .ingress
        guard let target, let proto, let mode, f["published"] == nil || published != nil else { return nil }
        return Publish(published: published, target: target, protocol: proto, mode: mode, location: f.location)
    }

    static let serviceKeys = ["name", "image", "replicas", "mode", "publish", "networks", "endpoint_mode", "placement",
                              "scheduler", "weights"]

    func service(_ node: Node) -> ServiceSpecYAML? {
        guard let f = reader.mapping(node, "a service", allowed: Self.serviceKeys, required: ["name", "image"]) else {
            return nil
        }
        var name: String?
        if let node = f["name"], let text = reader.string(node, "the service name") {
            if YAMLReader.isServiceName(text) {
                name = text
            } else {
                reader.fail(node, "invalid service name '\(text)': expected letters, digits, '-' and '_', starting and ending with a letter or digit, at most 63 characters")
            }
        }
        let image = f["image"].flatMap { reader.string($0, "image") }
        var mode = ServiceSpecYAML.Mode.replicated(replicas: 1)
        if let node = f["mode"], let text = reader.value(node, "mode", "replicated or global", {
            ["replicated", "global"].contains($0) ? $0 : nil
        }) {
            if text == "global" {
                mode = .global
                if let r = f.entries.first(where: { $0.key == "replicas" }) {
                    reader.fail(r.keyNode, "replicas can only be used with replicated mode, not with mode: global")
                }
            }
        }
        if case .replicated = mode, let node = f["replicas"] {
            if let n = reader.value(node, "replicas", "a number of replicas (0 or more)", { Int($0) }) {
                if n < 0 {
                    reader.fail(node, "replicas must be 0 or more, found \(n)")
                } else {
                    mode = .replicated(replicas: n)
                }
            }
        }
        let publish = f["publish"].flatMap { reader.sequence($0, "publish") }?.compactMap(publish) ?? []
        let networks = f["networks"].flatMap { reader.strings($0, "networks") }?.map(\.0) ?? []
        let endpointMode = f["endpoint_mode"].map { reader.choice($0, "endpoint_mode", ServiceSpecYAML.EndpointMode.self) }
            ?? .vip
        if endpointMode == .dnsrr, publish.contains(where: { $0.mode == .ingress }), let node = f["endpoint_mode"] {
            reader.fail(node, "port published with ingress mode can't be used with dnsrr mode")
        }
        var constraints: [PlacementConstraint] = []
        if let node = f["placement"], let p = reader.mapping(node, "placement", allowed: ["constraints"]),
           let list = p["constraints"].flatMap({ reader.strings($0, "constraints") }) {
            for (text, item) in list {
                switch PlacementConstraint.parse(text) {
                case .success(let c): constraints.append(c)
                case .failure(let error): reader.fail(item, "invalid constraint '\(text)': \(error.message)")
                }
            }
        }
        let scheduler = f["scheduler"].map { reader.choice($0, "scheduler", IPVSSchedulerName.self) } ?? .rr
        var weights: [ServiceSpecYAML.Weight] = []
        if let node = f["weights"], let entries = reader.freeMapping(node, "weights") {
            for (task, keyNode, value) in entries {
                if let name, !task.hasPrefix(name + ".") || task.count == name.count + 1 {
                    reader.fail(keyNode, "weights names tasks of \(name) as \(name).SLOT (\(name).1, \(name).2...), found '\(task)'")
                    continue
                }
                if let w = reader.int(value, "the weight of \(task)", 0...65535) {
                    weights.append(.init(task: task, weight: w, location: reader.location(keyNode)))
                }
            }
        }
        guard let name, let image, let endpointMode, let scheduler else { return nil }
        return ServiceSpecYAML(
            name: name, image: image, mode: mode, publish: publish, networks: networks, endpointMode: endpointMode,
            constraints: constraints, scheduler: scheduler, weights: weights, location: f.location
        )
    }
}
