import SwarmSimCore

/// One DNS query over UDP with a per-attempt timeout and a number of attempts, as every
/// resolver client does it: a fresh socket on an ephemeral port, connected to the server (so
/// replies from elsewhere are not seen), the same query bytes resent after each timeout, and a
/// reply accepted only if its ID and question match the query.
final class DNSUDPExchange {
    enum Outcome {
        /// A matching reply: the message, its size on the wire, when the last copy of the
        /// query was sent and when the reply arrived.
        case reply(DNSMessage, size: Int, sentAt: SimTime, receivedAt: SimTime)
        /// No matching reply after every attempt.
        case timedOut
        /// The query could not be sent (no route, no port).
        case failed(SocketError)
    }

    private let timers: AppTimers
    private let query: DNSMessage
    private let bytes: [UInt8]
    private let timeout: SimDuration
    private var attemptsLeft: Int
    private let retryOn: (DNSMessage) -> Bool
    private var completion: ((Outcome) -> Void)?
    private var socket: UDPSocket?
    private var timer: AppTimers.Token?
    private var sentAt = SimTime.zero

    /// Sends `query` to `server:port` from `namespace`, at most `attempts` times, `timeout`
    /// apart. A reply for which `retryOn` is true (a SERVFAIL for glibc) moves on to the next
    /// attempt at once, unless it is the last one. `completion` is called exactly once.
    @discardableResult
    static func start(
        namespace: NetworkNamespace, timers: AppTimers, server: IPv4Address, port: UInt16, query: DNSMessage,
        timeout: SimDuration, attempts: Int, retryOn: @escaping (DNSMessage) -> Bool = { _ in false },
        completion: @escaping (Outcome) -> Void
    ) -> DNSUDPExchange {
        precondition(attempts > 0, "a DNS exchange needs at least one attempt")
        let exchange = DNSUDPExchange(
            timers: timers, query: query, timeout: timeout, attempts: attempts, retryOn: retryOn, completion: completion)
        do {
            let socket = try namespace.openUDPSocket()
            try socket.connect(to: server, port: port)
            exchange.socket = socket
            socket.onReceive = { [unowned exchange] _, datagram in exchange.received(datagram) }
            exchange.send()
        } catch {
            exchange.finish(.failed(error))
        }
        return exchange
    }

    private init(
        timers: AppTimers, query: DNSMessage, timeout: SimDuration, attempts: Int,
        retryOn: @escaping (DNSMessage) -> Bool, completion: @escaping (Outcome) -> Void
    ) {
        self.timers = timers
        self.query = query
        bytes = query.emit()
        self.timeout = timeout
        attemptsLeft = attempts
        self.retryOn = retryOn
        self.completion = completion
    }

    private func send() {
        guard let socket, completion != nil else { return }
        attemptsLeft -= 1
        sentAt = timers.now
        do {
            try socket.send(bytes)
        } catch {
            finish(.failed(error))
            return
        }
        timer = timers.after(timeout) { [self] in
            timer = nil
            if attemptsLeft > 0 { send() } else { finish(.timedOut) }
        }
    }

    private func received(_ datagram: UDPDatagramReceived) {
        guard completion != nil, let reply = try? DNSMessage.parse(datagram.payload), reply.flags.qr,
            reply.id == query.id, reply.questions.first == query.questions.first
        else { return }
        if retryOn(reply) && attemptsLeft > 0 {
            if let timer { timers.cancel(timer) }
            timer = nil
            send()
            return
        }
        finish(.reply(reply, size: datagram.payload.count, sentAt: sentAt, receivedAt: timers.now))
    }

    private func finish(_ outcome: Outcome) {
        if let timer { timers.cancel(timer) }
        timer = nil
        socket?.onReceive = nil
        socket?.close()
        socket = nil
        let completion = self.completion
        self.completion = nil
        completion?(outcome)
    }
}
