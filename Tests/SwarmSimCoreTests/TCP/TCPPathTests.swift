import Testing
@testable import SwarmSimCore
import TestSupport

/// Less common paths: connections without SACK or timestamps (plain NewReno on duplicate
/// ACKs), simultaneous close, accept-queue overflow, loopback.
@Suite struct TCPPathTests {
    @Test func withoutSACKTimestampsOrScalingNewRenoRecoversFromLoss() throws {
        let t = Topologies.Overlay(seed: 11, link: LinkProperties(loss: 0.03))
        for namespace in t.containers {
            namespace.tcp.settings.sack = false
            namespace.tcp.settings.timestamps = false
            namespace.tcp.settings.windowScaling = false
        }
        let tap = RecordingTap()
        t.containerEths[0].addTap(tap)
        let listener = try t.containers[1].listenTCP(port: 9000)
        var received: [UInt8] = []
        listener.onAccept = { connection in connection.onData = { received += $0 } }
        let connection = try t.containers[0].connectTCP(to: Topologies.ip("10.0.1.4"), port: 9000)
        let payload = patternBytes(300_000, seed: 8)
        connection.onConnected = { try? connection.send(payload) }
        t.simulation.run(for: .seconds(60))
        #expect(received == payload)
        let segments = tap.tcpSegments()
        let syn = try #require(segments.first)
        #expect(syn.optionBytes == [2, 4, 0x05, 0x82], "MSS 1410 alone")
        #expect(syn.window == 64860)
        #expect(segments.filter { $0.payloadLength > 0 }.map(\.payloadLength).max() == 1410)
        #expect(segments.allSatisfy { $0.options.sackBlocks.isEmpty && $0.options.timestamps == nil })
        #expect(connection.counters.retransmittedSegments > 0)
        #expect(connection.counters.fastRecoveries > 0, "three duplicate ACKs start fast recovery")
    }

    @Test func simultaneousCloseGoesThroughClosingToTimeWaitOnBothSides() throws {
        let t = Topologies.VethPair()
        let tap = RecordingTap()
        t.aEth.addTap(tap)
        let (client, server) = try t.clientAndServer()
        t.simulation.run(for: .milliseconds(10))
        client.connection?.shutdownWrite()
        server.connection?.shutdownWrite()
        #expect(client.connection?.state == .finWait1 && server.connection?.state == .finWait1)
        t.simulation.run(for: .milliseconds(10))
        #expect(client.connection?.state == .timeWait)
        #expect(server.connection?.state == .timeWait)
        #expect(client.closed == .normal && server.closed == .normal)
        let flags = tap.tcpSegments().dropFirst(3).map(\.flags)
        #expect(flags == [[.fin, .ack], [.fin, .ack], [.ack], [.ack]])
    }

    @Test func aFullAcceptQueueDropsTheFinalACKUntilTheApplicationAccepts() throws {
        let t = Topologies.VethPair()
        let listener = try t.b.listenTCP(port: 80, backlog: 0)
        var clients: [Endpoint] = []
        for _ in 0..<3 {
            let client = Endpoint()
            client.attach(try t.a.connectTCP(to: Topologies.ip("10.0.0.2"), port: 80), simulation: t.simulation)
            clients.append(client)
        }
        t.simulation.run(for: .milliseconds(10))
        // backlog 0 still admits one connection (sk_acceptq_is_full is "more than backlog").
        #expect(listener.acceptQueue.count == 1)
        #expect(t.b.tcp.counters.listenOverflows > 0)
        #expect(clients.allSatisfy { $0.connected }, "the clients sent their ACK and think they are connected")
        var accepted: [TCPConnection] = []
        while let connection = listener.accept() { accepted.append(connection) }
        // The SYN-ACK retransmissions (1 s, then 2 s later) draw the ACKs again.
        for _ in 0..<4 {
            t.simulation.run(for: .seconds(1))
            while let connection = listener.accept() { accepted.append(connection) }
        }
        #expect(accepted.count == 3)
        #expect(accepted.allSatisfy { $0.state == .established })
    }

    @Test func loopbackConnectionsUseTheLoopbackMSS() throws {
        let t = Topologies.VethPair()
        let listener = try t.a.listenTCP(address: .loopback, port: 6379)
        var received = 0
        listener.onAccept = { connection in connection.onData = { received += $0.count } }
        let connection = try t.a.connectTCP(to: .loopback, port: 6379)
        connection.onConnected = { try? connection.send(patternBytes(300_000)) }
        t.simulation.run(for: .seconds(1))
        #expect(received == 300_000)
        #expect(connection.advertisedMSS == 65495)
        // 65495 less the timestamp option, bounded by half the largest window the peer offered
        // (tcp_bound_to_half_wnd): the peer's window stays near 64 KB when no time passes.
        #expect(connection.mss == min(65483, connection.peerWindow / 2))
        #expect(connection.localAddress == .loopback)
    }
}
