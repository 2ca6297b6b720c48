/// A route, as `ip route` knows it.
public struct Route: Hashable, Sendable {
    /// `rtm_type`: what a match means.
    public enum Kind: String, Sendable {
        case unicast, local, broadcast, blackhole, unreachable, prohibit
    }

    /// `rtm_scope`: how far the destination is.
    public enum Scope: String, Sendable {
        case global, link, host
    }

    /// `rtm_protocol`: who installed the route (`proto kernel` for connected and local routes).
    public enum Origin: String, Sendable {
        case kernel, boot, `static`
    }

    public var destination: IPv4Prefix
    public var kind: Kind
    /// Output device (ifindex); nil for blackhole/unreachable routes.
    public var device: Int32?
    public var gateway: IPv4Address?
    /// `src`: the preferred source address for locally generated packets.
    public var preferredSource: IPv4Address?
    public var scope: Scope
    public var origin: Origin
    public var metric: Int

    public init(
        destination: IPv4Prefix, kind: Kind = .unicast, device: Int32?, gateway: IPv4Address? = nil,
        preferredSource: IPv4Address? = nil, scope: Scope? = nil, origin: Origin = .boot, metric: Int = 0
    ) {
        self.destination = destination
        self.kind = kind
        self.device = device
        self.gateway = gateway
        self.preferredSource = preferredSource
        self.scope = scope ?? (kind == .local ? .host : gateway == nil && kind == .unicast ? .link : .global)
        self.origin = origin
        self.metric = metric
    }
}

/// One routing table (`local` or `main`): longest prefix wins, then the lowest metric, then the
/// route added first, as the kernel's FIB returns them.
public struct RoutingTable: Sendable {
    public let name: String
    public private(set) var routes: [Route] = []

    public init(name: String) { self.name = name }

    /// Adds a route; an identical destination, kind, device and metric replaces the old one (`ip route replace`).
    public mutating func add(_ route: Route) {
        routes.removeAll {
            $0.destination == route.destination && $0.kind == route.kind && $0.metric == route.metric
                && $0.device == route.device
        }
        routes.append(route)
    }

    public mutating func remove(where predicate: (Route) -> Bool) {
        routes.removeAll(where: predicate)
    }

    /// The best route to `address`. O(n) over a handful of routes.
    public func lookup(_ address: IPv4Address, usable: (Route) -> Bool = { _ in true }) -> Route? {
        var best: Route?
        for route in routes where route.destination.contains(address) && usable(route) {
            guard let current = best else {
                best = route
                continue
            }
            if route.destination.length > current.destination.length
                || (route.destination.length == current.destination.length && route.metric < current.metric)
            {
                best = route
            }
        }
        return best
    }
}
