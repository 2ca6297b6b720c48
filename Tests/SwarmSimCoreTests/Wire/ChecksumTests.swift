import Testing

@testable import SwarmSimCore

@Suite struct InternetChecksumTests {
    /// The straightforward RFC 1071 loop over 16-bit words, to check the optimised one against.
    static func reference(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var index = 0
        while index < bytes.count {
            let high = UInt32(bytes[index]) << 8
            let low = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
            sum += high | low
            sum = (sum & 0xFFFF) + (sum >> 16)
            index += 2
        }
        return ~UInt16(sum)
    }

    static func checksum(_ bytes: [UInt8], initial: UInt32 = 0) -> UInt16 {
        bytes.withUnsafeBytes { InternetChecksum.checksum($0, initial: initial) }
    }

    @Test func matchesTheRFC1071Example() {
        // RFC 1071 section 3: the sum of 00 01 f2 03 f4 f5 f6 f7 is 0xddf2.
        let bytes: [UInt8] = [0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7]
        let sum = bytes.withUnsafeBytes { InternetChecksum.sum($0) }
        #expect(~InternetChecksum.fold(sum) == 0xDDF2)
        #expect(InternetChecksum.fold(sum) == 0x220D)
    }

    @Test func padsAnOddTrailingByte() {
        #expect(Self.checksum([0x01]) == ~UInt16(0x0100))
        #expect(Self.checksum([0x12, 0x34, 0x56]) == ~UInt16(0x1234 + 0x5600))
        #expect(Self.checksum([]) == 0xFFFF)
    }

    @Test func chainsEvenPieces() {
        let first: [UInt8] = [0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02]
        let second: [UInt8] = [0x99, 0x88, 0x77]
        let partial = first.withUnsafeBytes { InternetChecksum.sum($0) }
        #expect(Self.checksum(second, initial: partial) == Self.checksum(first + second))
    }

    @Test func agreesWithTheReferenceOnRandomData() {
        var random = WireTestRandom(seed: 1071)
        for _ in 0..<500 {
            let bytes = random.bytes(random.below(300))
            #expect(Self.checksum(bytes) == Self.reference(bytes), "\(WireFixture.hex(bytes))")
        }
        let big = [UInt8](repeating: 0xFF, count: 200_001)
        #expect(Self.checksum(big) == Self.reference(big))
    }

    /// Every start alignment and every length across the 64-, 32-, 16-, 8-, 4-, 2- and 1-byte
    /// steps of the summing loop, with a partial sum carried in.
    @Test func agreesWithTheReferenceAtEveryAlignmentAndLength() {
        var random = WireTestRandom(seed: 1624)
        let buffer = random.bytes(256)
        for start in 0..<16 {
            for length in 0...(buffer.count - start) {
                let bytes = Array(buffer[start..<(start + length)])
                let initial = UInt32(truncatingIfNeeded: random.below(1 << 20))
                let expected = Self.reference([UInt8(initial >> 8 & 0xFF), UInt8(initial & 0xFF)] + bytes)
                let viaInitial = buffer.withUnsafeBytes {
                    InternetChecksum.fold(InternetChecksum.sum(UnsafeRawBufferPointer(rebasing: $0[start..<(start + length)]),
                        initial: initial & 0xFFFF))
                }
                #expect(viaInitial == expected, "start \(start) length \(length)")
                let plain = buffer.withUnsafeBytes {
                    InternetChecksum.checksum(UnsafeRawBufferPointer(rebasing: $0[start..<(start + length)]))
                }
                #expect(plain == Self.reference(bytes), "start \(start) length \(length)")
            }
        }
    }

    @Test func sumsThePseudoHeader() {
        let source = IPv4Address(10, 0, 1, 5)
        let destination = IPv4Address(127, 0, 0, 11)
        let pseudo: [UInt8] = [10, 0, 1, 5, 127, 0, 0, 11, 0, 17, 0, 35]
        let sum = InternetChecksum.pseudoHeaderSum(source: source, destination: destination, protocol: .udp, length: 35)
        #expect(InternetChecksum.fold(sum) == Self.reference(pseudo))
    }

