import SwarmSimCore

/// `katacoda/redis-node-docker-example`: the Node.js 4 app of the seed tutorial's multi-host
/// step (github.com/katacoda/redis-node-docker, server.js), on :3000.
///
/// At start it creates one redis client for host `redis` port 6379 (node_redis resolves the
/// name through the embedded DNS and connects; commands issued before the connection is up wait
/// in its offline queue; a lost or refused connection is retried with node_redis' backoff,
/// 150 ms growing by 1.7x). Per HTTP request it sends `INCR requests`,
/// `HINCRBY ip <client address> 1` and `HGETALL ip`, and when the last reply arrives answers:
///
///     This page was generated after talking to redis.
///
///     Application Build: 1
///
///     Total requests: N
///
///     IP count:
///         ::ffff:10.0.0.2: N
///
/// The client address is what Node reports for an IPv4 peer on its dual-stack `::` listener,
/// hence `::ffff:`. The response is Node's: `Content-Type: text/plain` (set by the app), `Date`,
/// `Connection: keep-alive`, `Transfer-Encoding: chunked`, one chunk per `response.write`.
/// Idle keep-alive connections close after Node 4's default server timeout of 120 s.
public final class RedisNodeApp {
    public let context: AppContext
    public let port: UInt16
    public let redisHost: String
    private var listener: TCPListener?
    private var redis: RedisClient?
    private var offlineQueue: [(command: [String], reply: (Result<RESPValue, RedisClientError>) -> Void)] = []
    private var retryDelay = RedisNodeApp.initialRetryDelay
    private var connecting = false
    private var stopped = false
    /// Requests answered.
    public private(set) var requestsServed = 0
    /// Called as each request is answered.
    public var onRequestServed: (() -> Void)?

    static let initialRetryDelay = SimDuration.milliseconds(150)
    static let idleTimeout = SimDuration.seconds(120)

    public static func start(context: AppContext, port: UInt16 = 3000, redisHost: String = "redis")
        throws(SocketError) -> RedisNodeApp
    {
        let app = RedisNodeApp(context: context, port: port, redisHost: redisHost)
        let listener = try context.namespace.listenTCP(port: port)
        app.listener = listener
        listener.onAccept = { [app] connection in app.accept(connection) }
        app.connectRedis()
        return app
    }

    private init(context: AppContext, port: UInt16, redisHost: String) {
        self.context = context
        self.port = port
        self.redisHost = redisHost
    }

    /// Stops the app: the listener closes and the redis connection goes.
    public func stop() {
        stopped = true
        listener?.close()
        listener = nil
        redis?.close()
        redis = nil
    }

    // MARK: redis

    private func connectRedis() {
        guard !stopped, !connecting else { return }
        connecting = true
        context.resolver.resolve(redisHost) { [weak self] result in
            guard let self, !self.stopped else { return }
            guard case .success(let addresses) = result, let address = addresses.first,
                let client = try? RedisClient(namespace: context.namespace, address: address)
            else {
                return self.retryLater()
            }
            redis = client
            client.onConnected = { [weak self] in self?.redisConnected() }
            client.onClosed = { [weak self] _ in self?.redisLost() }
        }
    }

    private func redisConnected() {
        connecting = false
        retryDelay = Self.initialRetryDelay
        let queued = offlineQueue
        offlineQueue = []
        for (command, reply) in queued { redis?.send(command, reply: reply) }
    }

    /// The client stays referenced until the retry replaces it: it is still inside its own
    /// close callback here.
    private func redisLost() {
        retryLater()
    }

    private func retryLater() {
        connecting = false
        guard !stopped else { return }
        let delay = retryDelay
        retryDelay = .nanoseconds(retryDelay.nanoseconds * 17 / 10)
        context.timers.after(delay) { [weak self] in self?.connectRedis() }
    }

