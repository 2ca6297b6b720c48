import Testing

@testable import SwarmSimCore

@Suite struct ARPTests {
    static let packet = Array(WireFixtures.arpRequest[14...])
    static let header = ARPHeader(
        operation: .request, senderMAC: MACAddress(0x02, 0x42, 0x0a, 0x00, 0x00, 0x02),
        senderIP: IPv4Address(10, 0, 0, 2), targetMAC: .zero, targetIP: IPv4Address(10, 0, 0, 3))

    @Test func readsEveryField() throws {
        var bytes = Self.packet
        try bytes.withUnsafeMutableBytes { raw in
            let packet = try ARPPacket(raw)
            #expect(packet.hardwareType == 1)
            #expect(packet.protocolType == .ipv4)
            #expect(packet.hardwareLength == 6 && packet.protocolLength == 4)
            #expect(packet.operation == .request)
            #expect(packet.senderHardwareAddress.description == "02:42:0a:00:00:02")
            #expect(packet.senderProtocolAddress == IPv4Address(10, 0, 0, 2))
            #expect(packet.targetHardwareAddress == .zero)
            #expect(packet.targetProtocolAddress == IPv4Address(10, 0, 0, 3))
            let header = try ARPHeader.parse(packet)
            #expect(header == Self.header)
            #expect(!header.isGratuitous && header.headerLength == 28)
        }
    }

    @Test func emitsTheSameBytes() {
        var bytes = [UInt8](repeating: 0xEE, count: 28)
        bytes.withUnsafeMutableBytes { Self.header.emit(into: $0) }
        #expect(bytes == Self.packet)
    }

    @Test func acceptsPaddingAndUnknownOperations() throws {
        // A minimum-size Ethernet frame pads ARP to 46 bytes; RARP uses operation 3.
        var bytes = WireFixture.patched(Self.packet, at: 6, 3, width: 2) + [UInt8](repeating: 0, count: 18)
        let header = try bytes.withUnsafeMutableBytes { raw throws(WireError) in try ARPHeader.parse(ARPPacket(raw)) }
        #expect(header.operation == ARPOperation(rawValue: 3))
        #expect(header.operation.description == "op 3" && ARPOperation.reply.description == "reply")
    }

    static let badInputs: [WireBadInput] = [
        WireBadInput("empty", [], .truncated(layer: .arp, needed: 28, available: 0)),
        WireBadInput("fixed part only", Array(packet.prefix(8)), .truncated(layer: .arp, needed: 28, available: 8)),
        WireBadInput("no target IP", Array(packet.prefix(24)), .truncated(layer: .arp, needed: 28, available: 24)),
        WireBadInput("one byte short", Array(packet.prefix(27)), .truncated(layer: .arp, needed: 28, available: 27)),
        WireBadInput(
            "IEEE 802 hardware", WireFixture.patched(packet, at: 0, 6, width: 2),
            .invalidField(layer: .arp, field: "hardware type", value: 6)),
        WireBadInput(
            "IPv6 protocol", WireFixture.patched(packet, at: 2, 0x86DD, width: 2),
            .invalidField(layer: .arp, field: "protocol type", value: 0x86DD)),
        WireBadInput(
            "hardware length 8", WireFixture.patched(packet, at: 4, 8, width: 1),
            .invalidField(layer: .arp, field: "hardware address length", value: 8)),
        WireBadInput(
            "protocol length 16", WireFixture.patched(packet, at: 5, 16, width: 1),
            .invalidField(layer: .arp, field: "protocol address length", value: 16)),
    ]

    @Test(arguments: badInputs)
    func rejectsMalformedPackets(_ input: WireBadInput) {
        let error = WireFixture.error(input.bytes) { raw throws(WireError) in
            _ = try ARPHeader.parse(ARPPacket(unchecked: raw))
        }
        #expect(error == input.expected)
        #expect(WireFixture.error(input.bytes) { raw throws(WireError) in _ = try ARPHeader.parse(ARPPacket(raw)) } == input.expected)
    }
}
