import Testing

@testable import SwarmSimCore

@Suite struct DNSTests {
    static let query = Array(WireFixtures.dnsQuery[42...])

    static func name(_ text: String) -> DNSName { DNSName(text)! }

    static let answer = DNSMessage(
        id: 0x5a3c, flags: DNSFlags(qr: true, rd: true, ra: true),
        questions: [DNSQuestion(name: name("tasks.web"), type: .a)],
        answers: [
            DNSResourceRecord(name: name("tasks.web"), ttl: 600, data: .a(IPv4Address(10, 0, 1, 7))),
            DNSResourceRecord(name: name("tasks.web"), ttl: 600, data: .a(IPv4Address(10, 0, 1, 8))),
        ])

    static let srv = DNSMessage(
        id: 0x0102, flags: DNSFlags(qr: true, aa: true, rd: true, ra: true),
        questions: [DNSQuestion(name: name("_http._tcp.web"), type: .srv)],
        answers: [
            DNSResourceRecord(
                name: name("_http._tcp.web"), ttl: 600,
                data: .srv(priority: 0, weight: 0, port: 80, target: name("web-1.web")))
        ],
        additional: [DNSResourceRecord(name: name("web-1.web"), ttl: 600, data: .a(IPv4Address(10, 0, 1, 7)))])

    @Test func readsAQuery() throws {
        let message = try DNSMessage.parse(Self.query)
        #expect(message.id == 0x5a3c)
        #expect(message.flags == DNSFlags(rd: true) && message.flags.rawValue == 0x0100)
        #expect(!message.flags.qr && message.flags.opcode == .query && message.flags.rcode == .noError)
        #expect(message.questions == [DNSQuestion(name: Self.name("tasks.web."), type: .a, class: .in)])
        #expect(message.answers.isEmpty && message.authority.isEmpty && message.additional.isEmpty)
        #expect(message.emit() == Self.query)
        #expect(message.emitLength == 27)
    }

    @Test(arguments: [(answer, WireFixtures.dnsAnswer), (srv, WireFixtures.dnsSRV)])
    func readsAndEmitsCompressedAnswers(_ message: DNSMessage, _ bytes: [UInt8]) throws {
        #expect(try DNSMessage.parse(bytes) == message)
        #expect(message.emit() == bytes, "\(WireFixture.hex(message.emit()))")
        #expect(message.emitLength == bytes.count)
    }

    @Test func readsEveryFieldOfAnAnswer() throws {
        let message = try DNSMessage.parse(WireFixtures.dnsAnswer)
        #expect(message.flags.description == "qr rd ra")
        let record = try #require(message.answers.first)
        #expect(record.name.description == "tasks.web." && record.type == .a && record.class == .in)
        #expect(record.ttl == 600 && record.data == .a(IPv4Address(10, 0, 1, 7)))
    }

    @Test func roundTripsEveryRecordKind() throws {
        let soa = DNSStartOfAuthority(
            primaryServer: Self.name("ns.web"), responsibleMailbox: Self.name("hostmaster.web"), serial: 2024010101,
            refresh: 7200, retry: 3600, expire: 1_209_600, minimum: 300)
        let message = DNSMessage(
            id: 0xBEEF,
            flags: DNSFlags(qr: true, opcode: .query, aa: true, tc: true, rd: true, ra: true, z: true, ad: true, cd: true, rcode: .nxDomain),
            questions: [DNSQuestion(name: DNSName.reverse(IPv4Address(10, 0, 1, 7)), type: .ptr)],
            answers: [
                DNSResourceRecord(name: .reverse(IPv4Address(10, 0, 1, 7)), ttl: 600, data: .ptr(Self.name("web.1.abc.web-net"))),
                DNSResourceRecord(name: Self.name("www.web"), ttl: 60, data: .cname(Self.name("WEB"))),
                DNSResourceRecord(name: Self.name("web"), ttl: 60, data: .mx(preference: 10, exchange: Self.name("mail.web"))),
                DNSResourceRecord(name: Self.name("web"), class: .chaos, ttl: 0, data: .other(.a, [1, 2, 3])),
                DNSResourceRecord(name: Self.name("web"), ttl: 60, data: .other(.aaaa, Array(repeating: 0xfd, count: 16))),
                DNSResourceRecord(name: Self.name("web"), ttl: 60, data: .other(.txt, [5] + Array("hello".utf8))),
            ],
            authority: [
                DNSResourceRecord(name: Self.name("web"), ttl: 300, data: .soa(soa)),
                DNSResourceRecord(name: Self.name("web"), ttl: 300, data: .ns(Self.name("ns.web"))),
            ],
            additional: [
                // dig's EDNS(0) record: root owner, class = UDP payload size 1232.
                DNSResourceRecord(name: .root, class: DNSClass(rawValue: 1232), ttl: 0, data: .other(.opt, []))
            ])
        let bytes = message.emit()
        let parsed = try DNSMessage.parse(bytes)
        #expect(parsed == message)
        #expect(parsed.flags.rawValue == 0x87F3)
        #expect(parsed.answers[1].data == .cname(Self.name("web")))  // names compare ignoring case
        #expect(parsed.emit() == bytes)
        // Compression kept the message well under the uncompressed size.
        #expect(bytes.count < 300)
    }

