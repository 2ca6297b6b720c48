import Testing
@testable import SwarmSimCore

/// dh, sh and mh: bucket tables and lookups. Expected buckets were computed independently from
/// the kernel formulas (`hash_32(v, bits) = (v * 0x61C88647) >> (32 - bits)`, hsiphash on
/// 64-bit = SipHash-1-3 truncated) with a separate script, not with this code.
@Suite struct IPVSHashingTests {
    static let a = "10.0.0.11", b = "10.0.0.12", c = "10.0.0.13"

    // MARK: - hash primitives

    /// `lib/siphash_kunit.c`'s 64-bit hsiphash vectors: key 00..0f, input bytes 0..<len.
    @Test func hsiphashMatchesTheKernelSelfTestVectors() {
        let vectors: [UInt32] = [
            0x050f_c4dc, 0x7d57_ca93, 0x4dc7_d44d, 0xe7dd_f7fb, 0x88d3_8328, 0x4953_3b67, 0xc59f_22a7, 0x9bb1_1140,
            0x8d29_9a8e, 0x6c06_3de4, 0x92ff_097f, 0xf94d_c352, 0x57b4_d9a2, 0x1229_ffa7, 0xc0f9_5d34, 0x2a51_9956,
            0x7d90_8b66, 0x63db_d80c, 0xb473_e63e, 0x8d29_7d1c, 0xa6cc_e040, 0x2b45_f844, 0xa320_872e, 0xdae6_c123,
            0x6734_9c8c, 0x705b_0979, 0xca99_13a5, 0x4ade_3b35, 0xef6c_d00d, 0x4ab1_e1f4, 0x43c5_e663, 0x8c21_d1bc,
            0x16a7_b60d, 0x7a8f_f9bf, 0x1f2a_753e, 0xbf18_6b91, 0xada2_6206, 0xa3c3_3057, 0xae3a_36a1, 0x7b10_8392,
            0x99e4_1531, 0x3f1a_d944, 0xc813_8825, 0xc289_49a6, 0xfaf8_876b, 0x9f04_2196, 0x68b1_d623, 0x8b51_14fd,
            0xdf07_4c46, 0x12cc_86b3, 0x0a52_098f, 0x9d29_2f9a, 0xa2f4_1f12, 0x43a7_1ed0, 0x73f0_bce6, 0x70a7_e980,
            0x243c_6d75, 0xfdb7_1513, 0xa67d_8a08, 0xb7e8_f148, 0xf7a6_44ee, 0x0f18_37f2, 0x4b66_94e0, 0xb7bb_b3a8,
        ]
        let key = IPVSHash.SipKey(k0: 0x0706_0504_0302_0100, k1: 0x0f0e_0d0c_0b0a_0908)
        for length in 0..<64 {
            #expect(IPVSHash.hsiphash((0..<UInt8(length)).map { $0 }, key: key) == vectors[length], "length \(length)")
        }
        // The u32 fast path agrees with the byte path.
        let value: UInt32 = 0x0A00_000B
        let bytes: [UInt8] = [0x0B, 0x00, 0x00, 0x0A]
        #expect(IPVSHash.hsiphash(uint32: value, key: key) == IPVSHash.hsiphash(bytes, key: key))
    }

    /// `hash_32`: 10.0.0.2 → 137, 192.168.0.1 → 192 (8 bits).
    @Test func hash32MatchesTheGoldenRatioMultiply() {
        #expect(IPVSHash.hash32(IPVSTest.ip("10.0.0.2").value, bits: 8) == 137)
        #expect(IPVSHash.hash32(IPVSTest.ip("192.168.0.1").value, bits: 8) == 192)
    }

    // MARK: - dh

