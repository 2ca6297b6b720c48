import Testing
@testable import SwarmSimCore
import TestSupport

@Suite struct BridgeTests {
    @Test func arpIsFloodedThenUnicastIsForwardedByTheLearnedPort() throws {
        let t = Topologies.BridgeOfThree()
        let taps = t.eths.map { eth -> RecordingTap in
            let tap = RecordingTap()
            eth.addTap(tap)
            return tap
        }
        let ping = try t.namespaces[0].openPingSocket()
        var replies = 0
        ping.onReply = { _, _ in replies += 1 }
        try ping.sendEcho(to: Topologies.ip("10.0.0.2"), sequence: 1, payload: Array(repeating: 0, count: 56))
        t.simulation.run(for: .seconds(1))

        #expect(replies == 1)
        // ns3 saw only the flooded broadcast ARP request, nothing of the unicast exchange.
        #expect(taps[2].frames.count == 1)
        #expect(taps[2].frames.first?.arp?.targetIP == Topologies.ip("10.0.0.2"))
        #expect(taps[1].frames.map(\.etherType) == [.arp, .arp, .ipv4, .ipv4])
        // The bridge learned ns1's and ns2's MACs on their ports, and not ns3's.
        #expect(t.bridge.lookup(t.eths[0].mac)?.port == t.ports[0].ifindex)
        #expect(t.bridge.lookup(t.eths[1].mac)?.port == t.ports[1].ifindex)
        #expect(t.bridge.lookup(t.eths[2].mac) == nil)
    }

    /// Forwarding follows the port list: a released port gets nothing (its entries are flushed
    /// and it is no longer flooded to), and once enslaved again it is forwarded to again.
    @Test func forwardingFollowsPortsReleasedAndAddedAgain() throws {
        let t = Topologies.BridgeOfThree()
        let ping = try t.namespaces[0].openPingSocket()
        var replies = 0
        ping.onReply = { _, _ in replies += 1 }
        let target = Topologies.ip("10.0.0.2")
        try ping.sendEcho(to: target, sequence: 1, payload: [])
        t.simulation.run(for: .seconds(1))
        #expect(replies == 1)

        let tap = RecordingTap()
        t.eths[1].addTap(tap)
        t.bridge.removePort(t.ports[1])
        #expect(t.bridge.lookup(t.eths[1].mac) == nil)
        try ping.sendEcho(to: target, sequence: 2, payload: [])
        t.simulation.run(for: .seconds(1))
        #expect(replies == 1 && tap.frames.isEmpty, "nothing reaches a released port")

        t.bridge.addPort(t.ports[1])
        try ping.sendEcho(to: target, sequence: 3, payload: [])
        t.simulation.run(for: .seconds(1))
        #expect(replies == 2)
        #expect(t.bridge.lookup(t.eths[1].mac)?.port == t.ports[1].ifindex)
    }

    @Test func learnedEntriesAgeOutAfterThreeHundredSeconds() throws {
        let t = Topologies.BridgeOfThree()
        let ping = try t.namespaces[0].openPingSocket()
        try ping.sendEcho(to: Topologies.ip("10.0.0.2"), sequence: 1, payload: [])
        t.simulation.run(for: .seconds(1))
        #expect(t.bridge.lookup(t.eths[0].mac) != nil)
        // ARP probing keeps traffic going for a while; after it stops the entries age out.
        t.simulation.run(until: SimTime.zero + .seconds(400))
        #expect(t.bridge.lookup(t.eths[0].mac) == nil)
        #expect(t.bridge.lookup(t.ports[0].mac)?.isLocal == true, "local entries never age")
    }

    @Test func theBridgeIsAnL3InterfaceToo() throws {
        let t = Topologies.BridgeOfThree()
        t.world.machines[0].root.addAddress(Topologies.address("10.0.0.254/24"), to: t.bridge)
        let ping = try t.namespaces[2].openPingSocket()
        var from: [IPv4Address] = []
        ping.onReply = { _, reply in from.append(reply.from) }
        try ping.sendEcho(to: Topologies.ip("10.0.0.254"), sequence: 1, payload: [])
        t.simulation.run(for: .seconds(1))
        #expect(from == [Topologies.ip("10.0.0.254")])
    }
}
