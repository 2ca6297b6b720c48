import Testing
@testable import SwarmSimCore
import TestSupport

/// `ip netns del`: the namespace's devices, sockets and timers go with it.
@Suite struct DeleteNamespaceTests {
    /// ns1 (client) and ns2 (server) on the bridge of three, with one established connection
    /// moving data, one in TIME-WAIT on the server, a listener, a UDP and a ping socket in ns2.
    @Test func aNamespaceDeletedWithLiveSocketsDropsThemSilently() throws {
        let t = Topologies.BridgeOfThree()
        let machine = t.world.machines[0]
        let (client, server) = (t.namespaces[0], t.namespaces[1])
        let tap = RecordingTap()
        t.ports[0].addTap(tap)
        let listener = try server.listenTCP(port: 80)
        var accepted: [Endpoint] = []
        listener.onAccept = { connection in
            let endpoint = Endpoint()
            endpoint.attach(connection, simulation: t.simulation)
            accepted.append(endpoint)
        }
        let live = Endpoint()
        live.attach(try client.connectTCP(to: Topologies.ip("10.0.0.2"), port: 80), simulation: t.simulation)
        let finished = Endpoint()
        finished.attach(try client.connectTCP(to: Topologies.ip("10.0.0.2"), port: 80), simulation: t.simulation)
        t.simulation.run(for: .seconds(1))
        try #require(accepted.count == 2 && live.connected && finished.connected)
        // The server closes the second connection first, so it is the one left in TIME-WAIT.
        accepted[1].connection?.close()
        t.simulation.run(for: .seconds(1))
        finished.connection?.close()
        t.simulation.run(for: .seconds(1))
        #expect(server.tcp.timeWaitCount == 1)

        let udp = try server.openUDPSocket(port: 5000)
        let ping = try server.openPingSocket()
        // Data in both directions is in flight, with timers armed, at the moment of deletion.
        try accepted[0].connection?.send(patternBytes(20_000))
        try live.connection?.send(patternBytes(3_000))
        let framesBefore = tap.frames.count
        let veth2 = t.ports[1]
        machine.deleteNamespace(server)

        #expect(server.isDeleted)
        #expect(machine.namespace(named: "ns2") == nil)
        #expect(!machine.namespaces.contains { $0 === server })
        #expect(server.devices.isEmpty)
        #expect(veth2.isDeleted, "the veth peer in the root namespace went with it")
        #expect(!t.bridge.ports.contains { $0 === veth2 })
        #expect(server.tcp.allConnections.isEmpty && server.tcp.allListeners.isEmpty)
        #expect(server.tcp.timeWaitCount == 0)
        #expect(accepted[0].connection?.state == .closed)
        #expect(accepted[0].closed == nil, "the application is not told: it died with the namespace")
        #expect(listener.isClosed && udp.isClosed && ping.isClosed)
        #expect(throws: SocketError.closed) { try udp.send([1], to: Topologies.ip("10.0.0.1"), port: 9) }
        #expect(throws: SocketError.closed) { try accepted[0].connection?.send([1]) }

        // The client keeps retransmitting into the void until it gives up; no RST ever comes back.
        t.simulation.run(for: .seconds(3600))
        // ARP for the dead server fails, so the timeout reports that last soft error (EHOSTUNREACH).
        #expect(live.closed == .hostUnreachable)
        let resets = tap.tcpSegments().filter { $0.flags.contains(.rst) }
        #expect(resets.isEmpty)
        let fromServer = tap.frames[framesBefore...].filter { $0.ipv4?.source == Topologies.ip("10.0.0.2") }
        #expect(fromServer.isEmpty, "nothing leaves a deleted namespace")

        // The name is free again.
        let reborn = machine.addNamespace("ns2")
        #expect(machine.namespace(named: "ns2") === reborn)
    }

    @Test func pendingNamespaceTimersAreHarmless() throws {
        let t = Topologies.VethPair()
        let machine = t.world.machines[0]
        let ping = try t.b.openPingSocket()
        // An INCOMPLETE neighbour entry (its retransmission timer pending) and a datagram in flight to b.
        try ping.sendEcho(to: Topologies.ip("10.0.0.9"), sequence: 1, payload: [])
        let udp = try t.a.openUDPSocket()
        try udp.send(Array(repeating: 7, count: 1400), to: Topologies.ip("10.0.0.2"), port: 9)
        machine.deleteNamespace(t.b)
        #expect(t.aEth.isDeleted)
        let dispatched = t.simulation.runUntilIdle()
        #expect(dispatched > 0)
        #expect(t.b.neighbours.all.isEmpty)
        #expect(machine.namespaces.count == 2)
    }

    @Test func vxlanDevicesWhoseSocketLivedThereAreDeleted() throws {
        let simulation = Simulation(seed: 1)
        let world = World(simulation: simulation)
        let machine = world.addMachine("host01")
        let underlay = machine.addNamespace("under")
        let overlay = machine.addNamespace("1-abc")
        let vxlan = overlay.addVXLAN("vxlan0", vni: 4097, underlay: underlay)
        machine.deleteNamespace(underlay)
        #expect(vxlan.isDeleted)
        #expect(overlay.device(named: "vxlan0") == nil)
        #expect(overlay.device(named: "lo") != nil)
    }
}
