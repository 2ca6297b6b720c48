import SwarmSimCore

/// One resource record of an embedded-DNS answer.
public struct DNSRecord: Sendable, Equatable {
    public var name: String
    public var type: DNSType
    public var ttl: UInt32
    /// A records.
    public var address: IPv4Address?
    /// PTR records: `<name>.<network>`.
    public var target: String?
}

/// What the embedded DNS server (127.0.0.11) of a container answers, before serialization.
public struct DNSAnswer: Sendable, Equatable {
    public var rcode: DNSRCode
    public var records: [DNSRecord]
}

/// The embedded DNS's records (fidelity 5), resolved per query from the cluster's NetworkDB view.
extension SwarmCluster {
    /// TTL of every answer (libnetwork `respTTL`).
    public static let embeddedDNSTTL: UInt32 = 600

    /// Resolves `name` as the embedded DNS of container `id` would: over the container's networks
    /// in endpoint order (the ingress network has no records), `svc` -> VIP (or task IPs in dnsrr
    /// mode), `tasks.svc` -> task IPs, task and container names -> their IP; `name.network` looks
    /// in that network only. Addresses are shuffled on every query. Unknown names, and names not
    /// modelled (SRV, MX, ...), are NXDOMAIN (swarmsim has no upstream resolver); AAAA for a known
    /// name is an empty NOERROR answer.
    public func dnsLookup(name query: String, type: DNSType, fromContainer id: String) -> DNSAnswer {
        let nxdomain = DNSAnswer(rcode: .nxDomain, records: [])
        let networkIDs: [String]
        if let task = tasks.first(where: { $0.containerID == id && $0.containerCreated }) {
            networkIDs = task.addresses.map(\.networkID)
        } else if let container = attached.first(where: { $0.id == id }) {
            networkIDs = [container.networkID]
        } else {
            return nxdomain
        }
        let lookupNetworks = networkIDs.map { network(id: $0) }.filter { !$0.config.isIngress }
        var name = query.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        if type == .ptr {
            guard let address = Self.reverseAddress(name) else { return nxdomain }
            for network in lookupNetworks {
                if let owner = reverseName(address, in: network) {
                    return DNSAnswer(
                        rcode: .noError,
                        records: [DNSRecord(name: query, type: .ptr, ttl: Self.embeddedDNSTTL, address: nil, target: "\(owner).\(network.name)")])
                }
            }
            return nxdomain
        }
        guard type == .a || type == .aaaa else { return nxdomain }
        for network in lookupNetworks {
            var local = name
            if name.hasSuffix("." + network.name.lowercased()) {
                local = String(name.dropLast(network.name.count + 1))
            } else if lookupNetworks.contains(where: { name.hasSuffix("." + $0.name.lowercased()) }) {
                continue
            }
            var addresses = records(local, in: network)
            guard !addresses.isEmpty else { continue }
            if type == .aaaa { return DNSAnswer(rcode: .noError, records: []) }
            dnsShuffle.shuffle(&addresses)
            return DNSAnswer(
                rcode: .noError,
                records: addresses.map { DNSRecord(name: query, type: .a, ttl: Self.embeddedDNSTTL, address: $0, target: nil) })
        }
        return nxdomain
    }

    /// Live backends of a network (enabled bindings of tasks on nodes not declared down).
    private func enabledBindings(_ network: NetworkRecord) -> [BindingRecord] {
        network.bindings.filter { binding in
            guard !binding.disabled, let task = tasks.first(where: { $0.id == binding.taskID }) else { return false }
            return !(task.node.map { nodes[$0].statusDown } ?? true)
        }
    }

    private func records(_ name: String, in network: NetworkRecord) -> [IPv4Address] {
        let live = enabledBindings(network)
        if name.hasPrefix("tasks.") {
            let service = String(name.dropFirst("tasks.".count))
            return live.filter { $0.config.serviceName.lowercased() == service }.map(\.config.backendAddress)
        }
        if let service = services.first(where: { $0.spec.name.lowercased() == name }) {
            // The VIP record lives while the service has a backend on the network (disabled ones count).
            let bound = network.bindings.contains { $0.config.serviceID == service.id }
            if let vip = service.vip(on: network.id) { return bound ? [vip] : [] }
            return live.filter { $0.config.serviceID == service.id }.map(\.config.backendAddress)
        }
        for binding in live {
            guard let task = tasks.first(where: { $0.id == binding.taskID }) else { continue }
            if taskName(task, service: binding.config.serviceName).lowercased() == name { return [binding.config.backendAddress] }
        }
        for container in attached where container.networkID == network.id && container.name.lowercased() == name {
            return [container.address]
        }
        return []
    }

    /// The owner of an address: a service VIP -> the service, a task -> its name, a container -> its name.
    private func reverseName(_ address: IPv4Address, in network: NetworkRecord) -> String? {
        for service in services where service.vip(on: network.id) == address
            && network.bindings.contains(where: { $0.config.serviceID == service.id })
        {
            return service.spec.name
        }
        for binding in enabledBindings(network) where binding.config.backendAddress == address {
            if let task = tasks.first(where: { $0.id == binding.taskID }) {
                return taskName(task, service: binding.config.serviceName)
            }
        }
        return attached.first { $0.networkID == network.id && $0.address == address }?.name
    }

    /// `3.1.0.10.in-addr.arpa` -> 10.0.1.3.
    static func reverseAddress(_ name: String) -> IPv4Address? {
        guard name.hasSuffix(".in-addr.arpa") else { return nil }
        let labels = name.dropLast(".in-addr.arpa".count).split(separator: ".")
        guard labels.count == 4 else { return nil }
        return IPv4Address(labels.reversed().joined(separator: "."))
    }
}
