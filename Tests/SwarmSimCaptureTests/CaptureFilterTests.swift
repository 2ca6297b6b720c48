import TestSupport
import SwarmSimCore
import Testing

@testable import SwarmSimCapture

@Suite struct CaptureFilterTests {
    /// Frames by name, so argument tables read well.
    static func frame(_ name: String) -> [UInt8] {
        switch name {
        case "dns-query": TestFrames.dnsQuery()
        case "dns-response": TestFrames.dnsResponse()
        case "udp-discard": TestFrames.udpDiscard()
        case "ping": TestFrames.icmpEcho(reply: false)
        case "pong": TestFrames.icmpEcho(reply: true)
        case "arp": TestFrames.arpRequest()
        default: fatalError("no test frame named \(name)")
        }
    }

    static let allFrames = ["dns-query", "dns-response", "udp-discard", "ping", "pong", "arp"]

    @Test(arguments: [
        ("udp port 53", ["dns-query", "dns-response"]),
        ("udp", ["dns-query", "dns-response", "udp-discard"]),
        ("icmp", ["ping", "pong"]),
        ("icmp[icmptype] == icmp-echoreply", ["pong"]),
        ("arp", ["arp"]),
        ("not arp", ["dns-query", "dns-response", "udp-discard", "ping", "pong"]),
        ("src host 10.0.0.3", ["dns-response", "pong"]),
        ("ether broadcast", ["arp"]),
        ("tcp", []),
        ("", ["dns-query", "dns-response", "udp-discard", "ping", "pong", "arp"]),
    ])
    func acceptsExactlyTheFramesTcpdumpWould(expression: String, accepted: [String]) throws {
        let filter = try CaptureFilter(expression: expression)
        #expect(filter.expression == expression)
        let matched = Self.allFrames.filter { name in
            Self.frame(name).withUnsafeBytes { filter.matches($0, originalLength: $0.count) }
        }
        #expect(matched == accepted)
    }

    @Test(arguments: [
        ("udp prt 53", "syntax error"),
        ("udp port", "syntax error"),
        ("tcp port 99999", "illegal port number 99999 > 65535"),
        ("ip broadcast", "netmask not known"),
        ("host 10.0.0.300", "invalid"),
    ])
    func rejectsBadExpressionsWithLibpcapsMessage(expression: String, message: String) throws {
        let error = try #require(throws: CaptureError.self) { try CaptureFilter(expression: expression) }
        guard case .invalidFilter(let rejected, let text) = error else {
            Issue.record("expected invalidFilter, got \(error)")
            return
        }
        #expect(rejected == expression)
        #expect(text.contains(message), "libpcap said: \(text)")
        #expect(error.description == "invalid capture filter '\(expression)': \(text)")
    }

    @Test func filterSeesTheWholeFrameEvenWhenOnlyAPrefixIsKept() throws {
        // As in the kernel, the filter runs before snaplen truncation: a 20-byte snaplen still
        // lets "udp port 53" look at the UDP header at offset 34.
        let filter = try CaptureFilter(expression: "udp port 53", snaplen: 20)
        #expect(TestFrames.dnsQuery().withUnsafeBytes { filter.matches($0, originalLength: $0.count) })
    }

    @Test func emptyAndShortFramesDoNotMatchPacketFilters() throws {
        let filter = try CaptureFilter(expression: "udp port 53")
        #expect(!filter.matches(UnsafeRawBufferPointer(start: nil, count: 0), originalLength: 0))
        let prefix = Array(TestFrames.dnsQuery().prefix(20))
        #expect(!prefix.withUnsafeBytes { filter.matches($0, originalLength: 71) })
        let all = try CaptureFilter(expression: "")
        #expect(all.matches(UnsafeRawBufferPointer(start: nil, count: 0), originalLength: 0))
    }

    @Test func pcapWriterKeepsOnlyMatchingFrames() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/dns.pcap"
            let writer = try PcapWriter(path: path, filter: try CaptureFilter(expression: "udp port 53"))
            record(TestFrames.conversation, to: writer)
            try writer.close()
            #expect(writer.packetCount == 2)
            let capture = try ReadCapture(path: path)
            #expect(capture.packets.map(\.bytes) == [TestFrames.dnsQuery(), TestFrames.dnsResponse()])
            #expect(capture.packets.map(\.unixNanoseconds) == [1_000_000_001, 1_000_250_123])
            let protocols = try Tool.tsharkOutput(["-r", path, "-T", "fields", "-e", "frame.protocols"])
            #expect(protocols.split(separator: "\n") == ["eth:ethertype:ip:udp:dns", "eth:ethertype:ip:udp:dns"])
        }
    }

    @Test func pcapngWriterKeepsOnlyMatchingFrames() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/dns.pcapng"
            let writer = try PcapNGWriter(path: path, filter: try CaptureFilter(expression: "udp port 53"))
            let tap = writer.addInterface(name: "host01:eth0", description: "underlay")
            record(TestFrames.conversation, to: tap)
            try writer.close()
            #expect(writer.packetCount == 2)
            #expect(
                try ReadCapture(path: path).packets.map(\.bytes) == [TestFrames.dnsQuery(), TestFrames.dnsResponse()])
        }
    }
}
