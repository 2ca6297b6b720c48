import Testing
@testable import SwarmSimCore
import TestSupport

/// The three-way handshake byte for byte as Linux sends it.
@Suite struct TCPHandshakeTests {
    @Test func handshakeOptionsWindowsAndIPFieldsOnAVethPair() throws {
        let t = Topologies.VethPair()
        let tap = RecordingTap()
        t.aEth.addTap(tap)
        let (client, server) = try t.clientAndServer()
        t.simulation.run(for: .seconds(1))

        #expect(client.connected)
        #expect(client.connection?.state == .established)
        #expect(server.connection?.state == .established)
        let segments = tap.tcpSegments()
        try #require(segments.count == 3)
        let (syn, synAck, ack) = (segments[0], segments[1], segments[2])

        // SYN: MSS 1460, SACK-permitted + timestamps, NOP, window scale 7; window 64240.
        #expect(syn.flags == [.syn])
        #expect(syn.window == 64240)
        #expect(syn.ack == 0)
        #expect(syn.optionBytes.count == 20)
        #expect(Array(syn.optionBytes[0..<8]) == [2, 4, 0x05, 0xB4, 4, 2, 8, 10])
        #expect(Array(syn.optionBytes[12..<20]) == [0, 0, 0, 0, 1, 3, 3, 7], "TSecr 0, then NOP and WS 7")
        #expect(syn.options.timestamps != nil)
        #expect((32768...60999).contains(Int(syn.sourcePort)))
        #expect(syn.dontFragment && syn.ttl == 64)

        // SYN-ACK: the same layout, window 65160 (45 * 1448), TSecr echoing the SYN, IP ID 0.
        #expect(synAck.flags == [.syn, .ack])
        #expect(synAck.ack == syn.seq &+ 1)
        #expect(synAck.window == 65160)
        #expect(synAck.options.mss == 1460)
        #expect(synAck.options.sackPermitted)
        #expect(synAck.options.windowScale == 7)
        #expect(synAck.options.timestamps?.echo == syn.options.timestamps?.value)
        #expect(Array(synAck.optionBytes[0..<8]) == [2, 4, 0x05, 0xB4, 4, 2, 8, 10])
        #expect(Array(synAck.optionBytes[16..<20]) == [1, 3, 3, 7])
        #expect(synAck.ipID == 0)
        #expect(synAck.dontFragment)

        // ACK: window 502 (64256 >> 7), only NOP NOP TS.
        #expect(ack.flags == [.ack])
        #expect(ack.seq == syn.seq &+ 1)
        #expect(ack.ack == synAck.seq &+ 1)
        #expect(ack.window == 502)
        #expect(ack.optionBytes.count == 12)
        #expect(Array(ack.optionBytes[0..<4]) == [1, 1, 8, 10])
        #expect(ack.options.timestamps?.echo == synAck.options.timestamps?.value)
        #expect(ack.ipID == syn.ipID &+ 1, "a connected socket's IP ID counts up")
        #expect(segments.allSatisfy { $0.checksumOK })
        #expect(client.connection?.mss == 1448)
        #expect(server.connection?.mss == 1448)
    }

    @Test func overlayAdvertisesMSS1410() throws {
        let t = Topologies.Overlay()
        let tap = RecordingTap()
        t.containerEths[0].addTap(tap)
        let listener = try t.containers[1].listenTCP(port: 8080)
        let server = Endpoint()
        listener.onAccept = { server.attach($0, simulation: t.simulation) }
        let client = Endpoint()
        let connection = try t.containers[0].connectTCP(to: Topologies.ip("10.0.1.4"), port: 8080)
        client.attach(connection, simulation: t.simulation)
        t.simulation.run(for: .milliseconds(100))
        try connection.send(patternBytes(10_000))
        t.simulation.run(for: .seconds(1))

        let segments = tap.tcpSegments()
        let syn = try #require(segments.first)
        #expect(syn.options.mss == 1410)
        #expect(syn.window == 64860, "rounddown(65536, 1410)")
        let synAck = try #require(segments.first { $0.flags == [.syn, .ack] })
        #expect(synAck.options.mss == 1410)
        #expect(synAck.window == 64308, "rounddown(65536, 1398)")
        let data = segments.filter { $0.payloadLength > 0 }
        #expect(data.map(\.payloadLength).max() == 1398, "1410 less the timestamp option")
        #expect(data.allSatisfy { $0.ipLength <= 1450 })
        #expect(server.received == patternBytes(10_000))
    }

