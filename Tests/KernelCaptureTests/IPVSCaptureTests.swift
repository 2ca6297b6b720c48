import SwarmSimCapture
import SwarmSimCore
import Testing
import TestSupport

/// An IPVS fwmark service in a load-balancer namespace, programmed as libnetwork programs an
/// `lb_` sandbox (fidelity.md 4.2): the VIP marked in mangle INPUT, the service and its real
/// servers given to `ipvsadm`, the `-m ipvs --ipvs` SNAT in nat POSTROUTING.
@Suite struct IPVSCaptureTests {
    /// client 10.0.1.3, lb 10.0.1.6 (VIP 10.0.1.2), real servers 10.0.1.7-9, all on one bridge.
    struct LoadBalancedNetwork {
        let simulation = Simulation(seed: 1)
        let world: World
        let bridge: BridgeDevice
        var namespaces: [String: NetworkNamespace] = [:]
        var eths: [String: VethDevice] = [:]

        init() throws {
            world = World(simulation: simulation)
            let host = world.addMachine("host01")
            bridge = host.root.addBridge("br0")
            let members = [("client", "10.0.1.3"), ("lb", "10.0.1.6"), ("r1", "10.0.1.7"), ("r2", "10.0.1.8"), ("r3", "10.0.1.9")]
            for (i, (name, address)) in members.enumerated() {
                let ns = host.addNamespace(name)
                let (port, eth) = host.root.addVethPair("veth\(i)", peerName: "eth0", peerNamespace: ns,
                    peerMAC: .docker(for: Topologies.ip(address)))
                bridge.addPort(port)
                ns.addAddress(Topologies.address(address + "/24"), to: eth)
                namespaces[name] = ns
                eths[name] = eth
            }
            let lb = namespaces["lb"]!
            lb.ipForward = true
            lb.addAddress(Topologies.address("10.0.1.2/32"), to: eths["lb"]!)  // the VIP alias
            try lb.netfilter.restore("""
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
                -A POSTROUTING -d 10.0.1.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.1.6
                COMMIT

                """)
            lb.ipvs.sysctls = .docker
            try lb.ipvs.restore(ipvsadmSave: """
                -A -f 256 -s rr
                -a -f 256 -r 10.0.1.7:0 -m -w 1
                -a -f 256 -r 10.0.1.8:0 -m -w 1
                -a -f 256 -r 10.0.1.9:0 -m -w 1

                """, now: simulation.now)
        }
    }

    @Test func aFwmarkServiceSpreadsFlowsRoundRobinWithDNATSNATAndTheReplyRestored() throws {
        try withTemporaryDirectory { dir in
            let t = try LoadBalancedNetwork()
            var served: [String: [UDPDatagramReceived]] = [:]
            for name in ["r1", "r2", "r3"] {
                let server = try t.namespaces[name]!.openUDPSocket(port: 80)
                server.onReceive = { s, d in
                    served[name, default: []].append(d)
                    try? s.send(Array(name.utf8), to: d.source, port: d.sourcePort)
                }
            }
            let run = try CapturedRun(directory: dir, name: "ipvs")
            try run.capture(t.eths["client"]!, node: "host01", point: "client-eth0")
            try run.capture(t.eths["r2"]!, node: "host01", point: "r2-eth0")
            var replies: [UDPDatagramReceived] = []
            var clients: [UDPSocket] = []
            for i in 0..<300 {
                let client = try t.namespaces["client"]!.openUDPSocket()
                client.onReceive = { _, d in replies.append(d) }
                try client.send([7], to: Topologies.ip("10.0.1.2"), port: 80)
                clients.append(client)
                t.simulation.run(for: i == 0 ? .milliseconds(1) : .microseconds(10))  // one flow at a time
            }
            t.simulation.run(for: .seconds(1))

            #expect(served.mapValues(\.count) == ["r1": 100, "r2": 100, "r3": 100], "rr gives each real server exactly 1/3")
            #expect(served.values.joined().allSatisfy { $0.source == Topologies.ip("10.0.1.6") }, "SNAT to the LB address")
            #expect(served.values.joined().allSatisfy { $0.destinationPort == 80 }, "port 0 keeps the packet's port")
            #expect(replies.count == 300)
            #expect(replies.allSatisfy { $0.source == Topologies.ip("10.0.1.2") && $0.sourcePort == 80 }, "replies from the VIP")
            let list = t.namespaces["lb"]!.ipvs.ipvsadmList()
            #expect(list.contains("FWM  256 rr"))
            let paths = try run.finish()
            try expectClean(paths["host01:client-eth0"]!, checksums: 600)
            try expectClean(paths["host01:r2-eth0"]!, checksums: 200)
            let atServer = try tsharkFields(paths["host01:r2-eth0"]!, ["ip.src", "ip.dst", "udp.dstport", "ip.ttl"], filter: "udp.dstport == 80")
            #expect(atServer.count == 100)
            #expect(atServer.allSatisfy { $0 == ["10.0.1.6", "10.0.1.8", "80", "63"] }, "DNAT to the server, SNAT to the LB, TTL-1")
            let atClient = try tsharkFields(paths["host01:client-eth0"]!, ["ip.src", "udp.srcport", "ip.ttl"], filter: "udp.srcport == 80")
            #expect(atClient.count == 300)
            #expect(atClient.allSatisfy { $0 == ["10.0.1.2", "80", "63"] }, "the reply's source restored to the VIP")
        }
    }

    @Test func noDestinationMeansPortUnreachable() throws {
        let t = try LoadBalancedNetwork()
        let lb = t.namespaces["lb"]!
        for address in ["10.0.1.7", "10.0.1.8", "10.0.1.9"] {
            try lb.ipvs.apply(ipvsadm: "-e -f 256 -r \(address):0 -m -w 0", now: t.simulation.now)
        }
        let client = try t.namespaces["client"]!.openUDPSocket()
        try client.connect(to: Topologies.ip("10.0.1.2"), port: 80)
        var errors: [SocketError] = []
        client.onError = { _, e, _ in errors.append(e) }
        try client.send([1])
        t.simulation.run(for: .seconds(1))
        #expect(errors == [.connectionRefused], "ip_vs_leave sends ICMP port unreachable when every weight is 0")
    }

    @Test func pingToTheVIPIsAnsweredByTheLoadBalancerItself() throws {
        let t = try LoadBalancedNetwork()
        let ping = try t.namespaces["client"]!.openPingSocket()
        var from: [IPv4Address] = []
        ping.onReply = { _, r in from.append(r.from) }
        try ping.sendEcho(to: Topologies.ip("10.0.1.2"), sequence: 1, payload: [])
        t.simulation.run(for: .seconds(1))
        #expect(from == [Topologies.ip("10.0.1.2")])
    }
}
