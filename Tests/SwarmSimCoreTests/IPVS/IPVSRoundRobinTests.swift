import Testing
@testable import SwarmSimCore

/// rr and wrr, pick by pick against `ip_vs_rr.c` / `ip_vs_wrr.c` worked by hand.
///
/// Destinations are named by their last octet: a = 10.0.0.11, b = .12, c = .13, d = .14. They
/// are added a, b, c (d later), so the kernel list, newest first, is c, b, a.
@Suite struct IPVSRoundRobinTests {
    static let a = "10.0.0.11", b = "10.0.0.12", c = "10.0.0.13", d = "10.0.0.14"

    /// The cursor starts at the list head, so the first pick is the newest destination and
    /// the walk follows list order: c, b, a, c, b, a.
    @Test func picksInListOrderFromTheHead() throws {
        let ipvs = try IPVSTest.make("rr", [(Self.a, 1), (Self.b, 1), (Self.c, 1)])
        #expect(IPVSTest.picks(ipvs, 1001...1006) == [Self.c, Self.b, Self.a, Self.c, Self.b, Self.a])
    }

    /// rr ignores weights except that weight 0 (quiesced) is skipped: b never gets a pick.
    @Test func weightZeroIsSkippedAndOtherWeightsIgnored() throws {
        let ipvs = try IPVSTest.make("rr", [(Self.a, 5), (Self.b, 0), (Self.c, 1)])
        #expect(IPVSTest.picks(ipvs, 1001...1004) == [Self.c, Self.a, Self.c, Self.a])
    }

    /// All weights 0: no destination (the caller sends ICMP port unreachable).
    @Test func allQuiescedGivesNoDestination() throws {
        let ipvs = try IPVSTest.make("rr", [(Self.a, 0), (Self.b, 0)])
        #expect(IPVSTest.picks(ipvs, 1001...1002) == ["-", "-"])
    }

    /// Deleting the cursor's destination moves the cursor to its predecessor
    /// (`ip_vs_rr_del_dest`: `p->next->prev`): after c, b the cursor is b; deleting b leaves
    /// it on c, so the next pick is a, then c, a.
    @Test func deletingTheCursorDestinationMovesToItsPredecessor() throws {
        let ipvs = try IPVSTest.make("rr", [(Self.a, 1), (Self.b, 1), (Self.c, 1)])
        #expect(IPVSTest.picks(ipvs, 1001...1002) == [Self.c, Self.b])
        try ipvs.deleteDestination(from: IPVSTest.service, address: IPVSTest.ip(Self.b), port: 0, now: .zero)
        #expect(IPVSTest.picks(ipvs, 1003...1005) == [Self.a, Self.c, Self.a])
    }

    /// When the cursor's destination is first in the list its predecessor is the head, so the
    /// walk restarts at the (new) first entry: c; delete c; then b, a, b.
    @Test func deletingTheFirstDestinationUnderTheCursorRestartsAtTheHead() throws {
        let ipvs = try IPVSTest.make("rr", [(Self.a, 1), (Self.b, 1), (Self.c, 1)])
        #expect(IPVSTest.pick(ipvs, port: 1001) == Self.c)
        try ipvs.deleteDestination(from: IPVSTest.service, address: IPVSTest.ip(Self.c), port: 0, now: .zero)
        #expect(IPVSTest.picks(ipvs, 1002...1004) == [Self.b, Self.a, Self.b])
    }

    /// Deleting another destination does not move the cursor: c (cursor c), delete a, then
    /// b, c, b.
    @Test func deletingAnotherDestinationKeepsTheCursor() throws {
        let ipvs = try IPVSTest.make("rr", [(Self.a, 1), (Self.b, 1), (Self.c, 1)])
        #expect(IPVSTest.pick(ipvs, port: 1001) == Self.c)
        try ipvs.deleteDestination(from: IPVSTest.service, address: IPVSTest.ip(Self.a), port: 0, now: .zero)
        #expect(IPVSTest.picks(ipvs, 1002...1004) == [Self.b, Self.c, Self.b])
    }

    /// A destination added mid-stream goes to the head: after c, b (cursor b) the list is
    /// d, c, b, a; the walk continues after b with a, wraps to d, then c, b.
    @Test func addingADestinationMidStreamInsertsAtTheHead() throws {
        let ipvs = try IPVSTest.make("rr", [(Self.a, 1), (Self.b, 1), (Self.c, 1)])
        #expect(IPVSTest.picks(ipvs, 1001...1002) == [Self.c, Self.b])
        try ipvs.addDestination(to: IPVSTest.service, IPVSDestinationSpec(address: IPVSTest.ip(Self.d)), now: .zero)
        #expect(IPVSTest.picks(ipvs, 1003...1007) == [Self.a, Self.d, Self.c, Self.b, Self.a])
    }

