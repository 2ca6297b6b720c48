import Testing
@testable import SwarmSimCore

/// lc, wlc, sed, nq, fo, ovf and twos, pick by pick against the kernel code worked by hand.
///
/// a = 10.0.0.11, b = .12, c = .13, added a, b, c: list order c, b, a. Overhead is
/// `active * 256 + inactive`; a connection that has only seen a SYN is inactive (SYN_RECV), one
/// that saw the handshake's ACK is active (ESTABLISHED).
@Suite struct IPVSLeastConnectionTests {
    static let a = "10.0.0.11", b = "10.0.0.12", c = "10.0.0.13"

    /// lc: minimum overhead, strict `<`, so ties go to the first in list order.
    /// 1. all 0 → c; establish it (c = 256).
    /// 2. c 256, b 0, a 0 → b (a's 0 is not < 0); inactive (b = 1).
    /// 3. c 256, b 1, a 0 → a (a = 1).
    /// 4. c 256, b 1, a 1 → b (b = 2).  5. → a (a = 2).
    /// Closing c's connection (c = 0) makes c the least: 6. → c.
    @Test func leastConnectionWithActiveAndInactiveCounts() throws {
        let ipvs = try IPVSTest.make("lc", [(Self.a, 1), (Self.b, 1), (Self.c, 1)])
        #expect(IPVSTest.pick(ipvs, port: 1001, establish: true) == Self.c)
        #expect(IPVSTest.picks(ipvs, 1002...1005) == [Self.b, Self.a, Self.b, Self.a])
        #expect(IPVSTest.counts(ipvs) == ["10.0.0.13:1/0", "10.0.0.12:0/2", "10.0.0.11:0/2"])
        IPVSTest.close(ipvs, to: Self.c)
        #expect(IPVSTest.pick(ipvs, port: 1006) == Self.c)
    }

    /// lc ignores weights (3 vs 1) but skips weight 0.
    @Test func leastConnectionIgnoresWeightsButNotZero() throws {
        let ipvs = try IPVSTest.make("lc", [(Self.a, 1), (Self.b, 0), (Self.c, 3)])
        #expect(IPVSTest.picks(ipvs, 1001...1004) == [Self.c, Self.a, Self.c, Self.a])
    }

    /// wlc with weights a=1, b=2, c=3 (inactive connections, +1 overhead each). Writing
    /// (c, b, a) overheads and comparing `loh * w_d > doh * w_least`:
    /// (0,0,0) c; (1,0,0) b [1*2 > 0*3]; (1,1,0) a [1*1 > 0*3]; (1,1,1) c (no strict win);
    /// (2,1,1) b [2*2 > 1*3]; (2,2,1) c [b: 4 > 6 no, a: 2 > 3 no]; (3,2,1) c [6 > 6 and
    /// 3 > 3 are ties: the first stays]; (4,2,1) b [8 > 6]; (4,3,1) a [c 4*1 > 1*3].
    @Test func weightedLeastConnectionTiesStayWithTheFirst() throws {
        let ipvs = try IPVSTest.make("wlc", [(Self.a, 1), (Self.b, 2), (Self.c, 3)])
        let expected = [Self.c, Self.b, Self.a, Self.c, Self.b, Self.c, Self.c, Self.b, Self.a]
        #expect(IPVSTest.picks(ipvs, 1001...1009) == expected)
        #expect(IPVSTest.counts(ipvs) == ["10.0.0.13:0/4", "10.0.0.12:0/3", "10.0.0.11:0/2"])
    }

    /// wlc counts an active connection as 256 inactive ones: with c holding one established
    /// connection (256/3 ≈ 85) the next 85 picks avoid it... the first two go to b then a.
    @Test func weightedLeastConnectionWeighsActiveConnections() throws {
        let ipvs = try IPVSTest.make("wlc", [(Self.a, 1), (Self.b, 2), (Self.c, 3)])
        #expect(IPVSTest.pick(ipvs, port: 1001, establish: true) == Self.c)
        // (256,0,0): b [256*2 > 0]; then (256,1,0): a [b's 1*1 > 0*2].
        #expect(IPVSTest.picks(ipvs, 1002...1003) == [Self.b, Self.a])
    }

    /// sed: `(active + 1) / weight`, inactive ignored. Established connections, (c, b, a):
    /// (0,0,0) c [1*2 > 1*3 no]; (1,0,0) b [2*2 > 1*3]; (1,1,0) c [b 4 > 6 no, a 2 > 3 no];
    /// (2,1,0) c [6 > 6 no, 3 > 3 no]; (3,1,0) b [8 > 6]; (3,2,0) a [4*1 > 1*3].
    @Test func shortestExpectedDelayUsesActiveConnectionsOnly() throws {
        let ipvs = try IPVSTest.make("sed", [(Self.a, 1), (Self.b, 2), (Self.c, 3)])
        #expect(IPVSTest.picks(ipvs, 1001...1006, establish: true) == [Self.c, Self.b, Self.c, Self.c, Self.b, Self.a])
        // Inactive connections do not count: c (weight 3, 3 active → 4/3) vs b (2 active → 3/2)
        // vs a (1 active → 2/1); adding inactive ones anywhere changes nothing.
        let fresh = try IPVSTest.make("sed", [(Self.a, 1), (Self.b, 2), (Self.c, 3)])
        #expect(IPVSTest.picks(fresh, 1001...1004) == [Self.c, Self.c, Self.c, Self.c])
    }

