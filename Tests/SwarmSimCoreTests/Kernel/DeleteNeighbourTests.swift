import Testing
@testable import SwarmSimCore
import TestSupport

/// `ip neigh del ADDR dev DEV`.
@Suite struct DeleteNeighbourTests {
    @Test func theNextPacketResolvesTheAddressAgain() throws {
        let t = Topologies.VethPair()
        let tap = RecordingTap()
        t.aEth.addTap(tap)
        let ping = try t.a.openPingSocket()
        var replies = 0
        ping.onReply = { _, _ in replies += 1 }
        try ping.sendEcho(to: Topologies.ip("10.0.0.2"), sequence: 1, payload: [])
        t.simulation.run(for: .seconds(1))
        #expect(t.a.neighbours.entry(for: Topologies.ip("10.0.0.2"), on: t.aEth.ifindex)?.state == .reachable)
        #expect(tap.frames(ofType: .arp).count == 2)

        let deleted = t.a.deleteNeighbour(Topologies.ip("10.0.0.2"), device: t.aEth)
        #expect(deleted)
        #expect(t.a.neighbours.entry(for: Topologies.ip("10.0.0.2"), on: t.aEth.ifindex) == nil)
        let again = t.a.deleteNeighbour(Topologies.ip("10.0.0.2"), device: t.aEth)
        #expect(!again, "RTNETLINK answers: No such file or directory")

        try ping.sendEcho(to: Topologies.ip("10.0.0.2"), sequence: 2, payload: [])
        t.simulation.run(for: .seconds(1))
        #expect(replies == 2)
        let arps = tap.frames(ofType: .arp)
        #expect(arps.count == 4, "a fresh request and its reply")
        #expect(arps[2].arp?.operation == .request && arps[2].destination == .broadcast)
        #expect(t.a.neighbours.entry(for: Topologies.ip("10.0.0.2"), on: t.aEth.ifindex)?.state == .reachable)
    }

    @Test func aPermanentEntryCanBeDeleted() throws {
        let t = Topologies.VethPair()
        t.a.addPermanentNeighbour(Topologies.ip("10.0.0.7"), mac: MACAddress(value: 0x02_42_0a_00_00_07), device: t.aEth)
        #expect(t.a.neighbours.entry(for: Topologies.ip("10.0.0.7"), on: t.aEth.ifindex)?.state == .permanent)
        #expect(t.a.deleteNeighbour(Topologies.ip("10.0.0.7"), device: t.aEth))
        #expect(t.a.neighbours.all.isEmpty)
    }

    @Test func packetsWaitingForTheEntryAreDropped() throws {
        let t = Topologies.VethPair()
        let ping = try t.a.openPingSocket()
        try ping.sendEcho(to: Topologies.ip("10.0.0.9"), sequence: 1, payload: [])
        #expect(t.a.deleteNeighbour(Topologies.ip("10.0.0.9"), device: t.aEth))
        t.simulation.run(for: .seconds(10))
        #expect(t.world.drops["neighbour 10.0.0.9 deleted"] == 1)
        #expect(t.world.drops["neighbour 10.0.0.9 unreachable"] == nil, "the pending timer found no entry to fail")
    }
}