    @Test func aSegmentToAClosedPortIsResetAndTheConnectRefused() throws {
        let t = Topologies.VethPair()
        let tap = RecordingTap()
        t.aEth.addTap(tap)
        _ = try t.b.listenTCP(port: 80)  // TCP exists in b, but nothing listens on 81
        let client = Endpoint()
        client.attach(try t.a.connectTCP(to: Topologies.ip("10.0.0.2"), port: 81), simulation: t.simulation)
        t.simulation.run(for: .seconds(1))
        #expect(client.closed == .refused)
        #expect(client.connection?.state == .closed)
        let segments = tap.tcpSegments()
        try #require(segments.count == 2)
        #expect(segments[1].flags == [.rst, .ack])
        #expect(segments[1].seq == 0)
        #expect(segments[1].ack == segments[0].seq &+ 1)
        #expect(segments[1].window == 0)
        #expect(t.b.tcp.counters.resetsForNoSocket == 1)
        #expect(t.a.tcp.counters.attemptFails == 1)
    }

    @Test func ephemeralPortsAreInTheRangeAndAvoidListenersAndInUseTuples() throws {
        let t = Topologies.VethPair()
        t.a.localPortRange = (40000, 40009)
        // A listener on an even port of the range in a: connect must skip it.
        _ = try t.a.listenTCP(port: 40004)
        _ = try t.b.listenTCP(port: 80)
        var ports: [UInt16] = []
        for _ in 0..<9 {
            let connection = try t.a.connectTCP(to: Topologies.ip("10.0.0.2"), port: 80)
            ports.append(connection.localPort)
        }
        #expect(Set(ports).count == 9)
        #expect(ports.allSatisfy { (40000...40009).contains($0) && $0 != 40004 })
        #expect(throws: SocketError.noEphemeralPorts) { try t.a.connectTCP(to: Topologies.ip("10.0.0.2"), port: 80) }
        // Another destination port makes other 4-tuples: the same local ports are usable again.
        let other = try t.a.connectTCP(to: Topologies.ip("10.0.0.2"), port: 81)
        #expect((40000...40009).contains(other.localPort))
    }

    @Test func listenErrors() throws {
        let t = Topologies.VethPair()
        _ = try t.b.listenTCP(port: 80)
        #expect(throws: SocketError.addressInUse) { try t.b.listenTCP(address: Topologies.ip("10.0.0.2"), port: 80) }
        #expect(throws: SocketError.addressNotAvailable) { try t.b.listenTCP(address: Topologies.ip("10.9.9.9"), port: 81) }
        #expect(throws: SocketError.networkUnreachable) { try t.a.connectTCP(to: Topologies.ip("192.168.1.1"), port: 80) }
        let exact = try t.b.listenTCP(address: Topologies.ip("127.0.0.1"), port: 82)
        #expect(exact.port == 82)
        let ephemeral = try t.b.listenTCP(port: 0)
        #expect((32768...60999).contains(Int(ephemeral.port)))
    }

    @Test func exactAddressListenerWinsOverTheWildcard() throws {
        let t = Topologies.VethPair()
        let wildcard = try t.b.listenTCP(port: 80)
        let exact = try t.b.listenTCP(address: Topologies.ip("127.0.0.1"), port: 8080)
        _ = exact
        var acceptedBy: [String] = []
        wildcard.onAccept = { _ in acceptedBy.append("wildcard") }
        let loopbackListener = try t.b.listenTCP(address: Topologies.ip("127.0.0.1"), port: 81)
        let anyListener81 = try? t.b.listenTCP(port: 81)
        #expect(anyListener81 == nil, "overlapping bind")
        loopbackListener.onAccept = { _ in acceptedBy.append("loopback") }
        _ = try t.a.connectTCP(to: Topologies.ip("10.0.0.2"), port: 80)
        _ = try t.b.connectTCP(to: Topologies.ip("127.0.0.1"), port: 81)
        t.simulation.run(for: .seconds(1))
        #expect(acceptedBy.sorted() == ["loopback", "wildcard"])
    }
}
