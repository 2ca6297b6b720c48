import Testing

@testable import SwarmSimCore

@Suite struct UDPTests {
    static let datagram = Array(WireFixtures.dnsQuery[34...])
    static let source = IPv4Address(10, 0, 1, 5)
    static let destination = IPv4Address(127, 0, 0, 11)

    @Test func readsEveryField() throws {
        var bytes = Self.datagram
        try bytes.withUnsafeMutableBytes { raw in
            let datagram = try UDPDatagram(raw)
            #expect(datagram.sourcePort == 41000 && datagram.destinationPort == 53)
            #expect(datagram.length == 35 && datagram.checksum == 0x3cc9)
            #expect(datagram.payload.count == 27 && datagram.payload[0] == 0x5a)
            #expect(datagram.verifyChecksum(source: Self.source, destination: Self.destination))
            let header = try UDPHeader.parse(datagram, source: Self.source, destination: Self.destination)
            #expect(header == UDPHeader(sourcePort: 41000, destinationPort: 53, length: 35, checksum: 0x3cc9))
            #expect(header.headerLength == 8 && header.payloadLength == 27)
        }
    }

    @Test func emitsTheSameBytes() {
        var bytes = Self.datagram
        bytes.withUnsafeMutableBytes { raw in
            raw.wireSlice(0..<8).initializeMemory(as: UInt8.self, repeating: 0xEE)
            UDPHeader(sourcePort: 41000, destinationPort: 53, payloadLength: 27)
                .emit(into: raw, source: Self.source, destination: Self.destination)
        }
        #expect(bytes == Self.datagram)
    }

    @Test func acceptsAndEmitsAMissingChecksum() throws {
        var bytes = WireFixture.patched(Self.datagram, at: 6, 0, width: 2)
        try bytes.withUnsafeMutableBytes { raw in
            let header = try UDPHeader.parse(UDPDatagram(raw), source: .any, destination: .broadcast)
            #expect(header.checksum == 0)
            UDPHeader(sourcePort: 1, destinationPort: 2, payloadLength: 27)
                .emit(into: raw, source: Self.source, destination: Self.destination, includeChecksum: false)
            #expect(try UDPDatagram(raw).checksum == 0)
        }
    }

    @Test func sendsAComputedZeroAs0xFFFF() throws {
        // Make the data sum to the complement of everything else, so the checksum computes to 0.
        var bytes = [UInt8](repeating: 0, count: 10)
        let header = UDPHeader(sourcePort: 1000, destinationPort: 2000, payloadLength: 2)
        try bytes.withUnsafeMutableBytes { raw in
            header.emit(into: raw, source: Self.source, destination: Self.destination)
            var adjust = UInt32(try UDPDatagram(raw).checksum)
            adjust = (adjust & 0xFFFF) + (adjust >> 16)
            raw.setWireUInt16(UInt16(adjust), at: 8)
            header.emit(into: raw, source: Self.source, destination: Self.destination)
            let datagram = try UDPDatagram(raw)
            #expect(datagram.checksum == 0xFFFF)
            #expect(datagram.verifyChecksum(source: Self.source, destination: Self.destination))
        }
    }

    @Test func limitsThePayloadToTheLengthField() throws {
        var bytes = Self.datagram + [0xAA, 0xBB]
        let payloadCount = try bytes.withUnsafeMutableBytes { raw throws(WireError) in try UDPDatagram(raw).payload.count }
        #expect(payloadCount == 27)
    }

    static let badInputs: [WireBadInput] = [
        WireBadInput("empty", [], .truncated(layer: .udp, needed: 8, available: 0)),
        WireBadInput("7 bytes", Array(datagram.prefix(7)), .truncated(layer: .udp, needed: 8, available: 7)),
        WireBadInput("header only", Array(datagram.prefix(8)), .truncated(layer: .udp, needed: 35, available: 8)),
        WireBadInput(
            "length 7", WireFixture.patched(datagram, at: 4, 7, width: 2),
            .invalidField(layer: .udp, field: "length", value: 7)),
        WireBadInput(
            "length beyond the buffer", WireFixture.patched(datagram, at: 4, 36, width: 2),
            .truncated(layer: .udp, needed: 36, available: 35)),
        WireBadInput("bad checksum", WireFixture.patched(datagram, at: 6, 0x3cc8, width: 2), .badChecksum(layer: .udp)),
        WireBadInput("changed port", WireFixture.patched(datagram, at: 0, 41001, width: 2), .badChecksum(layer: .udp)),
    ]

    @Test(arguments: badInputs)
    func rejectsMalformedDatagrams(_ input: WireBadInput) {
        let error = WireFixture.error(input.bytes) { raw throws(WireError) in
            _ = try UDPHeader.parse(UDPDatagram(unchecked: raw), source: Self.source, destination: Self.destination)
        }
        #expect(error == input.expected)
    }

    @Test func checksIntoThePseudoHeader() {
        // The same bytes from another source address do not verify.
        let error = WireFixture.error(Self.datagram) { raw throws(WireError) in
            _ = try UDPHeader.parse(UDPDatagram(raw), source: IPv4Address(10, 0, 1, 6), destination: Self.destination)
        }
        #expect(error == .badChecksum(layer: .udp))
    }
}
