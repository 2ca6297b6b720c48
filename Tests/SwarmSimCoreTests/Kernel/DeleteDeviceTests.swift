import Testing
@testable import SwarmSimCore
import TestSupport

/// `ip link del`: what goes with a device, and that nothing still in flight can reach it.
@Suite struct DeleteDeviceTests {
    @Test func deletingAVethTakesItsPeerAddressesAndRoutes() throws {
        let t = Topologies.VethPair()
        let aIndex = t.aEth.ifindex
        let bIndex = t.bEth.ifindex
        t.a.deleteDevice(t.aEth)

        #expect(t.aEth.isDeleted && t.bEth.isDeleted, "veth_dellink unregisters both ends")
        #expect(!t.aEth.isUp && !t.bEth.isUp)
        #expect(t.a.device(named: "eth0") == nil)
        #expect(t.b.device(named: "eth0") == nil, "the peer in the other namespace is gone too")
        #expect(t.aEth.addresses.isEmpty && t.bEth.addresses.isEmpty)
        #expect(!t.a.mainTable.routes.contains { $0.device == aIndex })
        #expect(!t.a.localTable.routes.contains { $0.device == aIndex })
        #expect(!t.b.mainTable.routes.contains { $0.device == bIndex })
        #expect(!t.a.isLocalAddress(Topologies.ip("10.0.0.1")))
        #expect(t.a.isLocalAddress(Topologies.ip("127.0.0.1")), "lo is untouched")
        #expect(t.aEth.peer == nil && t.bEth.peer == nil)
    }

    @Test func routesThroughTheDeviceGoEvenStaticOnes() throws {
        let t = Topologies.VethPair()
        t.a.addDefaultRoute(via: Topologies.ip("10.0.0.2"))
        t.a.addRoute(Route(destination: IPv4Prefix(address: Topologies.ip("192.168.0.0"), length: 16), device: t.aEth.ifindex))
        #expect(t.a.mainTable.routes.count == 3)
        t.b.deleteDevice(t.bEth)
        #expect(t.a.mainTable.routes.isEmpty, "fib_sync_down_dev flushes every route whose nexthop device is gone")
    }

    @Test func deletingABridgePortDetachesItAndFlushesItsFDBEntries() throws {
        let t = Topologies.BridgeOfThree()
        let ping = try t.namespaces[0].openPingSocket()
        var replies = 0
        ping.onReply = { _, _ in replies += 1 }
        try ping.sendEcho(to: Topologies.ip("10.0.0.2"), sequence: 1, payload: [])
        t.simulation.run(for: .seconds(1))
        #expect(replies == 1)
        let port = t.ports[1]
        #expect(t.bridge.fdb.values.contains { $0.port == port.ifindex && !$0.isLocal }, "ns2's MAC was learned")

        t.world.machines[0].root.deleteDevice(port)
        #expect(port.master == nil)
        #expect(!t.bridge.ports.contains { $0 === port })
        #expect(t.bridge.ports.count == 2)
        #expect(!t.bridge.fdb.values.contains { $0.port == port.ifindex }, "br_fdb_delete_by_port")
        #expect(t.eths[1].isDeleted)
        #expect(t.namespaces[1].device(named: "eth0") == nil)

        // ns1 and ns3 still talk across the bridge.
        try ping.sendEcho(to: Topologies.ip("10.0.0.3"), sequence: 2, payload: [])
        t.simulation.run(for: .seconds(1))
        #expect(replies == 2)
    }

    @Test func deletingABridgeReleasesItsPorts() throws {
        let t = Topologies.BridgeOfThree()
        t.world.machines[0].root.deleteDevice(t.bridge)
        #expect(t.bridge.ports.isEmpty)
        #expect(t.ports.allSatisfy { $0.master == nil && !$0.isDeleted })
    }

