import Foundation
import SwarmSimApps
import SwarmSimCore
import Testing
import TestSupport

/// Writes recorded frames as a classic pcap (LINKTYPE_ETHERNET, microsecond stamps), the
/// simplest file tshark reads, so the check below is tshark's and not our capture code's.
func writePcap(_ frames: [RecordingTap.Frame], to path: String) throws {
    var bytes: [UInt8] = []
    func u32(_ value: UInt32) { for shift in [0, 8, 16, 24] { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) } }
    func u16(_ value: UInt16) { bytes += [UInt8(truncatingIfNeeded: value), UInt8(value >> 8)] }
    u32(0xA1B2_C3D4)
    u16(2)
    u16(4)
    u32(0)
    u32(0)
    u32(262_144)
    u32(1)
    for frame in frames {
        let micros = frame.time.nanoseconds / 1000
        u32(UInt32(micros / 1_000_000))
        u32(UInt32(micros % 1_000_000))
        u32(UInt32(frame.bytes.count))
        u32(UInt32(frame.bytes.count))
        bytes += frame.bytes
    }
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
        throw TestFailure("cannot write \(path)")
    }
}

/// tshark field rows, one per packet, fields separated by '|'.
func tsharkRows(_ path: String, _ fields: [String], filter: String) throws -> [String] {
    var arguments = ["-r", path, "-T", "fields", "-E", "separator=|", "-E", "occurrence=a", "-Y", filter]
    for field in fields { arguments += ["-e", field] }
    return try Tool.tsharkOutput(arguments).split(separator: "\n").map(String.init)
}

@Suite struct DNSCaptureTests {
    @Test func digExchangeIsCleanDNSInWireshark() throws {
        let pair = Topologies.VethPair()
        let tap = RecordingTap()
        pair.aEth.addTap(tap)
        let timers = AppTimers(simulation: pair.simulation)
        let server = try DNSServer(namespace: pair.b, address: Topologies.ip("10.0.0.2"), source: DNSTestRecords())
        let context = AppContext(namespace: pair.a, timers: timers, resolver: HostsTable(), hostname: "c1")
        let (result, _) = withExtendedLifetime(server) {
            runCommand(pair.simulation) { done in
                Dig.run(arguments: ["@10.0.0.2", "tasks.http"], context: context, completion: done)
            }
        }
        #expect(result?.exitCode == 0)
        try withTemporaryDirectory { directory in
            let path = directory + "/dns.pcap"
            try writePcap(tap.frames, to: path)
            let problems = try WiresharkChecks.problems(path, checksums: 4)
            #expect(problems.isEmpty, "\(problems)")
            let rows = try tsharkRows(path, ["dns.flags.response", "dns.qry.name", "dns.a", "dns.flags.recavail"], filter: "dns")
            #expect(rows == ["0|tasks.http||", "1|tasks.http|10.0.1.3,10.0.1.4|1"])
        }
    }

    @Test func respExchangeIsCleanRedisInWireshark() throws {
        let pair = Topologies.VethPair()
        let tap = RecordingTap()
        pair.aEth.addTap(tap)
        let server = try RedisServer(namespace: pair.b)
        defer { withExtendedLifetime(server) {} }
        let client = try RedisClient(namespace: pair.a, address: Topologies.ip("10.0.0.2"))
        client.send(["SET", "k", "1"]) { _ in }
        client.send(["INCR", "k"]) { _ in }
        pair.simulation.runUntilIdle()
        client.close()
        pair.simulation.runUntilIdle()
        try withTemporaryDirectory { directory in
            let path = directory + "/redis.pcap"
            try writePcap(tap.frames, to: path)
            let problems = try WiresharkChecks.problems(path, checksums: 10)
            #expect(problems.isEmpty, "\(problems)")
            let rows = try tsharkRows(path, ["tcp.srcport", "tcp.payload"], filter: "tcp.len > 0")
            func hex(_ text: String) -> String {
                Array(text.utf8).map { String(format: "%02x", $0) }.joined()
            }
            let fromServer = rows.filter { $0.hasPrefix("6379|") }.map { $0.dropFirst(5) }.joined()
            let fromClient = rows.filter { !$0.hasPrefix("6379|") }.compactMap { $0.split(separator: "|").last }.joined()
            #expect(fromClient == hex("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n1\r\n*2\r\n$4\r\nINCR\r\n$1\r\nk\r\n"))
            #expect(fromServer == hex("+OK\r\n:2\r\n"))
        }
    }
}
