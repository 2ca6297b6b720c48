import SwarmSimCore
import SwarmSimSwarm
import Testing
import TestSupport

/// What libnetwork's deletes leave behind: nothing (sandbox namespaces deleted, overlay `vethN`
/// freed for the lowest-free index, peerdb neighbours deleted, swarm leave back to a bare host).
@Suite struct NodeTeardownTests {
    static func containerID(_ c: Character) -> String { String(repeating: c, count: 64) }

    @discardableResult
    static func create(_ daemon: NodeDaemon, _ c: Character, address: String) -> NetworkNamespace {
        let endpoint = EndpointConfig(network: NodeTestCluster.appnet, address: NodeTestCluster.ip(address))
        return daemon.createContainer(id: containerID(c), name: "app.\(c)", endpoints: [endpoint], gateway: true, hostPorts: [])
    }

    @Test func aRemovedContainerCanBeCreatedAgainAndItsVethIndexIsReused() throws {
        let cluster = NodeTestCluster()
        let daemon = cluster.daemons[0]
        let overlayName = "1-" + NodeTestCluster.appnet.id.prefix(10)
        let first = Self.create(daemon, "a", address: "10.0.1.3")
        let second = Self.create(daemon, "b", address: "10.0.1.4")
        let overlay = try #require(daemon.machine.namespace(named: overlayName))
        #expect(overlay.device(named: "veth0")?.isUp == true && overlay.device(named: "veth1")?.isUp == true)
        let hostVeths = daemon.machine.root.devices.filter { $0 is VethDevice }.count

        daemon.removeContainer(id: Self.containerID("a"))
        #expect(first.isDeleted)
        #expect(daemon.machine.namespace(named: "aaaaaaaaaaaa") == nil)
        #expect(!daemon.namespaceNames.contains("aaaaaaaaaaaa"))
        #expect(overlay.device(named: "veth0") == nil, "the overlay side went with the container's eth0")
        #expect(daemon.machine.root.devices.filter { $0 is VethDevice }.count == hostVeths - 1,
            "the host-side docker_gwbridge veth went with the container's eth1")

        let again = Self.create(daemon, "a", address: "10.0.1.3")
        #expect(again !== first)
        #expect(daemon.machine.namespace(named: "aaaaaaaaaaaa") === again)
        let port = try #require((again.device(named: "eth0") as? VethDevice)?.peer)
        #expect(port.name == "veth0", "libnetwork takes the lowest free vethN")
        #expect(port.namespace === overlay)

        // The re-created container reaches its neighbour across br0 and the gateway bridge.
        let ping = try again.openPingSocket()
        var replies: [IPv4Address] = []
        ping.onReply = { _, reply in replies.append(reply.from) }
        try ping.sendEcho(to: NodeTestCluster.ip("10.0.1.4"), sequence: 1, payload: [])
        try ping.sendEcho(to: NodeTestCluster.ip("172.18.0.1"), sequence: 2, payload: [])
        cluster.simulation.run(for: .seconds(1))
        #expect(replies.sorted { $0.value < $1.value } == [NodeTestCluster.ip("10.0.1.4"), NodeTestCluster.ip("172.18.0.1")])
        _ = second
    }

    @Test func aRemovedPeersNeighbourEntryIsDeleted() throws {
        let cluster = NodeTestCluster()
        let daemon = cluster.daemons[0]
        Self.create(daemon, "a", address: "10.0.1.3")
        let peer = NodeTestCluster.ip("10.0.1.9")
        let mac = MACAddress.docker(for: peer)
        daemon.addPeer(networkID: NodeTestCluster.appnet.id, address: peer, mac: mac, vtep: NodeTestCluster.underlay[1])
        let overlay = try #require(daemon.machine.namespace(named: "1-" + NodeTestCluster.appnet.id.prefix(10)))
        let vxlan = try #require(overlay.device(named: "vxlan0") as? VXLANDevice)
        #expect(overlay.neighbours.entry(for: peer, on: vxlan.ifindex)?.state == .permanent)

        daemon.removePeer(networkID: NodeTestCluster.appnet.id, address: peer, mac: mac, vtep: NodeTestCluster.underlay[1])
        #expect(overlay.neighbours.entry(for: peer, on: vxlan.ifindex) == nil)
        #expect(vxlan.lookup(mac) == nil)
    }

    @Test func leavingTheSwarmLeavesABareHost() throws {
        let cluster = NodeTestCluster()
        _ = try cluster.publishWebService()
        let daemon = cluster.daemons[0]
        daemon.createLoadBalancerSandbox(NodeTestCluster.appnet, address: NodeTestCluster.ip("10.0.1.2"))
        #expect(daemon.namespaceNames.count > 3)
        daemon.leaveSwarm()
        #expect(daemon.namespaceNames == [""])
        #expect(daemon.machine.root.devices.map(\.name) == ["lo", "eth0"])
        #expect(!daemon.machine.root.mainTable.routes.contains { $0.destination.address == NodeTestCluster.ip("172.18.0.0") })
        // Joining again builds everything afresh.
        daemon.joinIngress(NodeTestCluster.ingress, sandboxAddress: NodeTestCluster.ip("10.0.0.2"))
        #expect(daemon.namespaceNames.contains("ingress_sbox"))
    }
}
