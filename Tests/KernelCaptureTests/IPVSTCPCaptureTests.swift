import SwarmSimCapture
import SwarmSimCore
import Testing
import TestSupport

/// Issue-level check of IPVS with TCP: a fwmark service spreads 1,000 TCP connections from a
/// client namespace over three real servers in rr order.
@Suite struct IPVSTCPCaptureTests {
    @Test func oneThousandTCPConnectionsAreSpreadRoundRobin() throws {
        try withTemporaryDirectory { dir in
            let t = try IPVSCaptureTests.LoadBalancedNetwork()
            var served: [String: Int] = [:]
            var listeners: [TCPListener] = []
            for name in ["r1", "r2", "r3"] {
                let listener = try t.namespaces[name]!.listenTCP(port: 80)
                listener.onAccept = { connection in
                    connection.onData = { _ in
                        served[name, default: 0] += 1
                        try? connection.send(Array(name.utf8))
                        connection.close()
                    }
                }
                listeners.append(listener)
            }
            let run = try CapturedRun(directory: dir, name: "ipvs-tcp")
            try run.capture(t.eths["client"]!, node: "host01", point: "client-eth0")
            try run.capture(t.eths["r2"]!, node: "host01", point: "r2-eth0")
            var answers: [String] = []
            var failures: [TCPCloseReason] = []
            for _ in 0..<1_000 {
                let connection = try t.namespaces["client"]!.connectTCP(to: Topologies.ip("10.0.1.2"), port: 80)
                connection.onConnected = { try? connection.send(Array("GET".utf8)) }
                connection.onData = { bytes in answers.append(String(decoding: bytes, as: UTF8.self)) }
                connection.onEndOfStream = { connection.close() }
                connection.onClosed = { reason in if reason != .normal { failures.append(reason) } }
                t.simulation.run(for: .milliseconds(1))
            }
            t.simulation.run(for: .seconds(5))
            #expect(failures.isEmpty)
            #expect(answers.count == 1_000)
            let counts = ["r1", "r2", "r3"].map { served[$0, default: 0] }
            #expect(counts.reduce(0, +) == 1_000)
            #expect(counts.max()! - counts.min()! <= 1, "rr: each real server gets a third (334/333/333)")
            #expect(answers.prefix(6) == ["r3", "r2", "r1", "r3", "r2", "r1"], "newest destination first, then in list order")
            let paths = try run.finish()
            try expectClean(paths["host01:r2-eth0"]!, checksums: 100)
            let syns = try tsharkFields(paths["host01:r2-eth0"]!, ["ip.src", "ip.dst", "tcp.dstport"],
                filter: "tcp.flags.syn == 1 && tcp.flags.ack == 0")
            #expect(syns.count == counts[1])
            #expect(syns.allSatisfy { $0 == ["10.0.1.6", "10.0.1.8", "80"] }, "DNAT to the server and SNAT to the LB address")
            let synAcks = try tsharkFields(paths["host01:client-eth0"]!, ["ip.src", "tcp.srcport"],
                filter: "tcp.flags.syn == 1 && tcp.flags.ack == 1")
            #expect(synAcks.count == 1_000)
            #expect(synAcks.allSatisfy { $0 == ["10.0.1.2", "80"] }, "the reply's source restored to the VIP")
        }
    }
}