    /// dh fills 256 buckets round-robin over the list (c, b, a), so bucket i holds list[i % 3],
    /// and picks by the packet's destination address: 10.0.0.2 → bucket 137 → a, .3 → 235 → b,
    /// .5 → 174 → c.
    @Test(arguments: [
        ("10.0.0.2", "10.0.0.11"), ("10.0.0.3", "10.0.0.12"), ("10.0.0.4", "10.0.0.11"), ("10.0.0.5", "10.0.0.13"),
        ("10.0.0.6", "10.0.0.12"), ("10.0.0.7", "10.0.0.13"), ("10.0.0.8", "10.0.0.11"), ("10.0.0.9", "10.0.0.13"),
    ])
    func destinationHashingByDestinationAddress(vip: String, expected: String) throws {
        let key = IPVSServiceKey.fwmark(7)
        let ipvs = try IPVSTest.make("dh", [(Self.a, 1), (Self.b, 5), (Self.c, 1)], key: key)
        let svc = try #require(ipvs.service(key))
        let conn = ipvs.schedule(
            svc, client: (IPVSTest.ip("192.168.0.1"), 1000), virtual: (IPVSTest.ip(vip), 80), protocol: .tcp,
            now: .zero)
        #expect(conn?.destinationAddress.description == expected)
    }

    /// The dh table is rebuilt on delete; a bucket whose server has weight 0 yields nothing.
    @Test func destinationHashingRebuildsAndHonoursWeightZero() throws {
        let ipvs = try IPVSTest.make("dh", [(Self.a, 1), (Self.b, 1), (Self.c, 1)])
        let table = try #require(ipvs.service(IPVSTest.service)?.scheduler as? IPVSDestinationHashing)
        #expect(table.buckets.prefix(4).map { $0?.address.description } == [Self.c, Self.b, Self.a, Self.c])
        // The VIP 10.0.0.2 hashes to bucket 137: 137 % 3 = 2 → a.
        #expect(IPVSTest.pick(ipvs, port: 1001) == Self.a)
        try IPVSTest.setWeight(ipvs, Self.a, 0)
        #expect(IPVSTest.pick(ipvs, port: 1002) == "-")
        try ipvs.deleteDestination(from: IPVSTest.service, address: IPVSTest.ip(Self.a), port: 0, now: .zero)
        // Now (c, b): 137 % 2 = 1 → b.
        #expect(IPVSTest.pick(ipvs, port: 1003) == Self.b)
    }

    // MARK: - sh

