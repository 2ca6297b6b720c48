/// Why bytes on a connection are not a valid HTTP/1.x message.
public enum HTTPParseError: Error, Equatable, Sendable {
    /// The request or status line is not `METHOD TARGET VERSION` / `VERSION CODE REASON`.
    case badStartLine(String)
    /// A header line without a colon, or with a space before it.
    case badHeaderLine(String)
    case badContentLength(String)
    case badChunkSize(String)
    /// A `Transfer-Encoding` other than `chunked`.
    case unsupportedTransferEncoding(String)
    /// The head grew past the limit without ending (Go's 1 MB, nginx's buffers are smaller).
    case headTooLarge
}

/// The body framing of a message (RFC 9112 section 6.3).
enum HTTPBodyFraming: Equatable {
    case none
    case length(Int)
    case chunked
    case untilClose
}

/// One message as the stream parser hands it on: the head as received (start line, field
/// lines, blank line) at the front of `head`, where its start line is, its fields (sharing the
/// head's storage) and its body, de-chunked.
///
/// `head` may run on past `headLength` (into the body): a message at the front of the bytes
/// received shares their storage rather than copying its head out.
struct HTTPReceivedMessage {
    var head: [UInt8]
    var headLength: Int
    var startLine: Range<Int>
    var headers: HTTPHeaders
    var body: [UInt8]

    /// No message yet: what the parser fills in as a head arrives.
    static var empty: HTTPReceivedMessage {
        HTTPReceivedMessage(head: [], headLength: 0, startLine: 0..<0, headers: HTTPHeaders(), body: [])
    }

    /// The head's bytes alone (sharing their storage).
    var headBytes: ArraySlice<UInt8> { head[..<headLength] }

    /// The start line as text, for error messages.
    var startLineText: String { String(decoding: head[startLine], as: UTF8.self) }
}

/// An incremental parser of one direction of an HTTP/1.x connection: bytes go in as TCP
/// delivers them, complete messages come out. It keeps the unconsumed bytes, so pipelined
/// messages and messages split across segments both work.
///
/// The head is validated on its bytes in one pass that also picks out the framing fields
/// (`Content-Length`, `Transfer-Encoding`); no strings are made for it.
struct HTTPStreamParser {
    enum Kind { case request, response }

    enum State: Equatable {
        case head
        case body(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
    }

    let kind: Kind
    static let maximumHeadLength = 1 << 20
    private(set) var buffer: [UInt8] = []
    private var readIndex = 0
    /// Where the search for the end of the head resumes.
    private var scanIndex = 0
    private(set) var state = State.head
    private var message = HTTPReceivedMessage.empty
    /// Body bytes received of the message in progress (curl's "bytes received").
    private(set) var bodyBytesReceived = 0
    /// The announced body length of the message in progress, once its head is complete.
    private(set) var expectedBodyLength: Int?

    init(kind: Kind) { self.kind = kind }

    /// Whether nothing of a next message has arrived.
    var isIdle: Bool { state == .head && readIndex == buffer.count }

    /// Whether the head of the message in progress is complete.
    var headComplete: Bool { state != .head }

