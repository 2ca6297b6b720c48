import SwarmSimCore

/// One connection (or UDP socket) a load generator sends requests on, one at a time.
protocol LoadChannel: AnyObject {
    /// Sends request `index`; reports the answer's bytes or why there was none, once.
    func request(_ index: Int, completion: @escaping (Result<[UInt8], RequestFailure>) -> Void)
    /// Whether another request may follow on this channel.
    var isReusable: Bool { get }
    /// Closes it; nothing is reported afterwards.
    func close()
}

extension RequestFailure {
    init(_ error: SocketError) {
        switch error {
        case .networkUnreachable, .hostUnreachable: self = .unreachable
        case .noEphemeralPorts, .addressNotAvailable, .addressInUse: self = .addressNotAvailable
        case .connectionRefused: self = .refused
        case .messageTooLong, .notPermitted, .closed: self = .protocol
        }
    }

    init(_ reason: TCPCloseReason) {
        switch reason {
        case .refused: self = .refused
        case .reset: self = .reset
        case .timedOut: self = .timeout
        case .hostUnreachable, .networkUnreachable: self = .unreachable
        case .normal: self = .protocol
        }
    }
}

/// HTTP: `GET PATH HTTP/1.1` with curl's header lines; the answer is the response body.
final class HTTPLoadChannel: LoadChannel {
    let client: HTTPClientConnection
    let request: HTTPRequest

    init(namespace: NetworkNamespace, address: IPv4Address, port: UInt16, request: HTTPRequest) throws(SocketError) {
        client = try HTTPClientConnection(namespace: namespace, address: address, port: port)
        self.request = request
    }

    func request(_ index: Int, completion: @escaping (Result<[UInt8], RequestFailure>) -> Void) {
        client.send(request) { result in
            switch result {
            case .success(let response): completion(.success(response.body))
            case .failure(.connect(let reason)), .failure(.receive(let reason)): completion(.failure(RequestFailure(reason)))
            case .failure(.closedEarly), .failure(.badResponse): completion(.failure(.protocol))
            }
        }
    }

    var isReusable: Bool { client.isReusable }

    func close() { client.close() }
}

/// tcp: a line `INDEX\n` to a line server; the answer is the line that comes back.
final class TCPLoadChannel: LoadChannel {
    let connection: TCPConnection
    private var isEstablished = false
    private var finished = false
    private var line: [UInt8] = []
    private var completion: ((Result<[UInt8], RequestFailure>) -> Void)?

    init(namespace: NetworkNamespace, address: IPv4Address, port: UInt16) throws(SocketError) {
        connection = try namespace.connectTCP(to: address, port: port)
        connection.noDelay = true
        // The socket's callbacks own the channel until the kernel drops them at close.
        connection.onConnected = { [self] in isEstablished = true }
        connection.onData = { [self] bytes in receive(bytes) }
        connection.onEndOfStream = { [self] in
            finished = true
            report(.failure(.protocol))
        }
        connection.onClosed = { [self] reason in
            finished = true
            report(.failure(isEstablished && reason == .normal ? .protocol : RequestFailure(reason)))
        }
    }

    func request(_ index: Int, completion: @escaping (Result<[UInt8], RequestFailure>) -> Void) {
        self.completion = completion
        line.removeAll(keepingCapacity: true)
        do {
            try connection.send(Array("\(index)\n".utf8))
        } catch {
            report(.failure(.protocol))
        }
    }

    private func receive(_ bytes: [UInt8]) {
        guard completion != nil else { return }
        line.append(contentsOf: bytes)
        if line.contains(0x0A) { report(.success(line)) }
    }

    private func report(_ result: Result<[UInt8], RequestFailure>) {
        guard let completion else { return }
        self.completion = nil
        completion(result)
    }

    var isReusable: Bool { !finished && completion == nil }

    func close() {
        finished = true
        completion = nil
        connection.close()
    }
}

/// udp: a datagram `INDEX\n` from a connected socket; the answer is the datagram back.
final class UDPLoadChannel: LoadChannel {
    let socket: UDPSocket
    private var completion: ((Result<[UInt8], RequestFailure>) -> Void)?

    init(namespace: NetworkNamespace, address: IPv4Address, port: UInt16) throws(SocketError) {
        socket = try namespace.openUDPSocket()
        do {
            try socket.connect(to: address, port: port)
        } catch {
            socket.close()
            throw error
        }
        socket.onReceive = { [unowned self] _, datagram in report(.success(datagram.payload)) }
        socket.onError = { [unowned self] _, error, _ in report(.failure(RequestFailure(error))) }
    }

    func request(_ index: Int, completion: @escaping (Result<[UInt8], RequestFailure>) -> Void) {
        self.completion = completion
        do {
            try socket.send(Array("\(index)\n".utf8))
        } catch {
            report(.failure(RequestFailure(error)))
        }
    }

    private func report(_ result: Result<[UInt8], RequestFailure>) {
        guard let completion else { return }
        self.completion = nil
        completion(result)
    }

    var isReusable: Bool { !socket.isClosed && completion == nil }

    func close() {
        completion = nil
        socket.onReceive = nil
        socket.onError = nil
        socket.close()
    }
}
