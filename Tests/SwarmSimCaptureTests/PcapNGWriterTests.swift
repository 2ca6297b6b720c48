import TestSupport
import CPcap
import SwarmSimCore
import Testing

@testable import SwarmSimCapture

@Suite struct PcapNGWriterTests {
    static let epoch = SimDuration.seconds(1_700_000_000)

    /// The conversation split over two capture points, with comments on some packets.
    static let frames: [(time: Int64, frame: [UInt8], interface: Int, comment: String?)] = [
        (0, TestFrames.arpRequest(), 0, nil),
        (1_000_000_001, TestFrames.dnsQuery(), 0, "DNAT to 10.0.0.5:53 (rule 3 of DOCKER-INGRESS)"),
        (1_000_000_501, TestFrames.dnsQuery(id: 0x4321), 1, nil),
        (1_000_250_123, TestFrames.dnsResponse(), 1, "IPVS FWM 256 rr → 10.0.0.5"),
        (2_500_000_999, TestFrames.icmpEcho(reply: false), 0, nil),
        (2_500_100_000, TestFrames.icmpEcho(reply: true), 1, "dropped: filter FORWARD policy DROP"),
    ]

    /// Writes `frames` to a pcapng with interfaces `host01:eth0` and `host02:eth0`.
    static func writeTwoHostCapture(to path: String) throws -> PcapNGWriter {
        let writer = try PcapNGWriter(path: path, epoch: epoch)
        let taps = [
            writer.addInterface(name: "host01:eth0", description: "underlay NIC of host01"),
            writer.addInterface(name: "host02:eth0", description: "underlay NIC of host02"),
        ]
        for item in frames {
            item.frame.withUnsafeBytes {
                taps[item.interface].record($0, at: SimTime(nanoseconds: item.time), comment: item.comment)
            }
        }
        try writer.close()
        return writer
    }

