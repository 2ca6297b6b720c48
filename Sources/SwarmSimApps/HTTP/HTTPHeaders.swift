/// Header fields in the order they appear on the wire; names compare case-insensitively.
///
/// The fields are kept as their field lines, `Name: value` each ended by CRLF (a received head
/// may end lines with a bare LF, which Go and curl accept too). A received message's headers
/// are the slice of its head after the start line, sharing the head's storage: parsing a
/// message validates the lines once and makes no strings, and a lookup scans the few lines of
/// a head, as zero-copy parsers such as picohttpparser leave it to the caller. Only `fields`
/// builds strings, for the callers that want them all.
public struct HTTPHeaders: Equatable, Sendable, ExpressibleByDictionaryLiteral {
    /// The field lines from `start` to `end` (a received head's blank line and start line
    /// lie outside).
    private var lines: [UInt8]
    private var start: Int
    private var end: Int
    /// `connectionOptions` as the parser found them on its pass over a received head; nil
    /// once a field is appended (then they are looked up).
    private var parsedConnectionOptions: (close: Bool, keepAlive: Bool)?

    public init() {
        lines = []
        start = 0
        end = 0
    }

    public init(_ fields: [(String, String)]) {
        self.init()
        for (name, value) in fields { append(name, value) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// The field lines of a received head, `head[range]`, already validated by the parser.
    init(received head: [UInt8], lines range: Range<Int>, connectionOptions: (close: Bool, keepAlive: Bool)) {
        lines = head
        start = range.lowerBound
        end = range.upperBound
        parsedConnectionOptions = connectionOptions
    }

    /// Name and value of every field, in order.
    public var fields: [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        lines.withUnsafeBufferPointer { bytes in
            Self.forEachField(bytes, start, end) { name, value in
                fields.append((String(decoding: bytes[name], as: UTF8.self), String(decoding: bytes[value], as: UTF8.self)))
                return true
            }
        }
        return fields
    }

    public static func == (a: HTTPHeaders, b: HTTPHeaders) -> Bool {
        let x = a.fields
        let y = b.fields
        return x.count == y.count && zip(x, y).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// Room for `count` typical fields, so a server filling a head grows the storage once.
    public mutating func reserveCapacity(_ count: Int) {
        lines.reserveCapacity(end - start + count * 32)
    }

    public mutating func append(_ name: String, _ value: String) {
        if start != 0 || end != lines.count {
            lines = Array(lines[start..<end])
            start = 0
        }
        Self.writeField(name.utf8, value.utf8, into: &lines)
        end = lines.count
        parsedConnectionOptions = nil
    }

    /// Appends the field line `name: value` CRLF to `bytes`.
    static func writeField<Name: Collection<UInt8>, Value: Collection<UInt8>>(_ name: Name, _ value: Value,
                                                                           into bytes: inout [UInt8]) {
        bytes.append(contentsOf: name)
        bytes.append(0x3A)
        bytes.append(0x20)
        bytes.append(contentsOf: value)
        bytes.append(0x0D)
        bytes.append(0x0A)
    }

    /// The first value of `name`, if present.
    public subscript(name: String) -> String? {
        var found: String?
        forEachValue(named: name.utf8) { value in
            found = String(decoding: value, as: UTF8.self)
            return false
        }
        return found
    }

    /// Whether a field `name` lists `token` among its comma-separated values (`Connection: close`).
    public func contains(_ name: String, token: String) -> Bool {
        var found = false
        forEachValue(named: name.utf8) { value in
            found = Self.list(value, contains: token.utf8)
            return !found
        }
        return found
    }

    /// Whether the `Connection` fields list `close` and `keep-alive`, in one scan (a client
    /// asks both of every answer, a server one of every request).
    var connectionOptions: (close: Bool, keepAlive: Bool) {
        if let parsedConnectionOptions { return parsedConnectionOptions }
        var options = (close: false, keepAlive: false)
        forEachValue(named: Self.connection) { value in
            Self.addConnectionOptions(value, to: &options)
            return true
        }
        return options
    }

    /// Adds what one `Connection` field value lists to `options`.
    static func addConnectionOptions(_ value: Slice<UnsafeBufferPointer<UInt8>>, to options: inout (close: Bool, keepAlive: Bool)) {
        options.close = options.close || list(value, contains: close)
        options.keepAlive = options.keepAlive || list(value, contains: keepAlive)
    }

    /// Calls `visit` with the (trimmed) value of every field named `name`, in order, until it
    /// returns false.
    private func forEachValue<Name: Collection<UInt8>>(named name: Name,
                                                      _ visit: (Slice<UnsafeBufferPointer<UInt8>>) -> Bool) {
        lines.withUnsafeBufferPointer { bytes in
            Self.forEachField(bytes, start, end) { field, value in
                Self.sameName(bytes[field], name) ? visit(bytes[value]) : true
            }
        }
    }

    static let connection = Array("Connection".utf8)
    private static let close = Array("close".utf8)
    private static let keepAlive = Array("keep-alive".utf8)

    var serializedLength: Int { end - start }

    /// Appends the field lines as they are (a received head's bare LFs included).
    func serialize(into bytes: inout [UInt8]) {
        bytes.append(contentsOf: lines[start..<end])
    }

    // MARK: scanning

    /// ASCII case-insensitive equality of two field names (names are tokens: ASCII).
    static func sameName<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A, _ b: B) -> Bool {
        guard a.count == b.count else { return false }
        return a.elementsEqual(b) { x, y in
            if x == y { return true }
            let lower = x | 0x20
            return lower == y | 0x20 && lower >= 0x61 && lower <= 0x7A
        }
    }

    /// Whether the comma-separated list `value` has an element equal to `token`, ignoring case
    /// and optional whitespace.
    static func list<Token: Collection<UInt8>>(_ value: Slice<UnsafeBufferPointer<UInt8>>, contains token: Token) -> Bool {
        var elementStart = value.startIndex
        while elementStart <= value.endIndex {
            var elementEnd = elementStart
            while elementEnd < value.endIndex && value[elementEnd] != 0x2C { elementEnd += 1 }
            let element = trimmed(value.base, elementStart..<elementEnd)
            if sameName(value.base[element], token) { return true }
            elementStart = elementEnd + 1
        }
        return false
    }

    /// `range` without leading and trailing spaces and tabs (RFC 9110's OWS).
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper && (bytes[lower] == 0x20 || bytes[lower] == 0x09) { lower += 1 }
        while upper > lower && (bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09) { upper -= 1 }
        return lower..<upper
    }

    /// Calls `visit` with the name and (trimmed) value of each field line in `bytes[start..<end]`
    /// until it returns false. The lines are valid: the parser checked them, `append` wrote them.
    static func forEachField(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                             _ visit: (Range<Int>, Range<Int>) -> Bool) {
        var lineStart = start
        while lineStart < end {
            var lineEnd = HTTPBytes.firstNewline(bytes, from: lineStart, to: end)
            let next = lineEnd + 1
            if lineEnd > lineStart && bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            var colon = lineStart
            while colon < lineEnd && bytes[colon] != 0x3A { colon += 1 }
            if !visit(lineStart..<colon, trimmed(bytes, min(colon + 1, lineEnd)..<lineEnd)) { return }
            lineStart = next
        }
    }
}
