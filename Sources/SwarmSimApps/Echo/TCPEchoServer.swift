import SwarmSimCore

/// `tcp-echo`: the server the load generator's `tcp` protocol talks to. Each request is a
/// line (bytes up to `\n`); each is answered with `HOSTNAME\n`, the server's host name and a
/// newline, so a client learns which replica served it. The connection stays open until the
/// client closes it (then the server closes too).
public final class TCPEchoServer {
    public let context: AppContext
    public let port: UInt16
    private var listener: TCPListener?
    private var connections: [Int: TCPConnection] = [:]
    private var nextID = 0
    private let answer: [UInt8]
    /// Requests answered.
    public private(set) var requestsServed = 0
    /// Called as each request is answered (the run counts which task served what, in order).
    public var onRequestServed: (() -> Void)?

    public static func start(context: AppContext, port: UInt16) throws(SocketError) -> TCPEchoServer {
        try TCPEchoServer(context: context, port: port)
    }

    private init(context: AppContext, port: UInt16) throws(SocketError) {
        self.context = context
        self.port = port
        answer = Array("\(context.hostname)\n".utf8)
        let listener = try context.namespace.listenTCP(port: port)
        self.listener = listener
        // The listening socket owns the server until `stop` closes it.
        listener.onAccept = { [self] connection in accept(connection) }
    }

    /// Closes the listening socket and every open connection.
    public func stop() {
        listener?.close()
        listener = nil
        for id in connections.keys.sorted() { connections[id]?.close() }
        connections = [:]
    }

    private func accept(_ connection: TCPConnection) {
        connection.noDelay = true
        let id = nextID
        nextID += 1
        connections[id] = connection
        connection.onData = { [weak self, unowned connection] bytes in
            guard let self else { return }
            for byte in bytes where byte == 0x0A {
                requestsServed += 1
                onRequestServed?()
                try? connection.send(answer)
            }
        }
        connection.onEndOfStream = { [weak self, unowned connection] in
            connection.close()
            self?.connections[id] = nil
        }
        connection.onClosed = { [weak self] _ in self?.connections[id] = nil }
    }
}

/// `udp-echo`: answers every datagram with one datagram `HOSTNAME\n` back to its sender.
public final class UDPEchoServer {
    public let context: AppContext
    public let port: UInt16
    private let socket: UDPSocket
    private let answer: [UInt8]
    /// Datagrams answered.
    public private(set) var requestsServed = 0
    /// Called as each request is answered (the run counts which task served what, in order).
    public var onRequestServed: (() -> Void)?

    public static func start(context: AppContext, port: UInt16) throws(SocketError) -> UDPEchoServer {
        try UDPEchoServer(context: context, port: port)
    }

    private init(context: AppContext, port: UInt16) throws(SocketError) {
        self.context = context
        self.port = port
        answer = Array("\(context.hostname)\n".utf8)
        socket = try context.namespace.openUDPSocket(port: port)
        // The socket owns the server until `stop` closes it.
        socket.onReceive = { [self] socket, datagram in
            requestsServed += 1
            onRequestServed?()
            try? socket.send(answer, to: datagram.source, port: datagram.sourcePort)
        }
    }

    /// Closes the socket: later datagrams get ICMP port unreachable.
    public func stop() {
        socket.onReceive = nil
        socket.close()
    }
}
