import SwarmSimCore
import SwarmSimSwarm
import Testing
import TestSupport

/// Internal VIPs through lb_ sandboxes (fidelity 4.2, 4.4) and backend removal (4.3).
@Suite struct NodeServiceBindingTests {
    static let vip = NodeTestCluster.ip("10.0.1.2")

    static func binding(_ task: String) -> ServiceBindingConfig {
        ServiceBindingConfig(
            serviceID: "a7kq2m9x3v8n1p5r0t4w6y2zb", serviceName: "api", networkID: NodeTestCluster.appnet.id, vip: vip,
            ingressPorts: [], backendAddress: NodeTestCluster.ip(task))
    }

    @Test func clientReachesTheVIPAndBackendsSeeTheLoadBalancerAddress() throws {
        let cluster = NodeTestCluster()
        let appnet = NodeTestCluster.appnet
        for (index, daemon) in cluster.daemons.enumerated() {
            daemon.createLoadBalancerSandbox(appnet, address: NodeTestCluster.ip("10.0.1.\(index + 5)"))
            cluster.announce(network: appnet.id, address: NodeTestCluster.ip("10.0.1.\(index + 5)"), from: index)
        }
        let log = ServedLog()
        for index in 0..<2 {
            let address = NodeTestCluster.ip("10.0.1.\(index + 3)")
            let ns = cluster.daemons[index].createContainer(
                id: String(repeating: "\(index + 3)", count: 64), name: "api.\(index + 1).t", endpoints: [EndpointConfig(network: appnet, address: address)],
                gateway: true, hostPorts: [])
            cluster.announce(network: appnet.id, address: address, from: index)
            let listener = try ns.listenTCP(port: 80)
            let name = "api.\(index + 1)"
            listener.onAccept = { connection in
                log.entries.append("\(name) from \(connection.remoteAddress)")
                connection.onData = { _ in
                    try? connection.send(Array(name.utf8))
                    connection.close()
                }
            }
            log.listeners.append(listener)
        }
        for task in ["10.0.1.3", "10.0.1.4"] { for daemon in cluster.daemons { daemon.addServiceBinding(Self.binding(task)) } }
        let client = cluster.daemons[0].createContainer(
            id: String(repeating: "9", count: 64), name: "client", endpoints: [EndpointConfig(network: appnet, address: NodeTestCluster.ip("10.0.1.7"))],
            gateway: true, hostPorts: [])
        let answers = try (0..<2).map { _ in try cluster.request(from: client, to: Self.vip, port: 80) }
        #expect(answers == ["api.2", "api.1"])
        #expect(log.entries == ["api.2 from 10.0.1.5", "api.1 from 10.0.1.5"], "SNAT to host01's LB address")

        let host01 = cluster.daemons[0]
        let lbName = "lb_chhv2g5nn"
        #expect(host01.iptablesSave(namespace: lbName) == """
            *mangle
            :PREROUTING ACCEPT [0:0]
            :INPUT ACCEPT [0:0]
            :FORWARD ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            :POSTROUTING ACCEPT [0:0]
            -A INPUT -d 10.0.1.2/32 -j MARK --set-xmark 0x100/0xffffffff
            COMMIT
            *nat
            :PREROUTING ACCEPT [0:0]
            :INPUT ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            :POSTROUTING ACCEPT [0:0]
            -A POSTROUTING -d 10.0.1.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.1.5
            COMMIT

            """)
        #expect(host01.ipRoute(namespace: lbName) == "10.0.1.0/24 dev eth0 proto kernel scope link src 10.0.1.5\n",
            "LB endpoints never get a default route")
        #expect(host01.ipvsList(namespace: lbName)?.contains("FWM  256 rr\n") == true)
        #expect(host01.namespaceNames == ["", "ingress_sbox", "1-lq0r3w9x5f", lbName, "1-chhv2g5nn1", "333333333333", "999999999999"])
    }

    @Test func disableSetsWeightZeroAndTheLastRemovalTakesEverythingAway() throws {
        let cluster = NodeTestCluster()
        _ = try cluster.publishWebService()
        let host01 = cluster.daemons[0]
        let task1 = NodeTestCluster.ingressBinding(NodeTestCluster.ip("10.0.0.5"))
        let task2 = NodeTestCluster.ingressBinding(NodeTestCluster.ip("10.0.0.6"))
        host01.disableServiceBinding(task1)
        #expect(host01.ipvsList(namespace: "ingress_sbox")?.contains(
            "  -> 10.0.0.5:0                   Masq    0      0          0         \n") == true)
        // While the only enabled backend is on host02, every connection goes there.
        let answers = try (0..<2).map { _ in try cluster.request(from: cluster.client, to: NodeTestCluster.ip("172.17.0.6"), port: 81) }
        #expect(answers == ["web.2", "web.2"])
        host01.removeServiceBinding(task1)
        let afterOne = host01.ipvsList(namespace: "ingress_sbox") ?? ""
        #expect(!afterOne.contains("10.0.0.5:0"))
        #expect(afterOne.contains("10.0.0.6:0"))
        host01.removeServiceBinding(task2)
        #expect(host01.ipvsList(namespace: "ingress_sbox")?.contains("FWM") == false)
        let sandbox = host01.iptablesSave(namespace: "ingress_sbox") ?? ""
        #expect(!sandbox.contains("MARK"))
        #expect(!sandbox.contains("SNAT"))
        let host = host01.iptablesSave(namespace: nil) ?? ""
        #expect(!host.contains("--dport 81"))
        #expect(host.contains("-A DOCKER-INGRESS -j RETURN"))
        // A new service gets the next mark: marks are never reused.
        var again = task1
        again.serviceID = "n3wservice0000000000000000"
        host01.addServiceBinding(again)
        #expect(host01.ipvsList(namespace: "ingress_sbox")?.contains("FWM  257 rr") == true)
    }
}
