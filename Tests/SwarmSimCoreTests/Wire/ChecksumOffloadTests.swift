import Testing

@testable import SwarmSimCore

/// The checksum shortcuts a tunnel endpoint takes: the outer UDP checksum derived from a correct
/// inner segment (local checksum offload) and the inner segment verified from the outer
/// datagram's sum (`CHECKSUM_COMPLETE` with headers pulled). Each must give exactly what the
/// full computation gives, and must still reject a corrupted segment.
@Suite struct ChecksumOffloadTests {
    static let outer = (IPv4Address(172, 17, 0, 6), IPv4Address(172, 17, 0, 7))
    static let inner = (IPv4Address(10, 0, 0, 2), IPv4Address(10, 0, 0, 5))
    /// UDP, VXLAN and inner Ethernet headers before the inner IPv4 header.
    static let innerIPOffset = 8 + 8 + 14

    /// A VXLAN datagram around Ethernet/IPv4/TCP with `payload` data bytes, every inner
    /// checksum correct and the outer UDP header not yet written.
    static func datagram(payload: [UInt8], seed: UInt64) -> [UInt8] {
        var random = WireTestRandom(seed: seed)
        let tcpLength = 20 + 12 + payload.count
        var bytes = [UInt8](repeating: 0, count: innerIPOffset + 20 + tcpLength)
        bytes.replaceSubrange((innerIPOffset + 20 + 32)..., with: payload)
        bytes.withUnsafeMutableBytes { buffer in
            let tcp = TCPHeader(
                sourcePort: random.u16(), destinationPort: 80, sequenceNumber: random.u32(),
                acknowledgmentNumber: random.u32(), flags: [.ack, .psh], window: random.u16(),
                options: TCPOptions(timestamps: TCPTimestamps(value: random.u32(), echo: random.u32())))
            tcp.emit(into: UnsafeMutableRawBufferPointer(rebasing: buffer[(innerIPOffset + 20)...]),
                source: inner.0, destination: inner.1)
            IPv4Header(totalLength: UInt16(20 + tcpLength), identification: random.u16(), protocol: .tcp,
                source: inner.0, destination: inner.1).emit(into: UnsafeMutableRawBufferPointer(rebasing: buffer[innerIPOffset...]))
            EthernetHeader(destination: MACAddress(2, 0x42, 10, 0, 0, 5), source: MACAddress(2, 0x42, 10, 0, 0, 2),
                etherType: .ipv4).emit(into: UnsafeMutableRawBufferPointer(rebasing: buffer[16...]))
            VXLANHeader(vni: 4096 + UInt32(random.below(1000))).emit(into: UnsafeMutableRawBufferPointer(rebasing: buffer[8...]))
        }
        return bytes
    }

    static func innerPseudo(tcpLength: Int) -> UInt32 {
        InternetChecksum.pseudoHeaderSum(source: inner.0, destination: inner.1, protocol: .tcp, length: tcpLength)
    }

    @Test func localChecksumOffloadEqualsTheFullChecksum() {
        var random = WireTestRandom(seed: 7348)
        for round in 0..<300 {
            let payload = random.bytes(random.below(1400))
            var full = Self.datagram(payload: payload, seed: UInt64(round + 1))
            var offloaded = full
            let header = UDPHeader(sourcePort: random.u16(), destinationPort: 4789, length: UInt16(full.count))
            full.withUnsafeMutableBytes {
                header.emit(into: UDPDatagram(unchecked: $0), source: Self.outer.0, destination: Self.outer.1)
            }
            offloaded.withUnsafeMutableBytes {
                header.emit(
                    into: UDPDatagram(unchecked: $0), source: Self.outer.0, destination: Self.outer.1,
                    innerTransportOffset: Self.innerIPOffset + 20,
                    innerPseudoHeaderSum: Self.innerPseudo(tcpLength: full.count - Self.innerIPOffset - 20))
            }
            #expect(offloaded == full, "round \(round), \(payload.count) data bytes")
            #expect(full.withUnsafeMutableBytes {
                UDPDatagram(unchecked: $0).verifyChecksum(source: Self.outer.0, destination: Self.outer.1)
            })
        }
    }

    @Test func theInnerSegmentVerifiesFromTheOuterSumWithHeadersPulled() throws {
        var random = WireTestRandom(seed: 1071)
        for round in 0..<200 {
            var bytes = Self.datagram(payload: random.bytes(random.below(600)), seed: UInt64(round + 1))
            let corrupt = round % 2 == 1
            try bytes.withUnsafeMutableBytes { buffer in
                UDPHeader(sourcePort: 40000, destinationPort: 4789, length: UInt16(buffer.count))
                    .emit(into: UDPDatagram(unchecked: buffer), source: Self.outer.0, destination: Self.outer.1)
                if corrupt { buffer[buffer.count - 1] ^= 0x5A }
                let udp = try UDPDatagram(buffer)
                let complete = InternetChecksum.sum(UnsafeRawBufferPointer(buffer))
                #expect(udp.verifyChecksum(source: Self.outer.0, destination: Self.outer.1, complete: complete)
                    == !corrupt)
                let segment = try TCPSegment(UnsafeMutableRawBufferPointer(rebasing: buffer[(Self.innerIPOffset + 20)...]))
                let pulled = InternetChecksum.pull(UnsafeRawBufferPointer(rebasing: buffer[..<Self.innerIPOffset]), from: complete)
                let fromComplete = segment.verifyChecksum(source: Self.inner.0, destination: Self.inner.1, complete: pulled)
                #expect(fromComplete == segment.verifyChecksum(source: Self.inner.0, destination: Self.inner.1))
                #expect(fromComplete == !corrupt, "round \(round)")
                if corrupt {
                    #expect(throws: WireError.badChecksum(layer: .tcp)) {
                        try TCPHeader.parse(segment, source: Self.inner.0, destination: Self.inner.1, complete: pulled)
                    }
                } else {
                    let header = try TCPHeader.parse(segment, source: Self.inner.0, destination: Self.inner.1, complete: pulled)
                    #expect(header.destinationPort == 80)
                }
            }
        }
    }

    @Test func aUDPDatagramParsedFromItsCompleteSumKeepsItsFields() throws {
        var bytes = Self.datagram(payload: [1, 2, 3], seed: 9)
        try bytes.withUnsafeMutableBytes { buffer in
            UDPHeader(sourcePort: 51234, destinationPort: 4789, length: UInt16(buffer.count))
                .emit(into: UDPDatagram(unchecked: buffer), source: Self.outer.0, destination: Self.outer.1)
            let complete = InternetChecksum.sum(UnsafeRawBufferPointer(buffer))
            let header = try UDPHeader.parse(
                UDPDatagram(buffer), source: Self.outer.0, destination: Self.outer.1, complete: complete)
            #expect(header.sourcePort == 51234 && header.length == UInt16(buffer.count) && header.checksum != 0)
            #expect(throws: WireError.badChecksum(layer: .udp)) {
                try UDPHeader.parse(
                    UDPDatagram(buffer), source: Self.outer.0, destination: Self.outer.1, complete: complete &+ 1)
            }
        }
    }
}
