import Testing

@testable import SwarmSimCore

/// A whole overlay frame, Ethernet/IPv4/UDP(4789)/VXLAN/Ethernet/IPv4/TCP, built layer by layer
/// with the emitters and parsed back layer by layer, as a VXLAN device and the receiving
/// container's stack would.
@Suite struct EncapsulationTests {
    static let nodeA = IPv4Address(192, 168, 1, 10)
    static let nodeB = IPv4Address(192, 168, 1, 11)
    static let client = IPv4Address(10, 0, 0, 2)
    static let server = IPv4Address(10, 0, 0, 3)
    static let request = Array("GET / HTTP/1.1\r\nHost: web\r\n\r\n".utf8)
    static let tcp = TCPHeader(
        sourcePort: 45678, destinationPort: 80, sequenceNumber: 0x3ade68b2, acknowledgmentNumber: 0x9c4f0e21,
        flags: [.psh, .ack], window: 502,
        options: TCPOptions(timestamps: TCPTimestamps(value: 0x0a1b2c47, echo: 0x5e6f7081)))

    /// Builds the frame inside out: data, then each header in front of it.
    static func build() -> [UInt8] {
        let innerIP = IPv4Header(
            totalLength: UInt16(20 + tcp.headerLength + request.count), identification: 0x4d2b, protocol: .tcp,
            source: client, destination: server)
        let innerLength = 14 + Int(innerIP.totalLength)
        let udpLength = 8 + 8 + innerLength
        let outerIP = IPv4Header(
            totalLength: UInt16(20 + udpLength), identification: 0xbeef, dontFragment: false, protocol: .udp,
            source: nodeA, destination: nodeB)
        var frame = [UInt8](repeating: 0, count: 14 + Int(outerIP.totalLength))
        frame.withUnsafeMutableBytes { raw in
            let outerEthernet = raw
            let outerIPBytes = outerEthernet.wireSlice(from: 14)
            let udpBytes = outerIPBytes.wireSlice(from: 20)
            let vxlanBytes = udpBytes.wireSlice(from: 8)
            let innerEthernet = vxlanBytes.wireSlice(from: 8)
            let innerIPBytes = innerEthernet.wireSlice(from: 14)
            let tcpBytes = innerIPBytes.wireSlice(from: 20)
            tcpBytes.wireSlice(from: tcp.headerLength).copyBytes(from: request)
            tcp.emit(into: tcpBytes, source: client, destination: server)
            innerIP.emit(into: innerIPBytes)
            EthernetHeader(
                destination: .docker(for: server), source: .docker(for: client), etherType: .ipv4
            ).emit(into: innerEthernet)
            VXLANHeader(vni: 4097).emit(into: vxlanBytes)
            UDPHeader(sourcePort: 37721, destinationPort: VXLANHeader.udpPort, payloadLength: 8 + innerLength)
                .emit(into: udpBytes, source: nodeA, destination: nodeB)
            outerIP.emit(into: outerIPBytes)
            EthernetHeader(
                destination: MACAddress("52:54:00:12:34:57")!, source: MACAddress("52:54:00:12:34:56")!,
                etherType: .ipv4
            ).emit(into: outerEthernet)
        }
        return frame
    }

    @Test func buildsTheSameBytesAsTheCapturedFrame() {
        let frame = Self.build()
        #expect(frame == WireFixtures.vxlan, "\(WireFixture.hex(frame))")
    }

    @Test func parsesEveryLayerBack() throws {
        var frame = Self.build()
        try frame.withUnsafeMutableBytes { raw in
            let outerEthernet = try EthernetFrame(raw)
            #expect(try EthernetHeader.parse(outerEthernet).etherType == .ipv4)
            let outerIP = try IPv4Packet(outerEthernet.payload)
            let outerHeader = try IPv4Header.parse(outerIP)
            #expect(outerHeader.source == Self.nodeA && outerHeader.destination == Self.nodeB)
            #expect(outerHeader.protocol == .udp && !outerHeader.dontFragment)
            let udp = try UDPDatagram(outerIP.payload)
            let udpHeader = try UDPHeader.parse(udp, source: outerHeader.source, destination: outerHeader.destination)
            #expect(udpHeader.destinationPort == 4789 && udpHeader.checksum != 0)
            #expect(udp.verifyChecksum(source: Self.nodeA, destination: Self.nodeB))
            let vxlan = try VXLANPacket(udp.payload)
            #expect(try VXLANHeader.parse(vxlan).vni == 4097)
            let innerEthernet = try EthernetFrame(vxlan.payload)
            let innerEthernetHeader = try EthernetHeader.parse(innerEthernet)
            #expect(innerEthernetHeader.destination == MACAddress("02:42:0a:00:00:03"))
            #expect(innerEthernetHeader.source == .docker(for: Self.client))
            let innerIP = try IPv4Packet(innerEthernet.payload)
            let innerHeader = try IPv4Header.parse(innerIP)
            #expect(innerHeader.source == Self.client && innerHeader.destination == Self.server)
            #expect(innerHeader.protocol == .tcp && innerHeader.ttl == 64)
            let segment = try TCPSegment(innerIP.payload)
            #expect(segment.verifyChecksum(source: Self.client, destination: Self.server))
            #expect(try TCPHeader.parse(segment, source: Self.client, destination: Self.server) == Self.tcp)
            #expect(Array(segment.payload) == Self.request)
        }
    }
}
