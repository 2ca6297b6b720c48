/// Hand-built Ethernet frames with correct checksums, independent of the Wire module (which is
/// written concurrently and must not be trusted by the tests of the code that checks it).
///
/// Addresses: 10.0.0.2 (02:42:0a:00:00:02) talks to 10.0.0.3 (02:42:0a:00:00:03).
enum TestFrames {
    static let macA: [UInt8] = [0x02, 0x42, 0x0A, 0x00, 0x00, 0x02]
    static let macB: [UInt8] = [0x02, 0x42, 0x0A, 0x00, 0x00, 0x03]
    static let ipA: [UInt8] = [10, 0, 0, 2]
    static let ipB: [UInt8] = [10, 0, 0, 3]

    /// RFC 1071 Internet checksum: ones' complement of the ones' complement sum of 16-bit words.
    static func internetChecksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var index = 0
        while index + 1 < bytes.count {
            sum += UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
            index += 2
        }
        if index < bytes.count { sum += UInt32(bytes[index]) << 8 }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(sum)
    }

    static func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }

    static func ethernet(destination: [UInt8], source: [UInt8], etherType: UInt16, payload: [UInt8]) -> [UInt8] {
        destination + source + be16(etherType) + payload
    }

    /// An IPv4 header (no options, DF set, TTL 64) with its checksum, followed by `payload`.
    static func ipv4(source: [UInt8], destination: [UInt8], protocol proto: UInt8, id: UInt16, payload: [UInt8])
        -> [UInt8]
    {
        var header: [UInt8] =
            [0x45, 0x00] + be16(UInt16(20 + payload.count)) + be16(id) + [0x40, 0x00, 64, proto, 0, 0]
        header += source + destination
        let checksum = internetChecksum(header)
        header[10] = UInt8(checksum >> 8)
        header[11] = UInt8(checksum & 0xFF)
        return header + payload
    }

    /// Ethernet/IPv4/UDP with the UDP checksum over the RFC 768 pseudo-header.
    static func udp(
        from source: [UInt8] = ipA, to destination: [UInt8] = ipB, sourcePort: UInt16, destinationPort: UInt16,
        payload: [UInt8], id: UInt16 = 1
    ) -> [UInt8] {
        let length = UInt16(8 + payload.count)
        var segment = be16(sourcePort) + be16(destinationPort) + be16(length) + [0, 0] + payload
        let pseudo = source + destination + [0, 17] + be16(length)
        var checksum = internetChecksum(pseudo + segment)
        if checksum == 0 { checksum = 0xFFFF }  // 0 means "no checksum" in UDP
        segment[6] = UInt8(checksum >> 8)
        segment[7] = UInt8(checksum & 0xFF)
        let packet = ipv4(source: source, destination: destination, protocol: 17, id: id, payload: segment)
        let mac = source == ipA ? (macB, macA) : (macA, macB)
        return ethernet(destination: mac.0, source: mac.1, etherType: 0x0800, payload: packet)
    }

    /// A DNS query for `example.com` A from 10.0.0.2:40000 to 10.0.0.3:53.
    static func dnsQuery(id: UInt16 = 0x1234) -> [UInt8] {
        var dns = be16(id) + [0x01, 0x00] + be16(1) + be16(0) + be16(0) + be16(0)
        dns += [7] + Array("example".utf8) + [3] + Array("com".utf8) + [0]
        dns += be16(1) + be16(1)
        return udp(sourcePort: 40000, destinationPort: 53, payload: dns, id: id)
    }

    /// A DNS answer to `dnsQuery(id:)`: example.com A 93.184.216.34, TTL 300.
    static func dnsResponse(id: UInt16 = 0x1234) -> [UInt8] {
        var dns = be16(id) + [0x81, 0x80] + be16(1) + be16(1) + be16(0) + be16(0)
        dns += [7] + Array("example".utf8) + [3] + Array("com".utf8) + [0]
        dns += be16(1) + be16(1)
        dns += [0xC0, 0x0C] + be16(1) + be16(1) + [0, 0, 0x01, 0x2C] + be16(4) + [93, 184, 216, 34]
        return udp(from: ipB, to: ipA, sourcePort: 53, destinationPort: 40000, payload: dns, id: id &+ 1)
    }

    /// A UDP datagram that is not DNS: 10.0.0.2:40001 to 10.0.0.3:9 (discard).
    static func udpDiscard(payload: [UInt8] = Array("hello, swarm".utf8)) -> [UInt8] {
        udp(sourcePort: 40001, destinationPort: 9, payload: payload, id: 7)
    }

    /// An ICMP echo request (10.0.0.2 to 10.0.0.3) or reply (back), 32 bytes of data.
    static func icmpEcho(reply: Bool, identifier: UInt16 = 0x0042, sequence: UInt16 = 1) -> [UInt8] {
        var icmp: [UInt8] = [reply ? 0 : 8, 0, 0, 0] + be16(identifier) + be16(sequence)
        icmp += (0..<32).map { UInt8(0x20 + $0) }
        let checksum = internetChecksum(icmp)
        icmp[2] = UInt8(checksum >> 8)
        icmp[3] = UInt8(checksum & 0xFF)
        let (source, destination) = reply ? (ipB, ipA) : (ipA, ipB)
        let packet = ipv4(source: source, destination: destination, protocol: 1, id: reply ? 101 : 100, payload: icmp)
        let (dmac, smac) = reply ? (macA, macB) : (macB, macA)
        return ethernet(destination: dmac, source: smac, etherType: 0x0800, payload: packet)
    }

    /// An ARP request: who has 10.0.0.3? tell 10.0.0.2 (broadcast).
    static func arpRequest() -> [UInt8] {
        var arp: [UInt8] = be16(1) + be16(0x0800) + [6, 4] + be16(1)
        arp += macA + ipA + [0, 0, 0, 0, 0, 0] + ipB
        return ethernet(
            destination: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], source: macA, etherType: 0x0806, payload: arp)
    }

    /// A small conversation with timestamps (ns): DNS query and answer, ping and pong, ARP.
    /// Times include sub-microsecond parts so nanosecond precision is visible.
    static let conversation: [(time: Int64, frame: [UInt8])] = [
        (0, arpRequest()),
        (1_000_000_001, dnsQuery()),
        (1_000_250_123, dnsResponse()),
        (2_500_000_999, icmpEcho(reply: false)),
        (2_500_100_000, icmpEcho(reply: true)),
        (3_999_999_999, udpDiscard()),
    ]
}
