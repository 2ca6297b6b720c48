import SwarmSimCore

/// What a particular HTTP server answers and how it treats its connections; `HTTPServer`
/// does the socket work.
public protocol HTTPServerBehaviour: AnyObject {
    /// The bytes answering `request`, the `sequence`th on its connection (from 1), and whether
    /// the connection stays open after them.
    func respond(to request: HTTPRequest, sequence: Int, now: SimTime) -> (bytes: [UInt8], keepAlive: Bool)
    /// The bytes answering a request that does not parse; the connection is closed after them.
    func badRequest(now: SimTime) -> [UInt8]
    /// How long an idle persistent connection stays open (nginx's `keepalive_timeout`); nil
    /// for servers that never time idle connections out (Go's `http.ListenAndServe`).
    var idleTimeout: SimDuration? { get }
}

/// An HTTP/1.1 server on a TCP port: accepts connections, parses requests as they arrive
/// (pipelined ones in order), answers each through its behaviour, keeps connections open as
/// HTTP/1.1 persistence allows and closes them when the client or the behaviour says so.
public final class HTTPServer {
    public let context: AppContext
    public let port: UInt16
    let behaviour: HTTPServerBehaviour
    private var listener: TCPListener?
    /// Open sessions by slot (`Session.slot`); freed slots are reused, so a connection costs
    /// no hashing. `Session.id` keeps the order they were accepted in.
    private var sessions: [Session?] = []
    private var freeSlots: [Int] = []
    private var openSessions = 0
    private var nextSessionID = 0
    /// Requests answered, for tests and reports.
    public private(set) var requestsServed = 0
    /// Called as each request is answered (the run counts which task served what, in order).
    public var onRequestServed: (() -> Void)?

    final class Session {
        let id: Int
        let slot: Int
        let connection: TCPConnection
        var parser = HTTPRequestParser()
        var closing = false
        var requests = 0
        var idleTimer: AppTimers.Token?
        /// The server, for the connection's callbacks: they capture the session alone, a single
        /// reference that serves as their context, so accepting a connection allocates no closure
        /// contexts. Strong: the server forgets every session as its connection ends, which
        /// ends the cycle, and a weak reference's side table would put every retain and release
        /// of the server on the runtime's slow path.
        let server: HTTPServer

        init(id: Int, slot: Int, connection: TCPConnection, server: HTTPServer) {
            self.id = id
            self.slot = slot
            self.connection = connection
            self.server = server
        }
    }

    init(context: AppContext, port: UInt16, behaviour: HTTPServerBehaviour) throws(SocketError) {
        self.context = context
        self.port = port
        self.behaviour = behaviour
        let listener = try context.namespace.listenTCP(port: port)
        self.listener = listener
        // The listening socket owns the server, as a process lives until it is stopped; `stop`
        // closes the socket, which drops the callback.
        listener.onAccept = { [self] connection in accept(connection) }
    }

    /// Open connections.
    public var connectionCount: Int { openSessions }

    /// Stops the server as a killed process stops: the listening socket closes (new SYNs get
    /// a RST) and every open connection is closed.
    public func stop() {
        listener?.close()
        listener = nil
        for session in sessions.compactMap({ $0 }).sorted(by: { $0.id < $1.id }) { end(session) }
    }

    private func accept(_ connection: TCPConnection) {
        // Go and nginx both set TCP_NODELAY on accepted connections.
        connection.noDelay = true
        let slot = freeSlots.popLast() ?? sessions.count
        let session = Session(id: nextSessionID, slot: slot, connection: connection, server: self)
        nextSessionID += 1
        if slot == sessions.count { sessions.append(session) } else { sessions[slot] = session }
        openSessions += 1
        // The callbacks hold the session; the connection drops them once closed, ending the cycle.
        connection.onData = { [session] bytes in session.server.receive(bytes, on: session) }
        connection.onEndOfStream = { [session] in session.server.end(session) }
        connection.onClosed = { [session] _ in session.server.forget(session) }
        armIdleTimer(session)
    }

    private func receive(_ bytes: [UInt8], on session: Session) {
        guard !session.closing else { return }
        session.parser.append(bytes)
        while !session.closing {
            let request: HTTPRequest?
            do {
                request = try session.parser.next()
            } catch {
                try? session.connection.send(behaviour.badRequest(now: context.timers.now))
                end(session)
                return
            }
            guard let request else { break }
            session.requests += 1
            let (answer, keepAlive) = behaviour.respond(to: request, sequence: session.requests, now: context.timers.now)
            requestsServed += 1
            onRequestServed?()
            try? session.connection.send(answer)
            if !keepAlive {
                end(session)
                return
            }
        }
        armIdleTimer(session)
    }

    private func armIdleTimer(_ session: Session) {
        guard let timeout = behaviour.idleTimeout else { return }
        if let token = session.idleTimer { context.timers.cancel(token) }
        session.idleTimer = context.timers.after(timeout) { [weak self, weak session] in
            guard let self, let session else { return }
            session.idleTimer = nil
            end(session)
        }
    }

    /// Closes the connection after what has been written (a FIN; a RST if unread data remains).
    private func end(_ session: Session) {
        guard !session.closing else { return }
        session.closing = true
        session.connection.close()
        forget(session)
    }

    private func forget(_ session: Session) {
        if let token = session.idleTimer { context.timers.cancel(token) }
        session.idleTimer = nil
        guard sessions[session.slot] === session else { return }
        sessions[session.slot] = nil
        freeSlots.append(session.slot)
        openSessions -= 1
    }
}
