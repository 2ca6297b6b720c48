import TestSupport
import Foundation
import SwarmSimCore
import Testing

@testable import SwarmSimCapture

@Suite struct CaptureSessionTests {
    /// Capture points of the scenario format's examples, with the file each must write.
    static let points: [(node: String, point: String, file: String)] = [
        ("host01", "eth0", "host01-eth0.pcap"),
        ("host01", "ingress_sbox-eth1", "host01-ingress_sbox-eth1.pcap"),
        ("host02", "lbapp1.1-eth0", "host02-lbapp1.1-eth0.pcap"),
        ("host02", "ingress_sbox/eth0", "host02-ingress_sbox-eth0.pcap"),
        ("host03", "weird:name\\with/odd", "host03-weird-name-with-odd.pcap"),
    ]

    /// A session over `points`, each point recording the conversation shifted by its index.
    static func runSession(in directory: String, filter: String? = nil, close: Bool = true) throws -> CaptureSession {
        let session = try CaptureSession(
            directory: directory, name: "lbapp1", snaplen: 262_144, filter: filter, pcapng: true)
        for (index, point) in points.enumerated() {
            let tap = try session.point(node: point.node, point: point.point, description: "point \(index)")
            let shifted = TestFrames.conversation.prefix(index + 1).map {
                (time: $0.time + Int64(index), frame: $0.frame)
            }
            record(shifted, to: tap) { $0 == 1 ? "rewritten by point \(index)" : nil }
        }
        if close { try session.close() }
        return session
    }

