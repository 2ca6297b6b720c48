/// An echo reply as `ping` sees it.
public struct EchoReply: Sendable {
    public var from: IPv4Address
    public var sequence: UInt16
    public var ttl: UInt8
    /// ICMP bytes (header + data), what ping prints as "64 bytes from".
    public var length: Int
    public var data: [UInt8]
}

/// An ICMP echo socket (`net/ipv4/ping.c`, a `SOCK_DGRAM` / `IPPROTO_ICMP` socket as unprivileged
/// `ping` uses): the socket's identifier is its "port", taken from the ephemeral range; the
/// kernel fills in the checksum. Echo requests go out with DF set (iputils' default
/// `IP_PMTUDISC_DO` for ping would refuse large packets locally; `dontFragment` chooses) and
/// an IP ID of 0 (DF from an unconnected socket).
public final class PingSocket {
    public unowned let namespace: NetworkNamespace
    public let identifier: UInt16
    public private(set) var isClosed = false
    public var onReply: ((PingSocket, EchoReply) -> Void)?
    public var onError: ((PingSocket, ICMPErrorReport, UInt16) -> Void)?

    init(namespace: NetworkNamespace, identifier: UInt16) {
        self.namespace = namespace
        self.identifier = identifier
    }

    /// Sends one echo request with `payloadSize` data bytes (ping's `-s`, default 56).
    public func sendEcho(
        to destination: IPv4Address, sequence: UInt16, payload: [UInt8], ttl: UInt8? = nil, dontFragment: Bool = true,
        source: IPv4Address? = nil
    ) throws(SocketError) {
        guard !isClosed else { throw .closed }
        guard let (_, _, from) = namespace.routeOutput(to: destination, from: source) else {
            throw .networkUnreachable
        }
        let packet = PacketBuffer.make(length: ICMPv4Message.headerLength)
        payload.withUnsafeBytes { packet.append($0) }
        ICMPv4Message.echoRequest(identifier: identifier, sequence: sequence).emit(into: packet.bytes)
        do {
            try namespace.sendIPv4(packet, from: from, to: destination, protocol: .icmp, ttl: ttl,
                dontFragment: dontFragment, identification: dontFragment ? 0 : nil)
        } catch {
            throw SocketError(error)
        }
    }

    public func close() {
        guard !isClosed else { return }
        isClosed = true
        namespace.pingSockets[identifier] = nil
    }

    func deliverReply(from: IPv4Address, sequence: UInt16, ttl: UInt8, length: Int, data: UnsafeRawBufferPointer) {
        onReply?(self, EchoReply(from: from, sequence: sequence, ttl: ttl, length: length, data: Array(data)))
    }

    func deliverError(_ report: ICMPErrorReport, sequence: UInt16) {
        onError?(self, report, sequence)
    }
}

extension NetworkNamespace {
    /// Opens a ping socket with a free identifier from the ephemeral range.
    public func openPingSocket() throws(SocketError) -> PingSocket {
        guard let id = pickEphemeralPort(isFree: { pingSockets[$0] == nil }) else { throw .noEphemeralPorts }
        let socket = PingSocket(namespace: self, identifier: id)
        pingSockets[id] = socket
        return socket
    }
}
