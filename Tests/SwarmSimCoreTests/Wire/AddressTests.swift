import Testing

@testable import SwarmSimCore

@Suite struct MACAddressTests {
    @Test func parsesAndPrintsLowercaseColonForm() throws {
        let mac = try #require(MACAddress("02:42:0A:00:00:02"))
        #expect(mac == MACAddress(0x02, 0x42, 0x0a, 0x00, 0x00, 0x02))
        #expect(mac.value == 0x0242_0A00_0002)
        #expect(mac.description == "02:42:0a:00:00:02")
        #expect(MACAddress("02-42-0a-00-00-02") == mac)
        #expect(mac.bytes == (0x02, 0x42, 0x0a, 0x00, 0x00, 0x02))
    }

    @Test(arguments: [
        "", "02:42:0a:00:00", "02:42:0a:00:00:02:03", "02:42:0a:00:00:0g", "02-42:0a:00:00:02",
        "2:42:0a:00:00:02", "002:42:0a:00:00:2", "02:42:0a:00:00:02 ", "02.42.0a.00.00.02",
    ])
    func rejectsMalformedText(_ text: String) {
        #expect(MACAddress(text) == nil)
    }

    @Test func classifiesAddresses() {
        #expect(MACAddress.broadcast.isBroadcast && MACAddress.broadcast.isMulticast)
        #expect(MACAddress.broadcast.description == "ff:ff:ff:ff:ff:ff")
        #expect(MACAddress.zero.description == "00:00:00:00:00:00" && MACAddress.zero.isUnicast)
        let multicast = MACAddress(0x01, 0x00, 0x5e, 0x00, 0x00, 0x01)
        #expect(multicast.isMulticast && !multicast.isBroadcast && !multicast.isUnicast)
        let docker = MACAddress.docker(for: IPv4Address(10, 0, 0, 2))
        #expect(docker.description == "02:42:0a:00:00:02")
        #expect(docker.isUnicast && docker.isLocallyAdministered)
        #expect(MACAddress(value: 0xFFFF_0000_0000_0001) == MACAddress(0, 0, 0, 0, 0, 1))
        #expect(MACAddress(0, 0, 0, 0, 0, 1) < MACAddress(0, 0, 0, 0, 1, 0))
    }

    @Test func readsAndWritesAtAnOffset() {
        var buffer = [UInt8](repeating: 0xAA, count: 9)
        let mac = MACAddress(1, 2, 3, 4, 5, 6)
        buffer.withUnsafeMutableBytes { mac.write(to: $0, at: 2) }
        #expect(buffer == [0xAA, 0xAA, 1, 2, 3, 4, 5, 6, 0xAA])
        #expect(buffer.withUnsafeBytes { MACAddress(reading: $0, at: 2) } == mac)
    }
}

@Suite struct IPv4AddressTests {
    @Test(arguments: [
        ("10.0.0.2", UInt32(0x0A00_0002)), ("0.0.0.0", 0), ("255.255.255.255", 0xFFFF_FFFF),
        ("127.0.0.11", 0x7F00_000B), ("192.168.1.10", 0xC0A8_010A),
    ])
    func parsesDottedQuads(_ text: String, _ value: UInt32) throws {
        let address = try #require(IPv4Address(text))
        #expect(address.value == value)
        #expect(address.description == text)
    }

    @Test(arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.256", " 1.2.3.4", "1.2.3.4 ", "x1.2.3.4", "01.2.3.4",
        "1..2.3", ".1.2.3", "1.2.3.", "1.2.3.-4", "+1.2.3.4", "1.2.3.4/24", "1234.1.1.1", "0x1.2.3.4",
    ])
    func rejectsAnythingButAStrictDottedQuad(_ text: String) {
        #expect(IPv4Address(text) == nil)
    }

    @Test func classifiesAddresses() {
        #expect(IPv4Address.any.description == "0.0.0.0" && IPv4Address.any.isUnspecified)
        #expect(IPv4Address.broadcast.isBroadcast && IPv4Address.broadcast.description == "255.255.255.255")
        #expect(IPv4Address.loopback.isLoopback && IPv4Address.loopback == IPv4Address(127, 0, 0, 1))
        #expect(IPv4Address(127, 0, 0, 11).isLoopback)
        #expect(IPv4Address(224, 0, 0, 1).isMulticast && IPv4Address(239, 255, 255, 250).isMulticast)
        #expect(!IPv4Address(10, 0, 0, 1).isMulticast && !IPv4Address(10, 0, 0, 1).isLoopback)
        #expect(IPv4Address(10, 0, 0, 2).octets == (10, 0, 0, 2))
        #expect(IPv4Address(10, 0, 0, 2) < IPv4Address(10, 0, 0, 10))
    }

    @Test func readsAndWritesAtAnOffset() {
        var buffer = [UInt8](repeating: 0, count: 6)
        buffer.withUnsafeMutableBytes { IPv4Address(192, 168, 1, 10).write(to: $0, at: 1) }
        #expect(buffer == [0, 192, 168, 1, 10, 0])
        #expect(buffer.withUnsafeBytes { IPv4Address(reading: $0, at: 1) } == IPv4Address(192, 168, 1, 10))
    }
}