    private func command(_ words: [String], reply: @escaping (Result<RESPValue, RedisClientError>) -> Void) {
        if let redis, redis.isConnected, redis.closeReason == nil {
            redis.send(words, reply: reply)
        } else {
            offlineQueue.append((words, reply))
        }
    }

    // MARK: HTTP

    private final class Session {
        let connection: TCPConnection
        var parser = HTTPRequestParser()
        var idle: AppTimers.Token?
        init(connection: TCPConnection) { self.connection = connection }
    }

    private func accept(_ connection: TCPConnection) {
        let session = Session(connection: connection)
        connection.onData = { [weak self] bytes in self?.receive(bytes, session) }
        connection.onEndOfStream = { [weak session] in session?.connection.close() }
        connection.onClosed = { [weak self, weak session] _ in
            if let token = session?.idle { self?.context.timers.cancel(token) }
        }
        armIdle(session)
    }

    private func armIdle(_ session: Session) {
        if let token = session.idle { context.timers.cancel(token) }
        session.idle = context.timers.after(Self.idleTimeout) { [weak session] in session?.connection.close() }
    }

    private func receive(_ bytes: [UInt8], _ session: Session) {
        armIdle(session)
        session.parser.append(bytes)
        while true {
            let request: HTTPRequest?
            do {
                request = try session.parser.next()
            } catch {
                // Node answers a request it cannot parse with a bare 400 and closes.
                try? session.connection.send(Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8))
                session.connection.close()
                return
            }
            guard let request else { return }
            handle(request, session)
        }
    }

    private func handle(_ request: HTTPRequest, _ session: Session) {
        let remote = "::ffff:\(session.connection.remoteAddress)"
        let keepAlive = !request.headers.contains("Connection", token: "close") && request.version == .http11
        var total = ""
        command(["INCR", "requests"]) { result in
            if case .success(let value) = result { total = Self.text(value) }
        }
        command(["HINCRBY", "ip", remote, "1"]) { _ in }
        command(["HGETALL", "ip"]) { [weak self, weak session] result in
            guard let self, let session else { return }
            var counts: [(String, String)] = []
            if case .success(.array(let items?)) = result {
                var index = 0
                while index + 1 < items.count {
                    counts.append((Self.text(items[index]), Self.text(items[index + 1])))
                    index += 2
                }
            }
            respond(total: total, counts: counts, keepAlive: keepAlive, session)
        }
    }

    private func respond(total: String, counts: [(String, String)], keepAlive: Bool, _ session: Session) {
        var head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nDate: \(HTTPDate.imfFixdate(context.timers.now))\r\n"
        head += "Connection: \(keepAlive ? "keep-alive" : "close")\r\nTransfer-Encoding: chunked\r\n\r\n"
        var bytes = Array(head.utf8)
        let first = "This page was generated after talking to redis.\n\nApplication Build: 1\n\n"
            + "Total requests: \(total)\n\nIP count: \n"
        bytes += Self.chunk(first)
        for (ip, count) in counts { bytes += Self.chunk("    \(ip): \(count)\n") }
        bytes += Array("0\r\n\r\n".utf8)
        try? session.connection.send(bytes)
        requestsServed += 1
        onRequestServed?()
        if !keepAlive { session.connection.close() }
    }

    /// `response.write(text)` under chunked encoding: hex length, CRLF, data, CRLF.
    static func chunk(_ text: String) -> [UInt8] {
        let data = Array(text.utf8)
        return Array((String(data.count, radix: 16) + "\r\n").utf8) + data + Array("\r\n".utf8)
    }

    /// A reply as node_redis hands it to the callback (integers and bulk strings as text;
    /// `undefined` for nil, as the template literal would print it).
    static func text(_ value: RESPValue) -> String {
        switch value {
        case .integer(let n): String(n)
        case .bulkString(let bytes?): String(decoding: bytes, as: UTF8.self)
        case .simpleString(let s): s
        default: "undefined"
        }
    }
}
