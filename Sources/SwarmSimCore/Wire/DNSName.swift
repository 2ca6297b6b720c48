/// A domain name (RFC 1035 section 3.1), stored as its uncompressed wire labels.
///
/// Names compare and hash case-insensitively (RFC 4343): "Tasks.HTTP." == "tasks.http.", as
/// Docker's embedded DNS and every resolver treat them, while the original case is kept for
/// emitting. Every `DNSName` is valid by construction: labels of 1...63 bytes and at most 255
/// bytes on the wire, so `emit` never has to check.
public struct DNSName: Hashable, Sendable, CustomStringConvertible {
    /// Length-prefixed labels without the terminating zero byte: "a.bc." is `01 61 02 62 63`.
    @usableFromInline var wire: [UInt8]

    /// The longest label (RFC 1035 section 2.3.4).
    public static let maximumLabelLength = 63
    /// The longest name on the wire, length bytes and terminating zero included.
    public static let maximumWireLength = 255

    /// The root name, ".".
    public static let root = DNSName(uncheckedWire: [])

    /// A name from wire labels already checked by the caller (the parser).
    @usableFromInline init(uncheckedWire wire: [UInt8]) {
        self.wire = wire
    }

    /// Parses a name written with dots: "tasks.http." or "tasks.http" (both absolute; there is
    /// no search list here), "." for the root. Returns `nil` for "", an empty label ("a..b"), a
    /// label over 63 bytes or a name over 255 bytes on the wire. Backslash escapes are not
    /// interpreted: each byte stands for itself.
    public init?(_ string: String) {
        if string == "." {
            self = .root
            return
        }
        var utf8 = Substring(string).utf8[...]
        if utf8.last == UInt8(ascii: ".") { utf8 = utf8.dropLast() }
        if utf8.isEmpty { return nil }
        var labels: [Substring.UTF8View.SubSequence] = []
        var start = utf8.startIndex
        for index in utf8.indices where utf8[index] == UInt8(ascii: ".") {
            labels.append(utf8[start..<index])
            start = utf8.index(after: index)
        }
        labels.append(utf8[start...])
        self.init(labelBytes: labels)
    }

    /// A name from its labels, most specific first: `["tasks", "http"]` is "tasks.http.".
    /// Returns `nil` under the same rules as `init?(_:)`.
    public init?(labels: [String]) {
        self.init(labelBytes: labels.map { $0.utf8[...] })
    }

    init?<Label: Collection<UInt8>>(labelBytes labels: [Label]) {
        var wire: [UInt8] = []
        for label in labels {
            guard !label.isEmpty, label.count <= DNSName.maximumLabelLength else { return nil }
            wire.append(UInt8(label.count))
            wire.append(contentsOf: label)
        }
        guard wire.count + 1 <= DNSName.maximumWireLength else { return nil }
        self.wire = wire
    }

    /// The name for the reverse (PTR) lookup of `address`: 10.0.0.2 is "2.0.0.10.in-addr.arpa."
    /// (RFC 1035 section 3.5).
    public static func reverse(_ address: IPv4Address) -> DNSName {
        let o = address.octets
        return DNSName("\(o.3).\(o.2).\(o.1).\(o.0).in-addr.arpa.")!
    }

    /// The address a reverse name stands for, or `nil` if this is not a full
    /// "d.c.b.a.in-addr.arpa." name.
    public var reverseAddress: IPv4Address? {
        let labels = self.labels
        guard labels.count == 6, labels[4].lowercased() == "in-addr", labels[5].lowercased() == "arpa" else { return nil }
        return IPv4Address("\(labels[3]).\(labels[2]).\(labels[1]).\(labels[0])")
    }

    /// The labels, most specific first, decoded as UTF-8. O(n), allocates.
    public var labels: [String] {
        labelRanges.map { String(decoding: wire[$0], as: UTF8.self) }
    }

    /// The number of labels; 0 for the root.
    public var labelCount: Int { labelRanges.count }

    /// Whether this is the root name ".".
    @inlinable public var isRoot: Bool { wire.isEmpty }

    /// The bytes this name takes on the wire uncompressed, terminating zero included.
    @inlinable public var wireLength: Int { wire.count + 1 }

    /// The byte ranges of the labels in `wire`, without their length bytes.
    var labelRanges: [Range<Int>] {
        var ranges: [Range<Int>] = []
        var offset = 0
        while offset < wire.count {
            let length = Int(wire[offset])
            ranges.append((offset + 1)..<(offset + 1 + length))
            offset += 1 + length
        }
        return ranges
    }

    /// Whether this name is `other` or below it, ignoring case: "a.tasks.http." is a subdomain
    /// of "tasks.http." and of ".". O(n).
    public func isSubdomain(of other: DNSName) -> Bool {
        guard other.wire.count <= wire.count else { return false }
        // Only a suffix that starts at a label boundary counts.
        var offset = 0
        while wire.count - offset > other.wire.count { offset += 1 + Int(wire[offset]) }
        guard wire.count - offset == other.wire.count else { return false }
        return zip(wire[offset...], other.wire).allSatisfy { DNSName.lower($0) == DNSName.lower($1) }
    }

    /// The same name in lowercase ASCII.
    public func lowercased() -> DNSName {
        DNSName(uncheckedWire: wire.map(DNSName.lower))
    }

    @inlinable static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    public static func == (lhs: DNSName, rhs: DNSName) -> Bool {
        lhs.wire.count == rhs.wire.count && zip(lhs.wire, rhs.wire).allSatisfy { lower($0) == lower($1) }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(wire.count)
        for byte in wire { hasher.combine(DNSName.lower(byte)) }
    }

    /// The name with a trailing dot, as dig prints it: "tasks.http.", "." for the root.
    /// A '.' or '\' inside a label is escaped with '\', other bytes outside '!'...'~' as \DDD.
    public var description: String {
        if isRoot { return "." }
        var text = ""
        for range in labelRanges {
            for byte in wire[range] {
                switch byte {
                case UInt8(ascii: "."), UInt8(ascii: "\\"):
                    text += "\\" + String(UnicodeScalar(byte))
                case 0x21...0x7E:
                    text.unicodeScalars.append(UnicodeScalar(byte))
                default:
                    let digits = String(byte)
                    text += "\\" + String(repeating: "0", count: 3 - digits.count) + digits
                }
            }
            text += "."
        }
        return text
    }
}