    /// sh with weights c=1, b=1, a=2 (list c, b, a): buckets repeat c, b, a, a. Client
    /// addresses pick `hash_32(saddr, 8)`: .1 → 192 → c, .2 → 34 → a, .4 → 229 → b ...
    @Test func sourceHashingFillsBucketsByWeight() throws {
        let ipvs = try IPVSTest.make("sh", [(Self.a, 2), (Self.b, 1), (Self.c, 1)])
        let table = try #require(ipvs.service(IPVSTest.service)?.scheduler as? IPVSSourceHashing)
        #expect(table.buckets.prefix(8).map { $0?.address.description } == [
            Self.c, Self.b, Self.a, Self.a, Self.c, Self.b, Self.a, Self.a,
        ])
        let expected = [Self.c, Self.a, Self.a, Self.b, Self.a, Self.b, Self.a, Self.c]
        let picks = (1...8).map { IPVSTest.pick(ipvs, port: 2000, client: "192.168.0.\($0)") }
        #expect(picks == expected)
        // The same client always gets the same server.
        #expect((1...5).map { IPVSTest.pick(ipvs, port: UInt16(3000 + $0), client: "192.168.0.4") }.allSatisfy { $0 == Self.b })
    }

    /// A weight-0 server still takes one bucket (`++d_count >= 0`), but lookups landing on it
    /// find nothing without sh-fallback.
    @Test func sourceHashingWeightZeroKeepsOneBucket() throws {
        let ipvs = try IPVSTest.make("sh", [(Self.a, 2), (Self.b, 0), (Self.c, 1)])
        let table = try #require(ipvs.service(IPVSTest.service)?.scheduler as? IPVSSourceHashing)
        #expect(table.buckets.prefix(4).map { $0?.address.description } == [Self.c, Self.b, Self.a, Self.a])
        // 192.168.0.4 → bucket 229 → 229 % 4 = 1 → b (weight 0): no destination.
        #expect(IPVSTest.pick(ipvs, port: 1, client: "192.168.0.4") == "-")
    }

    /// sh-port hashes `ntohs(sport) + ntohl(saddr)`: 192.168.0.1 with ports 1000...1007 spreads
    /// over the servers (buckets 183, 25, 123, 221, 62, 160, 2, 100).
    @Test func sourceHashingWithPort() throws {
        let ipvs = try IPVSTest.make("sh", [(Self.a, 2), (Self.b, 1), (Self.c, 1)], flags: .shPort)
        let picks = (1000...1007).map { IPVSTest.pick(ipvs, port: UInt16($0), client: "192.168.0.1") }
        #expect(picks == [Self.a, Self.b, Self.a, Self.b, Self.a, Self.c, Self.a, Self.c])
    }

    /// sh-fallback walks `(offset + hash) % 256` until a usable server: with b quiesced,
    /// clients that hashed to b find another one; the others are unchanged.
    @Test func sourceHashingFallback() throws {
        let ipvs = try IPVSTest.make("sh", [(Self.a, 2), (Self.b, 1), (Self.c, 1)], flags: .shFallback)
        try IPVSTest.setWeight(ipvs, Self.b, 0)
        // weight 0 → b keeps 1 bucket; table still c, b, a, a.
        let picks = (1...8).map { IPVSTest.pick(ipvs, port: 2000, client: "192.168.0.\($0)") }
        #expect(!picks.contains(Self.b))
        #expect(!picks.contains("-"))
        #expect(picks[0] == Self.c && picks[1] == Self.a && picks[7] == Self.c)
    }

    // MARK: - mh

    /// Three servers of weight 1 (list c, b, a) share the 4093 slots 1365/1364/1364, and
    /// clients map as the reference computation says.
    @Test func maglevTableAndLookups() throws {
        let ipvs = try IPVSTest.make("mh", [(Self.a, 1), (Self.b, 1), (Self.c, 1)])
        let mh = try #require(ipvs.service(IPVSTest.service)?.scheduler as? IPVSMaglevHashing)
        #expect(mh.lookup.count == 4093)
        let owners = mh.lookup.map { $0?.address.description ?? "-" }
        #expect([Self.c, Self.b, Self.a].map { name in owners.filter { $0 == name }.count } == [1365, 1364, 1364])
        let picks = (1...8).map { IPVSTest.pick(ipvs, port: 2000, client: "192.168.0.\($0)") }
        #expect(picks == [Self.b, Self.a, Self.a, Self.b, Self.b, Self.a, Self.c, Self.a])
        // Permutation starts: offset = hsiphash(addr, k1) % 4093, skip = hsiphash(addr, k2) % 4092 + 1.
        let key1 = IPVSMaglevHashing.key1, key2 = IPVSMaglevHashing.key2
        let aValue = IPVSTest.ip(Self.a).value
        #expect(IPVSHash.hsiphash(uint32: aValue, key: key1) % 4093 == 1636)
        #expect(IPVSHash.hsiphash(uint32: aValue, key: key2) % 4092 + 1 == 2251)
    }

    /// The same server list gives the same table in every namespace (fixed keys); but the
    /// kernel's table depends on list order where two servers want the same free slot in the
    /// same round: adding a, b, c versus c, b, a differs in 4 of 4093 slots.
    @Test func maglevTableIsStableForTheSameListOrder() throws {
        let first = try IPVSTest.make("mh", [(Self.a, 1), (Self.b, 1), (Self.c, 1)], seed: 1)
        let second = try IPVSTest.make("mh", [(Self.a, 1), (Self.b, 1), (Self.c, 1)], seed: 99)
        let reversed = try IPVSTest.make("mh", [(Self.c, 1), (Self.b, 1), (Self.a, 1)])
        func owners(_ ipvs: IPVS) throws -> [String] {
            let mh = try #require(ipvs.service(IPVSTest.service)?.scheduler as? IPVSMaglevHashing)
            return mh.lookup.map { $0?.address.description ?? "-" }
        }
        #expect(try owners(first) == owners(second))
        let differing = zip(try owners(first), try owners(reversed)).filter { $0 != $1 }.count
        #expect(differing == 4)
    }

    /// Removing one of 10 servers remaps its own 409 slots (≈ 1/10) and only 41 others:
    /// 450 of 4093 (11%) move, close to the ideal 1/n.
    @Test func maglevRemovalMovesAboutOneNth() throws {
        let servers = (11...20).map { ("10.0.0.\($0)", Int32(1)) }
        let ipvs = try IPVSTest.make("mh", servers)
        let mh = try #require(ipvs.service(IPVSTest.service)?.scheduler as? IPVSMaglevHashing)
        let before = mh.lookup.map { $0?.address.description ?? "-" }
        try ipvs.deleteDestination(from: IPVSTest.service, address: IPVSTest.ip("10.0.0.15"), port: 0, now: .zero)
        let after = mh.lookup.map { $0?.address.description ?? "-" }
        let own = before.filter { $0 == "10.0.0.15" }.count
        let moved = zip(before, after).filter { $0 != $1 }.count
        #expect(own == 409)
        #expect(moved == 450)
        let fraction = Double(moved) / 4093
        #expect(fraction > 0.1 && fraction < 0.12)
        #expect(!after.contains("10.0.0.15"))
    }

    /// Weights shape the share (turns = weight / gcd): 3:2:1 gives 2047/1364/682; a freshly
    /// added weight-0 server gets no slots; large weights are shifted (1000:1 → turns 62:1).
    @Test func maglevWeights() throws {
        func counts(_ dests: [(String, Int32)]) throws -> [Int] {
            let ipvs = try IPVSTest.make("mh", dests)
            let mh = try #require(ipvs.service(IPVSTest.service)?.scheduler as? IPVSMaglevHashing)
            let owners = mh.lookup.map { $0?.address.description ?? "-" }
            return dests.reversed().map { name in owners.filter { $0 == name.0 }.count }
        }
        #expect(try counts([(Self.a, 1), (Self.b, 2), (Self.c, 3)]) == [2047, 1364, 682])
        #expect(try counts([(Self.a, 1), (Self.b, 0), (Self.c, 1)]) == [2047, 0, 2046])
        #expect(try counts([(Self.a, 1), (Self.b, 1000)]) == [4029, 64])
    }

    /// Quiescing (weight 0) keeps the server's slots (the table uses last_weight): lookups
    /// landing there find nothing, unless mh-fallback rehashes with growing offsets.
    @Test func maglevQuiescedServerKeepsSlotsAndFallbackWalks() throws {
        let plain = try IPVSTest.make("mh", [(Self.a, 1), (Self.b, 1), (Self.c, 1)])
        try IPVSTest.setWeight(plain, Self.b, 0)
        let picks = (1...8).map { IPVSTest.pick(plain, port: 2000, client: "192.168.0.\($0)") }
        #expect(picks == ["-", Self.a, Self.a, "-", "-", Self.a, Self.c, Self.a])

        let fallback = try IPVSTest.make("mh", [(Self.a, 1), (Self.b, 1), (Self.c, 1)], flags: .mhFallback)
        try IPVSTest.setWeight(fallback, Self.b, 0)
        let walked = (1...8).map { IPVSTest.pick(fallback, port: 2000, client: "192.168.0.\($0)") }
        #expect(walked == [Self.c, Self.a, Self.a, Self.c, Self.a, Self.a, Self.c, Self.a])
    }

    /// mh-port adds the source port to the hashed value.
    @Test func maglevWithPort() throws {
        let ipvs = try IPVSTest.make("mh", [(Self.a, 1), (Self.b, 1), (Self.c, 1)], flags: .mhPort)
        let picks = (1000...1007).map { IPVSTest.pick(ipvs, port: UInt16($0), client: "192.168.0.1") }
        #expect(picks == [Self.c, Self.c, Self.b, Self.a, Self.c, Self.c, Self.c, Self.b])
    }
}
