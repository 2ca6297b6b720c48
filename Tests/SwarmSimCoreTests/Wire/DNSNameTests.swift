import Testing

@testable import SwarmSimCore

@Suite struct DNSNameTests {
    @Test func parsesDottedNames() throws {
        let name = try #require(DNSName("tasks.http."))
        #expect(name == DNSName("tasks.http"))
        #expect(name.labels == ["tasks", "http"] && name.labelCount == 2)
        #expect(name.description == "tasks.http." && name.wireLength == 12)
        #expect(DNSName(labels: ["tasks", "http"]) == name)
        #expect(DNSName(".") == .root && DNSName.root.description == "." && DNSName.root.isRoot)
        #expect(DNSName.root.wireLength == 1 && DNSName.root.labels.isEmpty)
    }

    static let longestLabel = String(repeating: "a", count: 63)

    @Test(arguments: [
        "", "..", "a..b", ".a", "a.b..", String(repeating: "a", count: 64), "x." + String(repeating: "b", count: 64),
        // 4 labels of 63: 4 × 64 + 1 = 257 bytes on the wire.
        [longestLabel, longestLabel, longestLabel, longestLabel].joined(separator: "."),
    ])
    func rejectsInvalidNames(_ text: String) {
        #expect(DNSName(text) == nil)
    }

    @Test func acceptsTheLongestNames() throws {
        // 3 × 64 + (1 + 61) + 1 = 255 bytes on the wire.
        let label61 = String(repeating: "c", count: 61)
        let name = try #require(DNSName([Self.longestLabel, Self.longestLabel, Self.longestLabel, label61].joined(separator: ".")))
        #expect(name.wireLength == 255)
        #expect(DNSName(name.description + "x") == nil)
        #expect(DNSName(labels: [Self.longestLabel, ""]) == nil)
    }

    @Test func comparesAndHashesIgnoringCase() throws {
        let upper = try #require(DNSName("Tasks.HTTP."))
        let lower = try #require(DNSName("tasks.http"))
        #expect(upper == lower && upper.hashValue == lower.hashValue && Set([upper, lower]).count == 1)
        #expect(upper.description == "Tasks.HTTP." && upper.lowercased().description == "tasks.http.")
        #expect(DNSName("tasks.http1") != lower)
        #expect(DNSName("tasks.http.x") != lower)
    }

    @Test func findsSubdomains() throws {
        let name = try #require(DNSName("a.tasks.http"))
        #expect(name.isSubdomain(of: try #require(DNSName("TASKS.http"))))
        #expect(name.isSubdomain(of: name) && name.isSubdomain(of: .root))
        #expect(!name.isSubdomain(of: try #require(DNSName("sks.http"))))
        #expect(!(try #require(DNSName("http"))).isSubdomain(of: name))
    }

    @Test func buildsAndReadsReverseNames() throws {
        let name = DNSName.reverse(IPv4Address(10, 0, 1, 7))
        #expect(name.description == "7.1.0.10.in-addr.arpa.")
        #expect(name.reverseAddress == IPv4Address(10, 0, 1, 7))
        #expect(DNSName("7.1.0.10.IN-ADDR.ARPA")?.reverseAddress == IPv4Address(10, 0, 1, 7))
        #expect(DNSName("1.0.10.in-addr.arpa")?.reverseAddress == nil)
        #expect(DNSName("x.1.0.10.in-addr.arpa")?.reverseAddress == nil)
        #expect(DNSName("tasks.http")?.reverseAddress == nil)
    }

    @Test func escapesUnprintableBytesInTheDescription() throws {
        var message = DNSSuiteBytes.header(questions: 1)
        message += [3, UInt8(ascii: "a"), UInt8(ascii: "."), 0x07, 2, UInt8(ascii: "\\"), 0x20, 0, 0, 1, 0, 1]
        let parsed = try DNSMessage.parse(message)
        #expect(parsed.questions.first?.name.description == "a\\.\\007.\\\\\\032.")
    }
}

/// Builders for hand-made DNS messages.
enum DNSSuiteBytes {
    static func header(id: UInt16 = 0x1234, flags: UInt16 = 0, questions: UInt16 = 0, answers: UInt16 = 0) -> [UInt8] {
        [UInt8(id >> 8), UInt8(id & 0xFF), UInt8(flags >> 8), UInt8(flags & 0xFF), 0, UInt8(questions), 0, UInt8(answers), 0, 0, 0, 0]
    }
}