    mutating func append(_ bytes: [UInt8]) {
        if readIndex > 0 && readIndex == buffer.count { dropConsumed() }
        // With nothing buffered, the chunk becomes the buffer (shared, copied only if it grows).
        if buffer.isEmpty {
            buffer = bytes
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    /// The next complete message, or nil when more bytes are needed. `bodyless` tells a
    /// response parser that the request was HEAD (or the status forbids a body).
    mutating func next(bodyless: (Int) -> Bool = { _ in false }) throws(HTTPParseError) -> HTTPReceivedMessage? {
        while true {
            switch state {
            case .head:
                guard let end = findHeadEnd() else {
                    if buffer.count - readIndex > Self.maximumHeadLength { throw .headTooLarge }
                    return nil
                }
                // Tolerate empty lines before a request line (RFC 9112 section 2.2).
                if kind == .request {
                    while readIndex + 1 < end && buffer[readIndex] == 0x0D && buffer[readIndex + 1] == 0x0A { readIndex += 2 }
                }
                // A head at the front of the buffer shares its storage (a request, a response
                // whose body came in the same segment); one further on is copied out.
                let head = readIndex == 0 ? buffer : Array(buffer[readIndex..<end])
                let headLength = end - readIndex
                readIndex = end
                scanIndex = end
                let framing = try Self.parseHead(head, length: headLength, kind: kind, bodyless: bodyless, into: &message)
                bodyBytesReceived = 0
                switch framing {
                case .none:
                    expectedBodyLength = 0
                    return finish()
                case .length(let n):
                    expectedBodyLength = n
                    state = n == 0 ? .head : .body(remaining: n)
                    if n == 0 { return finish() }
                    message.body.reserveCapacity(n)
                case .chunked:
                    expectedBodyLength = nil
                    state = .chunkSize
                case .untilClose:
                    expectedBodyLength = nil
                    state = .untilClose
                }
            case .body(let remaining):
                let n = min(remaining, buffer.count - readIndex)
                take(n)
                if n < remaining {
                    state = .body(remaining: remaining - n)
                    return nil
                }
                state = .head
                return finish()
            case .chunkSize:
                guard let line = takeLine() else { return nil }
                let digits = line.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0].trimmingSpaces
                guard !digits.isEmpty, digits.count <= 15, let size = Int(digits, radix: 16) else {
                    throw .badChunkSize(String(line))
                }
                state = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let n = min(remaining, buffer.count - readIndex)
                take(n)
                if n < remaining {
                    state = .chunkData(remaining: remaining - n)
                    return nil
                }
                state = .chunkDataEnd
            case .chunkDataEnd:
                guard let line = takeLine() else { return nil }
                guard line.isEmpty else { throw .badChunkSize(String(line)) }
                state = .chunkSize
            case .trailers:
                guard let line = takeLine() else { return nil }
                if line.isEmpty {
                    state = .head
                    return finish()
                }
            case .untilClose:
                take(buffer.count - readIndex)
                return nil
            }
        }
    }

    /// The connection's end of stream: completes a body delimited by the close. Returns nil
    /// when a message was cut short or nothing was in progress.
    mutating func finishAtEndOfStream() -> HTTPReceivedMessage? {
        guard state == .untilClose else { return nil }
        state = .head
        return finish()
    }

    /// The message in progress, swapped out (moved, not copied and destroyed).
    private mutating func finish() -> HTTPReceivedMessage {
        var finished = HTTPReceivedMessage.empty
        swap(&finished, &message)
        if readIndex == buffer.count { dropConsumed() }
        return finished
    }

    /// Lets go of a buffer whose bytes have all been consumed. Not emptied in place: a
    /// message's head may share its storage, and the next chunk becomes the buffer anyway.
    private mutating func dropConsumed() {
        buffer = []
        readIndex = 0
        scanIndex = 0
    }

    private mutating func take(_ n: Int) {
        guard n > 0 else { return }
        message.body.append(contentsOf: buffer[readIndex..<readIndex + n])
        readIndex += n
        bodyBytesReceived += n
    }

    /// The index just past the blank line ending the head, if it has arrived.
    private mutating func findHeadEnd() -> Int? {
        let count = buffer.count
        let found: Int? = buffer.withUnsafeBufferPointer { buffer in
            var i = HTTPBytes.firstNewline(buffer, from: max(scanIndex, readIndex), to: count)
            while i < count {
                // "\n\n" or "\r\n\r\n": a blank line (bare LF is tolerated, as Go and curl do).
                if i >= readIndex + 1 && buffer[i - 1] == 0x0A { return i + 1 }
                if i >= readIndex + 2 && buffer[i - 1] == 0x0D && buffer[i - 2] == 0x0A { return i + 1 }
                i = HTTPBytes.firstNewline(buffer, from: i + 1, to: count)
            }
            return nil
        }
        if found == nil { scanIndex = max(readIndex, count - 2) }
        return found
    }

    private mutating func takeLine() -> Substring? {
        guard let newline = buffer[readIndex...].firstIndex(of: 0x0A) else { return nil }
        var end = newline
        if end > readIndex && buffer[end - 1] == 0x0D { end -= 1 }
        let line = Substring(decoding: buffer[readIndex..<end], as: UTF8.self)
        readIndex = newline + 1
        return line
    }

    /// Validates the first `length` bytes of `head` (a start line, field lines, a blank line)
    /// into `message` and returns the body's framing (RFC 9112 section 6.3). A field line needs a
    /// colon with a name before it, no whitespace before the colon and none at the start
    /// (obsolete line folding).
    private static func parseHead(_ head: [UInt8], length: Int, kind: Kind, bodyless: (Int) -> Bool,
                                  into message: inout HTTPReceivedMessage) throws(HTTPParseError) -> HTTPBodyFraming {
        var startLine: Range<Int>?
        var fieldsStart = 0
        var fieldsEnd = 0
        var contentLength: Range<Int>?
        var transferEncoding: Range<Int>?
        var connectionOptions = (close: false, keepAlive: false)
        let badLine: Range<Int>? = head.withUnsafeBufferPointer { head in
            var lineStart = 0
            let count = length
            while lineStart < count {
                var lineEnd = HTTPBytes.firstNewline(head, from: lineStart, to: count)
                let next = lineEnd + 1
                if lineEnd > lineStart && head[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                guard startLine != nil else {
                    startLine = lineStart..<lineEnd
                    fieldsStart = next
                    fieldsEnd = next
                    lineStart = next
                    continue
                }
                if lineEnd == lineStart { break }
                var colon = lineStart
                while colon < lineEnd && head[colon] != 0x3A { colon += 1 }
                let firstByte = head[lineStart]
                guard colon < lineEnd, colon > lineStart, head[colon - 1] != 0x20, firstByte != 0x20, firstByte != 0x09 else {
                    return lineStart..<lineEnd
                }
                let name = head[lineStart..<colon]
                if contentLength == nil && HTTPHeaders.sameName(name, Self.contentLength) {
                    contentLength = HTTPHeaders.trimmed(head, colon + 1..<lineEnd)
                } else if transferEncoding == nil && HTTPHeaders.sameName(name, Self.transferEncoding) {
                    transferEncoding = HTTPHeaders.trimmed(head, colon + 1..<lineEnd)
                } else if HTTPHeaders.sameName(name, HTTPHeaders.connection) {
                    // Both ends ask every message for these; answered here, on the one pass.
                    HTTPHeaders.addConnectionOptions(head[HTTPHeaders.trimmed(head, colon + 1..<lineEnd)], to: &connectionOptions)
                }
                fieldsEnd = next
                lineStart = next
            }
            return nil
        }
        if let badLine { throw .badHeaderLine(String(decoding: head[badLine], as: UTF8.self)) }
        guard let startLine else { throw .badStartLine("") }
        message.head = head
        message.headLength = length
        message.startLine = startLine
        message.headers = HTTPHeaders(
            received: head, lines: fieldsStart..<min(fieldsEnd, length), connectionOptions: connectionOptions)

        if kind == .response {
            let parts = StartLineParts(head[startLine], maxSplits: 2)
            if parts.count >= 2, let status = statusCode(head[parts[1]]),
                bodyless(status) || (100..<200).contains(status) || status == 204 || status == 304
            {
                return .none
            }
        }
        if let transferEncoding {
            let coding = head[transferEncoding]
            guard HTTPHeaders.sameName(coding, Self.chunked) else {
                throw .unsupportedTransferEncoding(String(decoding: coding, as: UTF8.self))
            }
            return .chunked
        }
        if let contentLength {
            let digits = head[contentLength]
            guard let n = decimal(digits) else { throw .badContentLength(String(decoding: digits, as: UTF8.self)) }
            return .length(n)
        }
        return kind == .request ? .none : .untilClose
    }

    private static let contentLength = Array("Content-Length".utf8)
    private static let transferEncoding = Array("Transfer-Encoding".utf8)
    private static let chunked = Array("chunked".utf8)

    /// A non-negative decimal, digits only (no sign, as Go's `ParseUint` and curl take a
    /// `Content-Length`), else nil. At most 18 digits so that it fits an `Int`: Go accepts up to
    /// 2^63 - 1 (19 digits), a body length no run reaches.
    static func decimal(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value = 0
        for digit in digits {
            guard digit >= 0x30 && digit <= 0x39 else { return nil }
            value = value * 10 + Int(digit - 0x30)
        }
        return value
    }

    /// A status code: exactly three digits (RFC 9112's `3DIGIT`).
    static func statusCode(_ digits: ArraySlice<UInt8>) -> Int? {
        digits.count == 3 ? decimal(digits) : nil
    }
}

/// Parses requests from the bytes a server receives on one connection.
public struct HTTPRequestParser {
    private var stream = HTTPStreamParser(kind: .request)

    public init() {}

    /// Whether no part of a next request has arrived.
    public var isIdle: Bool { stream.isIdle }

    public mutating func append(_ bytes: [UInt8]) { stream.append(bytes) }

    /// The next complete request, or nil when more bytes are needed.
    public mutating func next() throws(HTTPParseError) -> HTTPRequest? {
        guard var message = try stream.next() else { return nil }
        let parts = StartLineParts(message.head[message.startLine])
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty, let version = HTTPVersion(message.head[parts[2]]) else {
            throw .badStartLine(message.startLineText)
        }
        let method = String(decoding: message.head[parts[0]], as: UTF8.self)
        let target = String(decoding: message.head[parts[1]], as: UTF8.self)
        // Headers and body move into the request (swapped out of the message it came in).
        var headers = HTTPHeaders()
        swap(&headers, &message.headers)
        var body: [UInt8] = []
        swap(&body, &message.body)
        return HTTPRequest(method: method, target: target, version: version, headers: headers, body: body)
    }
}

/// Parses the responses a client receives on one connection.
public struct HTTPResponseParser {
    private var stream = HTTPStreamParser(kind: .response)

    public init() {}

    /// Whether the status line and header fields of the response in progress are complete.
    public var headComplete: Bool { stream.headComplete }
    /// Body bytes of the response in progress received so far.
    public var bodyBytesReceived: Int { stream.bodyBytesReceived }
    /// The body length the response in progress announced, if any.
    public var expectedBodyLength: Int? { stream.headComplete ? stream.expectedBodyLength : nil }
    /// Whether no part of a response has arrived since the last complete one.
    public var isIdle: Bool { stream.isIdle }
    /// Whether the response in progress is read until the connection closes.
    public var readsUntilClose: Bool { stream.state == .untilClose }
    /// Whether the response in progress has a chunked body.
    public var isChunked: Bool {
        switch stream.state {
        case .chunkSize, .chunkData, .chunkDataEnd, .trailers: true
        default: false
        }
    }

    public mutating func append(_ bytes: [UInt8]) { stream.append(bytes) }

    /// The next complete response, or nil when more bytes are needed. `requestMethod` is the
    /// method of the request it answers: the answer to HEAD has no body whatever it announces.
    public mutating func next(requestMethod: String = "GET") throws(HTTPParseError) -> HTTPResponse? {
        let head = requestMethod == "HEAD"
        guard let message = try stream.next(bodyless: { _ in head }) else { return nil }
        return try Self.response(consume message)
    }

    /// At the connection's end of stream: the response whose body ran until the close, if any.
    public mutating func finishAtEndOfStream() throws(HTTPParseError) -> HTTPResponse? {
        guard let message = stream.finishAtEndOfStream() else { return nil }
        return try Self.response(consume message)
    }

    private static func response(_ message: consuming HTTPReceivedMessage) throws(HTTPParseError) -> HTTPResponse {
        let parts = StartLineParts(message.head[message.startLine], maxSplits: 2)
        guard parts.count >= 2, let version = HTTPVersion(message.head[parts[0]]),
            let status = HTTPStreamParser.statusCode(message.head[parts[1]])
        else {
            throw .badStartLine(message.startLineText)
        }
        let reason = parts.count > 2 ? String(decoding: message.head[parts[2]], as: UTF8.self) : ""
        // Head, headers and body move into the response (swapped out of the message).
        var headers = HTTPHeaders()
        swap(&headers, &message.headers)
        var body: [UInt8] = []
        swap(&body, &message.body)
        var response = HTTPResponse(version: version, status: status, reason: reason, headers: headers, body: body)
        response.head = message.headBytes
        return response
    }
}
