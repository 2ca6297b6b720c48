import Testing

@testable import SwarmSimCore

@Suite struct IPv4Tests {
    /// The IPv4 packet of the ping fixture (20-byte header, 64-byte ICMP message).
    static let packet = Array(WireFixtures.icmpEcho[14...])
    static let header = IPv4Header(
        totalLength: 84, identification: 0x8e4f, dontFragment: true, ttl: 64, protocol: .icmp,
        source: IPv4Address(10, 0, 0, 2), destination: IPv4Address(10, 0, 0, 3))

    @Test func readsEveryField() throws {
        var bytes = Self.packet
        try bytes.withUnsafeMutableBytes { raw in
            let packet = try IPv4Packet(raw)
            #expect(packet.version == 4 && packet.ihl == 5 && packet.headerLength == 20)
            #expect(packet.dscp == 0 && packet.ecn == 0)
            #expect(packet.totalLength == 84)
            #expect(packet.identification == 0x8e4f)
            #expect(!packet.reservedFlag && packet.dontFragment && !packet.moreFragments)
            #expect(packet.fragmentOffset == 0 && !packet.isFragment)
            #expect(packet.ttl == 64 && packet.protocol == .icmp)
            #expect(packet.headerChecksum == 0x9855 && packet.verifyChecksum())
            #expect(packet.source == IPv4Address(10, 0, 0, 2) && packet.destination == IPv4Address(10, 0, 0, 3))
            #expect(packet.options.isEmpty)
            #expect(packet.payload.count == 64 && packet.payload[0] == 0x08)
            let header = try IPv4Header.parse(packet)
            #expect(header == Self.header)
            #expect(header.headerLength == 20 && header.payloadLength == 64)
        }
    }

    @Test func emitsTheSameBytes() {
        var bytes = Self.packet
        bytes.withUnsafeMutableBytes { raw in
            raw.wireSlice(0..<20).initializeMemory(as: UInt8.self, repeating: 0xEE)
            Self.header.emit(into: raw)
        }
        #expect(bytes == Self.packet)
    }

    @Test func keepsOptionBytesAndReadsDSCP() throws {
        var bytes = Array(WireFixtures.ipv4Options[14...])
        let header = try bytes.withUnsafeMutableBytes { raw throws(WireError) in
            let packet = try IPv4Packet(raw)
            #expect(packet.ihl == 6 && packet.dscp == 46 && packet.ecn == 1)
            #expect(Array(packet.options) == [0x94, 0x04, 0x00, 0x00])
            #expect(packet.payload.count == 11)
            return try IPv4Header.parse(packet)
        }
        #expect(header.optionsLength == 4 && header.headerLength == 24 && header.identification == 7)
        #expect(header.dscp == 46 && header.ecn == 1 && header.protocol == .udp)
        // Emit over a buffer holding only the options: the same header, checksum included.
        var rebuilt = [UInt8](repeating: 0, count: 20) + Array(bytes[20...])
        rebuilt.withUnsafeMutableBytes { header.emit(into: $0) }
        #expect(rebuilt == bytes)
    }

    @Test func limitsThePayloadToTheTotalLength() throws {
        // Ethernet pads a short frame to 60 bytes; the padding is not IP payload.
        var bytes = Array(WireFixtures.dnsQuery[14...]) + [0, 0, 0, 0, 0]
        try bytes.withUnsafeMutableBytes { raw in
            let packet = try IPv4Packet(raw)
            #expect(packet.payload.count == 35)
            #expect(try UDPDatagram(packet.payload).length == 35)
        }
    }

    @Test func writesFieldsThroughTheView() throws {
        var bytes = Self.packet
        try bytes.withUnsafeMutableBytes { raw in
            let packet = try IPv4Packet(raw)
            // Forwarding: TTL 64 -> 63 with an incremental checksum update, as ip_decrease_ttl does.
            let oldWord = raw.wireUInt16(at: 8)
            packet.ttl -= 1
            packet.headerChecksum = InternetChecksum.update(
                packet.headerChecksum, oldValue: oldWord, newValue: raw.wireUInt16(at: 8))
            #expect(packet.verifyChecksum())
            packet.moreFragments = true
            packet.fragmentOffset = 185
            packet.dscp = 10
            packet.ecn = 3
            packet.reservedFlag = true
            #expect(packet.dontFragment && packet.moreFragments && packet.fragmentOffset == 185 && packet.isFragment)
            #expect(packet.dscp == 10 && packet.ecn == 3 && packet.reservedFlag)
            packet.dontFragment = false
            #expect(!packet.dontFragment && packet.moreFragments && packet.fragmentOffset == 185)
            #expect(!packet.verifyChecksum())
            packet.fillChecksum()
            let header = try IPv4Header.parse(packet)
            #expect(header.ttl == 63 && header.fragmentOffset == 185 && !header.dontFragment)
        }
    }

    static let badInputs: [WireBadInput] = [
        WireBadInput("empty", [], .truncated(layer: .ipv4, needed: 20, available: 0)),
        WireBadInput("19 bytes", Array(packet.prefix(19)), .truncated(layer: .ipv4, needed: 20, available: 19)),
        WireBadInput(
            "header only", Array(packet.prefix(20)), .truncated(layer: .ipv4, needed: 84, available: 20)),
        WireBadInput(
            "one byte short", Array(packet.prefix(83)), .truncated(layer: .ipv4, needed: 84, available: 83)),
        WireBadInput(
            "version 6", WireFixture.patched(packet, at: 0, 0x65, width: 1),
            .invalidField(layer: .ipv4, field: "version", value: 6)),
        WireBadInput(
            "IHL 4", WireFixture.patched(packet, at: 0, 0x44, width: 1),
            .invalidField(layer: .ipv4, field: "IHL", value: 4)),
        WireBadInput(
            "IHL 15 in a short buffer", WireFixture.patched(Array(packet.prefix(40)), at: 0, 0x4F, width: 1),
            .truncated(layer: .ipv4, needed: 60, available: 40)),
        WireBadInput(
            "total length below the header", WireFixture.patched(packet, at: 2, 19, width: 2),
            .invalidField(layer: .ipv4, field: "total length", value: 19)),
        WireBadInput(
            "total length beyond the buffer", WireFixture.patched(packet, at: 2, 1500, width: 2),
            .truncated(layer: .ipv4, needed: 1500, available: 84)),
        WireBadInput("bad checksum", WireFixture.patched(packet, at: 10, 0x9856, width: 2), .badChecksum(layer: .ipv4)),
        WireBadInput("changed TTL", WireFixture.patched(packet, at: 8, 63, width: 1), .badChecksum(layer: .ipv4)),
    ]

    @Test(arguments: badInputs)
    func rejectsMalformedPackets(_ input: WireBadInput) {
        let error = WireFixture.error(input.bytes) { raw throws(WireError) in
            _ = try IPv4Header.parse(IPv4Packet(unchecked: raw))
        }
        #expect(error == input.expected)
    }

    @Test func skipsTheChecksumWhenAsked() throws {
        var bytes = WireFixture.patched(Self.packet, at: 10, 0, width: 2)
        let header = try bytes.withUnsafeMutableBytes { raw throws(WireError) in
            try IPv4Header.parse(IPv4Packet(raw), verifyChecksum: false)
        }
        #expect(header == Self.header)
    }
}