    /// An overloaded destination (upper threshold reached) is skipped; the mark clears when its
    /// connections drop below 3/4 of the threshold (no lower threshold).
    @Test func overloadedDestinationIsSkippedUntilBelowThreeQuarters() throws {
        let ipvs = try IPVSTest.make("rr", [(Self.a, 1), (Self.b, 1)])
        try ipvs.editDestination(
            in: IPVSTest.service, IPVSDestinationSpec(address: IPVSTest.ip(Self.b), upperThreshold: 1), now: .zero)
        #expect(IPVSTest.pick(ipvs, port: 1001) == Self.b)  // b: 1 connection >= 1 → overloaded
        #expect(IPVSTest.dest(ipvs, Self.b)?.isOverloaded == true)
        #expect(IPVSTest.picks(ipvs, 1002...1003) == [Self.a, Self.a])
        IPVSTest.close(ipvs, to: Self.b)  // 0 * 4 < 1 * 3 → cleared
        #expect(IPVSTest.dest(ipvs, Self.b)?.isOverloaded == false)
        #expect(IPVSTest.pick(ipvs, port: 1004) == Self.b)
    }

    // MARK: - wrr

    /// Weights a=4, b=3, c=2 in list order a, b, c (added c, b, a). Adding the destinations one
    /// by one runs `ip_vs_wrr_dest_changed` each time: the service starts empty (mw = 0, cw = 0);
    /// adding c (2) gives di = 2, mw = 1 and cw = mw = 1 (cw was 0); adding b gives di = 1,
    /// mw = 3, and cw stays 1; adding a gives mw = 4, cw still 1. So the first pass is for
    /// weight >= 1: a, b, c. Then cw wraps to mw = 4 and the kernel's interleaved pattern
    /// repeats: cw=4 → a; cw=3 → a, b; cw=2 → a, b, c; cw=1 → a, b, c.
    @Test func weightedRoundRobinInterleavesByCurrentWeight() throws {
        let ipvs = try IPVSTest.make("wrr", [("10.0.0.13", 2), ("10.0.0.12", 3), ("10.0.0.11", 4)])
        let (a, b, c) = ("10.0.0.11", "10.0.0.12", "10.0.0.13")
        let expected = [a, b, c] + [a, a, b, a, b, c, a, b, c] + [a, a, b, a, b, c, a, b, c]
        #expect(IPVSTest.picks(ipvs, 1001...1021) == expected)
    }

    /// Switching a service with its destinations to wrr (`ipvsadm -E -s wrr`) runs
    /// `ip_vs_wrr_init_svc` with all three present: cw = mw = 4 from the start, so the
    /// sequence is the pattern itself: a, a, b, a, b, c, a, b, c.
    @Test func wrrInitialisedWithDestinationsStartsAtMaxWeight() throws {
        let ipvs = try IPVSTest.make("rr", [("10.0.0.13", 2), ("10.0.0.12", 3), ("10.0.0.11", 4)])
        try ipvs.editService(IPVSTest.service, scheduler: "wrr", now: .zero)
        let (a, b, c) = ("10.0.0.11", "10.0.0.12", "10.0.0.13")
        #expect(IPVSTest.picks(ipvs, 1001...1009) == [a, a, b, a, b, c, a, b, c])
    }

    /// gcd and the `mw - (di - 1)` trick: weights a=4, b=2 (list a, b): di = 2, mw = 4 - 1 = 3.
    /// After the adds cw = 1 ((1 / 2) * 2 + 1). Picks: cw=1 → a, b; wrap: cw = 3 → a; b fails
    /// (2 < 3), cw = 1 → a, b; cw = 3 → a; ... steady a, a, b (the 2:1 ratio of 4:2).
    @Test func wrrUsesTheGcdAsStep() throws {
        let ipvs = try IPVSTest.make("wrr", [("10.0.0.12", 2), ("10.0.0.11", 4)])
        let (a, b) = ("10.0.0.11", "10.0.0.12")
        #expect(IPVSTest.picks(ipvs, 1001...1011) == [a, b, a, a, b, a, a, b, a, a, b])
        let scheduler = try #require(ipvs.service(IPVSTest.service)?.scheduler as? IPVSWeightedRoundRobin)
        #expect(scheduler.step == 2)
        #expect(scheduler.maxWeight == 3)
    }

    /// A weight change recomputes gcd/max and restarts from the head: a=4, b=3, c=2 in the
    /// pattern; setting a's weight to 0 leaves b=3, c=2 (di 1, mw 3); cw was mid-pattern.
    @Test func wrrWeightChangeRestartsFromTheHead() throws {
        let ipvs = try IPVSTest.make("rr", [("10.0.0.13", 2), ("10.0.0.12", 3), ("10.0.0.11", 4)])
        try ipvs.editService(IPVSTest.service, scheduler: "wrr", now: .zero)
        let (b, c) = ("10.0.0.12", "10.0.0.13")
        // cw=4: a; then cw=3: a (cw now 3, cl = a).
        #expect(IPVSTest.picks(ipvs, 1001...1002) == ["10.0.0.11", "10.0.0.11"])
        try IPVSTest.setWeight(ipvs, "10.0.0.11", 0)
        // dest_changed: cl = head, di = 1, mw = 3, cw = 3 stays (not > mw). From the head with
        // cw 3: b; then cw 2: b, c; cw 1: b, c; wrap cw 3: b.
        #expect(IPVSTest.picks(ipvs, 1003...1008) == [b, b, c, b, c, b])
    }

    /// Every weight 0: mw = 0 and wrr reports no destination.
    @Test func wrrAllZeroWeightsGivesNothing() throws {
        let ipvs = try IPVSTest.make("wrr", [("10.0.0.11", 0), ("10.0.0.12", 0)])
        #expect(IPVSTest.pick(ipvs, port: 1001) == "-")
    }
}
