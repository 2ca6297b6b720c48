import SwarmSimCore
import SwarmSimSwarm
import Testing
import TestSupport

/// What the lbapp1 service leaves in the host namespace and in ingress_sbox, compared with the
/// rules of fidelity.md 6.1 / 6.2 for this scenario's addresses (fwmark 0x100 = 256).
@Suite struct NodeRulesTests {
    /// A 20.10-27.x node with docker_gwbridge, the ingress chains and port 81 published.
    static let hostNAT = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        :DOCKER - [0:0]
        :DOCKER-INGRESS - [0:0]
        -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
        -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
        -A OUTPUT -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
        -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
        -A POSTROUTING -o docker_gwbridge -m addrtype --src-type LOCAL -j MASQUERADE
        -A POSTROUTING -s 172.18.0.0/16 ! -o docker_gwbridge -j MASQUERADE
        -A DOCKER -i docker_gwbridge -j RETURN
        -A DOCKER-INGRESS -p tcp -m tcp --dport 81 -j DNAT --to-destination 172.18.0.2:81
        -A DOCKER-INGRESS -j RETURN
        COMMIT

        """
    static let hostFilter = """
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        :DOCKER - [0:0]
        :DOCKER-INGRESS - [0:0]
        :DOCKER-ISOLATION-STAGE-1 - [0:0]
        :DOCKER-ISOLATION-STAGE-2 - [0:0]
        :DOCKER-USER - [0:0]
        -A FORWARD -j DOCKER-USER
        -A FORWARD -j DOCKER-INGRESS
        -A FORWARD -j DOCKER-ISOLATION-STAGE-1
        -A FORWARD -o docker_gwbridge -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A FORWARD -o docker_gwbridge -j DOCKER
        -A FORWARD -i docker_gwbridge ! -o docker_gwbridge -j ACCEPT
        -A FORWARD -i docker_gwbridge -o docker_gwbridge -j DROP
        -A DOCKER-INGRESS -p tcp -m tcp --dport 81 -j ACCEPT
        -A DOCKER-INGRESS -p tcp -m state --state RELATED,ESTABLISHED -m tcp --sport 81 -j ACCEPT
        -A DOCKER-INGRESS -j RETURN
        -A DOCKER-ISOLATION-STAGE-1 -i docker_gwbridge ! -o docker_gwbridge -j DOCKER-ISOLATION-STAGE-2
        -A DOCKER-ISOLATION-STAGE-1 -j RETURN
        -A DOCKER-ISOLATION-STAGE-2 -o docker_gwbridge -j DROP
        -A DOCKER-ISOLATION-STAGE-2 -j RETURN
        -A DOCKER-USER -j RETURN
        COMMIT

        """
    static let ingressSandbox = """
        *mangle
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        -A PREROUTING -p tcp -m tcp --dport 81 -j MARK --set-xmark 0x100/0xffffffff
        -A INPUT -d 10.0.0.4/32 -j MARK --set-xmark 0x100/0xffffffff
        COMMIT
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        -A POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.2
        COMMIT

        """

    @Test func hostAndIngressSandboxRulesPrintAsOnARealNode() throws {
        let cluster = NodeTestCluster()
        _ = try cluster.publishWebService()
        let host01 = cluster.daemons[0]
        let save = host01.iptablesSave(namespace: nil) ?? ""
        // The host's mangle table is untouched, so only nat and filter are loaded.
        #expect(save == Self.hostNAT + Self.hostFilter)
        #expect(host01.iptablesSave(namespace: "ingress_sbox") == Self.ingressSandbox)
        let ipvs = host01.ipvsList(namespace: "ingress_sbox") ?? ""
        #expect(ipvs.contains("FWM  256 rr\n"
            + "  -> 10.0.0.5:0                   Masq    1      0          0         \n"
            + "  -> 10.0.0.6:0                   Masq    1      0          0         \n"))
        #expect(host01.ipRoute(namespace: "ingress_sbox") == """
            default via 172.18.0.1 dev eth1
            10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.2
            172.18.0.0/16 dev eth1 proto kernel scope link src 172.18.0.2

            """)
        // The sandbox's netns exists before its endpoint joins, and the join builds the overlay namespace.
        #expect(host01.namespaceNames == ["", "ingress_sbox", "1-lq0r3w9x5f", "111111111111"])
        #expect(host01.iptablesSave(namespace: "nonexistent") == nil)
    }

    @Test func taskSandboxHasTheRedirectSetAndTheGatewayEndpointLast() throws {
        let cluster = NodeTestCluster()
        let web = try cluster.publishWebService()
        let host01 = cluster.daemons[0]
        let dns = try #require(host01.dnsPorts(containerID: String(repeating: "1", count: 12) + String(repeating: "a", count: 52)))
        let save = host01.iptablesSave(namespace: "111111111111") ?? ""
        #expect(save.contains("""
            -A INPUT -d 10.0.0.5/32 -p tcp -m tcp --dport 80 -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT
            -A INPUT -d 10.0.0.5/32 -p udp -j DROP
            -A INPUT -d 10.0.0.5/32 -p tcp -j DROP
            -A OUTPUT -s 10.0.0.5/32 -p tcp -m tcp --sport 80 -m conntrack --ctstate ESTABLISHED -j ACCEPT
            -A OUTPUT -s 10.0.0.5/32 -p udp -j DROP
            -A OUTPUT -s 10.0.0.5/32 -p tcp -j DROP
            """))
        #expect(save.contains("-A PREROUTING -d 10.0.0.5/32 -p tcp -m tcp --dport 81 -j REDIRECT --to-ports 80\n"))
        #expect(save.contains("--to-destination 127.0.0.11:\(dns.udp)\n"))
        #expect(host01.ipRoute(namespace: "111111111111") == """
            default via 172.18.0.1 dev eth1
            10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.5
            172.18.0.0/16 dev eth1 proto kernel scope link src 172.18.0.3

            """)
        #expect(web.tasks[0].device(named: "eth0")?.mtu == 1450)
        #expect(web.tasks[0].device(named: "eth0")?.mac == MACAddress.docker(for: NodeTestCluster.ip("10.0.0.5")))
    }

    @Test func hostModePortsDNATToTheGatewayEndpoint() throws {
        let cluster = NodeTestCluster()
        let endpoint = EndpointConfig(network: NodeTestCluster.appnet, address: NodeTestCluster.ip("10.0.1.3"))
        _ = cluster.daemons[0].createContainer(
            id: String(repeating: "c", count: 64), name: "db.1.x", endpoints: [endpoint], gateway: true,
            hostPorts: [PortConfig(targetPort: 5432, publishedPort: 15432, mode: .host)])
        let save = cluster.daemons[0].iptablesSave(namespace: nil) ?? ""
        #expect(save.contains("-A DOCKER ! -i docker_gwbridge -p tcp -m tcp --dport 15432 -j DNAT --to-destination 172.18.0.3:5432\n"))
        #expect(save.contains("-A DOCKER -d 172.18.0.3/32 ! -i docker_gwbridge -o docker_gwbridge -p tcp -m tcp --dport 5432 -j ACCEPT\n"))
        cluster.daemons[0].removeContainer(id: String(repeating: "c", count: 64))
        let after = cluster.daemons[0].iptablesSave(namespace: nil) ?? ""
        #expect(!after.contains("15432"))
        #expect(!after.contains("5432"))
        #expect(!cluster.daemons[0].namespaceNames.contains("cccccccccccc"))
    }
}