    @Test func updatesIncrementallyLikeRFC1624Section4() {
        // m = 0x5555 becomes 0x3285 with the rest summing to 0xCD7A: eqn. 3 gives 0x0000,
        // the checksum full recomputation gives (eqn. 2 would give 0xFFFF).
        #expect(InternetChecksum.update(0xDD2F, oldValue: 0x5555, newValue: 0x3285) == 0x0000)
    }

    @Test func keepsAMissingUDPChecksumMissing() {
        #expect(InternetChecksum.updateUDP(0, oldValue: 1, newValue: 2) == 0)
        #expect(InternetChecksum.updateUDP(0, oldAddress: IPv4Address(10, 0, 0, 1), newAddress: IPv4Address(10, 0, 0, 9)) == 0)
        // A result of 0 is sent as 0xFFFF.
        #expect(InternetChecksum.updateUDP(0xDD2F, oldValue: 0x5555, newValue: 0x3285) == 0xFFFF)
    }

    /// NAT rewrites source address and port of random TCP and UDP packets; the incremental
    /// checksums must equal a full recomputation every time.
    @Test func incrementalUpdateEqualsRecomputation() throws {
        var random = WireTestRandom(seed: 0x5EED_1624)
        for round in 0..<2000 {
            let isTCP = round % 2 == 0
            let payload = random.bytes(random.below(64))
            let l4Length = (isTCP ? 20 : 8) + payload.count
            var bytes = [UInt8](repeating: 0, count: 20 + l4Length)
            let source = IPv4Address(value: random.u32())
            let destination = IPv4Address(value: random.u32())
            let newSource = IPv4Address(value: random.u32())
            let newPort = random.u16()
            let ip = IPv4Header(
                totalLength: UInt16(bytes.count), identification: random.u16(), ttl: random.byte(),
                protocol: isTCP ? .tcp : .udp, source: source, destination: destination)
            try bytes.withUnsafeMutableBytes { raw in
                raw.wireSlice(from: 20 + l4Length - payload.count).copyBytes(from: payload)
                ip.emit(into: raw)
                let l4 = raw.wireSlice(from: 20)
                if isTCP {
                    let tcp = TCPHeader(
                        sourcePort: random.u16(), destinationPort: random.u16(), sequenceNumber: random.u32(),
                        acknowledgmentNumber: random.u32(), flags: [.ack], window: random.u16())
                    tcp.emit(into: l4, source: source, destination: destination)
                } else {
                    UDPHeader(sourcePort: random.u16(), destinationPort: random.u16(), payloadLength: payload.count)
                        .emit(into: l4, source: source, destination: destination)
                }

                // Rewrite in place with incremental updates, as SNAT does.
                let packet = try IPv4Packet(raw)
                packet.headerChecksum = InternetChecksum.update(
                    packet.headerChecksum, oldAddress: source, newAddress: newSource)
                packet.source = newSource
                let oldPort = l4.wireUInt16(at: 0)
                l4.setWireUInt16(newPort, at: 0)
                let incremental: UInt16
                if isTCP {
                    let segment = try TCPSegment(l4)
                    var checksum = InternetChecksum.update(segment.checksum, oldAddress: source, newAddress: newSource)
                    checksum = InternetChecksum.update(checksum, oldValue: oldPort, newValue: newPort)
                    segment.checksum = checksum
                    incremental = checksum
                    segment.fillChecksum(source: newSource, destination: destination)
                    #expect(segment.checksum == incremental, "TCP round \(round)")
                } else {
                    let datagram = try UDPDatagram(l4)
                    var checksum = InternetChecksum.updateUDP(datagram.checksum, oldAddress: source, newAddress: newSource)
                    checksum = InternetChecksum.updateUDP(checksum, oldValue: oldPort, newValue: newPort)
                    incremental = checksum
                    datagram.fillChecksum(source: newSource, destination: destination)
                    #expect(datagram.checksum == incremental, "UDP round \(round)")
                }
                let ipIncremental = packet.headerChecksum
                packet.fillChecksum()
                #expect(packet.headerChecksum == ipIncremental, "IPv4 round \(round)")
            }
        }
    }
}