@Suite struct IPv4PrefixTests {
    @Test func describesASubnet() throws {
        let prefix = try #require(IPv4Prefix("10.0.0.0/24"))
        #expect(prefix.address == IPv4Address(10, 0, 0, 0) && prefix.length == 24)
        #expect(prefix.netmask == IPv4Address(255, 255, 255, 0))
        #expect(prefix.broadcast == IPv4Address(10, 0, 0, 255))
        #expect(prefix.size == 256)
        #expect(prefix.host(1) == IPv4Address(10, 0, 0, 1) && prefix.host(2) == IPv4Address(10, 0, 0, 2))
        #expect(prefix.contains(IPv4Address(10, 0, 0, 200)) && !prefix.contains(IPv4Address(10, 0, 1, 0)))
        #expect(prefix.contains(IPv4Prefix(address: IPv4Address(10, 0, 0, 128), length: 25)))
        #expect(!prefix.contains(IPv4Prefix(address: IPv4Address(10, 0, 0, 0), length: 16)))
        #expect(prefix.description == "10.0.0.0/24")
    }

    @Test func handlesTheExtremeLengths() throws {
        let all = try #require(IPv4Prefix("0.0.0.0/0"))
        #expect(all.netmask == .any && all.contains(IPv4Address(203, 0, 113, 9)) && all.broadcast == .broadcast)
        let host = try #require(IPv4Prefix("10.0.0.7/32"))
        #expect(host.netmask == .broadcast && host.contains(IPv4Address(10, 0, 0, 7)))
        #expect(!host.contains(IPv4Address(10, 0, 0, 6)) && host.size == 1 && host.host(0) == IPv4Address(10, 0, 0, 7))
    }

    @Test func masksHostBitsOnlyWhenAskedTo() {
        #expect(IPv4Prefix("10.0.0.1/24") == nil)
        #expect(IPv4Prefix("10.0.0.1/24", strict: false) == IPv4Prefix("10.0.0.0/24"))
        #expect(IPv4Prefix(address: IPv4Address(172, 18, 3, 4), length: 16).description == "172.18.0.0/16")
    }

    @Test(arguments: [
        "", "10.0.0.0", "10.0.0.0/", "/24", "10.0.0.0/33", "10.0.0.0/024", "10.0.0.0/2a", "10.0.0/24",
        "10.0.0.0/24/1", "10.0.0.0/-1", "10.0.0.0/ 24", "10.0.0.0/100",
    ])
    func rejectsMalformedText(_ text: String) {
        #expect(IPv4Prefix(text) == nil)
    }
}

@Suite struct ProtocolNumberTests {
    @Test func namesKnownAndUnknownValues() {
        #expect(EtherType.ipv4.rawValue == 0x0800 && EtherType.ipv4.description == "IPv4")
        #expect(EtherType.arp.description == "ARP" && EtherType.ipv6.description == "IPv6")
        #expect(EtherType.vlan.description == "802.1Q")
        #expect(EtherType(rawValue: 0x88CC).description == "0x88cc")
        #expect(IPProtocol.tcp.rawValue == 6 && IPProtocol.udp.rawValue == 17 && IPProtocol.icmp.rawValue == 1)
        #expect(IPProtocol.tcp.description == "tcp" && IPProtocol.sctp.description == "sctp")
        #expect(IPProtocol.esp.rawValue == 50 && IPProtocol(rawValue: 47).description == "47")
    }

    @Test func describesErrors() {
        #expect(
            WireError.truncated(layer: .ipv4, needed: 20, available: 3).description
                == "IPv4 truncated: needed 20 bytes, only 3 available")
        #expect(
            WireError.invalidField(layer: .arp, field: "hardware type", value: 6).description
                == "ARP has an invalid hardware type: 6")
        #expect(WireError.badChecksum(layer: .tcp).description == "TCP checksum does not verify")
        #expect(WireError.badChecksum(layer: .udp).layer == .udp)
    }
}
