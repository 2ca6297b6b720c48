import SwarmSimCapture
import SwarmSimCore
import Testing
import TestSupport

/// Netfilter behaviour on the wire: each test programs rules in iptables-save format, runs
/// traffic, and checks the capture with tshark (clean dissection, good checksums, the NAT seen).
@Suite struct NetfilterCaptureTests {
    /// Docker's host rules for a published port (fidelity.md 6.1), DNAT to the sandbox.
    static let hostIngressRules = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        :DOCKER-INGRESS - [0:0]
        -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
        -A OUTPUT -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
        -A POSTROUTING -o docker_gwbridge -m addrtype --src-type LOCAL -j MASQUERADE
        -A POSTROUTING -s 172.18.0.0/16 ! -o docker_gwbridge -j MASQUERADE
        -A DOCKER-INGRESS -p udp -m udp --dport 81 -j DNAT --to-destination 172.18.0.2:81
        -A DOCKER-INGRESS -j RETURN
        COMMIT

        """

    @Test func hostDNATOfAPublishedPortAndTheReplyUnNATed() throws {
        try withTemporaryDirectory { dir in
            let t = Topologies.GatewayHost()
            try t.host.netfilter.restore(Self.hostIngressRules)
            let sbox = t.containers["sbox"]!
            let server = try sbox.openUDPSocket(port: 81)
            var seenBy: [UDPDatagramReceived] = []
            server.onReceive = { s, d in
                seenBy.append(d)
                try? s.send(Array("answer".utf8), to: d.source, port: d.sourcePort)
            }
            let client = try t.client.openUDPSocket(port: 49496)
            var replies: [UDPDatagramReceived] = []
            client.onReceive = { _, d in replies.append(d) }
            let run = try CapturedRun(directory: dir, name: "dnat")
            try run.capture(t.clientEth, node: "client", point: "eth0")
            try run.capture(t.containerEths["sbox"]!, node: "host01", point: "ingress_sbox-eth1")
            try client.send(Array("question".utf8), to: Topologies.ip("172.17.0.6"), port: 81)
            t.simulation.run(for: .seconds(1))

            #expect(seenBy.map(\.source) == [Topologies.ip("172.17.0.100")], "DNAT keeps the client's address")
            #expect(seenBy.map(\.destinationPort) == [81])
            #expect(replies.map(\.source) == [Topologies.ip("172.17.0.6")], "the reply comes from the published address")
            #expect(replies.map(\.sourcePort) == [81])
            #expect(replies.map(\.payload) == [Array("answer".utf8)])
            let paths = try run.finish()
            try expectClean(paths["client:eth0"]!, checksums: 4)
            try expectClean(paths["host01:ingress_sbox-eth1"]!, checksums: 4)
            let outside = try tsharkFields(paths["client:eth0"]!, ["ip.src", "ip.dst", "udp.srcport", "udp.dstport"], filter: "udp")
            #expect(outside == [["172.17.0.100", "172.17.0.6", "49496", "81"], ["172.17.0.6", "172.17.0.100", "81", "49496"]])
            let inside = try tsharkFields(paths["host01:ingress_sbox-eth1"]!, ["ip.src", "ip.dst", "udp.srcport", "udp.dstport", "ip.ttl"], filter: "udp")
            #expect(inside == [["172.17.0.100", "172.18.0.2", "49496", "81", "63"], ["172.18.0.2", "172.17.0.100", "81", "49496", "64"]])
            let comments = t.host.netfilter.conntrack.listing(now: t.simulation.now)
            #expect(comments.contains("src=172.17.0.100 dst=172.17.0.6 sport=49496 dport=81 src=172.18.0.2 dst=172.17.0.100 sport=81 dport=49496"))
        }
    }

    @Test func masqueradeOfAContainerLeavingTheHost() throws {
        try withTemporaryDirectory { dir in
            let t = Topologies.GatewayHost()
            try t.host.netfilter.restore(Self.hostIngressRules)
            let echo = try t.client.openUDPSocket(port: 7)
            echo.onReceive = { s, d in try? s.send(d.payload, to: d.source, port: d.sourcePort) }
            let c1 = try t.containers["c1"]!.openUDPSocket(port: 40000)
            var replies: [UDPDatagramReceived] = []
            c1.onReceive = { _, d in replies.append(d) }
            let run = try CapturedRun(directory: dir, name: "masq")
            try run.capture(t.clientEth, node: "client", point: "eth0")
            try c1.send(Array("out".utf8), to: Topologies.ip("172.17.0.100"), port: 7)
            t.simulation.run(for: .seconds(1))
            #expect(replies.map(\.source) == [Topologies.ip("172.17.0.100")])
            let paths = try run.finish()
            try expectClean(paths["client:eth0"]!, checksums: 4)
            let wire = try tsharkFields(paths["client:eth0"]!, ["ip.src", "udp.srcport"], filter: "udp")
            #expect(wire.first == ["172.17.0.6", "40000"], "masqueraded to the host's address, port kept")
        }
    }

    @Test func snatPicksAnotherPortWhenTwoClientsUseTheSameSourcePort() throws {
        try withTemporaryDirectory { dir in
            let t = Topologies.GatewayHost()
            try t.host.netfilter.restore(Self.hostIngressRules)
            let echo = try t.client.openUDPSocket(port: 7)
            echo.onReceive = { s, d in try? s.send(d.payload, to: d.source, port: d.sourcePort) }
            let c1 = try t.containers["c1"]!.openUDPSocket(port: 40000)
            let c2 = try t.containers["c2"]!.openUDPSocket(port: 40000)
            var got1: [[UInt8]] = []
            var got2: [[UInt8]] = []
            c1.onReceive = { _, d in got1.append(d.payload) }
            c2.onReceive = { _, d in got2.append(d.payload) }
            let run = try CapturedRun(directory: dir, name: "clash")
            try run.capture(t.clientEth, node: "client", point: "eth0")
            try c1.send(Array("one".utf8), to: Topologies.ip("172.17.0.100"), port: 7)
            try c2.send(Array("two".utf8), to: Topologies.ip("172.17.0.100"), port: 7)
            t.simulation.run(for: .seconds(1))
            #expect(got1 == [Array("one".utf8)])
            #expect(got2 == [Array("two".utf8)])
            let paths = try run.finish()
            try expectClean(paths["client:eth0"]!, checksums: 8)
            let ports = try tsharkFields(paths["client:eth0"]!, ["udp.srcport"], filter: "udp.dstport == 7").map { $0[0] }
            #expect(ports.count == 2)
            #expect(ports[0] == "40000", "the first keeps its port")
            #expect(ports[1] != "40000", "the second is remapped")
            #expect((1024...65535).contains(Int(ports[1]) ?? 0))
        }
    }

    @Test func redirectOfAPublishedPortToTheTargetPort() throws {
        try withTemporaryDirectory { dir in
            let t = Topologies.VethPair()
            // The task rules of fidelity.md 6.2: published 81 -> target 80 on the task's address.
            try t.b.netfilter.restore("""
                *nat
                :PREROUTING ACCEPT [0:0]
                :INPUT ACCEPT [0:0]
                :OUTPUT ACCEPT [0:0]
                :POSTROUTING ACCEPT [0:0]
                -A PREROUTING -d 10.0.0.2/32 -p udp -m udp --dport 81 -j REDIRECT --to-ports 80
                COMMIT
                *filter
                :INPUT ACCEPT [0:0]
                :FORWARD ACCEPT [0:0]
                :OUTPUT ACCEPT [0:0]
                -A INPUT -d 10.0.0.2/32 -p udp -m udp --dport 80 -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT
                -A INPUT -d 10.0.0.2/32 -p udp -j DROP
                -A OUTPUT -s 10.0.0.2/32 -p udp -m udp --sport 80 -m conntrack --ctstate ESTABLISHED -j ACCEPT
                -A OUTPUT -s 10.0.0.2/32 -p udp -j DROP
                COMMIT