    /// nq: the first idle destination (no active connection) in list order wins at once;
    /// otherwise sed. Established: c idle → c; b idle → b; a idle → a; then sed over
    /// (1,1,1): c [b: 2*2 > 2*3 no]; (2,1,1): c [b: 3*2 > 2*3 no]; (3,1,1): b [4*2 > 2*3].
    @Test func neverQueuePrefersIdleDestinations() throws {
        let ipvs = try IPVSTest.make("nq", [(Self.a, 1), (Self.b, 2), (Self.c, 3)])
        #expect(IPVSTest.picks(ipvs, 1001...1006, establish: true) == [Self.c, Self.b, Self.a, Self.c, Self.c, Self.b])
    }

    /// fo: highest weight, first in list among equals, skipping overloaded; weight 0 never.
    @Test func weightedFailoverPicksTheHeaviest() throws {
        let ipvs = try IPVSTest.make("fo", [(Self.a, 1), (Self.b, 3), (Self.c, 3)])
        #expect(IPVSTest.picks(ipvs, 1001...1003) == [Self.c, Self.c, Self.c])
        try IPVSTest.setWeight(ipvs, Self.c, 0)
        #expect(IPVSTest.pick(ipvs, port: 1004) == Self.b)
        try IPVSTest.setWeight(ipvs, Self.b, 0)
        try IPVSTest.setWeight(ipvs, Self.a, 0)
        #expect(IPVSTest.pick(ipvs, port: 1005) == "-")
    }

    /// ovf: the heaviest destination whose active connections do not exceed its weight.
    /// a=1, b=2, c=2 (list c, b, a), established: c takes 3 (it overflows when active 3 > 2),
    /// then b 3, then a 2, then nothing.
    @Test func overflowFillsTheHeaviestFirst() throws {
        let ipvs = try IPVSTest.make("ovf", [(Self.a, 1), (Self.b, 2), (Self.c, 2)])
        let expected = [Self.c, Self.c, Self.c, Self.b, Self.b, Self.b, Self.a, Self.a, "-"]
        #expect(IPVSTest.picks(ipvs, 1001...1009, establish: true) == expected)
    }

    /// twos: the same seed gives the same sequence; the picks follow the kernel's walk over the
    /// list with two draws `r % (Σw + 1)` from the namespace's "twos" stream.
    @Test(arguments: [1, 2, 42] as [UInt64])
    func powerOfTwoChoicesIsDeterministicPerSeed(seed: UInt64) throws {
        let dests = [(Self.a, Int32(1)), (Self.b, Int32(2)), (Self.c, Int32(3))]
        let first = try IPVSTest.make("twos", dests, seed: seed)
        let second = try IPVSTest.make("twos", dests, seed: seed)
        let picks1 = IPVSTest.picks(first, 1001...1040)
        #expect(picks1 == IPVSTest.picks(second, 1001...1040))

        // Oracle: replay ip_vs_twos_schedule with the same stream.
        var stream = RandomStream(seed: seed, name: "test/ipvs/twos")
        var load: [String: Int64] = [Self.a: 0, Self.b: 0, Self.c: 0]
        let list = [(Self.c, Int64(3)), (Self.b, Int64(2)), (Self.a, Int64(1))]
        var expected: [String] = []
        for _ in 0..<40 {
            let total = UInt32(7)
            var r1 = Int64(UInt32(truncatingIfNeeded: stream.next()) % total)
            var r2 = Int64(UInt32(truncatingIfNeeded: stream.next()) % total)
            var choice1: (String, Int64)?
            var choice2: (String, Int64)?
            for (name, weight) in list {
                r1 -= weight
                r2 -= weight
                if r1 <= 0 && choice1 == nil { choice1 = (name, weight) }
                if r2 <= 0 && choice2 == nil { choice2 = (name, weight) }
                if choice1 != nil && choice2 != nil { break }
            }
            let (n1, w1) = try #require(choice1)
            let (n2, w2) = try #require(choice2)
            let pick = w2 * load[n1, default: 0] > w1 * load[n2, default: 0] ? n2 : n1
            load[pick, default: 0] += 1  // each pick adds one inactive connection
            expected.append(pick)
        }
        #expect(picks1 == expected)
    }

    /// Different seeds give different twos sequences (40 picks over 3 servers).
    @Test func powerOfTwoChoicesDependsOnTheSeed() throws {
        let dests = [(Self.a, Int32(1)), (Self.b, Int32(1)), (Self.c, Int32(1))]
        let one = IPVSTest.picks(try IPVSTest.make("twos", dests, seed: 1), 1001...1040)
        let two = IPVSTest.picks(try IPVSTest.make("twos", dests, seed: 2), 1001...1040)
        #expect(one != two)
    }
}
