import Testing

@testable import SwarmSimCore

@Suite struct TCPTests {
    static let syn = Array(WireFixtures.tcpSyn[34...])
    static let data = Array(WireFixtures.tcpData[34...])
    static let client = IPv4Address(10, 0, 0, 2)
    static let server = IPv4Address(10, 0, 0, 3)

    static let synHeader = TCPHeader(
        sourcePort: 45678, destinationPort: 80, sequenceNumber: 0x3ade68b1, flags: .syn, window: 64240,
        options: TCPOptions(
            mss: 1460, windowScale: 7, sackPermitted: true, timestamps: TCPTimestamps(value: 0x0a1b2c3d, echo: 0)))
    static let dataHeader = TCPHeader(
        sourcePort: 45678, destinationPort: 80, sequenceNumber: 0x3ade68b2, acknowledgmentNumber: 0x9c4f0e21,
        flags: [.psh, .ack], window: 502,
        options: TCPOptions(timestamps: TCPTimestamps(value: 0x0a1b2c47, echo: 0x5e6f7081)))

    @Test func readsEveryFieldOfALinuxSYN() throws {
        var bytes = Self.syn
        try bytes.withUnsafeMutableBytes { raw in
            let segment = try TCPSegment(raw)
            #expect(segment.sourcePort == 45678 && segment.destinationPort == 80)
            #expect(segment.sequenceNumber == 0x3ade68b1 && segment.acknowledgmentNumber == 0)
            #expect(segment.dataOffset == 10 && segment.headerLength == 40 && segment.reservedBits == 0)
            #expect(segment.flags == .syn && segment.window == 64240)
            #expect(segment.checksum == 0xac64 && segment.urgentPointer == 0)
            #expect(segment.options.count == 20 && segment.payload.isEmpty)
            #expect(segment.verifyChecksum(source: Self.client, destination: Self.server))
            let header = try TCPHeader.parse(segment, source: Self.client, destination: Self.server)
            #expect(header == Self.synHeader)
            #expect(header.options.mss == 1460 && header.options.windowScale == 7 && header.options.sackPermitted)
            #expect(header.options.timestamps == TCPTimestamps(value: 0x0a1b2c3d, echo: 0))
            #expect(header.options.sackBlocks.isEmpty && header.headerLength == 40)
        }
    }

    @Test func readsADataSegment() throws {
        var bytes = Self.data
        try bytes.withUnsafeMutableBytes { raw in
            let segment = try TCPSegment(raw)
            #expect(segment.headerLength == 32 && segment.flags == [.psh, .ack])
            #expect(String(decoding: segment.payload, as: UTF8.self) == "GET / HTTP/1.1\r\nHost: web\r\n\r\n")
            #expect(try TCPHeader.parse(segment, source: Self.client, destination: Self.server) == Self.dataHeader)
        }
    }

    @Test(arguments: [(syn, synHeader), (data, dataHeader)])
    func emitsTheSameBytes(_ expected: [UInt8], _ header: TCPHeader) {
        var bytes = expected
        bytes.withUnsafeMutableBytes { raw in
            raw.wireSlice(0..<header.headerLength).initializeMemory(as: UInt8.self, repeating: 0xEE)
            header.emit(into: raw, source: Self.client, destination: Self.server)
        }
        #expect(bytes == expected, "\(WireFixture.hex(bytes))")
    }

    @Test(arguments: [
        (TCPOptions(), 0, ""),
        (TCPOptions(mss: 1460), 4, "020405b4"),
        (TCPOptions(mss: 1460, windowScale: 7, sackPermitted: true), 12, "020405b4 01010402 01030307"),
        (TCPOptions(sackPermitted: true, timestamps: TCPTimestamps(value: 1, echo: 2)), 12, "0402080a 00000001 00000002"),
        (
            TCPOptions(sackBlocks: [TCPSackBlock(left: 10, right: 20)]), 12,
            "0101050a 0000000a 00000014"
        ),
        (
            TCPOptions(
                timestamps: TCPTimestamps(value: 5, echo: 6),
                sackBlocks: [
                    TCPSackBlock(left: 1, right: 2), TCPSackBlock(left: 3, right: 4), TCPSackBlock(left: 5, right: 6),
                ]), 40,
            "0101080a 00000005 00000006 0101051a 00000001 00000002 00000003 00000004 00000005 00000006"
        ),
        (
            TCPOptions(sackBlocks: [
                TCPSackBlock(left: 1, right: 2), TCPSackBlock(left: 3, right: 4), TCPSackBlock(left: 5, right: 6),
                TCPSackBlock(left: 7, right: 8),
            ]), 36,
            "01010522 00000001 00000002 00000003 00000004 00000005 00000006 00000007 00000008"
        ),
    ])
    func laysOptionsOutAsLinuxDoes(_ options: TCPOptions, _ length: Int, _ hex: String) throws {
        #expect(options.encodedLength == length)
        var bytes = [UInt8](repeating: 0xEE, count: length)
        bytes.withUnsafeMutableBytes { options.emit(into: $0) }
        #expect(bytes == WireFixture.bytes(hex))
        let parsed = try bytes.withUnsafeBytes { raw throws(WireError) in try TCPOptions.parse(raw) }
        #expect(parsed == options)
    }

