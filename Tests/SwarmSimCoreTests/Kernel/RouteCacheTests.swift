import Testing
@testable import SwarmSimCore
import TestSupport

/// The output and input route caches answer as a fresh lookup would after every kind of change
/// an answer depends on: routes, device state, addresses, devices.
@Suite struct RouteCacheTests {
    @Test func outputRouteFollowsARouteAddedAfterACachedLookup() throws {
        let t = Topologies.Routed()
        let target = Topologies.ip("10.0.2.2")
        let before = try #require(t.a.routeOutput(to: target))
        #expect(before.route.gateway == Topologies.ip("10.0.1.1"))
        t.a.addRoute(Route(destination: IPv4Prefix(address: target, length: 32), device: t.aEth.ifindex))
        let after = try #require(t.a.routeOutput(to: target))
        #expect(after.route.gateway == nil, "the /32 on-link route added afterwards wins")
    }

    @Test func outputRouteFollowsTheDeviceGoingDownAndUp() {
        let t = Topologies.Routed()
        let target = Topologies.ip("10.0.2.2")
        #expect(t.a.routeOutput(to: target) != nil)
        t.aEth.setUp(false)
        #expect(t.a.routeOutput(to: target) == nil, "a route through a down device does not match")
        t.aEth.setUp(true)
        #expect(t.a.routeOutput(to: target) != nil)
    }

    @Test func outputSourceFollowsTheDevicesAddresses() throws {
        let t = Topologies.Routed()
        let target = Topologies.ip("10.0.2.2")
        let first = try #require(t.a.routeOutput(to: target))
        #expect(first.source == Topologies.ip("10.0.1.2"))
        t.a.removeAddress(Topologies.ip("10.0.1.2"), from: t.aEth)
        t.a.addAddress(InterfaceAddress(Topologies.ip("10.0.1.7"), prefixLength: 24), to: t.aEth)
        t.a.addDefaultRoute(via: Topologies.ip("10.0.1.1"))
        let second = try #require(t.a.routeOutput(to: target))
        #expect(second.source == Topologies.ip("10.0.1.7"))
    }

    /// One cached lookup answers with and without a requested source (a socket's `connect`,
    /// then its segments): the requested source is returned as given, the selected one otherwise,
    /// and the route is the same.
    @Test func outputRouteAnswersWithAndWithoutARequestedSource() throws {
        let t = Topologies.Routed()
        let target = Topologies.ip("10.0.2.2")
        let requested = Topologies.ip("10.0.1.99")
        let chosen = try #require(t.a.routeOutput(to: target))
        let given = try #require(t.a.routeOutput(to: target, from: requested))
        let again = try #require(t.a.routeOutput(to: target))
        #expect(chosen.source == Topologies.ip("10.0.1.2") && again.source == chosen.source)
        #expect(given.source == requested)
        #expect(given.route == chosen.route && given.device === chosen.device)
        #expect(t.a.routeOutput(to: target, from: .any)?.source == chosen.source, "0.0.0.0 asks for none")
    }

    /// A device without addresses has no source to select: without a requested source there is
    /// no answer, with one there is.
    @Test func outputRouteWithoutAnAddressNeedsARequestedSource() throws {
        let t = Topologies.Routed()
        let target = Topologies.ip("10.0.1.1")
        t.a.removeAddress(Topologies.ip("10.0.1.2"), from: t.aEth)
        t.a.addRoute(Route(destination: IPv4Prefix(address: target, length: 32), device: t.aEth.ifindex))
        #expect(t.a.routeOutput(to: target) == nil)
        let given = try #require(t.a.routeOutput(to: target, from: Topologies.ip("10.0.1.2")))
        #expect(given.device === t.aEth && given.source == Topologies.ip("10.0.1.2"))
    }

    @Test func inputRouteFollowsAnAddressAddedAfterACachedLookup() {
        let t = Topologies.Routed()
        let address = Topologies.ip("10.0.1.9")
        #expect(t.a.localRouteKind(for: address) == nil)
        t.a.addAddress(InterfaceAddress(address, prefixLength: 24), to: t.aEth)
        #expect(t.a.localRouteKind(for: address) == .local)
        t.a.removeAddress(address, from: t.aEth)
        #expect(t.a.localRouteKind(for: address) == nil)
    }
}
