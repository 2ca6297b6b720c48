import SwarmSimCapture
import SwarmSimCore
import Testing
import TestSupport

/// The kernel model's traffic written to pcap and read by tshark: every capture must dissect
/// with no malformed packets and good checksums, and show what Linux would put on the wire.
@Suite struct KernelCaptureTests {
    @Test func pingAndUDPOverAVethPair() throws {
        try withTemporaryDirectory { dir in
            let t = Topologies.VethPair()
            let run = try CapturedRun(directory: dir, name: "veth")
            try run.capture(t.aEth, node: "host01", point: "a-eth0")
            let ping = try t.a.openPingSocket()
            var replies = 0
            ping.onReply = { _, _ in replies += 1 }
            for seq in 1...3 {
                try ping.sendEcho(to: Topologies.ip("10.0.0.2"), sequence: UInt16(seq), payload: Array(repeating: UInt8(seq), count: 56))
            }
            let server = try t.b.openUDPSocket(port: 7)
            server.onReceive = { s, d in try? s.send(d.payload, to: d.source, port: d.sourcePort) }
            let client = try t.a.openUDPSocket()
            try client.send(Array("hello".utf8), to: Topologies.ip("10.0.0.2"), port: 7)
            t.simulation.run(for: .seconds(1))
            #expect(replies == 3)
            let paths = try run.finish()
            let path = try #require(paths["host01:a-eth0"])
            try expectClean(path, checksums: 8)
            let rows = try tsharkFields(path, ["ip.src", "ip.dst", "icmp.type", "udp.dstport", "ip.ttl"], filter: "ip")
            #expect(rows.count == 8)
            #expect(rows.filter { $0[2] == "8" }.count == 3)
            #expect(rows.filter { $0[2] == "0" && $0[0] == "10.0.0.2" }.count == 3)
            #expect(rows.filter { $0[3] == "7" }.count == 1)
            #expect(rows.allSatisfy { $0[4] == "64" })
        }
    }

    @Test func arpAndLearningOnABridgeOfThree() throws {
        try withTemporaryDirectory { dir in
            let t = Topologies.BridgeOfThree()
            let run = try CapturedRun(directory: dir, name: "bridge")
            for (i, eth) in t.eths.enumerated() { try run.capture(eth, node: "host01", point: "ns\(i + 1)-eth0") }
            try run.capture(t.bridge, node: "host01", point: "br0")
            let ping = try t.namespaces[0].openPingSocket()
            try ping.sendEcho(to: Topologies.ip("10.0.0.2"), sequence: 1, payload: Array(repeating: 0, count: 56))
            t.simulation.run(for: .seconds(1))
            let paths = try run.finish()
            for path in paths.values { try expectClean(path, checksums: 0) }
            let ns3 = try tsharkFields(paths["host01:ns3-eth0"]!, ["eth.dst", "arp.opcode", "arp.dst.proto_ipv4"])
            #expect(ns3 == [["ff:ff:ff:ff:ff:ff", "1", "10.0.0.2"]], "ns3 sees only the flooded request")
            let ns2 = try tsharkFields(paths["host01:ns2-eth0"]!, ["arp.opcode", "icmp.type"])
            #expect(ns2 == [["1", ""], ["2", ""], ["", "8"], ["", "0"]])
            // Once learned, the bridge forwards the unicast exchange only to its port.
            #expect(t.bridge.fdb.values.filter { !$0.isLocal }.count == 2)
        }
    }

    @Test func vxlanCarriesTheInnerFrameIntactAndNoARP() throws {
        try withTemporaryDirectory { dir in
            let t = Topologies.Overlay()
            let run = try CapturedRun(directory: dir, name: "overlay")
            try run.capture(t.nics[0], node: "host01", point: "eth0")
            try run.capture(t.containerEths[0], node: "host01", point: "c1-eth0")
            try run.capture(t.containerEths[1], node: "host02", point: "c2-eth0")
            let ping = try t.containers[0].openPingSocket()
            var replies: [EchoReply] = []
            ping.onReply = { _, r in replies.append(r) }
            for seq in 1...3 {
                try ping.sendEcho(to: Topologies.ip("10.0.1.4"), sequence: UInt16(seq), payload: Array(repeating: 9, count: 56))
            }
            let server = try t.containers[1].openUDPSocket(port: 5000)
            server.onReceive = { s, d in try? s.send(d.payload, to: d.source, port: d.sourcePort) }
            let client = try t.containers[0].openUDPSocket()
            for _ in 0..<3 { try client.send(Array("abc".utf8), to: Topologies.ip("10.0.1.4"), port: 5000) }
            t.simulation.run(for: .seconds(1))
            #expect(replies.count == 3)
            #expect(replies.allSatisfy { $0.ttl == 64 }, "bridged end to end: no TTL change")
            let paths = try run.finish()
            let underlay = try #require(paths["host01:eth0"])
            try expectClean(underlay, checksums: 12)
            let vxlan = try tsharkFields(underlay, ["vxlan.vni", "ip.src", "ip.dst"], filter: "vxlan", allOccurrences: true)
            #expect(vxlan.count == 12, "3 echo requests, 3 replies, 3 datagrams each way")
            for row in vxlan {
                #expect(row[0] == "4097")
                #expect(row[1] == "172.17.0.6,10.0.1.3" || row[1] == "172.17.0.7,10.0.1.4")
                #expect(row[2] == "172.17.0.7,10.0.1.4" || row[2] == "172.17.0.6,10.0.1.3")
            }
            #expect(try tsharkFields(underlay, ["frame.number"], filter: "vxlan && arp").isEmpty, "no ARP inside VXLAN")
            // Underlay ARP between the two hosts does happen, outside the tunnel.
            #expect(try tsharkFields(underlay, ["arp.opcode"], filter: "arp && !vxlan").count == 2)
            // The outer source port is constant per inner flow and direction, in 32768-60999.
            let ports = try tsharkFields(
                underlay, ["ip.src", "udp.srcport", "icmp.type", "udp.dstport"], filter: "vxlan", allOccurrences: true)
            var portsPerFlow: [String: Set<String>] = [:]
            for row in ports {
                let outerSource = String(row[0].split(separator: ",")[0])
                let outerPort = String(row[1].split(separator: ",")[0])
                let flow = outerSource + "/" + row[2] + "/" + row[3].split(separator: ",").dropFirst().joined()
                portsPerFlow[flow, default: []].insert(outerPort)
                #expect((32768...60999).contains(Int(outerPort) ?? 0))
            }
            #expect(portsPerFlow.count == 4)
            #expect(portsPerFlow.values.allSatisfy { $0.count == 1 })
            // Inside the containers the frames carry the endpoints' 02:42 MACs.
            let c1 = try tsharkFields(paths["host01:c1-eth0"]!, ["eth.src", "eth.dst"], filter: "icmp.type == 8")
            #expect(c1.first == ["02:42:0a:00:01:03", "02:42:0a:00:01:04"])
        }
    }

