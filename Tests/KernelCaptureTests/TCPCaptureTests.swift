import SwarmSimCapture
import SwarmSimCore
import Testing
import TestSupport

/// TCP as Wireshark sees it: clean transfers show no retransmission or sequence anomaly, a lossy
/// path shows retransmissions and still delivers every byte, and nothing is ever malformed.
@Suite struct TCPCaptureTests {
    /// Bytes of a repeatable pattern.
    static func pattern(_ count: Int, seed: Int = 1) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: ($0 &* 131) ^ ($0 >> 9) &+ seed) }
    }

    /// A server that records what it receives and answers end-of-stream by closing, and a
    /// client that sends `upload`, reads the server's `download`, then half-closes.
    final class Exchange {
        var serverReceived: [UInt8] = []
        var clientReceived: [UInt8] = []
        var clientClosed: TCPCloseReason?
        var serverConnection: TCPConnection?
        let client: TCPConnection

        init(client clientNamespace: NetworkNamespace, server serverNamespace: NetworkNamespace, address: IPv4Address,
            upload: [UInt8], download: [UInt8]) throws
        {
            let listener = try serverNamespace.listenTCP(port: 5001)
            client = try clientNamespace.connectTCP(to: address, port: 5001)
            listener.onAccept = { [unowned self] connection in
                self.serverConnection = connection
                connection.onData = { [unowned self] bytes in
                    self.serverReceived += bytes
                    if self.serverReceived.count == upload.count { try? connection.send(download) }
                }
                connection.onEndOfStream = { connection.close() }
            }
            client.onConnected = { [unowned self] in try? self.client.send(upload) }
            client.onData = { [unowned self] bytes in
                self.clientReceived += bytes
                if self.clientReceived.count == download.count { self.client.shutdownWrite() }
            }
            client.onClosed = { [unowned self] reason in self.clientClosed = reason }
        }
    }

    func count(_ path: String, _ filter: String) throws -> Int {
        try tsharkFields(path, ["frame.number"], filter: filter).count
    }

    @Test func cleanTransferOverAVethPairHasNoAnalysisWarnings() throws {
        try withTemporaryDirectory { dir in
            let t = Topologies.VethPair()
            let run = try CapturedRun(directory: dir, name: "tcp-veth")
            try run.capture(t.aEth, node: "host01", point: "a-eth0")
            let upload = Self.pattern(200_000, seed: 1)
            let download = Self.pattern(150_000, seed: 2)
            let exchange = try Exchange(client: t.a, server: t.b, address: Topologies.ip("10.0.0.2"), upload: upload, download: download)
            t.simulation.run(for: .seconds(5))
            #expect(exchange.serverReceived == upload)
            #expect(exchange.clientReceived == download)
            #expect(exchange.clientClosed == .normal)
            let path = try #require(try run.finish()["host01:a-eth0"])
            let frames = try count(path, "tcp")
            try expectClean(path, checksums: frames * 2)
            #expect(try count(path, "tcp.analysis.retransmission || tcp.analysis.fast_retransmission") == 0)
            #expect(try count(path, "tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment") == 0)
            #expect(try count(path, "tcp.analysis.out_of_order || tcp.analysis.duplicate_ack") == 0)
            #expect(try count(path, "tcp.flags.syn == 1") == 2)
            #expect(try count(path, "tcp.flags.fin == 1") == 2)
            // Wireshark follows the window scale from the handshake.
            let scales = try tsharkFields(path, ["tcp.window_size_scalefactor"], filter: "tcp.len > 0")
            #expect(scales.allSatisfy { $0 == ["128"] })
        }
    }

    @Test func cleanTransferOverTheOverlay() throws {
        try withTemporaryDirectory { dir in
            let t = Topologies.Overlay()
            let run = try CapturedRun(directory: dir, name: "tcp-overlay")
            try run.capture(t.containerEths[0], node: "host01", point: "c1-eth0")
            try run.capture(t.nics[0], node: "host01", point: "eth0")
            let upload = Self.pattern(1_000_000, seed: 3)
            let download = Self.pattern(100_000, seed: 4)
            let exchange = try Exchange(client: t.containers[0], server: t.containers[1], address: Topologies.ip("10.0.1.4"),
                upload: upload, download: download)
            t.simulation.run(for: .seconds(10))
            #expect(exchange.serverReceived == upload)
            #expect(exchange.clientReceived == download)
            #expect(exchange.clientClosed == .normal)
            let paths = try run.finish()
            for path in paths.values {
                let frames = try count(path, "tcp")
                try expectClean(path, checksums: frames * 2)
                #expect(try count(path, "tcp.analysis.retransmission || tcp.analysis.fast_retransmission") == 0)
                #expect(try count(path, "tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment") == 0)
                #expect(try count(path, "tcp.analysis.window_full || tcp.analysis.zero_window") == 0)
            }
            let container = try #require(paths["host01:c1-eth0"])
            let mss = try tsharkFields(container, ["tcp.options.mss_val"], filter: "tcp.flags.syn == 1")
            #expect(mss == [["1410"], ["1410"]])
            let lengths = try tsharkFields(container, ["tcp.len"], filter: "tcp.len > 0").compactMap { Int($0[0]) }
            #expect(lengths.max() == 1398)
            #expect(exchange.client.counters.retransmittedSegments == 0)
        }
    }

    @Test func lossyOverlayDeliversAMegabyteWithVisibleRetransmissions() throws {
        try withTemporaryDirectory { dir in
            let t = Topologies.Overlay(seed: 42, link: LinkProperties(loss: 0.05))
            let run = try CapturedRun(directory: dir, name: "tcp-lossy")
            try run.capture(t.containerEths[0], node: "host01", point: "c1-eth0")
            try run.capture(t.nics[0], node: "host01", point: "eth0")
            let upload = Self.pattern(1_000_000, seed: 5)
            let download = Self.pattern(200_000, seed: 6)
            let exchange = try Exchange(client: t.containers[0], server: t.containers[1], address: Topologies.ip("10.0.1.4"),
                upload: upload, download: download)
            t.simulation.run(for: .seconds(120))
            #expect(exchange.serverReceived.count == upload.count)
            #expect(exchange.serverReceived == upload, "every byte, in order")
            #expect(exchange.clientReceived == download)
            #expect(exchange.clientClosed == .normal)
            #expect(t.segment.lostFrames > 20)
            #expect(exchange.client.counters.retransmittedSegments > 0)
            let paths = try run.finish()
            let container = try #require(paths["host01:c1-eth0"])
            #expect(try count(container, "tcp.analysis.retransmission || tcp.analysis.fast_retransmission") > 0)
            #expect(try count(container, "tcp.options.sack_le") > 0, "the receiver reports holes with SACK blocks")
            for path in paths.values {
                let expert = try Tool.tsharkOutput(WiresharkChecks.checksumPreferences + ["-r", path, "-q", "-z", "expert"])
                #expect(!expert.split(separator: "\n").contains { $0.hasPrefix("Error") }, "\(path): \(expert)")
                let verbose = try Tool.tsharkOutput(["-r", path, "-V"])
                #expect(!verbose.contains("Malformed"))
                let bad = try tsharkFields(path, ["frame.number"], filter: "tcp.checksum.status == 0 || ip.checksum.status == 0")
                #expect(bad.isEmpty)
            }
        }
    }

    @Test func eachConnectionAndDirectionHasItsOwnVXLANSourcePort() throws {
        try withTemporaryDirectory { dir in
            let t = Topologies.Overlay()
            let run = try CapturedRun(directory: dir, name: "tcp-ports")
            try run.capture(t.nics[0], node: "host01", point: "eth0")
            let listener = try t.containers[1].listenTCP(port: 7000)
            listener.onAccept = { connection in
                connection.onData = { bytes in try? connection.send(bytes) }  // echo
            }
            var echoed = [0, 0]
            for i in 0..<2 {
                let client = try t.containers[0].connectTCP(to: Topologies.ip("10.0.1.4"), port: 7000)
                client.onConnected = { try? client.send(Self.pattern(20_000, seed: i)) }
                client.onData = { echoed[i] += $0.count }
            }
            t.simulation.run(for: .seconds(2))
            #expect(echoed == [20_000, 20_000])
            let path = try #require(try run.finish()["host01:eth0"])
            let rows = try tsharkFields(path, ["udp.srcport", "ip.src", "tcp.srcport", "tcp.dstport"], filter: "vxlan && tcp",
                allOccurrences: true)
            var portsPerFlow: [String: Set<String>] = [:]
            for row in rows {
                let outerPort = row[0].split(separator: ",")[0]
                let innerSource = row[1].split(separator: ",").last ?? ""
                portsPerFlow["\(innerSource):\(row[2])>\(row[3])", default: []].insert(String(outerPort))
            }
            #expect(portsPerFlow.count == 4, "two connections, two directions")
            #expect(portsPerFlow.values.allSatisfy { $0.count == 1 }, "constant within a connection on a clean path")
            #expect(Set(portsPerFlow.values.compactMap(\.first)).count == 4, "all different")
        }
    }
}
