import Testing
@testable import SwarmSimCore
import TestSupport

@Suite struct RoutingTests {
    @Test func aRouterDecrementsTheTTL() throws {
        let t = Topologies.Routed()
        let bTap = RecordingTap()
        t.routerToB.addTap(bTap)
        let ping = try t.a.openPingSocket()
        var replies: [EchoReply] = []
        ping.onReply = { _, reply in replies.append(reply) }
        try ping.sendEcho(to: Topologies.ip("10.0.2.2"), sequence: 1, payload: Array(repeating: 7, count: 56))
        t.simulation.run(for: .seconds(1))
        #expect(replies.map(\.ttl) == [63])
        let request = try #require(bTap.frames.first { $0.icmp == .echoRequest(identifier: ping.identifier, sequence: 1) })
        #expect(request.ipv4?.ttl == 63)
        #expect(t.router.counters.forwardedDatagrams == 2)
    }

    @Test func ttlOneGetsTimeExceededFromTheRouter() throws {
        let t = Topologies.Routed()
        let aTap = RecordingTap()
        t.aEth.addTap(aTap)
        let ping = try t.a.openPingSocket()
        var errors: [ICMPErrorReport] = []
        ping.onError = { _, report, _ in errors.append(report) }
        try ping.sendEcho(to: Topologies.ip("10.0.2.2"), sequence: 9, payload: [], ttl: 1)
        t.simulation.run(for: .seconds(1))
        #expect(errors.map(\.message) == [.timeExceeded(code: 0)])
        #expect(errors.first?.reporter == Topologies.ip("10.0.1.1"))
        let error = try #require(aTap.frames.last?.ipv4)
        #expect(error.dscp == 0x30, "ICMP errors carry precedence 6 (TOS 0xc0)")
        #expect(t.b.counters.inReceives == 0)
    }

    @Test func noRouteIsNetworkUnreachableLocally() throws {
        let t = Topologies.VethPair()
        let socket = try t.a.openUDPSocket()
        #expect(throws: SocketError.networkUnreachable) { try socket.send([1], to: Topologies.ip("192.0.2.1"), port: 9) }
    }

    @Test func routesThroughADownDeviceStopMatching() throws {
        let t = Topologies.VethPair()
        let socket = try t.a.openUDPSocket()
        t.aEth.setUp(false)
        #expect(throws: SocketError.networkUnreachable) { try socket.send([1], to: Topologies.ip("10.0.0.2"), port: 9) }
        t.aEth.setUp(true)
        try socket.send([1], to: Topologies.ip("10.0.0.2"), port: 9)
    }

    @Test func longestPrefixThenMetricWins() {
        var table = RoutingTable(name: "main")
        table.add(Route(destination: IPv4Prefix("0.0.0.0/0")!, device: 1, gateway: Topologies.ip("10.0.0.1")))
        table.add(Route(destination: IPv4Prefix("10.0.0.0/8")!, device: 2, metric: 10))
        table.add(Route(destination: IPv4Prefix("10.0.0.0/8")!, device: 3, metric: 5))
        table.add(Route(destination: IPv4Prefix("10.1.0.0/16")!, device: 4))
        #expect(table.lookup(Topologies.ip("10.1.2.3"))?.device == 4)
        #expect(table.lookup(Topologies.ip("10.2.2.3"))?.device == 3)
        #expect(table.lookup(Topologies.ip("8.8.8.8"))?.device == 1)
    }

    @Test func largeDatagramsWithoutDFAreFragmentedAndReassembled() throws {
        let t = Topologies.Routed(bMTU: 1000)
        let bTap = RecordingTap()
        t.routerToB.addTap(bTap)
        let server = try t.b.openUDPSocket(port: 7)
        var received: [[UInt8]] = []
        server.onReceive = { _, d in received.append(d.payload) }
        let client = try t.a.openUDPSocket()
        let payload = (0..<2_400).map { UInt8($0 % 251) }
        // DF is set on UDP by default: too big for the a-router link MTU 1500 fails locally...
        #expect(throws: SocketError.messageTooLong(mtu: 1500)) { try client.send(payload, to: Topologies.ip("10.0.2.2"), port: 7) }
        // ...so send it as a socket with IP_PMTUDISC_DONT would: through the namespace directly.
        let packet = PacketBuffer.make(length: 8)
        payload.withUnsafeBytes { packet.append($0) }
        UDPHeader(sourcePort: 1234, destinationPort: 7, payloadLength: payload.count)
            .emit(into: packet.bytes, source: Topologies.ip("10.0.1.2"), destination: Topologies.ip("10.0.2.2"))
        try t.a.sendIPv4(packet, from: Topologies.ip("10.0.1.2"), to: Topologies.ip("10.0.2.2"), protocol: .udp, dontFragment: false)
        t.simulation.run(for: .seconds(1))
        #expect(received == [payload])
        let fragments = bTap.frames.compactMap(\.ipv4).filter { $0.protocol == .udp }
        // a fragments the 2428-byte datagram for its 1500-byte link (1480 + 928); the router
        // fragments the first piece again for the 1000-byte link (976 + 504) and forwards the
        // second as it is, as Linux refragments in ip_forward.
        #expect(fragments.count == 3)
        #expect(fragments.map(\.fragmentOffset) == [0, 122, 185])
        #expect(fragments.map(\.payloadLength) == [976, 504, 928])
        #expect(fragments.map(\.moreFragments) == [true, true, false])
        #expect(Set(fragments.map(\.identification)).count == 1)
    }
}
