import SwarmSimCore

/// The protocol a load generator speaks.
public enum LoadProtocol: String, Sendable {
    /// `GET / HTTP/1.1` to an HTTP server; the answer is one HTTP response.
    case http
    /// A line `N\n` to a `tcp-echo` server; the answer is one line.
    case tcp
    /// A datagram `N\n` to a `udp-echo` server; the answer is one datagram.
    case udp
}

/// When an open loop's requests arrive.
public enum LoadArrivals: Sendable, Equatable {
    /// Exactly every 1/rate seconds: request i at start + i/rate.
    case uniform
    /// A Poisson process: exponential gaps of mean 1/rate drawn from the simulation's
    /// random stream of this name.
    case exponential(stream: String)
}

/// What a load run does: a closed loop (`concurrency` requests in flight, each followed by
/// the next as soon as it ends) or, with `rate`, an open loop (requests issued on schedule
/// whatever happens to earlier ones).
public struct LoadSpec: Sendable {
    /// The target's name or address (resolved once, at the start, as load tools do).
    public var host: String
    public var port: UInt16
    public var requests: Int
    public var concurrency: Int
    /// Requests per second for an open loop; nil for a closed loop.
    public var rate: Double?
    public var arrivals: LoadArrivals
    public var `protocol`: LoadProtocol
    /// Reuse connections (HTTP keep-alive; for tcp, several lines per connection; for udp,
    /// one socket per slot) instead of a new connection (or socket) per request.
    public var keepAlive: Bool
    /// A request with no answer after this long fails with `.timeout`.
    public var timeout: SimDuration
    /// The HTTP request target.
    public var path: String

    public init(host: String, port: UInt16, requests: Int, concurrency: Int = 1, rate: Double? = nil,
                arrivals: LoadArrivals = .uniform, protocol: LoadProtocol = .http, keepAlive: Bool = false,
                timeout: SimDuration = .seconds(10), path: String = "/") {
        precondition(requests >= 0 && concurrency >= 1, "a load needs a request count and at least one slot")
        precondition(rate.map { $0 > 0 && $0.isFinite } ?? true, "the rate must be positive")
        self.host = host
        self.port = port
        self.requests = requests
        self.concurrency = concurrency
        self.rate = rate
        self.arrivals = arrivals
        self.protocol = `protocol`
        self.keepAlive = keepAlive
        self.timeout = timeout
        self.path = path
    }
}

/// Names the server that produced an answer.
public enum ServerIdentity {
    /// The default: the host name in a `katacoda/docker-http-server` body, else the answer's
    /// first line without surrounding whitespace (the echo servers' `HOSTNAME\n`), else nil.
    public static func `default`(_ body: [UInt8]) -> String? {
        if let name = DockerHTTPServer.hostname(inBody: body) { return name }
        let line = body.prefix { $0 != 0x0A }
        let text = Substring(decoding: line, as: UTF8.self).trimmingCharacters
        return text.isEmpty ? nil : String(text)
    }
}

extension Substring {
    fileprivate var trimmingCharacters: Substring {
        var text = self
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text
    }
}