    @Test func compressesAgainstEarlierSuffixesOnly() {
        let message = DNSMessage(
            id: 1, questions: [DNSQuestion(name: Self.name("a.b.c"), type: .a), DNSQuestion(name: Self.name("x.b.c"), type: .a)])
        let bytes = message.emit()
        // Second name: "x" then a pointer to "b.c" at offset 12 + 2.
        #expect(Array(bytes[23...]) == [1, UInt8(ascii: "x"), 0xC0, 14, 0, 1, 0, 1])
        // A name different only in case is written out, so its case survives.
        let mixed = DNSMessage(
            id: 1, questions: [DNSQuestion(name: Self.name("a.b"), type: .a), DNSQuestion(name: Self.name("A.B"), type: .a)])
        #expect(mixed.emit().count == 12 + 2 * (5 + 4))
    }

    @Test func writesIntoABuffer() {
        var buffer = [UInt8](repeating: 0, count: 600)
        let written = buffer.withUnsafeMutableBytes { Self.answer.emit(into: $0) }
        #expect(written == WireFixtures.dnsAnswer.count && Array(buffer.prefix(written)) == WireFixtures.dnsAnswer)
    }

    @Test func followsPointerChains() throws {
        // "b.c" at 12, "a" + pointer to 12 at 21, then a question whose name points to 21.
        var bytes = DNSSuiteBytes.header(questions: 3)
        bytes += [1, 98, 1, 99, 0, 0, 1, 0, 1]  // b.c. A IN
        bytes += [1, 97, 0xC0, 12, 0, 1, 0, 1]  // a.b.c. A IN
        bytes += [0xC0, 21, 0, 1, 0, 1]  // -> a.b.c.
        let message = try DNSMessage.parse(bytes)
        #expect(message.questions.map(\.name.description) == ["b.c.", "a.b.c.", "a.b.c."])
    }

