import SwarmSimCore

/// Why a redis request got no reply.
public enum RedisClientError: Error, Equatable, Sendable {
    /// The connection could not be made or ended before the reply (refused, reset, timed out).
    case connection(TCPCloseReason)
    /// The socket call failed (no route, no port).
    case socket(SocketError)
    /// The server sent something that is not RESP.
    case protocolError(String)
}

/// A redis client over one TCP connection, as node_redis keeps one: commands are written at
/// once (queued while the handshake completes) and replies are matched to them in order, so
/// several may be in flight (pipelining).
public final class RedisClient {
    public let connection: TCPConnection
    private var parser = RESPParser()
    private var pending: [(Result<RESPValue, RedisClientError>) -> Void] = []
    public private(set) var isConnected = false
    public private(set) var closeReason: TCPCloseReason?
    /// Called once the connection is established.
    public var onConnected: (() -> Void)?
    /// Called when the connection ends, after the pending requests have failed.
    public var onClosed: ((TCPCloseReason) -> Void)?

    /// Starts connecting from `namespace` to `address:port`.
    public init(namespace: NetworkNamespace, address: IPv4Address, port: UInt16 = RedisServer.port) throws(SocketError) {
        connection = try namespace.connectTCP(to: address, port: port)
        connection.noDelay = true
        connection.onConnected = { [unowned self] in
            isConnected = true
            onConnected?()
        }
        connection.onData = { [unowned self] bytes in received(bytes) }
        connection.onEndOfStream = { [unowned self] in connection.close() ; ended(.normal) }
        connection.onClosed = { [unowned self] reason in ended(reason) }
    }

    /// Sends `command` (e.g. ["INCR", "hits"]) and calls `reply` with the server's answer; a
    /// redis error reply is a success carrying `.error`.
    public func send(_ command: [String], reply: @escaping (Result<RESPValue, RedisClientError>) -> Void) {
        if let closeReason {
            reply(.failure(.connection(closeReason)))
            return
        }
        do {
            try connection.send(RESPValue.command(command).serialized())
            pending.append(reply)
        } catch {
            reply(.failure(.socket(error)))
        }
    }

    /// Requests sent and not yet answered.
    public var pendingCount: Int { pending.count }

    /// Closes the connection; pending requests fail.
    public func close() {
        connection.close()
        ended(.normal)
    }

    private func received(_ bytes: [UInt8]) {
        parser.append(bytes)
        while !pending.isEmpty {
            do {
                guard let value = try parser.next() else { return }
                pending.removeFirst()(.success(value))
            } catch {
                let waiting = pending
                pending = []
                for callback in waiting { callback(.failure(.protocolError(error.message))) }
                connection.abort()
                return
            }
        }
    }

    private func ended(_ reason: TCPCloseReason) {
        guard closeReason == nil else { return }
        closeReason = reason
        let waiting = pending
        pending = []
        for callback in waiting { callback(.failure(.connection(reason))) }
        onClosed?(reason)
    }
}
