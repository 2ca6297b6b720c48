import Testing
@testable import SwarmSimCore
import TestSupport

/// What a connection gives back when it is done: its timer events leave the queue, as
/// `sk_stop_timer` takes them off the kernel's timer wheel, and its retransmit-queue block goes
/// to the next connection, as a slab cache hands freed objects on.
@Suite struct TCPResourceTests {
    /// The client closes first, so it holds the TIME-WAIT; the server's side ends at the last ACK.
    @Test func aConnectionThatIsDoneLeavesNoTimerEventAndPassesItsBlockOn() throws {
        let t = Topologies.VethPair()
        t.a.tcp.settings.timeWaitLength = .milliseconds(100)
        let (client, server) = try t.clientAndServer()
        t.simulation.run(for: .milliseconds(10))
        let clientConnection = try #require(client.connection)
        let serverConnection = try #require(server.connection)
        // The SYN's and the SYN-ACK's retransmission events, due at the 1 s initial RTO, are
        // still queued: acknowledging the SYN disarms the timer without taking its event out.
        let clientEvent = try #require(clientConnection.retransmitTimer.handle)
        let serverEvent = try #require(serverConnection.retransmitTimer.handle)

        clientConnection.close()
        t.simulation.run(for: .milliseconds(10))
        #expect(server.endOfStream)
        serverConnection.close()
        t.simulation.run(for: .milliseconds(10))
        #expect(clientConnection.state == .timeWait && serverConnection.state == .closed)
        #expect(!t.simulation.cancel(clientEvent), "entering TIME-WAIT took the retransmission event out")
        #expect(!t.simulation.cancel(serverEvent), "the closed connection's event is gone, not merely idle")
        #expect(t.a.tcp.spareSegmentBlocks.count == 1 && t.b.tcp.spareSegmentBlocks.count == 1)

        let second = Endpoint()
        second.attach(try t.a.connectTCP(to: Topologies.ip("10.0.0.2"), port: 80), simulation: t.simulation)
        t.simulation.run(for: .milliseconds(10))
        #expect(second.connected)
        #expect(t.a.tcp.spareSegmentBlocks.isEmpty, "the SYN took the client's block")
        #expect(t.b.tcp.spareSegmentBlocks.isEmpty, "the SYN-ACK took the server's block")
    }

    /// Only blocks worth keeping are kept: not an empty one, not a bulk transfer's, not more than 64.
    @Test func onlySmallBlocksAreKeptAndAtMostSixtyFour() {
        let t = Topologies.VethPair()
        let tcp = t.a.tcp
        tcp.recycle([])
        #expect(tcp.spareSegmentBlocks.isEmpty)
        var large: [TCPSentSegment] = []
        large.reserveCapacity(100)
        tcp.recycle(large)
        #expect(tcp.spareSegmentBlocks.isEmpty)
        for _ in 0..<70 {
            var small: [TCPSentSegment] = []
            small.reserveCapacity(4)
            tcp.recycle(small)
        }
        #expect(tcp.spareSegmentBlocks.count == 64)
        withExtendedLifetime(t) {}
    }
}
