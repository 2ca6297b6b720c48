import SwarmSimCore

/// How an HTTP exchange failed, in the terms clients report it.
enum HTTPClientFailure: Error, Equatable {
    /// The connection never established: refused, timed out (SYN retries), unreachable.
    case connect(TCPCloseReason)
    /// The established connection ended abnormally (reset by the peer, data retransmissions
    /// exhausted) while a response was awaited.
    case receive(TCPCloseReason)
    /// The peer closed before a complete response: `received` counts the bytes of it that
    /// did arrive (0 for curl's "empty reply").
    case closedEarly(received: Int)
    /// The response did not parse.
    case badResponse(HTTPParseError)
}

/// The client side of one HTTP/1.1 connection: connects, sends requests one at a time and
/// parses the responses, reporting each outcome once. It can carry several requests in turn
/// (keep-alive) while the server allows it.
final class HTTPClientConnection {
    let connection: TCPConnection
    private(set) var isEstablished = false
    /// The peer closed its side, reset, or the socket was closed here: no more requests.
    private(set) var isFinished = false
    /// Whether the last response allows another request on this connection.
    private(set) var isReusable = false
    private var parser = HTTPResponseParser()
    private var method = "GET"
    private var rawReceived = 0
    private var completion: ((Result<HTTPResponse, HTTPClientFailure>) -> Void)?
    /// Called once the handshake completes.
    var onConnected: (() -> Void)?

    init(namespace: NetworkNamespace, address: IPv4Address, port: UInt16) throws(SocketError) {
        connection = try namespace.connectTCP(to: address, port: port)
        // curl sets TCP_NODELAY by default (since 7.50.2); so do the other clients here.
        connection.noDelay = true
        // The socket's callbacks own this object (and through the completion, its user) while
        // the connection lives; the kernel drops them when it closes, ending the cycle.
        connection.onConnected = { [self] in
            isEstablished = true
            onConnected?()
        }
        connection.onData = { [self] bytes in receive(bytes) }
        connection.onEndOfStream = { [self] in endOfStream() }
        connection.onClosed = { [self] reason in closed(reason) }
    }

    /// Whether a request is in progress.
    var isBusy: Bool { completion != nil }
    /// Body bytes of the response in progress received so far.
    var bodyBytesReceived: Int { parser.bodyBytesReceived }
    /// The body length the response in progress announced, once its head arrived.
    var expectedBodyLength: Int? { parser.expectedBodyLength }

    /// Sends `request` (queued until the handshake completes) and reports its response.
    func send(_ request: HTTPRequest, completion: @escaping (Result<HTTPResponse, HTTPClientFailure>) -> Void) {
        send(request.serialized(), method: request.method, completion: completion)
    }

    /// Sends a request already serialised (`bytes`, whose method is `method`) and reports its response.
    func send(_ bytes: [UInt8], method: String, completion: @escaping (Result<HTTPResponse, HTTPClientFailure>) -> Void) {
        precondition(self.completion == nil, "one request at a time")
        self.method = method
        rawReceived = 0
        self.completion = completion
        do {
            try connection.send(bytes)
        } catch {
            finish(.failure(.closedEarly(received: 0)))
        }
    }

    /// Closes the socket (`close(2)`): a FIN, or a RST when unread data remains. Nothing is
    /// reported afterwards.
    func close() {
        isFinished = true
        completion = nil
        onConnected = nil
        connection.close()
    }

    private func receive(_ bytes: [UInt8]) {
        guard completion != nil else {
            // Bytes nobody asked for: the connection cannot be reused safely.
            isReusable = false
            return
        }
        rawReceived += bytes.count
        parser.append(bytes)
        do {
            if let response = try parser.next(requestMethod: method) {
                let version11 = response.version == .http11
                let (closes, keeps) = response.headers.connectionOptions
                // Set before reporting: the completion decides whether to reuse the connection.
                isReusable = !isFinished && !closes && (version11 || keeps)
                finish(.success(consume response))
            }
        } catch {
            finish(.failure(.badResponse(error)))
        }
    }

    private func endOfStream() {
        let wasFinished = isFinished
        isFinished = true
        isReusable = false
        guard completion != nil, !wasFinished else { return }
        do {
            if let response = try parser.finishAtEndOfStream() {
                finish(.success(response))
            } else {
                finish(.failure(.closedEarly(received: rawReceived)))
            }
        } catch {
            finish(.failure(.badResponse(error)))
        }
    }

    private func closed(_ reason: TCPCloseReason) {
        isFinished = true
        isReusable = false
        guard completion != nil else { return }
        if !isEstablished {
            finish(.failure(.connect(reason)))
        } else if reason == .normal {
            finish(.failure(.closedEarly(received: rawReceived)))
        } else {
            finish(.failure(.receive(reason)))
        }
    }

    /// Reports `result` once; consuming, so a response moves into the report (no copy of it).
    private func finish(_ result: consuming Result<HTTPResponse, HTTPClientFailure>) {
        guard let completion else { return }
        self.completion = nil
        completion(result)
    }
}