    @Test func skipsUnknownOptionsAndStopsAtEndOfList() throws {
        // NOP, an unknown kind 30 of length 4, MSS, EOL, then garbage that must be ignored.
        let bytes = WireFixture.bytes("01 1e04abcd 02040578 00 ff")
        let options = try bytes.withUnsafeBytes { raw throws(WireError) in try TCPOptions.parse(raw) }
        #expect(options == TCPOptions(mss: 1400))
    }

    @Test func describesFlags() {
        #expect(TCPFlags([.syn, .ack]).description == "SYN,ACK")
        #expect(TCPFlags([.fin, .psh, .ack]).description == "FIN,PSH,ACK")
        #expect(TCPFlags().description == "none")
        #expect(TCPFlags(rawValue: 0xFF).description == "FIN,SYN,RST,PSH,ACK,URG,ECE,CWR")
    }

    @Test func keepsSACKBlocksInline() {
        var blocks = TCPSackBlocks()
        blocks.append(TCPSackBlock(left: 1, right: 2))
        blocks.append(TCPSackBlock(left: 3, right: 4))
        #expect(blocks.count == 2 && blocks[1] == TCPSackBlock(left: 3, right: 4))
        blocks[0].right = 9
        #expect(blocks.first == TCPSackBlock(left: 1, right: 9))
        var other: TCPSackBlocks = [TCPSackBlock(left: 1, right: 9), TCPSackBlock(left: 3, right: 4)]
        #expect(blocks == other && Set([blocks, other]).count == 1)
        other.removeAll()
        #expect(other.isEmpty && blocks != other)
    }

    static let badInputs: [WireBadInput] = [
        WireBadInput("empty", [], .truncated(layer: .tcp, needed: 20, available: 0)),
        WireBadInput("19 bytes", Array(syn.prefix(19)), .truncated(layer: .tcp, needed: 20, available: 19)),
        WireBadInput("options cut", Array(syn.prefix(39)), .truncated(layer: .tcp, needed: 40, available: 39)),
        WireBadInput(
            "data offset 4", WireFixture.patched(syn, at: 12, 0x40, width: 1),
            .invalidField(layer: .tcp, field: "data offset", value: 4)),
        WireBadInput(
            "data offset 0", WireFixture.patched(syn, at: 12, 0x00, width: 1),
            .invalidField(layer: .tcp, field: "data offset", value: 0)),
        WireBadInput(
            "data offset beyond the segment", WireFixture.patched(syn, at: 12, 0xF0, width: 1),
            .truncated(layer: .tcp, needed: 60, available: 40)),
        WireBadInput("bad checksum", WireFixture.patched(syn, at: 16, 0xac65, width: 2), .badChecksum(layer: .tcp)),
        WireBadInput("changed data", WireFixture.patched(data, at: 40, 0x50, width: 1), .badChecksum(layer: .tcp)),
    ]

    @Test(arguments: badInputs)
    func rejectsMalformedSegments(_ input: WireBadInput) {
        let error = WireFixture.error(input.bytes) { raw throws(WireError) in
            _ = try TCPHeader.parse(TCPSegment(unchecked: raw), source: Self.client, destination: Self.server)
        }
        #expect(error == input.expected)
    }

    static let badOptions: [(String, String, WireError)] = [
        ("length 0", "02 00 0000", .invalidField(layer: .tcp, field: "option length", value: 0)),
        ("length 1", "1e 01 0000", .invalidField(layer: .tcp, field: "option length", value: 1)),
        ("no length byte", "010101 02", .invalidField(layer: .tcp, field: "option length", value: 0)),
        ("past the area", "01 08 0a 000000", .invalidField(layer: .tcp, field: "option length", value: 10)),
        ("MSS length 3", "02 03 05 00", .invalidField(layer: .tcp, field: "MSS option length", value: 3)),
        ("WS length 4", "03 04 0700", .invalidField(layer: .tcp, field: "window scale option length", value: 4)),
        ("SACK_PERM length 3", "04 03 00 00", .invalidField(layer: .tcp, field: "SACK permitted option length", value: 3)),
        ("SACK no block", "01 01 05 02", .invalidField(layer: .tcp, field: "SACK option length", value: 2)),
        (
            "SACK half block", "05 06 00000001 0000",
            .invalidField(layer: .tcp, field: "SACK option length", value: 6)
        ),
        (
            "TS length 8", "08 08 00000001 0000",
            .invalidField(layer: .tcp, field: "timestamps option length", value: 8)
        ),
    ]

    @Test(arguments: badOptions)
    func rejectsMalformedOptions(_ name: String, _ hex: String, _ expected: WireError) {
        let bytes = WireFixture.bytes(hex)
        let error = bytes.withUnsafeBytes { raw -> WireError? in
            do throws(WireError) {
                _ = try TCPOptions.parse(raw)
                return nil
            } catch {
                return error
            }
        }
        #expect(error == expected, "\(name)")
    }

    @Test func rejectsMalformedOptionsInASegment() {
        // Patch the SYN's MSS option length 4 -> 3 and fix the checksum.
        var bytes = WireFixture.patched(Self.syn, at: 21, 3, width: 1)
        bytes.withUnsafeMutableBytes { TCPSegment(unchecked: $0).fillChecksum(source: Self.client, destination: Self.server) }
        let error = WireFixture.error(bytes) { raw throws(WireError) in
            _ = try TCPHeader.parse(TCPSegment(raw), source: Self.client, destination: Self.server)
        }
        #expect(error == .invalidField(layer: .tcp, field: "MSS option length", value: 3))
    }
}
