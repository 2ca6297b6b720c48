import SwarmSimCore

/// A redis server on a TCP port (6379 by default), as the `redis` and `redis:alpine` images run
/// one, over the commands of `RedisKeyspace`.
///
/// Each connection reads requests (RESP multibulk or inline) as they arrive; all requests
/// complete in one segment are answered together in one write, as redis answers a pipeline
/// from one read. Connections stay open until the client closes (or sends QUIT). A protocol
/// error is answered with `-ERR Protocol error: ...` and the connection is closed, as redis
/// does (`setProtocolError`, CLIENT_CLOSE_AFTER_REPLY).
public final class RedisServer {
    public let namespace: NetworkNamespace
    public let listener: TCPListener
    public let keyspace: RedisKeyspace
    /// Commands executed, for reports.
    public private(set) var commandsProcessed = 0
    /// Called as each request is answered (the run counts which task served what, in order).
    public var onRequestServed: (() -> Void)?
    /// Connections accepted.
    public private(set) var connectionsReceived = 0

    public static let port: UInt16 = 6379

    public init(
        namespace: NetworkNamespace, address: IPv4Address = .any, port: UInt16 = RedisServer.port,
        keyspace: RedisKeyspace = RedisKeyspace()
    ) throws(SocketError) {
        self.namespace = namespace
        self.keyspace = keyspace
        listener = try namespace.listenTCP(address: address, port: port, backlog: 511)
        listener.onAccept = { [unowned self] connection in serve(connection) }
    }

    public func close() {
        listener.close()
    }

    private func serve(_ connection: TCPConnection) {
        connectionsReceived += 1
        connection.noDelay = true
        var parser = RESPParser()
        connection.onData = { [unowned self, unowned connection] bytes in
            parser.append(bytes)
            var output: [UInt8] = []
            var closeAfterReply = false
            while !closeAfterReply {
                do throws(RESPError) {
                    guard let request = try parser.nextRequest() else { break }
                    commandsProcessed += 1
                    onRequestServed?()
                    keyspace.execute(request).serialize(into: &output)
                    if String(decoding: request[0], as: UTF8.self).lowercased() == "quit" { closeAfterReply = true }
                } catch {
                    RESPValue.error("ERR " + error.message).serialize(into: &output)
                    closeAfterReply = true
                }
            }
            if !output.isEmpty { try? connection.send(output) }
            if closeAfterReply { connection.close() }
        }
        connection.onEndOfStream = { [unowned connection] in connection.close() }
    }
}