    static var badInputs: [WireBadInput] {
        let question: [UInt8] = [1, 97, 0, 0, 1, 0, 1]
        let label63 = [63] + [UInt8](repeating: 0x61, count: 63)
        var tooLong = DNSSuiteBytes.header(questions: 1)
        for _ in 0..<4 { tooLong += label63 }
        tooLong += [0, 0, 1, 0, 1]
        let record: [UInt8] = [0xC0, 12, 0, 1, 0, 1, 0, 0, 2, 0x58]
        return [
            WireBadInput("empty", [], .truncated(layer: .dns, needed: 12, available: 0)),
            WireBadInput("11 bytes", Array(query.prefix(11)), .truncated(layer: .dns, needed: 12, available: 11)),
            WireBadInput("question missing", Array(query.prefix(12)), .truncated(layer: .dns, needed: 13, available: 12)),
            WireBadInput("label cut", Array(query.prefix(15)), .truncated(layer: .dns, needed: 18, available: 15)),
            WireBadInput("no root label", Array(query.prefix(22)), .truncated(layer: .dns, needed: 23, available: 22)),
            WireBadInput("type cut", Array(query.prefix(25)), .truncated(layer: .dns, needed: 27, available: 25)),
            WireBadInput(
                "answer count beyond the message", WireFixture.patched(query, at: 6, 1, width: 2),
                .truncated(layer: .dns, needed: 28, available: 27)),
            WireBadInput(
                "question count beyond the message", WireFixture.patched(query, at: 4, 2, width: 2),
                .truncated(layer: .dns, needed: 28, available: 27)),
            WireBadInput(
                "pointer to itself", DNSSuiteBytes.header(questions: 1) + [0xC0, 12, 0, 1, 0, 1],
                .invalidField(layer: .dns, field: "compression pointer", value: 12)),
            WireBadInput(
                "pointer loop", DNSSuiteBytes.header(questions: 1) + [1, 97, 0xC0, 12, 0, 1, 0, 1],
                .invalidField(layer: .dns, field: "compression pointer", value: 12)),
            WireBadInput(
                "forward pointer", DNSSuiteBytes.header(questions: 1) + [0xC0, 14, 1, 97, 0, 0, 1, 0, 1],
                .invalidField(layer: .dns, field: "compression pointer", value: 14)),
            WireBadInput(
                "two-step loop",
                DNSSuiteBytes.header(questions: 2) + question + [1, 98, 0xC0, 19, 0, 1, 0, 1],
                .invalidField(layer: .dns, field: "compression pointer", value: 19)),
            WireBadInput(
                "pointer cut", DNSSuiteBytes.header(questions: 1) + [0xC0],
                .truncated(layer: .dns, needed: 14, available: 13)),
            WireBadInput(
                "label length 64", DNSSuiteBytes.header(questions: 1) + [64] + [UInt8](repeating: 0x61, count: 64) + [0],
                .invalidField(layer: .dns, field: "label length", value: 64)),
            WireBadInput(
                "extended label type", DNSSuiteBytes.header(questions: 1) + [0x80, 0],
                .invalidField(layer: .dns, field: "label length", value: 0x80)),
            WireBadInput("name over 255 bytes", tooLong, .invalidField(layer: .dns, field: "name length", value: 257)),
            WireBadInput(
                "RDATA beyond the message", DNSSuiteBytes.header(questions: 1, answers: 1) + question + record + [0, 4, 10, 0],
                .truncated(layer: .dns, needed: 35, available: 33)),
            WireBadInput(
                "A record of 5 bytes", DNSSuiteBytes.header(questions: 1, answers: 1) + question + record + [0, 5, 10, 0, 0, 1, 9],
                .invalidField(layer: .dns, field: "RDLENGTH", value: 5)),
            WireBadInput(
                "A record of 3 bytes", DNSSuiteBytes.header(questions: 1, answers: 1) + question + record + [0, 3, 10, 0, 0, 1],
                .invalidField(layer: .dns, field: "RDLENGTH", value: 3)),
            WireBadInput(
                "PTR name past RDLENGTH",
                DNSSuiteBytes.header(questions: 1, answers: 1) + question + [0xC0, 12, 0, 12, 0, 1, 0, 0, 0, 0, 0, 1, 1, 98, 0],
                .invalidField(layer: .dns, field: "RDLENGTH", value: 1)),
            WireBadInput(
                "record header cut", DNSSuiteBytes.header(questions: 1, answers: 1) + question + [0xC0, 12, 0, 1],
                .truncated(layer: .dns, needed: 31, available: 23)),
        ]
    }

    @Test(arguments: badInputs)
    func rejectsMalformedMessages(_ input: WireBadInput) {
        #expect(throws: input.expected) { try DNSMessage.parse(input.bytes) }
    }

    @Test func namesNumbersAsDigPrintsThem() {
        #expect(DNSType.srv.description == "SRV" && DNSType(rawValue: 65).description == "TYPE65")
        #expect(DNSClass.in.description == "IN" && DNSClass(rawValue: 1232).description == "CLASS1232")
        #expect(DNSRCode.nxDomain.description == "NXDOMAIN" && DNSRCode(rawValue: 9).description == "RCODE9")
        #expect(DNSOpcode.query.description == "QUERY" && DNSOpcode.update.rawValue == 5)
        #expect(DNSRCode.refused.rawValue == 5 && DNSType.any.rawValue == 255 && DNSType.opt.rawValue == 41)
    }
}
