import Testing
import TestSupport
@testable import SwarmSimCore

/// The namespace's netfilter is programmed only through iptables-save text and iptables command
/// lines, and prints back what it runs: `save()` is what `swarmsim show iptables` will print.
@Suite struct NetfilterProgrammingTests {
    static let ingressSandbox = """
        *mangle
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        -A PREROUTING -p tcp -m tcp --dport 81 -j MARK --set-xmark 0x100/0xffffffff
        -A INPUT -d 10.0.0.5/32 -j MARK --set-xmark 0x100/0xffffffff
        COMMIT
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        -A POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.2
        COMMIT

        """

    @Test func whatIsLoadedIsWhatIsSaved() throws {
        let t = Topologies.VethPair()
        try t.a.netfilter.restore(Self.ingressSandbox)
        #expect(t.a.netfilter.save() == Self.ingressSandbox)
    }

    @Test func libnetworkCommandsBuildTheSameTables() throws {
        let t = Topologies.VethPair()
        for command in [
            "iptables -t mangle -A PREROUTING -p tcp --dport 81 -j MARK --set-mark 256",
            "iptables -t mangle -A INPUT -d 10.0.0.5 -j MARK --set-mark 256",
            "iptables -t nat -A POSTROUTING -m ipvs --ipvs -d 10.0.0.0/24 -j SNAT --to-source 10.0.0.2",
        ] {
            try t.a.netfilter.apply(command)
        }
        #expect(t.a.netfilter.save() == Self.ingressSandbox)
    }

    @Test func countersFollowTrafficAndSurviveAnUnrelatedChange() throws {
        let t = Topologies.VethPair()
        try t.b.netfilter.restore("""
            *filter
            :INPUT ACCEPT [0:0]
            :FORWARD ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            -A INPUT -p icmp -j ACCEPT
            COMMIT

            """)
        let ping = try t.a.openPingSocket()
        for seq in 1...3 { try ping.sendEcho(to: Topologies.ip("10.0.0.2"), sequence: UInt16(seq), payload: Array(repeating: 0, count: 56)) }
        t.simulation.run(for: .seconds(1))
        #expect(t.b.netfilter.counters(table: .filter, chain: "INPUT").map(\.packets) == [3])
        #expect(t.b.netfilter.counters(table: .filter, chain: "INPUT").map(\.bytes) == [252], "3 x 84-byte datagrams")
        try t.b.netfilter.apply("iptables -A INPUT -p udp -j DROP")
        #expect(t.b.netfilter.counters(table: .filter, chain: "INPUT").map(\.packets) == [3, 0])
        #expect(t.b.netfilter.save(counters: true).contains("[3:252] -A INPUT -p icmp -j ACCEPT"))
    }

    @Test(arguments: [
        // iptables' own words: DNAT in POSTROUTING is refused by the kernel's hook check.
        ("iptables -t nat -A POSTROUTING -j DNAT --to-destination 1.2.3.4", "iptables: Invalid argument. Run `dmesg' for more information."),
        ("iptables -A INPUT -p tcp --dport http8 -j ACCEPT", "http8"),
        ("iptables -A NOCHAIN -j ACCEPT", "iptables: No chain/target/match by that name."),
    ])
    func badCommandsAreRefusedAndChangeNothing(command: String, mentioning: String) throws {
        let t = Topologies.VethPair()
        try t.a.netfilter.restore(Self.ingressSandbox)
        do {
            try t.a.netfilter.apply(command)
            Issue.record("accepted: \(command)")
        } catch {
            #expect("\(error)".contains(mentioning), "\(error)")
        }
        #expect(t.a.netfilter.save() == Self.ingressSandbox)
    }

    @Test func conntrackListsAConnectionAsConntrackDoes() throws {
        let t = Topologies.VethPair()
        try t.b.netfilter.restore("""
            *filter
            :INPUT ACCEPT [0:0]
            :FORWARD ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            COMMIT

            """)
        let server = try t.b.openUDPSocket(port: 53)
        server.onReceive = { s, d in try? s.send([1], to: d.source, port: d.sourcePort) }
        let client = try t.a.openUDPSocket(port: 40000)
        try client.send([0], to: Topologies.ip("10.0.0.2"), port: 53)
        t.simulation.run(for: .seconds(1))
        let listing = t.b.netfilter.conntrack.listing(now: t.simulation.now)
        #expect(listing == "udp      17 29 src=10.0.0.1 dst=10.0.0.2 sport=40000 dport=53 src=10.0.0.2 dst=10.0.0.1 sport=53 dport=40000 mark=0 use=1\n")
    }
}