                """)
            let server = try t.b.openUDPSocket(port: 80)
            var served: [UInt16] = []
            server.onReceive = { s, d in
                served.append(d.destinationPort)
                try? s.send(d.payload, to: d.source, port: d.sourcePort)
            }
            let client = try t.a.openUDPSocket()
            var replies: [UDPDatagramReceived] = []
            client.onReceive = { _, d in replies.append(d) }
            let run = try CapturedRun(directory: dir, name: "redirect")
            try run.capture(t.aEth, node: "host01", point: "a-eth0")
            try client.send([1, 2, 3], to: Topologies.ip("10.0.0.2"), port: 81)
            try client.send([4], to: Topologies.ip("10.0.0.2"), port: 82)  // not published: silently dropped
            t.simulation.run(for: .seconds(1))
            #expect(served == [80])
            #expect(replies.map(\.sourcePort) == [81], "the reply is un-REDIRECTed to the published port")
            let paths = try run.finish()
            try expectClean(paths["host01:a-eth0"]!, checksums: 6)
            #expect(try tsharkFields(paths["host01:a-eth0"]!, ["icmp.type"], filter: "icmp").isEmpty, "DROP sends nothing back")
            let counters = t.b.netfilter.counters(table: .filter, chain: "INPUT")
            #expect(counters.map(\.packets) == [1, 1])
        }
    }

    @Test func dockerDNSPairLetsAQueryTo127_0_0_11Work() throws {
        try withTemporaryDirectory { dir in
            let t = Topologies.VethPair()
            let container = t.a
            // fidelity.md 5: the embedded DNS listens on a random port, reached through DNAT/SNAT.
            try container.netfilter.restore("""
                *nat
                :PREROUTING ACCEPT [0:0]
                :INPUT ACCEPT [0:0]
                :OUTPUT ACCEPT [0:0]
                :POSTROUTING ACCEPT [0:0]
                :DOCKER_OUTPUT - [0:0]
                :DOCKER_POSTROUTING - [0:0]
                -A OUTPUT -d 127.0.0.11/32 -j DOCKER_OUTPUT
                -A POSTROUTING -d 127.0.0.11/32 -j DOCKER_POSTROUTING
                -A DOCKER_OUTPUT -d 127.0.0.11/32 -p tcp -m tcp --dport 53 -j DNAT --to-destination 127.0.0.11:35163
                -A DOCKER_OUTPUT -d 127.0.0.11/32 -p udp -m udp --dport 53 -j DNAT --to-destination 127.0.0.11:33418
                -A DOCKER_POSTROUTING -s 127.0.0.11/32 -p tcp -m tcp --sport 35163 -j SNAT --to-source :53
                -A DOCKER_POSTROUTING -s 127.0.0.11/32 -p udp -m udp --sport 33418 -j SNAT --to-source :53
                COMMIT

