import TestSupport
import SwarmSimCore
import Testing

@testable import SwarmSimCapture

/// Same scenario and seed give byte-identical captures: nothing host- or time-dependent may
/// reach a file.
@Suite struct DeterminismTests {
    /// Runs one session with a fixed set of points and frames into `directory`.
    static func capture(into directory: String) throws -> [String] {
        let session = try CaptureSession(
            directory: directory, name: "lbapp1", snaplen: 128, filter: "not arp", pcapng: true,
            epoch: .seconds(1_700_000_000))
        let taps = [
            try session.point(node: "host01", point: "eth0", description: "underlay"),
            try session.point(node: "host01", point: "ingress_sbox-eth1", description: "ingress namespace"),
            try session.point(node: "host02", point: "eth0", description: "underlay"),
        ]
        for (index, item) in TestFrames.conversation.enumerated() {
            item.frame.withUnsafeBytes {
                taps[index % taps.count].record(
                    $0, at: SimTime(nanoseconds: item.time), comment: index % 2 == 0 ? "rule \(index)" : nil)
            }
        }
        try session.close()
        return session.outputPaths.map { String($0.dropFirst(directory.count)) }
    }

    @Test func twoRunsWriteByteIdenticalFiles() throws {
        try withTemporaryDirectory { first in
            try withTemporaryDirectory { second in
                let names = try Self.capture(into: first)
                #expect(try Self.capture(into: second) == names)
                #expect(names.count == 4)
                for name in names {
                    let a = try fileBytes(first + name)
                    let b = try fileBytes(second + name)
                    #expect(a == b, "\(name) differs between runs")
                    #expect(a.count > 24, "\(name) is empty")
                }
            }
        }
    }
}
