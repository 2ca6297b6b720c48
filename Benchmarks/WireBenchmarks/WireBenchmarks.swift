// Parse and emit of the frame the overlay carries most: Ethernet/IPv4/UDP(4789)/VXLAN/Ethernet/
// IPv4/TCP with the timestamps option and a 100-byte request. Each operation parses every layer,
// verifying both IPv4 header checksums, the outer UDP checksum and the inner TCP checksum, and
// emits every header back, recomputing all four, in one preallocated buffer. The checksums are
// taken as a Linux receiver and sender take them: the outer datagram is summed once and the
// inner segment verified from that sum with the headers before it pulled off
// (`CHECKSUM_COMPLETE`, `skb_postpull_rcsum`), and the outer UDP checksum is derived from the
// inner segment's (local checksum offload, `lco_csum`). Targets: 5 million frames per second,
// zero allocations.
import Benchmark
import SwarmSimCore

let benchmarks: @Sendable () -> Void = {
    Benchmark(
        "Wire parse+emit Ethernet/IPv4/UDP/VXLAN/Ethernet/IPv4/TCP",
        configuration: .init(
            metrics: [.throughput, .wallClock, .mallocCountTotal, .instructions], scalingFactor: .mega,
            maxDuration: .seconds(5))
    ) { benchmark in
        let frame = OverlayFrame()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(frame.parseAndEmit())
        }
        benchmark.stopMeasurement()
    }
}

/// One encapsulated frame in a buffer that lives as long as the benchmark.
final class OverlayFrame {
    static let payloadLength = 100
    static let udpOffset = 14 + 20
    static let innerIPOffset = 14 + 20 + 8 + 8 + 14
    let storage: UnsafeMutableRawBufferPointer
    let outerIP = (IPv4Address(172, 17, 0, 6), IPv4Address(172, 17, 0, 7))
    let innerIP = (IPv4Address(10, 0, 0, 2), IPv4Address(10, 0, 0, 5))

    init() {
        let innerTCPLength = 20 + 12 + OverlayFrame.payloadLength
        let length = 14 + 20 + 8 + 8 + 14 + 20 + innerTCPLength
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: length, alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0x61)
        _ = emit()
    }

    deinit { storage.deallocate() }

    /// Parses every layer; returns a value derived from all of them so nothing is optimised away.
    func parseAndEmit() -> UInt32 {
        var acc: UInt32 = 0
        do {
            let ethernet = try EthernetFrame(storage)
            let outer = try IPv4Packet(ethernet.payload)
            let outerHeader = try IPv4Header.parse(outer)
            let udp = try UDPDatagram(outer.payload)
            let complete = InternetChecksum.sum(UnsafeRawBufferPointer(udp.bytes.slice(0..<Int(udp.length))))
            let udpHeader = try UDPHeader.parse(
                udp, source: outerHeader.source, destination: outerHeader.destination, complete: complete)
            let vxlan = try VXLANPacket(udp.payload)
            let vxlanHeader = try VXLANHeader.parse(vxlan)
            let innerEthernet = try EthernetFrame(vxlan.payload)
            let inner = try IPv4Packet(innerEthernet.payload)
            let innerHeader = try IPv4Header.parse(inner)
            let tcp = try TCPSegment(inner.payload)
            // UDP, VXLAN and Ethernet headers pulled; the verified IPv4 header sums to zero.
            let pulled = OverlayFrame.innerIPOffset - OverlayFrame.udpOffset
            let tcpComplete = InternetChecksum.pull(UnsafeRawBufferPointer(udp.bytes.slice(0..<pulled)), from: complete)
            let tcpHeader = try TCPHeader.parse(
                tcp, source: innerHeader.source, destination: innerHeader.destination, complete: tcpComplete)
            acc = vxlanHeader.vni &+ UInt32(udpHeader.sourcePort) &+ tcpHeader.sequenceNumber
        } catch {
            fatalError("fixture frame failed to parse: \(error)")
        }
        return acc &+ emit()
    }

    /// Writes every header of the frame, innermost checksums first.
    func emit() -> UInt32 {
        let tcpLength = 20 + 12 + OverlayFrame.payloadLength
        let innerIPLength = 20 + tcpLength
        let innerFrameLength = 14 + innerIPLength
        let udpLength = 8 + 8 + innerFrameLength
        let innerStart = 14 + 20 + 8 + 8
        let tcp = TCPHeader(
            sourcePort: 49496, destinationPort: 81, sequenceNumber: 0x1234_5678, acknowledgmentNumber: 0x9abc_def0,
            flags: [.ack, .psh], window: 502,
            options: TCPOptions(timestamps: TCPTimestamps(value: 1_000, echo: 2_000)))
        tcp.emit(into: storage.slice(innerStart + 14 + 20..<storage.count), source: innerIP.0, destination: innerIP.1)
        IPv4Header(totalLength: UInt16(innerIPLength), identification: 7, ttl: 62, protocol: .tcp,
            source: innerIP.0, destination: innerIP.1).emit(into: storage.slice(from: innerStart + 14))
        EthernetHeader(destination: MACAddress(0x02, 0x42, 10, 0, 0, 5), source: MACAddress(0x02, 0x42, 10, 0, 0, 2),
            etherType: .ipv4).emit(into: storage.slice(from: innerStart))
        VXLANHeader(vni: 4096).emit(into: storage.slice(from: 14 + 20 + 8))
        let innerPseudo = InternetChecksum.pseudoHeaderSum(
            source: innerIP.0, destination: innerIP.1, protocol: .tcp, length: tcpLength)
        UDPHeader(sourcePort: 45777, destinationPort: 4789, length: UInt16(udpLength)).emit(
            into: UDPDatagram(unchecked: storage.slice(OverlayFrame.udpOffset..<storage.count)),
            source: outerIP.0, destination: outerIP.1,
            innerTransportOffset: OverlayFrame.innerIPOffset + 20 - OverlayFrame.udpOffset,
            innerPseudoHeaderSum: innerPseudo)
        IPv4Header(totalLength: UInt16(20 + udpLength), identification: 99, dontFragment: false, ttl: 64,
            protocol: .udp, source: outerIP.0, destination: outerIP.1).emit(into: storage.slice(from: 14))
        EthernetHeader(destination: MACAddress(0x02, 0, 0, 0, 0, 7), source: MACAddress(0x02, 0, 0, 0, 0, 6),
            etherType: .ipv4).emit(into: storage)
        return UInt32(storage[40])
    }
}

extension UnsafeMutableRawBufferPointer {
    fileprivate func slice(_ range: Range<Int>) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(rebasing: self[range])
    }

    fileprivate func slice(from offset: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(rebasing: self[offset...])
    }
}
