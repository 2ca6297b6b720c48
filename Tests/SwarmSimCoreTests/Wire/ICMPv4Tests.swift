import Testing

@testable import SwarmSimCore

@Suite struct ICMPv4Tests {
    static let echo = Array(WireFixtures.icmpEcho[34...])
    static let unreachable = Array(WireFixtures.portUnreachable[34...])

    @Test func readsAnEchoRequest() throws {
        var bytes = Self.echo
        try bytes.withUnsafeMutableBytes { raw in
            let packet = try ICMPv4Packet(raw)
            #expect(packet.type == 8 && packet.code == 0 && packet.checksum == 0x0dc4)
            #expect(packet.identifier == 0x1c2b && packet.sequence == 1 && packet.restOfHeader == 0x1c2b_0001)
            #expect(packet.payload.count == 56 && packet.payload[16] == 0x10 && packet.verifyChecksum())
            let message = try ICMPv4Message.parse(packet)
            #expect(message == .echoRequest(identifier: 0x1c2b, sequence: 1))
            #expect(message.headerLength == 8 && !message.isError)
        }
    }

    @Test func emitsTheSameEchoRequest() {
        var bytes = Self.echo
        bytes.withUnsafeMutableBytes { raw in
            raw.wireSlice(0..<8).initializeMemory(as: UInt8.self, repeating: 0xEE)
            ICMPv4Message.echoRequest(identifier: 0x1c2b, sequence: 1).emit(into: raw)
        }
        #expect(bytes == Self.echo)
    }

    @Test func readsAndEmitsAPortUnreachable() throws {
        var bytes = Self.unreachable
        let message = try bytes.withUnsafeMutableBytes { raw throws(WireError) in
            let packet = try ICMPv4Packet(raw)
            // The quoted packet is the offending IPv4 header and the first 8 bytes after it.
            let quoted = IPv4Packet(unchecked: packet.payload).source
            #expect(quoted == IPv4Address(10, 0, 1, 5))
            return try ICMPv4Message.parse(packet)
        }
        #expect(message == .destinationUnreachable(.portUnreachable, nextHopMTU: 0))
        #expect(message.isError && message.type == 3 && message.code == 3)
        var rebuilt = [UInt8](repeating: 0, count: 8) + Array(Self.unreachable[8...])
        rebuilt.withUnsafeMutableBytes { message.emit(into: $0) }
        #expect(rebuilt == Self.unreachable)
    }

    static let messages: [ICMPv4Message] = [
        .echoReply(identifier: 7, sequence: 65535),
        .destinationUnreachable(.fragmentationNeeded, nextHopMTU: 1450),
        .destinationUnreachable(.communicationProhibited, nextHopMTU: 0),
        .timeExceeded(code: 0),
        .timeExceeded(code: 1),
        .other(type: 13, code: 0, rest: 0x1234_5678),
        .other(type: 8, code: 1, rest: 0),  // an echo with a non-zero code stays as it is
        .other(type: 3, code: 3, rest: 0x0001_0000),  // unused bits set
        .other(type: 11, code: 0, rest: 1),
    ]

    @Test(arguments: messages)
    func roundTrips(_ message: ICMPv4Message) throws {
        var bytes = [UInt8](repeating: 0, count: 8) + [0x45, 0, 0, 20, 1, 2, 3, 4, 5]
        try bytes.withUnsafeMutableBytes { raw in
            message.emit(into: raw)
            let packet = try ICMPv4Packet(raw)
            #expect(packet.verifyChecksum())
            #expect(packet.type == message.type && packet.code == message.code)
            #expect(packet.restOfHeader == message.restOfHeader)
            #expect(try ICMPv4Message.parse(packet) == message)
        }
    }

    @Test func namesUnreachableCodesAsIptablesDoes() {
        #expect(DestinationUnreachableCode.portUnreachable.description == "port-unreachable")
        #expect(DestinationUnreachableCode.communicationProhibited.rawValue == 13)
        #expect(DestinationUnreachableCode.hostProhibited.description == "host-prohibited")
        #expect(DestinationUnreachableCode(rawValue: 15).description == "code 15")
    }

    static let badInputs: [WireBadInput] = [
        WireBadInput("empty", [], .truncated(layer: .icmpv4, needed: 8, available: 0)),
        WireBadInput("7 bytes", Array(echo.prefix(7)), .truncated(layer: .icmpv4, needed: 8, available: 7)),
        WireBadInput("payload cut short", Array(echo.prefix(40)), .badChecksum(layer: .icmpv4)),
        WireBadInput("bad checksum", WireFixture.patched(echo, at: 2, 0, width: 2), .badChecksum(layer: .icmpv4)),
        WireBadInput("changed payload", WireFixture.patched(echo, at: 20, 0xFF, width: 1), .badChecksum(layer: .icmpv4)),
    ]

    @Test(arguments: badInputs)
    func rejectsMalformedMessages(_ input: WireBadInput) {
        let error = WireFixture.error(input.bytes) { raw throws(WireError) in
            _ = try ICMPv4Message.parse(ICMPv4Packet(unchecked: raw))
        }
        #expect(error == input.expected)
    }
}