    @Test func aRouterDecrementsTTLAndAnswersTTLOneWithTimeExceeded() throws {
        try withTemporaryDirectory { dir in
            let t = Topologies.Routed()
            let run = try CapturedRun(directory: dir, name: "routed")
            try run.capture(t.aEth, node: "host01", point: "a-eth0")
            try run.capture(t.routerToB, node: "host01", point: "router-eth1")
            let ping = try t.a.openPingSocket()
            try ping.sendEcho(to: Topologies.ip("10.0.2.2"), sequence: 1, payload: Array(repeating: 1, count: 56))
            try ping.sendEcho(to: Topologies.ip("10.0.2.2"), sequence: 2, payload: Array(repeating: 2, count: 56), ttl: 1)
            t.simulation.run(for: .seconds(1))
            let paths = try run.finish()
            try expectClean(paths["host01:a-eth0"]!, checksums: 3)
            try expectClean(paths["host01:router-eth1"]!, checksums: 2)
            let beyond = try tsharkFields(paths["host01:router-eth1"]!, ["icmp.type", "ip.ttl"], filter: "icmp")
            #expect(beyond == [["8", "63"], ["0", "64"]])
            let back = try tsharkFields(paths["host01:a-eth0"]!, ["ip.src", "icmp.type", "icmp.code", "ip.ttl"], filter: "icmp")
            #expect(back.contains(["10.0.2.2", "0", "0", "63"]), "the reply crossed the router once")
            #expect(back.contains(["10.0.1.1", "11", "0", "64"]), "time exceeded from the router")
        }
    }

    @Test func aDFPingTooBigForTheOverlayGetsFragmentationNeeded() throws {
        try withTemporaryDirectory { dir in
            // A router namespace between a 1500-MTU link and the 1450-MTU overlay, as the
            // ingress_sbox sits between docker_gwbridge and the ingress network.
            let t = Topologies.Overlay()
            let host = t.hosts[0]
            let sbox = host.addNamespace("sbox")
            let client = host.addNamespace("client")
            sbox.ipForward = true
            let bridge = try #require(t.overlays[0].device(named: "br0") as? BridgeDevice)
            let sboxIP = Topologies.ip("10.0.1.5")
            let (sboxEth0, port) = sbox.addVethPair("eth0", mac: .docker(for: sboxIP), peerName: "veth1",
                peerNamespace: t.overlays[0], mtu: 1450)
            bridge.addPort(port)
            sbox.addAddress(InterfaceAddress(sboxIP, prefixLength: 24), to: sboxEth0)
            let (sboxEth1, clientEth) = sbox.addVethPair("eth1", peerName: "eth0", peerNamespace: client)
            sbox.addAddress(Topologies.address("172.18.0.2/16"), to: sboxEth1)
            client.addAddress(Topologies.address("172.18.0.9/16"), to: clientEth)
            client.addDefaultRoute(via: Topologies.ip("172.18.0.2"))

            let run = try CapturedRun(directory: dir, name: "pmtu")
            try run.capture(clientEth, node: "host01", point: "client-eth0")
            let ping = try client.openPingSocket()
            var errors: [ICMPErrorReport] = []
            ping.onError = { _, report, _ in errors.append(report) }
            // 1472 bytes of data + 8 ICMP + 20 IP = 1500: fits the client's link, not the overlay.
            try ping.sendEcho(to: Topologies.ip("10.0.1.4"), sequence: 1, payload: Array(repeating: 0xab, count: 1472))
            t.simulation.run(for: .seconds(1))
            #expect(errors.map(\.message) == [.destinationUnreachable(.fragmentationNeeded, nextHopMTU: 1450)])
            let paths = try run.finish()
            try expectClean(paths["host01:client-eth0"]!, checksums: 2)
            let icmp = try tsharkFields(paths["host01:client-eth0"]!, ["ip.src", "icmp.type", "icmp.code", "icmp.mtu"],
                filter: "icmp.type == 3")
            #expect(icmp == [["172.18.0.2", "3", "4", "1450"]], "from the router (the sbox), with the next-hop MTU")
        }
    }
}
