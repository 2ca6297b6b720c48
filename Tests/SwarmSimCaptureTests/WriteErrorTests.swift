import TestSupport
import SwarmSimCore
import Testing

@testable import SwarmSimCapture

/// A full disk is reported by `close()` rather than leaving a silently short capture. Linux's
/// `/dev/full` accepts `open` and fails every write with ENOSPC.
@Suite struct WriteErrorTests {
    static let devFull = "/dev/full"

    /// A few frames (stay in stdio's buffer until close) or many (fail while recording).
    @Test(arguments: [3, 5_000])
    func pcapWriterReportsAFullDisk(frames: Int) throws {
        guard fileExists(Self.devFull) else { return }  // not Linux
        let writer = try PcapWriter(path: Self.devFull)
        for index in 0..<frames {
            TestFrames.dnsQuery().withUnsafeBytes {
                writer.record($0, at: SimTime(nanoseconds: Int64(index)), comment: nil)
            }
        }
        let error = try #require(throws: CaptureError.self) { try writer.close() }
        guard case .cannotWrite(let path, let reason) = error else {
            Issue.record("expected cannotWrite, got \(error)")
            return
        }
        #expect(path == Self.devFull)
        #expect(["No space left on device", "Input/output error"].contains(reason))
        try writer.close()  // already closed: nothing more to report
    }

    @Test(arguments: [3, 50_000])
    func pcapngWriterReportsAFullDisk(frames: Int) throws {
        guard fileExists(Self.devFull) else { return }
        let writer = try PcapNGWriter(path: Self.devFull)
        let tap = writer.addInterface(name: "host01:eth0", description: "")
        for index in 0..<frames {
            TestFrames.dnsQuery().withUnsafeBytes {
                tap.record($0, at: SimTime(nanoseconds: Int64(index)), comment: nil)
            }
        }
        #expect(throws: CaptureError.cannotWrite(path: Self.devFull, reason: "No space left on device")) {
            try writer.close()
        }
    }
}
