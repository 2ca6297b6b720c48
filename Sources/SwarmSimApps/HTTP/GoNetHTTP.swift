import SwarmSimCore

/// The response framing of Go's `net/http` server (`chunkWriter.writeHeader` in server.go)
/// for a handler that writes a small body and returns, as `fmt.Fprintf(w, ...)` handlers do:
///
///     HTTP/1.1 200 OK
///     Date: Sun, 22 Nov 2026 07:20:13 GMT
///     Content-Length: 58
///     Content-Type: text/html; charset=utf-8
///
/// - `Date`, then `Content-Length` (the handler finished before the buffer filled, so Go
///   computes it), then `Content-Type` from `http.DetectContentType`, in `extraHeader.Write`'s
///   order. A HEAD request gets the same header and no body.
/// - Keep-alive: an HTTP/1.1 request is answered on a persistent connection unless it says
///   `Connection: close`, which Go echoes (`Connection: close`) before closing; an HTTP/1.0
///   request with `Connection: keep-alive` gets `Connection: keep-alive`; other HTTP/1.0
///   requests are answered with an HTTP/1.0 status line and the connection closes.
/// - `http.ListenAndServe` sets no idle timeout: persistent connections stay open.
/// - A request that does not parse gets Go's plain `400 Bad Request` and a close.
final class GoNetHTTPBehaviour: HTTPServerBehaviour {
    let body: (HTTPRequest) -> [UInt8]
    private var dateCache = DateCache()
    /// The last body sniffed and its type: servers answer the same bytes again and again (the
    /// same array, so the comparison is a pointer check).
    private var lastSniffed: (content: [UInt8], type: String)?

    init(body: @escaping (HTTPRequest) -> [UInt8]) {
        self.body = body
    }

    var idleTimeout: SimDuration? { nil }

    func respond(to request: HTTPRequest, sequence: Int, now: SimTime) -> (bytes: [UInt8], keepAlive: Bool) {
        let content = body(request)
        var keepAlive = true
        var version = HTTPVersion.http11
        var connection: String?
        switch request.version {
        case .http11:
            if request.headers.connectionOptions.close {
                connection = "close"
                keepAlive = false
            }
        case .http10:
            version = .http10
            if request.headers.connectionOptions.keepAlive {
                connection = "keep-alive"
            } else {
                keepAlive = false
            }
        }
        let date = dateCache.date(now)
        let includeBody = request.method != "HEAD"
        let inputs = AnswerInputs(date: date, content: content, includeBody: includeBody, version: version, connection: connection)
        if let lastAnswer, lastAnswer.inputs == inputs { return (lastAnswer.bytes, keepAlive) }
        let bytes = answer(inputs)
        lastAnswer = (inputs, bytes)
        return (bytes, keepAlive)
    }

    /// What an answer's bytes are made of: the same inputs give the same bytes.
    private struct AnswerInputs: Equatable {
        var date: String
        var content: [UInt8]
        var includeBody: Bool
        var version: HTTPVersion
        var connection: String?
    }

    /// The last answer and its inputs: a server answering the same body within one second of
    /// the `Date` clock writes the same bytes, which are then shared (the send buffer adopts an
    /// array without copying) instead of written again. The body comparison is a pointer check
    /// when the handler returns the same array, as the docker-http-server's does.
    private var lastAnswer: (inputs: AnswerInputs, bytes: [UInt8])?

    /// The head written straight into the answer's bytes (one allocation), in the order of
    /// `extraHeader.Write`; the same bytes as an `HTTPResponse` with these fields serialises to.
    private func answer(_ inputs: AnswerInputs) -> [UInt8] {
        let content = inputs.content
        let length = String(content.count)
        let type = contentType(of: content)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128 + inputs.date.utf8.count + type.utf8.count + (inputs.includeBody ? content.count : 0))
        bytes.append(contentsOf: inputs.version.description.utf8)
        bytes.append(contentsOf: Self.statusOK)
        HTTPHeaders.writeField(Self.dateName, inputs.date.utf8, into: &bytes)
        HTTPHeaders.writeField(Self.contentLengthName, length.utf8, into: &bytes)
        HTTPHeaders.writeField(Self.contentTypeName, type.utf8, into: &bytes)
        if let connection = inputs.connection { HTTPHeaders.writeField(Self.connectionName, connection.utf8, into: &bytes) }
        bytes.append(0x0D)
        bytes.append(0x0A)
        if inputs.includeBody { bytes.append(contentsOf: content) }
        return bytes
    }

    private static let statusOK = Array(" 200 OK\r\n".utf8)
    private static let dateName = Array("Date".utf8)
    private static let contentLengthName = Array("Content-Length".utf8)
    private static let contentTypeName = Array("Content-Type".utf8)
    private static let connectionName = Array("Connection".utf8)

    private func contentType(of content: [UInt8]) -> String {
        if let lastSniffed, lastSniffed.content == content { return lastSniffed.type }
        let type = Self.detectContentType(content)
        lastSniffed = (content, type)
        return type
    }

    func badRequest(now: SimTime) -> [UInt8] {
        Array("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request".utf8)
    }

    /// The HTML signatures of `http.DetectContentType`, in its order, as bytes once (a load run
    /// sniffs every response).
    private static let htmlTags: [[UInt8]] = [
        "<!DOCTYPE HTML", "<HTML", "<HEAD", "<SCRIPT", "<IFRAME", "<H1", "<DIV", "<FONT", "<TABLE",
        "<A", "<STYLE", "<TITLE", "<B", "<BODY", "<BR", "<P", "<!--",
    ].map { Array($0.utf8) }
    private static let xmlPrefix = Array("<?xml".utf8)

    /// `http.DetectContentType` (the WHATWG MIME sniffing table) for the bodies our handlers
    /// write: HTML by its tags, XML, else plain UTF-8 text unless binary bytes appear.
    static func detectContentType(_ data: [UInt8]) -> String {
        let prefix = data.prefix(512).drop { $0 == 0x09 || $0 == 0x0A || $0 == 0x0C || $0 == 0x0D || $0 == 0x20 }
        for pattern in htmlTags {
            guard prefix.count > pattern.count else { continue }
            let matches = zip(prefix, pattern).allSatisfy { byte, want in
                (byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte) == want
            }
            let terminator = prefix[prefix.startIndex + pattern.count]
            if matches && (terminator == 0x20 || terminator == 0x3E) { return "text/html; charset=utf-8" }
        }
        if prefix.starts(with: xmlPrefix) { return "text/xml; charset=utf-8" }
        let binary = data.prefix(512).contains { $0 <= 0x08 || $0 == 0x0B || ($0 >= 0x0E && $0 <= 0x1A) || ($0 >= 0x1C && $0 <= 0x1F) }
        return binary ? "application/octet-stream" : "text/plain; charset=utf-8"
    }
}

/// The `Date` value, formatted once per simulated second as servers cache it.
struct DateCache {
    private var second: Int64 = .min
    private var text = ""

    mutating func date(_ now: SimTime) -> String {
        let s = now.nanoseconds / 1_000_000_000
        if s != second {
            second = s
            text = HTTPDate.imfFixdate(unixSeconds: s)
        }
        return text
    }
}
