import Testing

@testable import SwarmSimCore

@Suite struct EthernetTests {
    @Test func readsEveryField() throws {
        var bytes = WireFixtures.arpRequest
        try bytes.withUnsafeMutableBytes { raw in
            let frame = try EthernetFrame(raw)
            #expect(frame.destination == .broadcast)
            #expect(frame.source == MACAddress("02:42:0a:00:00:02"))
            #expect(frame.etherType == .arp)
            #expect(frame.payload.count == 28)
            #expect(frame.payload.first == 0x00 && frame.payload[1] == 0x01)
        }
    }

    @Test func emitsTheSameBytesAndRoundTrips() throws {
        let expected = WireFixtures.icmpEcho
        let header = EthernetHeader(
            destination: MACAddress(0x02, 0x42, 0x0a, 0x00, 0x00, 0x03),
            source: MACAddress(0x02, 0x42, 0x0a, 0x00, 0x00, 0x02), etherType: .ipv4)
        var bytes = [UInt8](repeating: 0, count: 14)
        bytes.withUnsafeMutableBytes { header.emit(into: $0) }
        #expect(bytes == Array(expected[0..<14]))
        var copy = expected
        let parsed = try copy.withUnsafeMutableBytes { raw throws(WireError) in try EthernetHeader.parse(EthernetFrame(raw)) }
        #expect(parsed == header)
        #expect(parsed.headerLength == 14)
    }

    @Test func writesThroughTheView() throws {
        var bytes = WireFixtures.arpRequest
        try bytes.withUnsafeMutableBytes { raw in
            let frame = try EthernetFrame(raw)
            frame.destination = MACAddress(1, 2, 3, 4, 5, 6)
            frame.etherType = .vlan
            #expect(frame.destination == MACAddress(1, 2, 3, 4, 5, 6))
            #expect(try EthernetHeader.parse(frame).etherType == .vlan)
        }
        #expect(Array(bytes[0..<6]) == [1, 2, 3, 4, 5, 6] && bytes[12] == 0x81 && bytes[13] == 0x00)
    }

    @Test(arguments: 0..<14)
    func rejectsTruncatedFrames(_ length: Int) {
        let error = WireFixture.error(Array(WireFixtures.arpRequest.prefix(length))) { raw throws(WireError) in
            _ = try EthernetHeader.parse(EthernetFrame(unchecked: raw))
        }
        #expect(error == .truncated(layer: .ethernet, needed: 14, available: length))
    }
}
