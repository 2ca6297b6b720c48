import Testing

@testable import SwarmSimCore

@Suite struct VXLANTests {
    /// The VXLAN header and inner frame of the overlay fixture.
    static let packet = Array(WireFixtures.vxlan[42...])

    @Test func readsEveryField() throws {
        var bytes = Self.packet
        try bytes.withUnsafeMutableBytes { raw in
            let packet = try VXLANPacket(raw)
            #expect(packet.flags == 0x08 && packet.reserved1 == 0 && packet.reserved2 == 0)
            #expect(packet.vni == 4097)
            #expect(Array(packet.payload) == WireFixtures.tcpData)
            let header = try VXLANHeader.parse(packet)
            #expect(header == VXLANHeader(vni: 4097) && header.headerLength == 8)
        }
    }

    @Test func emitsTheSameBytes() {
        var bytes = [UInt8](repeating: 0xEE, count: 8)
        bytes.withUnsafeMutableBytes { VXLANHeader(vni: 4097).emit(into: $0) }
        #expect(bytes == Array(Self.packet.prefix(8)))
    }

    @Test func ignoresReservedBitsAndKeepsTheFullVNIRange() throws {
        var bytes = [UInt8](repeating: 0, count: 8)
        try bytes.withUnsafeMutableBytes { raw in
            VXLANHeader(vni: 0xFF_FFFF).emit(into: raw)
            let packet = try VXLANPacket(raw)
            packet.reserved1 = 0xABCDEF
            packet.reserved2 = 0x12
            packet.flags |= 0x80
            #expect(packet.vni == 0xFF_FFFF && packet.reserved1 == 0xABCDEF && packet.reserved2 == 0x12)
            #expect(try VXLANHeader.parse(packet).vni == 0xFF_FFFF)
            packet.vni = 42
            #expect(packet.vni == 42 && packet.reserved2 == 0x12 && packet.reserved1 == 0xABCDEF)
        }
        #expect(bytes == [0x88, 0xAB, 0xCD, 0xEF, 0x00, 0x00, 0x2A, 0x12])
        #expect(VXLANHeader.udpPort == 4789)
    }

    static let badInputs: [WireBadInput] = [
        WireBadInput("empty", [], .truncated(layer: .vxlan, needed: 8, available: 0)),
        WireBadInput("7 bytes", Array(packet.prefix(7)), .truncated(layer: .vxlan, needed: 8, available: 7)),
        WireBadInput(
            "no I flag", WireFixture.patched(packet, at: 0, 0x00, width: 1),
            .invalidField(layer: .vxlan, field: "flags", value: 0)),
        WireBadInput(
            "only reserved flags", WireFixture.patched(packet, at: 0, 0xF7, width: 1),
            .invalidField(layer: .vxlan, field: "flags", value: 0xF7)),
    ]

    @Test(arguments: badInputs)
    func rejectsMalformedHeaders(_ input: WireBadInput) {
        let error = WireFixture.error(input.bytes) { raw throws(WireError) in
            _ = try VXLANHeader.parse(VXLANPacket(unchecked: raw))
        }
        #expect(error == input.expected)
    }
}
