import SwarmSimCapture
import SwarmSimCore
import Testing
import TestSupport

/// One seed gives byte-identical captures, run after run; another seed changes the random
/// choices (ephemeral ports, flow hash seeds) but not what the traffic does.
@Suite struct KernelDeterminismTests {
    /// Runs pings and UDP across the overlay with `seed` and returns the bytes of each capture.
    private func overlayCaptures(seed: UInt64, in dir: String) throws -> [String: [UInt8]] {
        let t = Topologies.Overlay(seed: seed, link: LinkProperties(latency: .microseconds(100), jitter: .microseconds(20)))
        let run = try CapturedRun(directory: dir, name: "overlay")
        try run.capture(t.nics[0], node: "host01", point: "eth0")
        try run.capture(t.containerEths[1], node: "host02", point: "c2-eth0")
        let ping = try t.containers[0].openPingSocket()
        for seq in 1...5 { try ping.sendEcho(to: Topologies.ip("10.0.1.4"), sequence: UInt16(seq), payload: Array(repeating: 1, count: 56)) }
        let server = try t.containers[1].openUDPSocket(port: 53)
        server.onReceive = { s, d in try? s.send(d.payload, to: d.source, port: d.sourcePort) }
        let client = try t.containers[0].openUDPSocket()
        try client.send(Array("query".utf8), to: Topologies.ip("10.0.1.4"), port: 53)
        t.simulation.run(for: .seconds(10))
        let paths = try run.finish()
        var bytes: [String: [UInt8]] = [:]
        for (point, path) in paths { bytes[point] = try fileBytes(path) }
        bytes["overlay.pcapng"] = try fileBytes(run.session.pcapngPath!)
        return bytes
    }

    @Test func theSameSeedGivesByteIdenticalCaptures() throws {
        let first = try withTemporaryDirectory { try overlayCaptures(seed: 7, in: $0) }
        let second = try withTemporaryDirectory { try overlayCaptures(seed: 7, in: $0) }
        #expect(first.keys.sorted() == second.keys.sorted())
        for (name, bytes) in first { #expect(bytes == second[name], "\(name) differs between two runs of seed 7") }
        #expect((first["host01:eth0"]?.count ?? 0) > 1_000, "the capture holds the traffic")
    }

    @Test func anotherSeedChangesRandomChoicesOnly() throws {
        let a = try withTemporaryDirectory { try overlayCaptures(seed: 1, in: $0) }
        let b = try withTemporaryDirectory { try overlayCaptures(seed: 2, in: $0) }
        #expect(a["host01:eth0"] != b["host01:eth0"], "ephemeral ports and VXLAN source ports follow the seed")
        #expect(a["host01:eth0"]?.count == b["host01:eth0"]?.count, "but the same packets cross the wire")
    }
}
