import SwarmSimCore

/// What `iptables-save`, `ipvsadm -Ln` and `ip route` print on this node.
extension NodeDaemon {
    public func iptablesSave(namespace: String?) -> String? {
        guard let ns = liveNamespace(namespace) else { return nil }
        // Reading a namespace must not load netfilter into it (that would turn conntrack on):
        // a namespace nobody wrote rules into prints as an empty iptables-save.
        guard hasNetfilter(ns) else { return "" }
        return ns.netfilter.save()
    }

    public func ipvsList(namespace: String) -> String? {
        guard let ns = liveNamespace(namespace) else { return nil }
        guard hasIPVS(ns) else { return IPVS().ipvsadmList() }
        return ns.ipvs.ipvsadmList()
    }

    public func ipRoute(namespace: String?) -> String? {
        guard let ns = liveNamespace(namespace) else { return nil }
        return IPRouteFormat.main(ns)
    }

    /// Namespaces this daemon programmed iptables rules into.
    func hasNetfilter(_ ns: NetworkNamespace) -> Bool {
        namespacesWithRules.contains(ns.name)
    }

    /// Namespaces with an IPVS: ingress_sbox and the lb_ sandboxes.
    func hasIPVS(_ ns: NetworkNamespace) -> Bool {
        ingress?.sandbox === ns || loadBalancerSandboxes.contains { $0.namespace === ns }
    }
}

/// `ip route` (the main table) in iproute2's format.
enum IPRouteFormat {
    static func main(_ ns: NetworkNamespace) -> String {
        let routes = ns.mainTable.routes.filter { route in
            guard let ifindex = route.device else { return true }
            return ns.device(ifindex: ifindex)?.isUp ?? false
        }
        let sorted = routes.enumerated().sorted { a, b in
            let (x, y) = (a.element.destination, b.element.destination)
            if x.address != y.address { return x.address < y.address }
            if x.length != y.length { return x.length < y.length }
            return a.offset < b.offset
        }
        return sorted.map { line($0.element, in: ns) + "\n" }.joined()
    }

    /// `default via 172.18.0.1 dev eth1`, `10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.2`.
    static func line(_ route: Route, in ns: NetworkNamespace) -> String {
        var words: [String] = []
        if route.kind != .unicast { words.append(route.kind.rawValue) }
        words.append(route.destination.length == 0 ? "default" : route.destination.description)
        if let gateway = route.gateway { words += ["via", gateway.description] }
        if let ifindex = route.device, let device = ns.device(ifindex: ifindex) { words += ["dev", device.name] }
        switch route.origin {
        case .kernel: words += ["proto", "kernel"]
        case .static: words += ["proto", "static"]
        case .boot: break
        }
        if route.scope != .global { words += ["scope", route.scope.rawValue] }
        if let source = route.preferredSource { words += ["src", source.description] }
        if route.metric != 0 { words += ["metric", String(route.metric)] }
        return words.joined(separator: " ")
    }
}
