import Testing
@testable import SwarmSimCore
import TestSupport

/// SYN retransmission and connect timeout, RTO backoff, delayed ACKs.
@Suite struct TCPTimerTests {
    /// a and b on a veth pair where b's end is down and a knows b's MAC: a's segments leave and vanish.
    func blackHole() -> Topologies.VethPair {
        let t = Topologies.VethPair()
        t.a.addPermanentNeighbour(Topologies.ip("10.0.0.2"), mac: t.bEth.mac, device: t.aEth)
        t.bEth.setUp(false)
        return t
    }

    func synTimes(_ tap: RecordingTap) -> [Double] {
        let syns = tap.tcpSegments().filter { $0.flags == [.syn] }
        guard let first = syns.first else { return [] }
        return syns.map { ($0.time - first.time).nanoseconds }.map { Double($0) / 1e9 }
    }

    @Test func connectTimesOutAfterTheSYNRetriesWithLinuxSixFiveLinearTimeouts() throws {
        let t = blackHole()
        let tap = RecordingTap()
        t.aEth.addTap(tap)
        let client = Endpoint()
        client.attach(try t.a.connectTCP(to: Topologies.ip("10.0.0.2"), port: 80), simulation: t.simulation)
        t.simulation.run(for: .seconds(200))
        // tcp_syn_retries 6 + tcp_syn_linear_timeouts 4: 1, 1, 1, 1, 1, then 2, 4, 8, 16, 32 s apart.
        #expect(synTimes(tap) == [0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67])
        #expect(client.closed == .timedOut)
        #expect(client.closedAt == SimTime.zero + .seconds(131))
        let syns = tap.tcpSegments().filter { $0.flags == [.syn] }
        #expect(Set(syns.map(\.seq)).count == 1, "every retransmission repeats the ISN")
        #expect(Set(syns.map { $0.options.timestamps?.value ?? 0 }).count == syns.count, "with a fresh TSval")
    }

    @Test func classicExponentialSYNBackoffRetransmitsAfterOneTwoFourEightSixteenThirtyTwoSeconds() throws {
        let t = blackHole()
        t.a.tcp.settings.synLinearTimeouts = 0
        let tap = RecordingTap()
        t.aEth.addTap(tap)
        let client = Endpoint()
        client.attach(try t.a.connectTCP(to: Topologies.ip("10.0.0.2"), port: 80), simulation: t.simulation)
        t.simulation.run(for: .seconds(200))
        let times = synTimes(tap)
        #expect(times == [0, 1, 3, 7, 15, 31, 63])
        #expect(zip(times.dropFirst(), times).map { $0 - $1 } == [1, 2, 4, 8, 16, 32])
        #expect(client.closed == .timedOut)
        #expect(client.closedAt == SimTime.zero + .seconds(127))
    }

    @Test func dataRetransmissionsBackOffFromTheRTOFloorUntilTCPRetries2() throws {
        let t = Topologies.VethPair()
        t.a.addPermanentNeighbour(Topologies.ip("10.0.0.2"), mac: t.bEth.mac, device: t.aEth)
        let tap = RecordingTap()
        t.aEth.addTap(tap)
        _ = try t.b.listenTCP(port: 80)
        let client = Endpoint()
        let connection = try t.a.connectTCP(to: Topologies.ip("10.0.0.2"), port: 80)
        client.attach(connection, simulation: t.simulation)
        t.simulation.run(for: .milliseconds(10))
        #expect(connection.retransmissionTimeout == .milliseconds(200), "RTT ~0: srtt + rttvar floor of 200 ms")
        t.bEth.setUp(false)
        try connection.send(patternBytes(1000))
        t.simulation.run(for: .seconds(1100))
        let data = tap.tcpSegments().filter { $0.payloadLength > 0 }
        let start = try #require(data.first).time
        let times = data.map { Double(($0.time - start).nanoseconds / 1_000_000) / 1000 }
        #expect(Array(times.prefix(6)) == [0, 0.2, 0.6, 1.4, 3.0, 6.2])
        #expect(data.count == 16, "the original and tcp_retries2 = 15 retransmissions")
        #expect(client.closed == .timedOut)
        let closedAfter = try #require(client.closedAt) - start
        #expect(abs(Double(closedAfter.nanoseconds) / 1e9 - 924.6) < 0.01)
        #expect(connection.counters.timeouts == 16)
    }

    @Test func delayedACKsAfterTheQuickACKsAre40Milliseconds() throws {
        let t = Topologies.VethPair()
        let tap = RecordingTap()
        t.aEth.addTap(tap)
        let listener = try t.b.listenTCP(port: 80)
        var server: TCPConnection?
        listener.onAccept = { server = $0 }  // no onData: the data waits unread
        let connection = try t.a.connectTCP(to: Topologies.ip("10.0.0.2"), port: 80)
        t.simulation.run(for: .milliseconds(100))
        for _ in 0..<20 {
            try connection.send(Array(repeating: 0x61, count: 10))
            t.simulation.run(for: .milliseconds(100))
        }
        #expect(server?.receiveBuffer.count == 200)
        let segments = tap.tcpSegments().dropFirst(3)
        var delays: [Int64] = []
        for data in segments where data.payloadLength > 0 {
            let end = data.seq &+ UInt32(data.payloadLength)
            let ack = try #require(segments.first { $0.sourcePort == 80 && $0.ack == end })
            delays.append((ack.time - data.time).nanoseconds / 1_000_000)
        }
        // tcp_incr_quickack: 16 immediate ACKs at the start, then the 40 ms delayed ACK.
        #expect(delays == Array(repeating: 0, count: 16) + Array(repeating: 40, count: 4))
        #expect(server?.counters.delayedAcks == 4)
    }

    @Test func pingPongConnectionsDelayTheACKHopingToPiggyback() throws {
        let t = Topologies.VethPair()
        let tap = RecordingTap()
        t.aEth.addTap(tap)
        let listener = try t.b.listenTCP(port: 80)
        var requests = 0
        var server: TCPConnection?
        listener.onAccept = { connection in
            server = connection
            connection.onData = { _ in
                requests += 1
                // The first request is answered at once: an interactive (ping-pong) connection.
                if requests == 1 { try? connection.send(Array("response".utf8)) }
            }
        }
        let connection = try t.a.connectTCP(to: Topologies.ip("10.0.0.2"), port: 80)
        t.simulation.run(for: .milliseconds(100))
        try connection.send(Array("request 1".utf8))
        t.simulation.run(for: .milliseconds(200))
        let sent = t.simulation.now
        try connection.send(Array("request 2".utf8))
        t.simulation.run(for: .milliseconds(100))
        try server?.send(Array("late response".utf8))
        t.simulation.run(for: .milliseconds(100))

        let fromServer = tap.tcpSegments().filter { $0.sourcePort == 80 && $0.time >= sent }
        try #require(fromServer.count == 2)
        // The second request waits for its ACK: no reply within the ATO, so the delayed ACK.
        #expect(fromServer[0].payloadLength == 0)
        #expect(fromServer[0].time - sent == .milliseconds(40))
        #expect(fromServer[1].payloadLength == 13)
        // The first request: the quick ACK then the response (Linux ACKs before the application runs).
        let first = tap.tcpSegments().filter { $0.sourcePort == 80 && $0.time < sent }.dropFirst()
        #expect(first.map(\.payloadLength) == [0, 8])
    }
}
