import SwarmSimApps
import SwarmSimCore
import Testing
import TestSupport

@Suite struct DNSServerTests {
    /// Sends `query` over UDP from a to b's server and returns the reply bytes.
    func exchange(_ query: DNSMessage) throws -> [UInt8] {
        let pair = Topologies.VethPair()
        let records = DNSTestRecords()
        let server = try DNSServer(namespace: pair.b, address: Topologies.ip("10.0.0.2"), source: records)
        let client = try pair.a.openUDPSocket()
        var reply: [UInt8] = []
        client.onReceive = { _, datagram in reply = datagram.payload }
        try client.send(query.emit(), to: Topologies.ip("10.0.0.2"), port: 53)
        pair.simulation.runUntilIdle()
        #expect(server.queriesAnswered == 1)
        return reply
    }

    func question(_ name: String, _ type: DNSType = .a) -> DNSQuestion {
        DNSQuestion(name: DNSName(name)!, type: type)
    }

    @Test func answerCarriesDockerFlagsAndIsUncompressed() throws {
        let query = DNSMessage(id: 0x1234, flags: DNSFlags(rd: true, ad: true, cd: true), questions: [question("http")])
        let bytes = try exchange(query)
        let reply = try DNSMessage.parse(bytes)
        #expect(reply.id == 0x1234)
        #expect(reply.flags == DNSFlags(qr: true, rd: true, ra: true, cd: true))
        #expect(reply.answers == [DNSResourceRecord(name: DNSName("http")!, ttl: 600, data: .a(Topologies.ip("10.0.1.2")))])
        // 12 header + (6 + 4) question + (6 + 10 + 4) answer: the owner name written in full.
        #expect(bytes.count == 42)
        #expect(Array(bytes[22..<28]) == [4] + Array("http".utf8) + [0])
    }

    @Test func unknownWithoutUpstreamIsServfailWithoutRA() throws {
        let reply = try DNSMessage.parse(exchange(DNSMessage(id: 7, flags: DNSFlags(rd: true), questions: [question("servfail")])))
        #expect(reply.flags == DNSFlags(qr: true, rd: true, rcode: .servFail))
        #expect(reply.answers.isEmpty)
    }

    @Test func nxDomainKeepsRA() throws {
        let reply = try DNSMessage.parse(exchange(DNSMessage(id: 8, flags: DNSFlags(rd: true), questions: [question("nosuch")])))
        #expect(reply.flags == DNSFlags(qr: true, rd: true, ra: true, rcode: .nxDomain))
    }

    @Test func udpReplyOver512BytesIsCompressedThenTruncated() throws {
        let bytes = try exchange(DNSMessage(id: 9, flags: DNSFlags(rd: true), questions: [question("big")]))
        let reply = try DNSMessage.parse(bytes)
        #expect(reply.flags.tc)
        // 12 + 9 for the header and question, 16 per compressed A record: 30 fit in 512.
        #expect(reply.answers.count == 30)
        #expect(bytes.count == 12 + 9 + 30 * 16)
    }

    @Test func ednsBufferSizeLiftsTheLimit() throws {
        let opt = DNSResourceRecord(name: .root, class: DNSClass(rawValue: 1232), ttl: 0, data: .other(.opt, []))
        let bytes = try exchange(DNSMessage(id: 10, flags: DNSFlags(rd: true), questions: [question("big")], additional: [opt]))
        let reply = try DNSMessage.parse(bytes)
        #expect(!reply.flags.tc)
        #expect(reply.answers.count == 40)
        #expect(bytes.count == 12 + 9 + 40 * 19)
        #expect(reply.additional.isEmpty)
    }

    @Test func tcpAnswersLengthPrefixedQueriesInOneConnection() throws {
        let pair = Topologies.VethPair()
        let server = try DNSServer(namespace: pair.b, address: Topologies.ip("10.0.0.2"), source: DNSTestRecords())
        let connection = try pair.a.connectTCP(to: Topologies.ip("10.0.0.2"), port: 53)
        var received: [UInt8] = []
        connection.onData = { received += $0 }
        var framed: [UInt8] = []
        for (id, name) in [(1, "big"), (2, "http")] {
            let query = DNSMessage(id: UInt16(id), flags: DNSFlags(rd: true), questions: [question(name)]).emit()
            framed += [UInt8(query.count >> 8), UInt8(query.count & 0xFF)] + query
        }
        try connection.send(framed)
        pair.simulation.runUntilIdle()
        #expect(server.queriesAnswered == 2)
        let first = Int(received[0]) << 8 | Int(received[1])
        let big = try DNSMessage.parse(Array(received[2..<(2 + first)]))
        #expect(big.answers.count == 40 && !big.flags.tc)
        let second = try DNSMessage.parse(Array(received[(4 + first)...]))
        #expect(second.id == 2 && second.answers.count == 1)
    }
}
