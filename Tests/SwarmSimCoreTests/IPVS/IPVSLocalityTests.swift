import Testing
@testable import SwarmSimCore

/// lblc and lblcr: the per-destination-address cache, its invalidation and its collection.
/// Every packet goes to the VIP 10.0.0.2, so there is one cache entry. Weights are 1, list
/// c, b, a, connections established (each adds 256 to its server's overhead).
@Suite struct IPVSLocalityTests {
    static let a = "10.0.0.11", b = "10.0.0.12", c = "10.0.0.13"

    /// lblc: first a wlc pick (c) is cached. c is kept until it is "overloaded" in lblc's
    /// sense: active 2 > weight 1 while b has 0 * 2 < 1 → rescheduled by wlc (b, cache
    /// replaced); b likewise → a. Once every server has 2 active none is under half its weight,
    /// so a is kept even with 3.
    @Test func lblcKeepsTheCachedServerUntilOverloaded() throws {
        let ipvs = try IPVSTest.make("lblc", [(Self.a, 1), (Self.b, 1), (Self.c, 1)])
        let expected = [Self.c, Self.c, Self.b, Self.b, Self.a, Self.a, Self.a]
        #expect(IPVSTest.picks(ipvs, 1001...1007, establish: true) == expected)
        let lblc = try #require(ipvs.service(IPVSTest.service)?.scheduler as? IPVSLocalityBasedLeastConnection)
        #expect(lblc.entryCount == 1)
        #expect(lblc.entry(for: IPVSTest.vip)?.destination.address.description == Self.a)
        // The cache holds a reference on a; replaced entries dropped theirs.
        #expect(IPVSTest.dest(ipvs, Self.a)?.references == 1 + 3)  // cache + 3 connections
        #expect(IPVSTest.dest(ipvs, Self.c)?.references == 2)
    }

    /// A cached server with weight 0, or deleted, is not used: the next pick reschedules.
    @Test func lblcSkipsQuiescedAndDeletedCachedServers() throws {
        let ipvs = try IPVSTest.make("lblc", [(Self.a, 1), (Self.b, 1), (Self.c, 1)])
        #expect(IPVSTest.pick(ipvs, port: 1001) == Self.c)
        try IPVSTest.setWeight(ipvs, Self.c, 0)
        // wlc over c (weight 0, skipped first), b (0), a (0) → b.
        #expect(IPVSTest.pick(ipvs, port: 1002) == Self.b)
        try ipvs.deleteDestination(from: IPVSTest.service, address: IPVSTest.ip(Self.b), port: 0, now: .zero)
        #expect(IPVSTest.pick(ipvs, port: 1003) == Self.a)
    }

    /// The 60 s timer does a full expiration check every 30th run (t = 1800 s, 3600 s, ...):
    /// an entry last used at t = 0 survives until the check at t = 86400 s finds
    /// `now < lastuse + lblc_expiration` false.
    @Test func lblcEntriesExpireAfterADayUnused() throws {
        let ipvs = try IPVSTest.make("lblc", [(Self.a, 1), (Self.b, 1)])
        #expect(IPVSTest.pick(ipvs, port: 1001) == Self.b)
        let lblc = try #require(ipvs.service(IPVSTest.service)?.scheduler as? IPVSLocalityBasedLeastConnection)
        ipvs.expireConnections(now: SimTime.zero + .seconds(86_399))
        #expect(lblc.entryCount == 1)
        #expect(ipvs.nextDeadline == SimTime.zero + .seconds(86_400))
        ipvs.expireConnections(now: SimTime.zero + .seconds(86_400))
        #expect(lblc.entryCount == 0)
        #expect(IPVSTest.dest(ipvs, Self.b)?.references == 0)
    }

    /// lblcr keeps a set: c first; when c is overloaded, b is added (set b, c) and the set's
    /// least loaded member is used; then a is added. The sequence matches lblc's here.
    @Test func lblcrGrowsItsSetWhenOverloaded() throws {
        let ipvs = try IPVSTest.make("lblcr", [(Self.a, 1), (Self.b, 1), (Self.c, 1)])
        let expected = [Self.c, Self.c, Self.b, Self.b, Self.a, Self.a, Self.a]
        #expect(IPVSTest.picks(ipvs, 1001...1007, establish: true) == expected)
        let lblcr = try #require(
            ipvs.service(IPVSTest.service)?.scheduler as? IPVSLocalityBasedLeastConnectionReplication)
        #expect(lblcr.entry(for: IPVSTest.vip)?.set.map(\.address.description) == [Self.a, Self.b, Self.c])
    }

    /// A set unchanged for `lblcr_expiration` loses its most loaded member on the next hit
    /// (`ip_vs_dest_set_max`; with all loads equal, the first). The entry is kept alive by a
    /// hit at t = 80000 s; the connections have long expired by t = 86401 s.
    @Test func lblcrDropsTheMostLoadedMemberOfAnOldSet() throws {
        let ipvs = try IPVSTest.make("lblcr", [(Self.a, 1), (Self.b, 1), (Self.c, 1)])
        _ = IPVSTest.picks(ipvs, 1001...1007, establish: true)
        let lblcr = try #require(
            ipvs.service(IPVSTest.service)?.scheduler as? IPVSLocalityBasedLeastConnectionReplication)
        #expect(IPVSTest.pick(ipvs, port: 2001, now: SimTime.zero + .seconds(80_000)) == Self.a)
        #expect(lblcr.entry(for: IPVSTest.vip)?.set.count == 3)
        #expect(IPVSTest.pick(ipvs, port: 2002, now: SimTime.zero + .seconds(86_401)) == Self.a)
        #expect(lblcr.entry(for: IPVSTest.vip)?.set.map(\.address.description) == [Self.b, Self.c])
    }
}