    /// Little-endian bytes of `value`.
    func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }

    /// The exact bytes of a small file, encoded by hand from draft-ietf-opsawg-pcapng so the
    /// writer is compared with the spec, not with itself.
    @Test func bytesMatchTheSpecification() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/fixture.pcapng"
            let writer = try PcapNGWriter(path: path)
            let tap = writer.addInterface(name: "host01:eth0", description: "underlay")
            let arp = TestFrames.arpRequest()  // 42 bytes: padded with 2 zero bytes
            arp.withUnsafeBytes { tap.record($0, at: SimTime(nanoseconds: 1), comment: nil) }
            arp.withUnsafeBytes { tap.record($0, at: SimTime(nanoseconds: 0x1_0000_0002), comment: "hi") }
            try writer.close()

            var expected: [UInt8] = []
            // Section Header Block: 28 bytes + shb_userappl "swarmsim" (4 + 8) + opt_endofopt (4).
            expected += [0x0A, 0x0D, 0x0D, 0x0A] + le(UInt32(44)) + [0x4D, 0x3C, 0x2B, 0x1A] + [1, 0, 0, 0]
            expected += [UInt8](repeating: 0xFF, count: 8)
            expected += [4, 0, 8, 0] + Array("swarmsim".utf8) + [0, 0, 0, 0] + le(UInt32(44))
            // Interface Description Block: 20 bytes + if_name (4 + 12) + if_description (4 + 8)
            // + if_tsresol (4 + 4) + opt_endofopt (4) = 60.
            expected += le(UInt32(1)) + le(UInt32(60)) + [1, 0, 0, 0] + le(UInt32(262_144))
            expected += [2, 0, 11, 0] + Array("host01:eth0".utf8) + [0]
            expected += [3, 0, 8, 0] + Array("underlay".utf8)
            expected += [9, 0, 1, 0, 9, 0, 0, 0] + [0, 0, 0, 0] + le(UInt32(60))
            // Enhanced Packet Block, no options: 32 + 44 = 76.
            expected += le(UInt32(6)) + le(UInt32(76)) + le(UInt32(0)) + le(UInt32(0)) + le(UInt32(1))
            expected += le(UInt32(42)) + le(UInt32(42)) + arp + [0, 0] + le(UInt32(76))
            // Enhanced Packet Block with opt_comment "hi" (4 + 4) and opt_endofopt (4): 88.
            expected += le(UInt32(6)) + le(UInt32(88)) + le(UInt32(0)) + le(UInt32(1)) + le(UInt32(2))
            expected += le(UInt32(42)) + le(UInt32(42)) + arp + [0, 0]
            expected += [1, 0, 2, 0] + Array("hi".utf8) + [0, 0] + [0, 0, 0, 0] + le(UInt32(88))

            #expect(try fileBytes(path) == expected)
        }
    }

    @Test func libpcapReadsBackBytesAndNanosecondTimestamps() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/run.pcapng"
            let writer = try Self.writeTwoHostCapture(to: path)
            #expect(writer.packetCount == Self.frames.count)
            #expect(writer.interfaceNames == ["host01:eth0", "host02:eth0"])
            let capture = try ReadCapture(path: path)
            #expect(capture.linkType == DLT_EN10MB)
            try #require(capture.packets.count == Self.frames.count)
            for (packet, expected) in zip(capture.packets, Self.frames) {
                #expect(packet.bytes == expected.frame)
                #expect(packet.originalLength == expected.frame.count)
                #expect(packet.unixNanoseconds == Self.epoch.nanoseconds + expected.time)
            }
        }
    }

    @Test func tsharkShowsInterfaceNamesCommentsAndExactTimes() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/run.pcapng"
            _ = try Self.writeTwoHostCapture(to: path)
            let fields = try Tool.tsharkOutput([
                "-r", path, "-T", "fields", "-E", "separator=|", "-e", "frame.interface_name", "-e",
                "frame.interface_description", "-e", "frame.comment", "-e", "frame.time_epoch",
            ])
            #expect(
                fields.split(separator: "\n") == [
                    "host01:eth0|underlay NIC of host01||1700000000.000000000",
                    "host01:eth0|underlay NIC of host01|DNAT to 10.0.0.5:53 (rule 3 of DOCKER-INGRESS)"
                        + "|1700000001.000000001",
                    "host02:eth0|underlay NIC of host02||1700000001.000000501",
                    "host02:eth0|underlay NIC of host02|IPVS FWM 256 rr → 10.0.0.5|1700000001.000250123",
                    "host01:eth0|underlay NIC of host01||1700000002.500000999",
                    "host02:eth0|underlay NIC of host02|dropped: filter FORWARD policy DROP|1700000002.500100000",
                ])
        }
    }

    @Test func tsharkFindsNothingWrong() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/run.pcapng"
            _ = try Self.writeTwoHostCapture(to: path)
            // DNS x3 (IPv4 + UDP), ICMP x2 (IPv4 + ICMP).
            let problems = try WiresharkChecks.problems(path, checksums: 10)
            #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        }
    }

    @Test func capinfosDescribesTheFile() throws {
        guard Tool.hasCapinfos else { return }  // optional tool; tshark checks are mandatory
        try withTemporaryDirectory { directory in
            let path = directory + "/run.pcapng"
            _ = try Self.writeTwoHostCapture(to: path)
            let result = try Tool.run(Tool.capinfosPath, ["-M", path])
            #expect(result.status == 0, "capinfos: \(result.stderr)")
            let lines = result.stdout.split(separator: "\n").map {
                $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            }
            #expect(lines.contains("File type: pcapng"))
            #expect(lines.contains("File encapsulation: ether"))
            #expect(lines.contains("File timestamp precision: nanoseconds (9)"))
            #expect(lines.contains("Number of packets: 6"))
            #expect(lines.contains("Number of interfaces in file: 2"))
            #expect(lines.contains("Capture application: swarmsim"))
            #expect(lines.contains("Name = host01:eth0"))
            #expect(lines.contains("Name = host02:eth0"))
        }
    }

    @Test func interfacesCanBeAddedAfterPacketsOfOthers() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/late.pcapng"
            let writer = try PcapNGWriter(path: path)
            let first = writer.addInterface(name: "host01:eth0", description: "")
            TestFrames.dnsQuery().withUnsafeBytes { first.record($0, at: SimTime(nanoseconds: 10), comment: nil) }
            let late = writer.addInterface(name: "host03:br-ingress", description: "joined late")
            #expect(late.id == 1)
            TestFrames.dnsResponse().withUnsafeBytes { late.record($0, at: SimTime(nanoseconds: 20), comment: "late") }
            try writer.close()
            let names = try Tool.tsharkOutput(["-r", path, "-T", "fields", "-e", "frame.interface_name"])
            #expect(names.split(separator: "\n") == ["host01:eth0", "host03:br-ingress"])
        }
    }

    @Test func snaplenTruncatesCapturedLength() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/short.pcapng"
            let writer = try PcapNGWriter(path: path, snaplen: 33)
            let tap = writer.addInterface(name: "host01:eth0", description: "")
            record(TestFrames.conversation, to: tap)
            try writer.close()
            let capture = try ReadCapture(path: path)
            #expect(capture.snaplen == 33)
            try #require(capture.packets.count == TestFrames.conversation.count)
            for (packet, expected) in zip(capture.packets, TestFrames.conversation) {
                #expect(packet.capturedLength == 33)
                #expect(packet.originalLength == expected.frame.count)
                #expect(packet.bytes == Array(expected.frame.prefix(33)))
            }
            let lengths = try Tool.tsharkOutput(["-r", path, "-T", "fields", "-e", "frame.cap_len", "-e", "frame.len"])
            #expect(lengths.split(separator: "\n").first == "33\t42")
        }
    }

    @Test func manyPacketsCrossTheFlushThreshold() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/big.pcapng"
            let writer = try PcapNGWriter(path: path)
            let tap = writer.addInterface(name: "host01:eth0", description: "")
            let frame = TestFrames.udpDiscard(payload: [UInt8](repeating: 0x55, count: 1400))
            let count = 2 * PcapNGWriter.flushThreshold / frame.count + 17
            frame.withUnsafeBytes { bytes in
                for index in 0..<count {
                    tap.record(bytes, at: SimTime(nanoseconds: Int64(index) * 1000), comment: nil)
                }
            }
            try writer.close()
            let capture = try ReadCapture(path: path)
            #expect(capture.packets.count == count)
            #expect(capture.packets.allSatisfy { $0.bytes == frame })
            #expect(capture.packets.last?.unixNanoseconds == Int64(count - 1) * 1000)
        }
    }

    @Test func longCommentsAreCutOnACharacterBoundary() {
        // 65534 ASCII bytes then a 3-byte character: it would straddle the 65535-byte limit.
        let text = String(repeating: "a", count: 65_534) + "→" + "tail"
        #expect(PcapNGBuffer.optionValueLength(text) == 65_534)
        #expect(PcapNGBuffer.optionValueLength("IPVS → 10.0.0.5") == "IPVS → 10.0.0.5".utf8.count)
        #expect(PcapNGBuffer.optionValueLength(String(repeating: "b", count: 70_000)) == 65_535)
    }

    @Test func oversizedCommentStillGivesAReadableFile() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/comment.pcapng"
            let writer = try PcapNGWriter(path: path)
            let tap = writer.addInterface(name: "host01:eth0", description: "")
            let comment = String(repeating: "x", count: 70_000)
            TestFrames.arpRequest().withUnsafeBytes { tap.record($0, at: .zero, comment: comment) }
            try writer.close()
            let comments = try Tool.tsharkOutput(["-r", path, "-T", "fields", "-e", "frame.comment"])
            #expect(comments == String(repeating: "x", count: 65_535) + "\n")
        }
    }

    @Test func closeIsIdempotentAndLaterFramesAreIgnored() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/closed.pcapng"
            let writer = try PcapNGWriter(path: path)
            let tap = writer.addInterface(name: "host01:eth0", description: "")
            record(Array(TestFrames.conversation.prefix(3)), to: tap)
            try writer.close()
            let size = try fileBytes(path).count
            try writer.close()
            record(TestFrames.conversation, to: tap)
            #expect(writer.packetCount == 3)
            #expect(try fileBytes(path).count == size)
            #expect(try ReadCapture(path: path).packets.count == 3)
        }
    }

    @Test func unwritablePathThrows() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/no/such/dir/run.pcapng"
            #expect(throws: CaptureError.cannotOpen(path: path, reason: "No such file or directory")) {
                try PcapNGWriter(path: path)
            }
        }
    }
}
