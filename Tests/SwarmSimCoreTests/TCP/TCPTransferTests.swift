import Testing
@testable import SwarmSimCore
import TestSupport

/// Data both ways, closing (orderly, half-close, abort), TIME-WAIT and flow control.
@Suite struct TCPTransferTests {
    /// A client in a and a server in b (VethPair) with the server's connection recorded.
    struct Pair {
        let t = Topologies.VethPair()
        let tap = RecordingTap()
        let listener: TCPListener
        let client = Endpoint()
        let server = Endpoint()

        init(port: UInt16 = 80, configureServer: ((TCPConnection) -> Void)? = nil) throws {
            t.aEth.addTap(tap)
            listener = try t.b.listenTCP(port: port)
            let server = self.server
            let simulation = t.simulation
            listener.onAccept = { connection in
                server.attach(connection, simulation: simulation)
                configureServer?(connection)
            }
            client.attach(try t.a.connectTCP(to: Topologies.ip("10.0.0.2"), port: port), simulation: t.simulation)
        }

        var clientConnection: TCPConnection { client.connection! }
        var serverConnection: TCPConnection { server.connection! }
    }

    /// Checks that each direction's data segments follow one another without gaps or overlaps.
    func expectContiguous(_ segments: [SeenSegment], from port: UInt16, sourceLocation: SourceLocation = #_sourceLocation) {
        let data = segments.filter { $0.sourcePort == port && ($0.payloadLength > 0 || $0.flags.contains(.fin)) }
        var next: UInt32?
        for segment in data {
            if let next { #expect(segment.seq == next, "gap or overlap at \(segment)", sourceLocation: sourceLocation) }
            next = segment.seq &+ UInt32(segment.payloadLength) &+ (segment.flags.contains(.fin) ? 1 : 0)
        }
    }

    @Test func dataBothWaysInFullSegmentsWithPushOnTheLastSegmentOfAWrite() throws {
        let pair = try Pair()
        let request = patternBytes(100_000, seed: 1)
        let response = patternBytes(50_000, seed: 2)
        pair.t.simulation.run(for: .milliseconds(10))
        try pair.clientConnection.send(request)
        pair.t.simulation.run(for: .seconds(1))
        #expect(pair.server.received == request)
        try pair.serverConnection.send(response)
        pair.t.simulation.run(for: .seconds(1))
        #expect(pair.client.received == response)

        let segments = pair.tap.tcpSegments()
        let clientPort = pair.clientConnection.localPort
        let fromClient = segments.filter { $0.sourcePort == clientPort && $0.payloadLength > 0 }
        let fromServer = segments.filter { $0.sourcePort == 80 && $0.payloadLength > 0 }
        #expect(fromClient.count == (100_000 + 1447) / 1448)
        #expect(fromClient.dropLast().allSatisfy { $0.payloadLength == 1448 })
        #expect(fromClient.last?.payloadLength == 100_000 % 1448)
        #expect(fromClient.last?.flags == [.ack, .psh])
        #expect(fromServer.last?.flags == [.ack, .psh])
        #expect(fromServer.dropLast().allSatisfy { $0.payloadLength == 1448 })
        expectContiguous(segments, from: clientPort)
        expectContiguous(segments, from: 80)
        #expect(pair.clientConnection.counters.retransmittedSegments == 0)
        #expect(pair.serverConnection.counters.retransmittedSegments == 0)
        #expect(pair.clientConnection.counters.bytesAcked == 100_000)
        #expect(pair.serverConnection.counters.bytesReceived == 100_000)
        // Every segment acknowledges what the other side has sent so far, never more.
        #expect(segments.allSatisfy { $0.checksumOK && $0.dontFragment })
        // The receive window is scaled by 7: about 64 KB in units of 128. (Over a zero-delay veth
        // the whole transfer takes no simulated time, so autotuning never measures an RTT.)
        let serverWindows = segments.filter { $0.sourcePort == 80 && $0.flags == [.ack] }.map(\.window)
        #expect(serverWindows.allSatisfy { $0 >= 501 })
    }

    @Test func dataWrittenBeforeTheHandshakeCompletesCarriesTheThirdACK() throws {
        let pair = try Pair()
        try pair.clientConnection.send(Array("GET / HTTP/1.1\r\n\r\n".utf8))
        pair.t.simulation.run(for: .seconds(1))
        let segments = pair.tap.tcpSegments()
        #expect(segments.count >= 4)
        #expect(segments[2].flags == [.ack, .psh])
        #expect(segments[2].payloadLength == 18)
        #expect(pair.server.received.count == 18)
    }

    @Test func orderlyCloseEntersTimeWaitForSixtySeconds() throws {
        let pair = try Pair { connection in
            connection.onEndOfStream = { connection.close() }
        }
        pair.t.simulation.run(for: .milliseconds(10))
        try pair.clientConnection.send(Array("hello".utf8))
        pair.clientConnection.shutdownWrite()
        pair.t.simulation.run(for: .seconds(1))

        #expect(pair.server.received == Array("hello".utf8))
        #expect(pair.client.endOfStream)
        #expect(pair.client.closed == .normal)
        #expect(pair.clientConnection.state == .timeWait)
        #expect(pair.serverConnection.state == .closed, "LAST-ACK ended with the ACK of its FIN")
        #expect(pair.t.a.tcp.timeWaitCount == 1)
        let segments = pair.tap.tcpSegments()
        // The data went out at once and the FIN after it; the server ACKs the data at once
        // (quick-ack), its application closes on end-of-stream, so its FIN acknowledges the
        // client's; the client's ACK ends it.
        let afterHandshake = segments.dropFirst(3).map { "\($0.sourcePort == 80 ? "S" : "C") \($0.flags)" }
        #expect(afterHandshake == ["C PSH,ACK", "C FIN,ACK", "S ACK", "S FIN,ACK", "C ACK"])
        expectContiguous(segments, from: pair.clientConnection.localPort)

        pair.t.simulation.run(for: .seconds(58))
        #expect(pair.clientConnection.state == .timeWait)
        pair.t.simulation.run(for: .seconds(2))
        #expect(pair.clientConnection.state == .closed)
        #expect(pair.t.a.tcp.timeWaitCount == 0)
        #expect(pair.t.a.tcp.allConnections.isEmpty)
        #expect(pair.t.b.tcp.allConnections.isEmpty)
    }

    @Test func timeWaitLengthCanBeShortened() throws {
        let pair = try Pair { connection in connection.onEndOfStream = { connection.close() } }
        pair.t.a.tcp.settings.timeWaitLength = .seconds(2)
        pair.t.simulation.run(for: .milliseconds(10))
        pair.clientConnection.close()
        pair.t.simulation.run(for: .seconds(1))
        #expect(pair.clientConnection.state == .timeWait)
        pair.t.simulation.run(for: .seconds(2))
        #expect(pair.clientConnection.state == .closed)
    }

    @Test func halfCloseKeepsTheOtherDirectionOpen() throws {
        let response = patternBytes(20_000, seed: 3)
        let pair = try Pair { connection in
            connection.onEndOfStream = {
                // The request is complete: answer, then close.
                try? connection.send(response)
                connection.close()
            }
        }
        pair.t.simulation.run(for: .milliseconds(10))
        try pair.clientConnection.send(Array("request".utf8))
        pair.clientConnection.shutdownWrite()
        pair.t.simulation.run(for: .milliseconds(100))
        #expect(pair.client.received == response)
        #expect(pair.client.events == ["connected", "eof", "closed normal"])
        #expect(throws: SocketError.closed) { try pair.clientConnection.send([1]) }
        #expect(pair.clientConnection.state == .timeWait)
        let segments = pair.tap.tcpSegments()
        let clientFIN = try #require(segments.firstIndex { $0.sourcePort != 80 && $0.flags.contains(.fin) })
        let serverData = segments.indices.filter { segments[$0].sourcePort == 80 && segments[$0].payloadLength > 0 }
        #expect(serverData.allSatisfy { $0 > clientFIN }, "the server sends after the client's FIN")
        #expect(segments.last { $0.sourcePort == 80 }?.flags.contains(.fin) == true)
    }

    @Test func abortSendsAResetAndThePeerSeesConnectionReset() throws {
        let pair = try Pair()
        pair.t.simulation.run(for: .milliseconds(10))
        pair.clientConnection.abort()
        pair.t.simulation.run(for: .milliseconds(10))
        #expect(pair.server.closed == .reset)
        #expect(pair.client.closed == nil, "the application that aborted hears nothing")
        let reset = try #require(pair.tap.tcpSegments().last)
        #expect(reset.flags == [.rst, .ack])
        #expect(reset.options.timestamps != nil, "tcp_send_active_reset carries timestamps")
        #expect(pair.t.a.tcp.allConnections.isEmpty && pair.t.b.tcp.allConnections.isEmpty)
    }

    @Test func closeWithUnreadDataResets() throws {
        let pair = try Pair { connection in connection.onData = nil }
        pair.t.simulation.run(for: .milliseconds(10))
        // The server reads nothing: the bytes wait in its receive buffer.
        try pair.clientConnection.send(Array("unread".utf8))
        pair.t.simulation.run(for: .milliseconds(10))
        #expect(pair.serverConnection.receiveBuffer == Array("unread".utf8))
        pair.serverConnection.close()
        pair.t.simulation.run(for: .milliseconds(10))
        #expect(pair.tap.tcpSegments().last?.flags == [.rst, .ack])
        #expect(pair.client.closed == .reset)
    }

    @Test func dataForAClosedSocketIsAnsweredWithReset() throws {
        let pair = try Pair()
        pair.t.simulation.run(for: .milliseconds(10))
        // The server closes; the client keeps sending before it reads the FIN.
        pair.serverConnection.close()
        try pair.clientConnection.send([1, 2, 3])
        pair.t.simulation.run(for: .milliseconds(10))
        #expect(pair.client.closed == .reset)
        #expect(pair.t.b.tcp.allConnections.isEmpty)
    }

    @Test func aReceiverThatDoesNotReadClosesTheWindowAndTheSenderProbes() throws {
        let pair = try Pair { connection in connection.onData = nil }
        pair.t.simulation.run(for: .milliseconds(10))
        let payload = patternBytes(300_000, seed: 9)
        try pair.clientConnection.send(payload)
        pair.t.simulation.run(for: .seconds(2))
        let server = pair.serverConnection
        #expect(server.receiveBuffer.count < payload.count)
        #expect(server.receiveBuffer.count > 50_000)
        let segments = pair.tap.tcpSegments()
        #expect(segments.contains { $0.sourcePort == 80 && $0.window == 0 }, "a zero window is advertised")
        // Probes: ACK-only segments one below snd_una.
        let probes = segments.filter { $0.sourcePort != 80 && $0.payloadLength == 0 && $0.flags == [.ack] && $0.seq != segments.last!.ack }
        #expect(!probes.isEmpty)
        // The application reads everything: the window opens and the rest arrives.
        var collected: [UInt8] = server.read()
        for _ in 0..<40 {
            pair.t.simulation.run(for: .seconds(1))
            collected += server.read()
            if collected.count == payload.count { break }
        }
        #expect(collected == payload)
    }
}

@Suite struct TCPSendQueueTests {
    /// An answer written into an empty send buffer is shared, not copied; acknowledging and
    /// writing more behave as with copied bytes.
    @Test func sendBufferTakesAWholeWriteAsItIs() {
        var buffer = TCPSendBuffer(startSeq: 1000)
        let answer: [UInt8] = Array(0..<100)
        buffer.append(answer)
        #expect(buffer.bytes.withUnsafeBufferPointer { $0.baseAddress } == answer.withUnsafeBufferPointer { $0.baseAddress })
        buffer.append([200, 201])
        #expect(buffer.count == 102 && buffer.endSeq == 1102)
        #expect(answer.count == 100)
        buffer.acknowledge(upTo: 1100)
        var out = [UInt8](repeating: 0, count: 2)
        out.withUnsafeMutableBytes { buffer.copy(from: 1100, length: 2, to: $0) }
        #expect(out == [200, 201])
    }

    /// Push marks come out oldest first, each consumed by the first segment that reaches it.
    @Test func pushMarksInOrder() {
        var marks = TCPPushMarks()
        var pushed = false
        pushed = marks.take(upTo: 5000)
        #expect(!pushed)
        marks.append(1000)
        marks.append(2000)
        marks.append(3000)
        pushed = marks.take(upTo: 999)
        #expect(!pushed)
        pushed = marks.take(upTo: 2500)
        #expect(pushed)
        pushed = marks.take(upTo: 2999)
        #expect(!pushed)
        pushed = marks.take(upTo: 3000)
        #expect(pushed)
        pushed = marks.take(upTo: 9000)
        #expect(!pushed)
        marks.append(UInt32.max - 10)
        pushed = marks.take(upTo: 5)
        #expect(pushed)  // sequence numbers wrap
    }
}
