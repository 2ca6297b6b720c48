import TestSupport
import CPcap
import SwarmSimCore
import Testing

@testable import SwarmSimCapture

/// Writes `frames` through `tap`, each at its simulated time.
func record(_ frames: [(time: Int64, frame: [UInt8])], to tap: some FrameTap, comment: (Int) -> String? = { _ in nil })
{
    for (index, item) in frames.enumerated() {
        item.frame.withUnsafeBytes { tap.record($0, at: SimTime(nanoseconds: item.time), comment: comment(index)) }
    }
}

@Suite struct PcapWriterTests {
    /// 2023-11-14T22:13:20Z, a plausible scenario start.
    static let epoch = SimDuration.seconds(1_700_000_000)

    @Test func writesNanosecondPcapThatLibpcapReadsBackExactly() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/host01-eth0.pcap"
            let writer = try PcapWriter(path: path, epoch: Self.epoch)
            record(TestFrames.conversation, to: writer)
            #expect(writer.packetCount == TestFrames.conversation.count)
            try writer.close()

            let bytes = try fileBytes(path)
            // Nanosecond pcap magic 0xa1b23c4d, in the writer's (little-endian) byte order.
            #expect(Array(bytes.prefix(4)) == [0x4D, 0x3C, 0xB2, 0xA1])

            let capture = try ReadCapture(path: path)
            #expect(capture.linkType == DLT_EN10MB)
            #expect(capture.snaplen == 262_144)
            try #require(capture.packets.count == TestFrames.conversation.count)
            for (packet, expected) in zip(capture.packets, TestFrames.conversation) {
                #expect(packet.bytes == expected.frame)
                #expect(packet.capturedLength == expected.frame.count)
                #expect(packet.originalLength == expected.frame.count)
                #expect(packet.unixNanoseconds == Self.epoch.nanoseconds + expected.time)
            }
        }
    }

    @Test func tsharkReadsItWithoutErrors() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/clean.pcap"
            let writer = try PcapWriter(path: path, epoch: Self.epoch)
            record(TestFrames.conversation, to: writer)
            try writer.close()
            // ARP has no checksum; DNS and UDP frames have IPv4 and UDP ones, ICMP IPv4 and ICMP.
            let problems = try WiresharkChecks.problems(path, checksums: 10)
            #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")

            // tshark agrees on the protocols, in order.
            let protocols = try Tool.tsharkOutput(["-r", path, "-T", "fields", "-e", "frame.protocols"])
            #expect(
                protocols.split(separator: "\n") == [
                    "eth:ethertype:arp", "eth:ethertype:ip:udp:dns", "eth:ethertype:ip:udp:dns",
                    "eth:ethertype:ip:icmp:data",
                    "eth:ethertype:ip:icmp:data", "eth:ethertype:ip:udp:data",
                ])
        }
    }

    /// The Wireshark checks have teeth: one flipped byte in an IPv4 header is caught.
    @Test func wiresharkChecksCatchABadChecksum() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/bad.pcap"
            var broken = TestFrames.dnsQuery()
            broken[14 + 10] ^= 0xFF  // IPv4 header checksum, high byte
            let writer = try PcapWriter(path: path)
            record([(0, broken)], to: writer)
            try writer.close()
            let problems = try WiresharkChecks.problems(path, checksums: 2)
            #expect(problems.contains { $0.contains("Bad checksum") })
            #expect(problems.contains { $0.contains("checksum status 0") })
        }
    }

    @Test func timestampsAreExactToTheNanosecondInTshark() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/times.pcap"
            let writer = try PcapWriter(path: path, epoch: Self.epoch)
            record(TestFrames.conversation, to: writer)
            try writer.close()
            let epochs = try Tool.tsharkOutput(["-r", path, "-T", "fields", "-e", "frame.time_epoch"])
            #expect(
                epochs.split(separator: "\n") == [
                    "1700000000.000000000", "1700000001.000000001", "1700000001.000250123", "1700000002.500000999",
                    "1700000002.500100000", "1700000003.999999999",
                ])
        }
    }

    @Test func snaplenTruncatesCapturedLengthButKeepsOriginalLength() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/short.pcap"
            let writer = try PcapWriter(path: path, snaplen: 34, epoch: .zero)
            record(TestFrames.conversation, to: writer)
            try writer.close()
            let capture = try ReadCapture(path: path)
            #expect(capture.snaplen == 34)
            try #require(capture.packets.count == TestFrames.conversation.count)
            for (packet, expected) in zip(capture.packets, TestFrames.conversation) {
                #expect(packet.capturedLength == min(34, expected.frame.count))
                #expect(packet.originalLength == expected.frame.count)
                #expect(packet.bytes == Array(expected.frame.prefix(34)))
            }
            #expect(capture.packets.contains { $0.capturedLength < $0.originalLength })
            // Truncated frames are expected in Wireshark ("[Packet size limited during capture]"),
            // but the file itself must still open.
            #expect(try Tool.tshark(["-r", path]).status == 0)
        }
    }

    @Test func closeIsIdempotentAndLaterFramesAreIgnored() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/closed.pcap"
            let writer = try PcapWriter(path: path)
            record(Array(TestFrames.conversation.prefix(2)), to: writer)
            try writer.close()
            try writer.close()
            record(TestFrames.conversation, to: writer)
            #expect(writer.packetCount == 2)
            #expect(try ReadCapture(path: path).packets.count == 2)
        }
    }

    @Test func deinitClosesTheFile() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/dropped.pcap"
            do {
                let writer = try PcapWriter(path: path)
                record(TestFrames.conversation, to: writer)
            }
            #expect(try ReadCapture(path: path).packets.count == TestFrames.conversation.count)
        }
    }

    @Test func unwritablePathThrowsWithPathAndErrnoText() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/missing/host01-eth0.pcap"
            #expect(throws: CaptureError.cannotOpen(path: path, reason: "No such file or directory")) {
                try PcapWriter(path: path)
            }
            let error = CaptureError.cannotOpen(path: path, reason: "No such file or directory")
            #expect(error.description == "cannot open '\(path)' for writing: No such file or directory")
        }
    }

    @Test(arguments: [0, -1, 262_145])
    func invalidSnaplenIsRejected(snaplen: Int) throws {
        try withTemporaryDirectory { directory in
            #expect(throws: CaptureError.invalidSnaplen(snaplen)) {
                try PcapWriter(path: directory + "/x.pcap", snaplen: snaplen)
            }
            #expect(!fileExists(directory + "/x.pcap"))
        }
    }

    @Test(arguments: [SimDuration.seconds(-1), SimDuration.seconds(Int64(UInt32.max))])
    func epochOutsidePcapRangeIsRejected(epoch: SimDuration) throws {
        try withTemporaryDirectory { directory in
            #expect(throws: CaptureError.invalidEpoch(epoch)) {
                try PcapWriter(path: directory + "/x.pcap", epoch: epoch)
            }
        }
    }
}