                """)
            let resolver = try container.openUDPSocket(address: Topologies.ip("127.0.0.11"), port: 33418)
            let question = DNSQuestion(name: DNSName("http.")!, type: .a, class: .in)
            resolver.onReceive = { s, d in
                guard let query = try? DNSMessage.parse(d.payload) else { return }
                var answer = query
                answer.flags = DNSFlags(qr: true, opcode: query.flags.opcode, aa: false, tc: false, rd: query.flags.rd, ra: true,
                    z: false, ad: false, cd: false, rcode: .noError)
                answer.answers = [DNSResourceRecord(name: question.name, class: .in, ttl: 600, data: .a(Topologies.ip("10.0.1.2")))]
                try? s.send(answer.emit(), to: d.source, port: d.sourcePort)
            }
            let stub = try container.openUDPSocket()
            var answers: [UDPDatagramReceived] = []
            stub.onReceive = { _, d in answers.append(d) }
            let run = try CapturedRun(directory: dir, name: "dns")
            try run.capture(container.loopback, node: "host01", point: "c1-lo")
            try run.capture(t.aEth, node: "host01", point: "c1-eth0")
            let query = DNSMessage(id: 0x1234, flags: DNSFlags(qr: false, opcode: .query, aa: false, tc: false, rd: true, ra: false,
                z: false, ad: false, cd: false, rcode: .noError), questions: [question], answers: [], authority: [], additional: [])
            try stub.send(query.emit(), to: Topologies.ip("127.0.0.11"), port: 53)
            t.simulation.run(for: .seconds(1))
            #expect(answers.map(\.source) == [Topologies.ip("127.0.0.11")])
            #expect(answers.map(\.sourcePort) == [53], "the answer comes from :53 as the stub resolver expects")
            let parsed = try DNSMessage.parse(try #require(answers.first).payload)
            #expect(parsed.answers.first?.data == .a(Topologies.ip("10.0.1.2")))
            let paths = try run.finish()
            try expectClean(paths["host01:c1-lo"]!, checksums: 4)
            let onLoopback = try tsharkFields(paths["host01:c1-lo"]!, ["udp.srcport", "udp.dstport"], filter: "udp")
            #expect(onLoopback.count == 2)
            #expect(onLoopback[0][1] == "33418", "after DNAT in OUTPUT the query goes to the listener's port")
            #expect(try tsharkFields(paths["host01:c1-eth0"]!, ["frame.number"]).isEmpty, "DNS to 127.0.0.11 never leaves lo")
        }
    }

    @Test func forwardDropPolicyLetsOnlyRepliesThrough() throws {
        try withTemporaryDirectory { dir in
            let t = Topologies.Routed()
            try t.router.netfilter.restore("""
                *filter
                :INPUT ACCEPT [0:0]
                :FORWARD DROP [0:0]
                :OUTPUT ACCEPT [0:0]
                -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
                -A FORWARD -i eth0 -o eth1 -j ACCEPT
                COMMIT

