import SwarmSimCore
import SwarmSimSwarm
import Testing
import TestSupport

/// The lbapp1 path: an outside client reaches a published port on host01 and is balanced over
/// the tasks on both nodes through host DNAT, ingress_sbox's IPVS and the ingress overlay.
@Suite struct NodeRoutingMeshTests {
    @Test func publishedPortIsBalancedOverBothNodesAndLooksRightOnTheWire() throws {
        try withTemporaryDirectory { dir in
            let cluster = NodeTestCluster()
            let web = try cluster.publishWebService()
            let capture = try NodeCapture(directory: dir, name: "lbapp1")
            try capture.capture(cluster.clientNIC, node: "client", point: "eth0")
            try capture.capture(cluster.nics[0], node: "host01", point: "eth0")
            try capture.capture(web.tasks[1].device(named: "eth0")!, node: "host02", point: "task-eth0")
            var answers: [String] = []
            for _ in 0..<4 {
                answers.append(try cluster.request(from: cluster.client, to: NodeTestCluster.ip("172.17.0.6"), port: 81))
            }
            #expect(answers == ["web.2", "web.1", "web.2", "web.1"], "rr, newest destination (10.0.0.6) first")
            let served = web.served()
            #expect(served.count == 4)
            #expect(served.allSatisfy { $0.hasPrefix("web.2 10.0.0.2 -> 10.0.0.6:80") || $0.hasPrefix("web.1 10.0.0.2 -> 10.0.0.5:80") },
                "tasks see ingress_sbox's ingress address and the REDIRECTed port 80: \(served)")

            let paths = try capture.finish()
            let host = paths["host01:eth0"]!
            let clientSYN = try nodeTsharkFields(host, ["ip.src", "ip.dst", "tcp.dstport", "ip.ttl"],
                filter: "!vxlan && tcp.flags.syn == 1 && tcp.flags.ack == 0")
            #expect(clientSYN.count == 4)
            #expect(clientSYN.first == ["172.17.0.100", "172.17.0.6", "81", "64"])
            let tunnelled = try nodeTsharkFields(host, ["vxlan.vni", "ip.src", "ip.dst", "tcp.dstport", "udp.dstport", "ip.ttl"],
                filter: "vxlan && ip.dst == 172.17.0.7 && tcp.flags.syn == 1 && tcp.flags.ack == 0", allOccurrences: true)
            #expect(tunnelled.count == 2, "every second connection crosses to host02")
            #expect(tunnelled.first.map { Array($0.prefix(5)) } == ["4096", "172.17.0.6,10.0.0.2", "172.17.0.7,10.0.0.6", "81", "4789"])
            #expect(tunnelled.first?.last == "64,62", "outer TTL 64; inner forwarded by host01 and ingress_sbox")
            let taskSYN = try nodeTsharkFields(paths["host02:task-eth0"]!, ["ip.src", "ip.dst", "tcp.dstport", "eth.dst"],
                filter: "tcp.flags.syn == 1 && tcp.flags.ack == 0")
            #expect(taskSYN.first == ["10.0.0.2", "10.0.0.6", "81", "02:42:0a:00:00:06"], "REDIRECT happens inside the task")
            let replies = try nodeTsharkFields(paths["client:eth0"]!, ["ip.src", "tcp.srcport"],
                filter: "tcp.flags.syn == 1 && tcp.flags.ack == 1")
            #expect(replies.count == 4)
            #expect(replies.allSatisfy { $0 == ["172.17.0.6", "81"] })
            let arpInTunnel = try nodeTsharkFields(host, ["frame.number"], filter: "vxlan && arp")
            #expect(arpInTunnel.isEmpty, "peerdb: no ARP crosses the tunnel")
            for path in paths.values.sorted() { try nodeExpectClean(path, checksums: 20) }
        }
    }
}
