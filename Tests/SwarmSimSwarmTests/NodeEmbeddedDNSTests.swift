import SwarmSimCore
import SwarmSimSwarm
import Testing
import TestSupport

/// The embedded DNS NAT of fidelity 5: 127.0.0.11:53 inside a container reaches the
/// resolver's random ports, and answers come back from :53.
@Suite struct NodeEmbeddedDNSTests {
    static let id = String(repeating: "d", count: 64)

    @Test func resolverRulesAndAQueryRoundTrip() throws {
        let cluster = NodeTestCluster()
        let daemon = cluster.daemons[0]
        let ns = daemon.createContainer(
            id: Self.id, name: "c", endpoints: [EndpointConfig(network: NodeTestCluster.appnet, address: NodeTestCluster.ip("10.0.1.9"))],
            gateway: true, hostPorts: [])
        let ports = try #require(daemon.dnsPorts(containerID: Self.id))
        #expect(ports.udp != ports.tcp)
        #expect((32768...60999).contains(Int(ports.udp)) && (32768...60999).contains(Int(ports.tcp)))
        #expect(daemon.iptablesSave(namespace: "dddddddddddd") == """
            *nat
            :PREROUTING ACCEPT [0:0]
            :INPUT ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            :POSTROUTING ACCEPT [0:0]
            :DOCKER_OUTPUT - [0:0]
            :DOCKER_POSTROUTING - [0:0]
            -A OUTPUT -d 127.0.0.11/32 -j DOCKER_OUTPUT
            -A POSTROUTING -d 127.0.0.11/32 -j DOCKER_POSTROUTING
            -A DOCKER_OUTPUT -d 127.0.0.11/32 -p tcp -m tcp --dport 53 -j DNAT --to-destination 127.0.0.11:\(ports.tcp)
            -A DOCKER_OUTPUT -d 127.0.0.11/32 -p udp -m udp --dport 53 -j DNAT --to-destination 127.0.0.11:\(ports.udp)
            -A DOCKER_POSTROUTING -s 127.0.0.11/32 -p tcp -m tcp --sport \(ports.tcp) -j SNAT --to-source :53
            -A DOCKER_POSTROUTING -s 127.0.0.11/32 -p udp -m udp --sport \(ports.udp) -j SNAT --to-source :53
            COMMIT

            """)
        let resolver = NodeTestCluster.ip("127.0.0.11")
        let server = try ns.openUDPSocket(address: resolver, port: ports.udp)
        var queries: [UDPDatagramReceived] = []
        server.onReceive = { socket, datagram in
            queries.append(datagram)
            try? socket.send(Array("answer".utf8), to: datagram.source, port: datagram.sourcePort)
        }
        let client = try ns.openUDPSocket()
        var answers: [UDPDatagramReceived] = []
        client.onReceive = { _, datagram in answers.append(datagram) }
        try client.send(Array("query".utf8), to: resolver, port: 53)
        cluster.simulation.run(for: .milliseconds(10))
        #expect(queries.count == 1)
        #expect(queries.first?.destinationPort == ports.udp)
        #expect(answers.count == 1)
        #expect(answers.first?.source == resolver)
        #expect(answers.first?.sourcePort == 53)
        #expect(answers.first?.payload == Array("answer".utf8))
    }

    @Test func portsDifferPerContainerAndAreReproducible() throws {
        let first = NodeTestCluster(seed: 7)
        let second = NodeTestCluster(seed: 7)
        var seen: [[UInt16]] = []
        for cluster in [first, second] {
            var ports: [UInt16] = []
            for digit in ["d", "e"] {
                let id = String(repeating: digit, count: 64)
                _ = cluster.daemons[0].createContainer(id: id, name: digit, endpoints: [], gateway: true, hostPorts: [])
                let pair = try #require(cluster.daemons[0].dnsPorts(containerID: id))
                ports += [pair.udp, pair.tcp]
            }
            seen.append(ports)
        }
        #expect(seen[0] == seen[1])
        #expect(seen[0][0] != seen[0][2] || seen[0][1] != seen[0][3])
    }
}