    @Test func filesAreNamedPerTheScenarioFormat() throws {
        try withTemporaryDirectory { directory in
            let session = try Self.runSession(in: directory)
            let expected = (Self.points.map(\.file) + ["lbapp1.pcapng"]).sorted()
            #expect(try directoryListing(directory) == expected)
            #expect(
                session.outputPaths == [directory + "/lbapp1.pcapng"] + Self.points.map { directory + "/" + $0.file })
            #expect(session.pcapngPath == directory + "/lbapp1.pcapng")
            #expect(session.capturePoints.map(\.pcapPath) == Self.points.map { directory + "/" + $0.file })
            for (index, point) in Self.points.enumerated() {
                let capture = try ReadCapture(path: directory + "/" + point.file)
                #expect(capture.packets.map(\.bytes) == TestFrames.conversation.prefix(index + 1).map(\.frame))
                #expect(capture.packets.first?.unixNanoseconds == Int64(index))
            }
        }
    }

    @Test func mergedPcapngNamesInterfacesNodeColonPoint() throws {
        try withTemporaryDirectory { directory in
            _ = try Self.runSession(in: directory)
            let path = directory + "/lbapp1.pcapng"
            let names = try Tool.tsharkOutput([
                "-r", path, "-T", "fields", "-E", "separator=|", "-e", "frame.interface_name", "-e",
                "frame.interface_description",
                "-e", "frame.comment",
            ])
            let rows = Set(names.split(separator: "\n").map(String.init))
            #expect(rows.contains("host01:eth0|point 0|"))
            #expect(rows.contains("host01:ingress_sbox-eth1|point 1|rewritten by point 1"))
            #expect(rows.contains("host02:ingress_sbox/eth0|point 3|rewritten by point 3"))
            #expect(rows.contains("host03:weird:name\\with/odd|point 4|"))
            #expect(try ReadCapture(path: path).packets.count == 15)  // 1 + 2 + 3 + 4 + 5
        }
    }

    @Test func packetCountsFollowCreationOrderAndTheFilter() throws {
        try withTemporaryDirectory { directory in
            let session = try Self.runSession(in: directory, filter: "udp port 53")
            // Point i saw the first i+1 frames: ARP, DNS query, DNS response, ping, pong.
            let counts = session.packetCounts
            #expect(counts.map(\.point) == Self.points.map { $0.node + ":" + $0.point })
            #expect(counts.map(\.count) == [0, 1, 2, 2, 2])
            #expect(session.capturePoints.map(\.packetCount) == [0, 1, 2, 2, 2])
            #expect(try ReadCapture(path: directory + "/host02-lbapp1.1-eth0.pcap").packets.count == 2)
            #expect(try ReadCapture(path: directory + "/host01-eth0.pcap").packets.isEmpty)
            #expect(try ReadCapture(path: directory + "/lbapp1.pcapng").packets.count == 7)
            #expect(session.filter?.expression == "udp port 53")
        }
    }

    @Test func nothingAppearsUnderAFinalNameBeforeClose() throws {
        try withTemporaryDirectory { directory in
            let session = try Self.runSession(in: directory, close: false)
            let before = try directoryListing(directory)
            #expect(before == (Self.points.map { "." + $0.file + ".partial" } + [".lbapp1.pcapng.partial"]).sorted())
            for path in session.outputPaths { #expect(!fileExists(path)) }
            try session.close()
            try session.close()  // idempotent
            #expect(try directoryListing(directory) == (Self.points.map(\.file) + ["lbapp1.pcapng"]).sorted())
        }
    }

    @Test func closeReplacesAnEarlierRunsFilesAtomically() throws {
        try withTemporaryDirectory { directory in
            let old = directory + "/host01-eth0.pcap"
            let first = try PcapWriter(path: old)
            record(TestFrames.conversation, to: first)  // an earlier run's six frames
            try first.close()
            let session = try Self.runSession(in: directory, close: false)
            #expect(try ReadCapture(path: old).packets.count == 6)  // the old capture, until close
            try session.close()
            #expect(try ReadCapture(path: old).packets.count == 1)  // point 0 of the new run: one frame
            #expect(try directoryListing(directory).allSatisfy { !$0.hasSuffix(".partial") })
        }
    }

    @Test func failedRenameLeavesNoPartialFiles() throws {
        try withTemporaryDirectory { directory in
            // A non-empty directory where a capture file should go: rename(2) cannot replace it.
            let blocker = directory + "/host01-ingress_sbox-eth1.pcap"
            let writer = try PcapWriter(path: directory + "/keep.pcap")
            try writer.close()
            let session = try Self.runSession(in: directory, close: false)
            try FileManager.default.createDirectory(atPath: blocker + "/sub", withIntermediateDirectories: true)
            let error = try #require(throws: CaptureError.self) { try session.close() }
            guard case .cannotRename(let from, let to, _) = error else {
                Issue.record("expected cannotRename, got \(error)")
                return
            }
            #expect(from == directory + "/.host01-ingress_sbox-eth1.pcap.partial")
            #expect(to == blocker)
            #expect(try directoryListing(directory).allSatisfy { !$0.hasSuffix(".partial") })
            #expect(fileExists(directory + "/keep.pcap"))
            try session.close()  // closed: nothing more to do
        }
    }

    @Test func abandonAndReleaseLeaveNothingBehind() throws {
        try withTemporaryDirectory { directory in
            let abandoned = try Self.runSession(in: directory + "/a", close: false)
            abandoned.abandon()
            #expect(try directoryListing(directory + "/a") == [])
            #expect(abandoned.capturePoints.allSatisfy { !$0.isOpen })

            do { _ = try Self.runSession(in: directory + "/b", close: false) }
            #expect(try directoryListing(directory + "/b") == [])
        }
    }

    @Test func framesAfterCloseAreNotCounted() throws {
        try withTemporaryDirectory { directory in
            let session = try CaptureSession(
                directory: directory, name: "run", snaplen: 262_144, filter: nil, pcapng: true)
            let tap = try session.point(node: "host01", point: "eth0", description: "")
            record(TestFrames.conversation, to: tap)
            try session.close()
            record(TestFrames.conversation, to: tap)
            #expect(session.packetCounts.map(\.count) == [TestFrames.conversation.count])
        }
    }

    @Test(arguments: [(true, false), (false, true), (false, false)])
    func formatsCanBeTurnedOff(pcapng: Bool, perPointPcap: Bool) throws {
        try withTemporaryDirectory { directory in
            let session = try CaptureSession(
                directory: directory, name: "run", snaplen: 262_144, filter: nil, pcapng: pcapng,
                perPointPcap: perPointPcap)
            let tap = try session.point(node: "host01", point: "eth0", description: "")
            record(TestFrames.conversation, to: tap)
            try session.close()
            var expected: [String] = []
            if perPointPcap { expected.append("host01-eth0.pcap") }
            if pcapng { expected.append("run.pcapng") }
            #expect(try directoryListing(directory) == expected)
            #expect(session.packetCounts.map(\.count) == [TestFrames.conversation.count])
        }
    }

    @Test func createsMissingDirectories() throws {
        try withTemporaryDirectory { directory in
            let nested = directory + "/out/lbapp1/"
            let session = try CaptureSession(
                directory: nested, name: "lbapp1", snaplen: 262_144, filter: nil, pcapng: true)
            try session.close()
            #expect(try directoryListing(directory + "/out/lbapp1") == ["lbapp1.pcapng"])
        }
    }

    @Test func directoryUnderAFileIsAnError() throws {
        try withTemporaryDirectory { directory in
            let file = directory + "/plain"
            let writer = try PcapWriter(path: file)
            try writer.close()
            #expect(throws: CaptureError.cannotCreateDirectory(path: file + "/out", reason: "Not a directory")) {
                try CaptureSession(directory: file + "/out", name: "x", snaplen: 262_144, filter: nil, pcapng: true)
            }
        }
    }

    @Test func badFilterFailsBeforeAnythingIsCreated() throws {
        try withTemporaryDirectory { directory in
            let error = try #require(throws: CaptureError.self) {
                try CaptureSession(
                    directory: directory + "/out", name: "x", snaplen: 262_144, filter: "udp prt 53", pcapng: true)
            }
            #expect(error.description.hasPrefix("invalid capture filter 'udp prt 53': "))
            #expect(error.description.contains("syntax error"))
            #expect(try directoryListing(directory) == [])
        }
    }

    @Test(arguments: ["", "   "])
    func blankFilterCapturesEverything(filter: String) throws {
        try withTemporaryDirectory { directory in
            let session = try CaptureSession(
                directory: directory, name: "x", snaplen: 262_144, filter: filter, pcapng: false)
            #expect(session.filter == nil)
            session.abandon()
        }
    }

    @Test(arguments: [
        ("host01", "eth0", "host01", "eth0"),  // the same point twice
        ("host01", "a/b", "host01", "a:b"),  // different points, same file name
    ])
    func duplicatePointsAreRefused(node1: String, point1: String, node2: String, point2: String) throws {
        try withTemporaryDirectory { directory in
            let session = try CaptureSession(
                directory: directory, name: "x", snaplen: 262_144, filter: nil, pcapng: true)
            _ = try session.point(node: node1, point: point1, description: "")
            let error = try #require(throws: CaptureError.self) {
                try session.point(node: node2, point: point2, description: "")
            }
            guard case .duplicatePoint(let name, _) = error else {
                Issue.record("expected duplicatePoint, got \(error)")
                return
            }
            #expect(name == node2 + ":" + point2)
            #expect(session.capturePoints.count == 1)
            try session.close()
        }
    }

    @Test func sessionNameIsMadeFilesystemSafe() throws {
        try withTemporaryDirectory { directory in
            let session = try CaptureSession(
                directory: directory, name: "team/run:1", snaplen: 262_144, filter: nil, pcapng: true)
            try session.close()
            #expect(try directoryListing(directory) == ["team-run-1.pcapng"])
        }
    }

    @Test func perPointFilesPassTheWiresharkChecks() throws {
        try withTemporaryDirectory { directory in
            _ = try Self.runSession(in: directory)
            // Point 4 saw all but the last frame: ARP, DNS x2, ping, pong.
            let problems = try WiresharkChecks.problems(directory + "/host03-weird-name-with-odd.pcap", checksums: 8)
            #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        }
    }
}
