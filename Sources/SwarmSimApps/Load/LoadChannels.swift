import SwarmSimCore

/// One connection (or UDP socket) a load generator sends requests on, one at a time.
///
/// A channel reports to the generator that opened it (`LoadGenerator.answered`) rather than
/// through a completion closure, so a request allocates no closure context; the reference is
/// strong, as the closure's was: the socket's callbacks own the channel, and the channel keeps
/// the generator alive while requests are out.
protocol LoadChannel: AnyObject {
    /// Sends request `index`; reports the answer's bytes or why there was none, once.
    func request(_ index: Int)
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
    let request: HTTPLoadRequest
    let generator: LoadGenerator
    private var index = 0

    init(namespace: NetworkNamespace, address: IPv4Address, port: UInt16, request: HTTPLoadRequest,
         generator: LoadGenerator) throws(SocketError) {
        client = try HTTPClientConnection(namespace: namespace, address: address, port: port)
        self.request = request
        self.generator = generator
    }

    func request(_ index: Int) {
        self.index = index
        // The closure captures the channel alone: its context is the channel, nothing is allocated.
        client.send(request.bytes, method: request.method) { [self] result in
            switch result {
            case .success(let response): generator.answered(self.index, .success(response.body), channel: self)
            case .failure(.connect(let reason)), .failure(.receive(let reason)):
                generator.answered(self.index, .failure(RequestFailure(reason)), channel: self)
            case .failure(.closedEarly), .failure(.badResponse): generator.answered(self.index, .failure(.protocol), channel: self)
            }
        }
    }

    var isReusable: Bool { client.isReusable }

    func close() { client.close() }
}

/// tcp: a line `INDEX\n` to a line server; the answer is the line that comes back.
final class TCPLoadChannel: LoadChannel {
    let connection: TCPConnection
    let generator: LoadGenerator
    private var isEstablished = false
    private var finished = false
    private var line: [UInt8] = []
    /// The request awaiting its line, if any.
    private var index: Int?

    init(namespace: NetworkNamespace, address: IPv4Address, port: UInt16, generator: LoadGenerator) throws(SocketError) {
        self.generator = generator
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

    func request(_ index: Int) {
        self.index = index
        line.removeAll(keepingCapacity: true)
        do {
            try connection.send(Array("\(index)\n".utf8))
        } catch {
            report(.failure(.protocol))
        }
    }

    private func receive(_ bytes: [UInt8]) {
        guard index != nil else { return }
        line.append(contentsOf: bytes)
        if line.contains(0x0A) { report(.success(line)) }
    }

    private func report(_ result: Result<[UInt8], RequestFailure>) {
        guard let index else { return }
        self.index = nil
        generator.answered(index, result, channel: self)
    }

    var isReusable: Bool { !finished && index == nil }

    func close() {
        finished = true
        index = nil
        connection.close()
    }
}

/// udp: a datagram `INDEX\n` from a connected socket; the answer is the datagram back.
final class UDPLoadChannel: LoadChannel {
    let socket: UDPSocket
    let generator: LoadGenerator
    /// The request awaiting its datagram, if any.
    private var index: Int?

    init(namespace: NetworkNamespace, address: IPv4Address, port: UInt16, generator: LoadGenerator) throws(SocketError) {
        self.generator = generator
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

    func request(_ index: Int) {
        self.index = index
        do {
            try socket.send(Array("\(index)\n".utf8))
        } catch {
            report(.failure(RequestFailure(error)))
        }
    }

    private func report(_ result: Result<[UInt8], RequestFailure>) {
        guard let index else { return }
        self.index = nil
        generator.answered(index, result, channel: self)
    }

    var isReusable: Bool { !socket.isClosed && index == nil }

    func close() {
        index = nil
        socket.onReceive = nil
        socket.onError = nil
        socket.close()
    }
}

/// An HTTP load run's request, serialised once for the whole run.
struct HTTPLoadRequest {
    let method: String
    let bytes: [UInt8]

    init(_ request: HTTPRequest) {
        method = request.method
        bytes = request.serialized()
    }
}
