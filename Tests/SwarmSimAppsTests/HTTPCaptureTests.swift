import Foundation
import SwarmSimApps
import SwarmSimCore
import TestSupport
import Testing

/// An HTTP exchange captured on the client's eth0 and read back by tshark.
@Suite struct HTTPCaptureTests {
    /// Classic pcap (nanosecond magic, Ethernet) of recorded frames; timestamps are simulated
    /// time from the Unix epoch, as swarmsim's captures are.
    static func writePcap(_ frames: [RecordingTap.Frame], to path: String) throws {
        var bytes: [UInt8] = []
        func le32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        func le16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        le32(0xA1B2_3C4D)
        le16(2)
        le16(4)
        le32(0)
        le32(0)
        le32(262_144)
        le32(1)
        for frame in frames {
            le32(UInt32(frame.time.nanoseconds / 1_000_000_000))
            le32(UInt32(frame.time.nanoseconds % 1_000_000_000))
            le32(UInt32(frame.bytes.count))
            le32(UInt32(frame.bytes.count))
            bytes += frame.bytes
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { throw TestFailure("cannot write \(path)") }
    }

    @Test func curlAgainstDockerHTTPServerIsValidHTTP() throws {
        let bed = AppTestBed()
        let tap = RecordingTap()
        bed.topology.aEth.addTap(tap)
        _ = try DockerHTTPServer.start(context: bed.server)
        let result = try #require(bed.curl("server"))
        #expect(result.exitCode == 0)
        try withTemporaryDirectory { directory in
            let path = directory + "/http.pcap"
            try Self.writePcap(tap.frames, to: path)
            let problems = try WiresharkChecks.problems(path, checksums: 12)
            #expect(problems.isEmpty, "\(problems)")
            let fields = try Tool.tsharkOutput([
                "-r", path, "-Y", "http", "-T", "fields", "-E", "separator=|",
                "-e", "http.request.method", "-e", "http.request.uri", "-e", "http.host", "-e", "http.user_agent",
                "-e", "http.response.code", "-e", "http.content_type", "-e", "http.content_length", "-e", "http.file_data",
            ])
            let rows = fields.split(separator: "\n").map(String.init)
            #expect(rows.count == 2)
            #expect(rows.first == "GET|/|server|curl/8.5.0||||")
            #expect(rows.last?.hasPrefix("||||200|text/html; charset=utf-8|58|") == true)
            #expect(rows.last?.contains("This request was processed by host: cbc4fa365043") == true)
        }
    }
}