    @Test func aPingAcrossADeletedVethFailsWithoutACrash() throws {
        let t = Topologies.VethPair()
        let ping = try t.a.openPingSocket()
        var replies = 0
        ping.onReply = { _, _ in replies += 1 }
        try ping.sendEcho(to: Topologies.ip("10.0.0.2"), sequence: 1, payload: [])
        t.simulation.run(for: .seconds(1))
        #expect(replies == 1)

        t.b.deleteDevice(t.bEth)
        #expect(throws: SocketError.networkUnreachable) {
            try ping.sendEcho(to: Topologies.ip("10.0.0.2"), sequence: 2, payload: [])
        }
        t.simulation.run(for: .seconds(60))
        #expect(replies == 1)
        #expect(t.a.neighbours.all.isEmpty, "neigh_ifdown flushed the entry for 10.0.0.2")
    }

    @Test func framesInFlightToADeletedDeviceAreDropped() throws {
        let t = Topologies.VethPair()
        let tap = RecordingTap()
        t.bEth.addTap(tap)
        let ping = try t.a.openPingSocket()
        var replies = 0
        ping.onReply = { _, _ in replies += 1 }
        try ping.sendEcho(to: Topologies.ip("10.0.0.2"), sequence: 1, payload: [])
        t.simulation.run(for: .seconds(1))
        let seen = tap.frames.count

        // The echo request is now parked in the world, its arrival event pending for b's eth0.
        try ping.sendEcho(to: Topologies.ip("10.0.0.2"), sequence: 2, payload: [])
        #expect(t.simulation.pendingCount > 0)
        t.b.deleteDevice(t.bEth)
        t.simulation.run(for: .seconds(60))

        #expect(replies == 1)
        #expect(t.world.drops["device eth0 deleted"] == 1)
        #expect(tap.frames.count == seen, "a deleted device's taps see nothing more")
        #expect(t.bEth.rxPackets == 2, "only the frames that arrived before the delete")
    }

    @Test func packetsWaitingForARPOnADeletedDeviceAreDropped() throws {
        let t = Topologies.VethPair()
        let ping = try t.a.openPingSocket()
        try ping.sendEcho(to: Topologies.ip("10.0.0.9"), sequence: 1, payload: [])
        #expect(t.a.neighbours.entry(for: Topologies.ip("10.0.0.9"), on: t.aEth.ifindex)?.state == .incomplete)
        t.a.deleteDevice(t.aEth)
        // The retransmission timer of the INCOMPLETE entry is still pending: it must find nothing.
        t.simulation.run(for: .seconds(10))
        #expect(t.world.drops["neighbour 10.0.0.9 deleted"] == 1)
        #expect(t.a.neighbours.all.isEmpty)
    }

    @Test func deviceNamesAreFreeAgainAfterADelete() throws {
        let t = Topologies.VethPair()
        let oldIndex = t.aEth.ifindex
        t.a.deleteDevice(t.aEth)
        let (a2, b2) = t.a.addVethPair("eth0", peerName: "eth0", peerNamespace: t.b)
        #expect(a2.ifindex > oldIndex, "ifindexes are not reused")
        t.a.addAddress(Topologies.address("10.0.0.1/24"), to: a2)
        t.b.addAddress(Topologies.address("10.0.0.2/24"), to: b2)
        let ping = try t.a.openPingSocket()
        var replies = 0
        ping.onReply = { _, _ in replies += 1 }
        try ping.sendEcho(to: Topologies.ip("10.0.0.2"), sequence: 1, payload: [])
        t.simulation.run(for: .seconds(1))
        #expect(replies == 1)
        #expect(t.a.device(named: "eth0") === a2)
    }

    @Test func deletingAVXLANDeviceFreesItsVNI() throws {
        let simulation = Simulation(seed: 1)
        let world = World(simulation: simulation)
        let machine = world.addMachine("host01")
        let overlay = machine.addNamespace("1-abc")
        let vxlan = overlay.addVXLAN("vxlan0", vni: 4097, underlay: machine.root)
        vxlan.addPermanentFDB(MACAddress(value: 0x02_42_0a_00_00_03), remote: Topologies.ip("192.168.0.3"))
        overlay.deleteDevice(vxlan)
        #expect(vxlan.fdb.isEmpty)
        #expect(!machine.root.vxlanEndpoints.isListening(on: 4789))
        let again = overlay.addVXLAN("vxlan0", vni: 4097, underlay: machine.root)
        #expect(machine.root.vxlanEndpoints.device(port: 4789, vni: 4097) === again)
    }
}
