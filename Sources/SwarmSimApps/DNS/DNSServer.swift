import SwarmSimCore

/// A DNS server as Docker's embedded resolver is one (moby `daemon/libnetwork/resolver.go`):
/// it listens on UDP and TCP at the address and ports it is told (127.0.0.11 and two random
/// ports inside a container, reached from port 53 through the DNAT rules the control plane
/// programs) and answers from a `DNSRecordSource`.
///
/// Replies are built as `serveDNS` builds them with miekg/dns:
/// - a local answer is `SetReply` + `RecursionAvailable`: the ID, opcode, RD and CD of the
///   query, the first question, QR and RA set, AA never set, no OPT record even when the query
///   had one;
/// - SERVFAIL (nothing found, no upstream) and REFUSED are `SetRcode`: the same without RA;
/// - an NXDOMAIN stands for an upstream's answer relayed: RA set, no records;
/// - size: up to 512 bytes over UDP, or the EDNS(0) payload size the query advertises if
///   larger, 65535 over TCP (2-byte length framing, RFC 1035 section 4.2.2); see
///   `emitTruncated(toFit:)` for compression and the TC bit.
/// Queries that are responses, or that carry no question, get no reply (as `serveDNS`
/// returns early); an unparsable datagram is dropped.
public final class DNSServer {
    public let namespace: NetworkNamespace
    public let source: DNSRecordSource
    public let udpSocket: UDPSocket
    public let tcpListener: TCPListener
    /// Queries answered, for tests and reports.
    public private(set) var queriesAnswered = 0

    /// Starts listening on `address`, UDP `udpPort` and TCP `tcpPort` (0 picks an ephemeral
    /// port, as `SetupFunc(0)` does).
    /// - Throws: the socket errors of binding (`.addressInUse`, `.addressNotAvailable`).
    public init(
        namespace: NetworkNamespace, address: IPv4Address, udpPort: UInt16 = DNSMessage.port,
        tcpPort: UInt16 = DNSMessage.port, source: DNSRecordSource
    ) throws(SocketError) {
        self.namespace = namespace
        self.source = source
        udpSocket = try namespace.openUDPSocket(address: address, port: udpPort)
        do {
            tcpListener = try namespace.listenTCP(address: address, port: tcpPort)
        } catch {
            udpSocket.close()
            throw error
        }
        udpSocket.onReceive = { [unowned self] socket, datagram in
            guard let reply = self.reply(to: datagram.payload, client: datagram.source, overTCP: false) else { return }
            try? socket.send(reply, to: datagram.source, port: datagram.sourcePort)
        }
        tcpListener.onAccept = { [unowned self] connection in self.serve(connection) }
    }

    /// The UDP port, the TCP port.
    public var ports: (udp: UInt16, tcp: UInt16) { (udpSocket.localPort, tcpListener.port) }

    /// Stops listening.
    public func close() {
        udpSocket.close()
        tcpListener.close()
    }

    /// Reads length-prefixed queries from a TCP connection and answers each in turn.
    private func serve(_ connection: TCPConnection) {
        var buffer: [UInt8] = []
        connection.onData = { [unowned self, unowned connection] bytes in
            buffer += bytes
            while buffer.count >= 2 {
                let length = Int(buffer[0]) << 8 | Int(buffer[1])
                guard buffer.count >= 2 + length else { break }
                let query = Array(buffer[2..<(2 + length)])
                buffer.removeFirst(2 + length)
                guard let reply = self.reply(to: query, client: connection.remoteAddress, overTCP: true) else { continue }
                try? connection.send([UInt8(reply.count >> 8), UInt8(truncatingIfNeeded: reply.count)] + reply)
            }
        }
        connection.onEndOfStream = { [unowned connection] in connection.close() }
    }

    /// The reply bytes for a query, or nil when the server stays silent.
    func reply(to bytes: [UInt8], client: IPv4Address, overTCP: Bool) -> [UInt8]? {
        guard let query = try? DNSMessage.parse(bytes), !query.flags.qr, let question = query.questions.first else {
            return nil
        }
        var name = question.name.description
        if name.count > 1 { name.removeLast() }
        var reply = DNSMessage(id: query.id, flags: DNSFlags(qr: true, opcode: query.flags.opcode), questions: [question])
        if query.flags.opcode == .query {
            reply.flags.rd = query.flags.rd
            reply.flags.cd = query.flags.cd
        }
        switch source.lookup(name: name, type: question.type, client: client) {
        case .answer(let records, let additional):
            reply.flags.ra = true
            reply.answers = records
            reply.additional = additional
        case .nxDomain:
            reply.flags.ra = true
            reply.flags.rcode = .nxDomain
        case .notHandled:
            reply.flags.rcode = .servFail
        case .refused:
            reply.flags.rcode = .refused
        }
        queriesAnswered += 1
        var size = DNSMessage.maximumUDPLength
        if overTCP {
            size = Int(UInt16.max)
        } else if let opt = query.additional.first(where: { $0.type == .opt }) {
            size = max(size, Int(opt.class.rawValue))
        }
        return reply.emitTruncated(toFit: size)
    }
}