                """)
            let bServer = try t.b.openUDPSocket(port: 7)
            bServer.onReceive = { s, d in try? s.send(d.payload, to: d.source, port: d.sourcePort) }
            let aServer = try t.a.openUDPSocket(port: 7)
            var aGot = 0
            aServer.onReceive = { _, _ in aGot += 1 }
            let aClient = try t.a.openUDPSocket()
            var replies = 0
            aClient.onReceive = { _, _ in replies += 1 }
            let bClient = try t.b.openUDPSocket()
            let run = try CapturedRun(directory: dir, name: "forward")
            try run.capture(t.routerToB, node: "host01", point: "router-eth1")
            try aClient.send([1], to: Topologies.ip("10.0.2.2"), port: 7)  // new, a -> b: allowed
            try bClient.send([2], to: Topologies.ip("10.0.1.2"), port: 7)  // new, b -> a: dropped
            t.simulation.run(for: .seconds(1))
            #expect(replies == 1, "the reply to a's request passed as ESTABLISHED")
            #expect(aGot == 0, "b's new flow was dropped by the policy")
            let paths = try run.finish()
            try expectClean(paths["host01:router-eth1"]!, checksums: 6)
            #expect(t.router.netfilter.counters(table: .filter, chain: "FORWARD").map(\.packets) == [1, 1])
        }
    }

    @Test func rejectSendsTheICMPErrorOrTheTCPResetLinuxSends() throws {
        try withTemporaryDirectory { dir in
            let t = Topologies.VethPair()
            try t.b.netfilter.restore("""
                *filter
                :INPUT ACCEPT [0:0]
                :FORWARD ACCEPT [0:0]
                :OUTPUT ACCEPT [0:0]
                -A INPUT -p udp -m udp --dport 9 -j REJECT --reject-with icmp-port-unreachable
                -A INPUT -p udp -m udp --dport 10 -j REJECT --reject-with icmp-admin-prohibited
                -A INPUT -p tcp -m tcp --dport 80 -j REJECT --reject-with tcp-reset
                COMMIT

                """)
            let run = try CapturedRun(directory: dir, name: "reject")
            try run.capture(t.aEth, node: "host01", point: "a-eth0")
            let client = try t.a.openUDPSocket()
            try client.send([1], to: Topologies.ip("10.0.0.2"), port: 9)
            try client.send([2], to: Topologies.ip("10.0.0.2"), port: 10)
            // A bare TCP SYN (the TCP stack is not needed to see the reset).
            let syn = PacketBuffer.make(length: TCPHeader.minimumLength)
            TCPHeader(sourcePort: 50000, destinationPort: 80, sequenceNumber: 1000, flags: .syn, window: 64240)
                .emit(into: syn.bytes, source: Topologies.ip("10.0.0.1"), destination: Topologies.ip("10.0.0.2"))
            try t.a.sendIPv4(syn, from: Topologies.ip("10.0.0.1"), to: Topologies.ip("10.0.0.2"), protocol: .tcp)
            t.simulation.run(for: .seconds(1))
            let paths = try run.finish()
            try expectClean(paths["host01:a-eth0"]!, checksums: 8, allowedWarnings: ["Connection reset (RST)"])
            let errors = try tsharkFields(paths["host01:a-eth0"]!, ["ip.src", "icmp.type", "icmp.code"], filter: "icmp")
            #expect(errors == [["10.0.0.2", "3", "3"], ["10.0.0.2", "3", "13"]])
            let reset = try tsharkFields(paths["host01:a-eth0"]!, ["tcp.flags.reset", "tcp.flags.ack", "tcp.ack_raw", "tcp.srcport"],
                filter: "tcp.flags.reset == 1")
            #expect(reset == [["1", "1", "1001", "80"]], "RST,ACK acknowledging the SYN")
        }
    }
}
