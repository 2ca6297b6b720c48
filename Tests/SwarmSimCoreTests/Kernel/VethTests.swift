import Testing
@testable import SwarmSimCore
import TestSupport

@Suite struct VethTests {
    @Test func pingAcrossAVethPairResolvesARPFirst() throws {
        let t = Topologies.VethPair()
        let tap = RecordingTap()
        t.aEth.addTap(tap)
        let ping = try t.a.openPingSocket()
        var replies: [EchoReply] = []
        ping.onReply = { _, reply in replies.append(reply) }
        try ping.sendEcho(to: Topologies.ip("10.0.0.2"), sequence: 1, payload: Array(repeating: 0x42, count: 56))
        t.simulation.run(for: .seconds(1))

        #expect(replies.count == 1)
        #expect(replies.first?.from == Topologies.ip("10.0.0.2"))
        #expect(replies.first?.ttl == 64, "no router in between")
        #expect(replies.first?.length == 64, "ping's '64 bytes from'")
        // ARP request (broadcast), ARP reply, echo request, echo reply.
        #expect(tap.frames.map(\.etherType) == [.arp, .arp, .ipv4, .ipv4])
        let request = try #require(tap.frames[0].arp)
        #expect(request.operation == .request)
        #expect(tap.frames[0].destination == .broadcast)
        #expect(request.targetIP == Topologies.ip("10.0.0.2"))
        #expect(tap.frames[1].arp?.operation == .reply)
        #expect(tap.frames[1].arp?.senderMAC == t.bEth.mac)
        #expect(tap.frames[2].icmp == .echoRequest(identifier: ping.identifier, sequence: 1))
        #expect(tap.frames[3].icmp == .echoReply(identifier: ping.identifier, sequence: 1))
        // The requester learned b as REACHABLE; b learned a from the request as STALE and, having
        // used it for the reply, is in DELAY.
        #expect(t.a.neighbours.entry(for: Topologies.ip("10.0.0.2"), on: t.aEth.ifindex)?.state == .reachable)
        #expect(t.b.neighbours.entry(for: Topologies.ip("10.0.0.1"), on: t.bEth.ifindex)?.state == .delay)

        // Nothing confirms b's entry, so 5 s later b probes a with a unicast ARP request, as
        // tcpdump shows after a single ping between two Linux hosts.
        t.simulation.run(until: SimTime.zero + .seconds(6))
        #expect(tap.frames.count == 6)
        let probe = try #require(tap.frames[4].arp)
        #expect(probe.operation == .request && probe.senderIP == Topologies.ip("10.0.0.2"))
        #expect(tap.frames[4].destination == t.aEth.mac, "a PROBE is unicast")
        #expect(tap.frames[4].time == SimTime.zero + .seconds(5))
        #expect(tap.frames[5].arp?.operation == .reply)
        #expect(t.b.neighbours.entry(for: Topologies.ip("10.0.0.1"), on: t.bEth.ifindex)?.state == .reachable)
    }

    @Test func udpRequestAndReplyWithAnEphemeralPort() throws {
        let t = Topologies.VethPair()
        let server = try t.b.openUDPSocket(port: 5000)
        server.onReceive = { socket, datagram in
            try? socket.send(Array("pong".utf8), to: datagram.source, port: datagram.sourcePort)
        }
        let client = try t.a.openUDPSocket()
        #expect((32768...60999).contains(client.localPort))
        var answers: [UDPDatagramReceived] = []
        client.onReceive = { _, d in answers.append(d) }
        try client.send(Array("ping".utf8), to: Topologies.ip("10.0.0.2"), port: 5000)
        t.simulation.runUntilIdle()
        #expect(answers.count == 1)
        #expect(answers.first?.payload == Array("pong".utf8))
        #expect(answers.first?.source == Topologies.ip("10.0.0.2"))
        #expect(answers.first?.sourcePort == 5000)
    }

    @Test func udpToAClosedPortGetsPortUnreachable() throws {
        let t = Topologies.VethPair()
        let client = try t.a.openUDPSocket()
        try client.connect(to: Topologies.ip("10.0.0.2"), port: 9)
        var errors: [SocketError] = []
        client.onError = { _, error, _ in errors.append(error) }
        try client.send(Array("x".utf8))
        t.simulation.runUntilIdle()
        #expect(errors == [.connectionRefused])
        #expect(t.b.counters.udpNoPorts == 1)
    }

    @Test func bindingTheSamePortTwiceFails() throws {
        let t = Topologies.VethPair()
        _ = try t.b.openUDPSocket(port: 53)
        #expect(throws: SocketError.addressInUse) { try t.b.openUDPSocket(port: 53) }
        #expect(throws: SocketError.addressNotAvailable) {
            try t.b.openUDPSocket(address: Topologies.ip("10.9.9.9"), port: 54)
        }
    }

    @Test func anUnansweredARPFailsAfterThreeProbesWithHostUnreachable() throws {
        let t = Topologies.VethPair()
        let tap = RecordingTap()
        t.aEth.addTap(tap)
        let ping = try t.a.openPingSocket()
        var errors: [ICMPErrorReport] = []
        ping.onError = { _, report, _ in errors.append(report) }
        try ping.sendEcho(to: Topologies.ip("10.0.0.77"), sequence: 1, payload: [])
        t.simulation.runUntilIdle()
        let requests = tap.frames(ofType: .arp)
        #expect(requests.count == 3)
        #expect(requests.map(\.time.nanoseconds) == [0, 1_000_000_000, 2_000_000_000])
        #expect(errors.map(\.message) == [.destinationUnreachable(.hostUnreachable, nextHopMTU: 0)])
        #expect(errors.first?.reporter == Topologies.ip("10.0.0.1"), "ping prints 'From <own address>'")
    }

    @Test func loopbackPingNeverLeavesTheNamespace() throws {
        let t = Topologies.VethPair()
        let tap = RecordingTap()
        t.aEth.addTap(tap)
        let ping = try t.a.openPingSocket()
        var replies = 0
        ping.onReply = { _, _ in replies += 1 }
        try ping.sendEcho(to: Topologies.ip("10.0.0.1"), sequence: 1, payload: [1, 2, 3])
        try ping.sendEcho(to: .loopback, sequence: 2, payload: [1, 2, 3])
        t.simulation.runUntilIdle()
        #expect(replies == 2)
        #expect(tap.frames.isEmpty)
    }
}
