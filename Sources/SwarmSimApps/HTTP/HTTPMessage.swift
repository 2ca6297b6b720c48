/// HTTP/1.x messages as the modelled servers and clients exchange them (RFC 9112).

/// The protocol version of a request or status line.
public enum HTTPVersion: Equatable, Sendable, CustomStringConvertible {
    case http10
    case http11

    public var description: String {
        switch self {
        case .http10: "HTTP/1.0"
        case .http11: "HTTP/1.1"
        }
    }

    init?(_ text: Substring) {
        switch text {
        case "HTTP/1.0": self = .http10
        case "HTTP/1.1": self = .http11
        default: return nil
        }
    }
}

/// Header fields in the order they appear on the wire; names compare case-insensitively.
public struct HTTPHeaders: Equatable, Sendable, ExpressibleByDictionaryLiteral {
    public private(set) var fields: [(name: String, value: String)] = []

    public init() {}

    public init(_ fields: [(String, String)]) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    public static func == (a: HTTPHeaders, b: HTTPHeaders) -> Bool {
        a.fields.count == b.fields.count && zip(a.fields, b.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// Room for `count` fields, so a parser or server filling a typical head grows the array once.
    public mutating func reserveCapacity(_ count: Int) {
        fields.reserveCapacity(count)
    }

    public mutating func append(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
    }

    /// The first value of `name`, if present.
    public subscript(name: String) -> String? {
        fields.first { Self.sameName($0.name, name) }?.value
    }

    /// ASCII case-insensitive equality without building lowercased copies (field names are ASCII).
    static func sameName(_ a: String, _ b: String) -> Bool {
        // Byte counts first (O(1) for native strings): most names differ in length.
        let a = a.utf8
        let b = b.utf8
        guard a.count == b.count else { return false }
        return a.elementsEqual(b) { x, y in
            if x == y { return true }
            let lower = x | 0x20
            return lower == y | 0x20 && lower >= 0x61 && lower <= 0x7A
        }
    }

    public func contains(_ name: String, token: String) -> Bool {
        fields.contains { field in
            Self.sameName(field.name, name)
                && field.value.split(separator: ",").contains { Self.sameName(String($0.trimmingSpaces), token) }
        }
    }

    var serializedLength: Int { fields.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 } }

    func serialize(into bytes: inout [UInt8]) {
        for field in fields {
            bytes.append(contentsOf: field.name.utf8)
            bytes.append(0x3A)
            bytes.append(0x20)
            bytes.append(contentsOf: field.value.utf8)
            bytes.append(0x0D)
            bytes.append(0x0A)
        }
    }
}

/// A request: `GET / HTTP/1.1`, its header fields and body.
public struct HTTPRequest: Equatable, Sendable {
    public var method: String
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(method: String = "GET", target: String = "/", version: HTTPVersion = .http11,
                headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
    }

    /// Whether the client allows the connection to stay open after the response: HTTP/1.1 is
    /// persistent unless it says `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    public var wantsKeepAlive: Bool {
        switch version {
        case .http11: !headers.contains("Connection", token: "close")
        case .http10: headers.contains("Connection", token: "keep-alive")
        }
    }

    /// The bytes on the wire.
    public func serialized() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(method.utf8.count + target.utf8.count + 13 + headers.serializedLength + 2 + body.count)
        bytes.append(contentsOf: method.utf8)
        bytes.append(0x20)
        bytes.append(contentsOf: target.utf8)
        bytes.append(0x20)
        bytes.append(contentsOf: version.description.utf8)
        bytes.append(0x0D)
        bytes.append(0x0A)
        headers.serialize(into: &bytes)
        bytes.append(0x0D)
        bytes.append(0x0A)
        bytes.append(contentsOf: body)
        return bytes
    }
}

/// A response: status line, header fields and body. `head` holds the status line and header
/// fields exactly as received (what `curl -i` prints); it is empty for responses built locally.
public struct HTTPResponse: Equatable, Sendable {
    public var version: HTTPVersion
    public var status: Int
    public var reason: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    public var head: [UInt8] = []

    public init(version: HTTPVersion = .http11, status: Int, reason: String, headers: HTTPHeaders = HTTPHeaders(),
                body: [UInt8] = []) {
        self.version = version
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
    }

    /// The status line without its CRLF: `HTTP/1.1 200 OK`.
    public var statusLine: String { "\(version) \(status) \(reason)" }

    /// The bytes on the wire; `includeBody` false for the answer to a HEAD request.
    public func serialized(includeBody: Bool = true) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(reason.utf8.count + 15 + headers.serializedLength + 2 + body.count)
        // The status line byte by byte, not through `statusLine`'s string interpolation.
        bytes.append(contentsOf: version.description.utf8)
        bytes.append(0x20)
        bytes.append(contentsOf: String(status).utf8)  // a small string: no allocation
        bytes.append(0x20)
        bytes.append(contentsOf: reason.utf8)
        bytes.append(0x0D)
        bytes.append(0x0A)
        headers.serialize(into: &bytes)
        bytes.append(0x0D)
        bytes.append(0x0A)
        if includeBody { bytes.append(contentsOf: body) }
        return bytes
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs (HTTP's optional whitespace).
    var trimmingSpaces: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}

extension Substring {
    /// `split(separator: " ", ...)` over the UTF-8 bytes: start lines are split on the byte
    /// 0x20 (RFC 9112's SP), and splitting by Character runs grapheme breaking over every byte,
    /// which cost a tenth of a load run's time (perf). A start line has three parts, so the result
    /// keeps the first three inline and counts the rest instead of allocating arrays (two per
    /// message, every request and response).
    func splitOnSpaces(maxSplits: Int = .max, omittingEmptySubsequences: Bool = true) -> StartLineParts {
        var parts = StartLineParts()
        let bytes = utf8
        var partStart = bytes.startIndex
        var index = bytes.startIndex
        while index != bytes.endIndex {
            if bytes[index] == 0x20 && parts.count < maxSplits {
                if !(omittingEmptySubsequences && partStart == index) { parts.add(self[partStart..<index]) }
                partStart = bytes.index(after: index)
            }
            index = bytes.index(after: index)
        }
        if !(omittingEmptySubsequences && partStart == bytes.endIndex) { parts.add(self[partStart..<bytes.endIndex]) }
        return parts
    }
}

/// The parts of a split start line: all of them counted, the first three kept.
struct StartLineParts {
    private var first: Substring = ""
    private var second: Substring = ""
    private var third: Substring = ""
    private(set) var count = 0

    mutating func add(_ part: Substring) {
        switch count {
        case 0: first = part
        case 1: second = part
        case 2: third = part
        default: break
        }
        count += 1
    }

    /// Part `index` (0, 1 or 2) of those counted.
    subscript(index: Int) -> Substring {
        precondition(index < min(count, 3), "start line part \(index) of \(count)")
        switch index {
        case 0: return first
        case 1: return second
        default: return third
        }
    }
}
