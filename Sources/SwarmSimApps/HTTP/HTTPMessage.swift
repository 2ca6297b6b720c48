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

    /// `HTTP/1.0` or `HTTP/1.1` exactly (the parsers take no other version).
    init?<Bytes: Collection<UInt8>>(_ text: Bytes) {
        guard text.count == 8 else { return nil }
        // An index loop: `starts(with:)` cost several times as much per byte (callgrind).
        var index = text.startIndex
        for expected in Self.prefix {
            guard text[index] == expected else { return nil }
            text.formIndex(after: &index)
        }
        switch text[index] {
        case 0x30: self = .http10
        case 0x31: self = .http11
        default: return nil
        }
    }

    private static let prefix: [UInt8] = Array("HTTP/1.".utf8)
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
/// fields exactly as received (what `curl -i` prints), sharing the received bytes' storage; it
/// is empty for responses built locally.
public struct HTTPResponse: Equatable, Sendable {
    public var version: HTTPVersion
    public var status: Int
    public var reason: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    public var head: ArraySlice<UInt8> = []

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

/// The parts of a start line split on spaces (RFC 9112's SP, the byte 0x20), as ranges of the
/// head: all of them counted, the first three kept. A start line has three parts, so they are
/// kept inline rather than in an array (two per message, every request and response).
struct StartLineParts {
    private var first = 0..<0
    private var second = 0..<0
    private var third = 0..<0
    private(set) var count = 0

    /// Splits `line` at most `maxSplits` times, keeping empty parts.
    init(_ line: ArraySlice<UInt8>, maxSplits: Int = .max) {
        // The first three spaces, found over the slice's contiguous bytes: indexing the slice
        // itself checked every index against both its bounds (callgrind: ~20 instructions a byte).
        let offset = line.startIndex
        var spaces = (offset, offset, offset)
        var found = 0
        line.withUnsafeBufferPointer { bytes in
            var index = 0
            while index < bytes.count && found < maxSplits {
                if bytes[index] == 0x20 {
                    switch found {
                    case 0: spaces.0 = offset + index
                    case 1: spaces.1 = offset + index
                    case 2: spaces.2 = offset + index
                    default: break
                    }
                    found += 1
                }
                index += 1
            }
        }
        let end = line.endIndex
        count = found + 1
        first = offset..<(found > 0 ? spaces.0 : end)
        if found >= 1 { second = spaces.0 + 1..<(found > 1 ? spaces.1 : end) }
        if found >= 2 { third = spaces.1 + 1..<(found > 2 ? spaces.2 : end) }
    }

    /// Part `index` (0, 1 or 2) of those counted.
    subscript(index: Int) -> Range<Int> {
        precondition(index < min(count, 3), "start line part \(index) of \(count)")
        switch index {
        case 0: return first
        case 1: return second
        default: return third
        }
    }
}
