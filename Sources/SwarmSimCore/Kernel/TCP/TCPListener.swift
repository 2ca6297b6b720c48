/// A listening TCP socket (`inet_csk_listen_start`): it answers SYNs with SYN-ACKs, keeps the
/// half-open requests (SYN-RECV) and hands each connection that completes the handshake to the
/// application, through `onAccept` or, without it, the accept queue and `accept()`.
///
/// As in Linux, a SYN or a final ACK that would overflow the accept queue (`backlog`) is dropped
/// (`ListenOverflows`); the client retransmits. SYN cookies are not modelled: the SYN queue is
/// unbounded.
public final class TCPListener {
    /// `unowned(unsafe)` as `TCPConnection.namespace`: the simulation keeps both alive.
    public unowned(unsafe) let namespace: NetworkNamespace
    /// `Unretained` as `TCPConnection.tcpRef`: borrowed on each handshake.
    let tcpRef: Unretained<TCPProtocol>
    var tcp: TCPProtocol { tcpRef.object }
    public let address: IPv4Address
    public let port: UInt16
    /// The accept-queue limit (`sk_max_ack_backlog`).
    public let backlog: Int
    public internal(set) var isClosed = false
    /// Called with each connection once it is established (after the client's ACK).
    public var onAccept: ((TCPConnection) -> Void)?
    /// Established connections not yet handed to the application.
    public internal(set) var acceptQueue: [TCPConnection] = []
    /// Half-open requests (SYN received, SYN-ACK sent).
    var requests: [TCPConnection] = []

    init(tcp: TCPProtocol, address: IPv4Address, port: UInt16, backlog: Int) {
        tcpRef = Unretained(tcp)
        namespace = tcp.namespace
        self.address = address
        self.port = port
        self.backlog = backlog
    }

    /// Takes the oldest established connection from the accept queue (`accept` without blocking).
    public func accept() -> TCPConnection? {
        guard !acceptQueue.isEmpty else { return nil }
        let connection = acceptQueue.removeFirst()
        connection.inAcceptQueue = false
        return connection
    }

    /// Half-open requests in SYN-RECV.
    public var pendingRequestCount: Int { requests.count }

    /// Stops listening (`close` on the listening socket, `inet_csk_listen_stop`): half-open
    /// requests are dropped silently and connections never accepted are reset.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        onAccept = nil
        tcp.listeners[port]?.removeAll { $0 === self }
        if tcp.listeners[port]?.isEmpty == true { tcp.listeners[port] = nil }
        let half = requests
        requests = []
        for request in half {
            request.listener = nil
            request.finish(notify: nil)
        }
        let unaccepted = acceptQueue
        acceptQueue = []
        for connection in unaccepted {
            connection.inAcceptQueue = false
            connection.abort()
        }
        tcp.flush()
    }

    /// `sk_acceptq_is_full`: more than `backlog` connections wait to be accepted.
    var acceptQueueIsFull: Bool { acceptQueue.count > backlog }

    // MARK: input

    /// A segment for no connection arrived at this listener (`tcp_rcv_state_process` in LISTEN).
    func segmentArrives(_ segment: TCPIncoming, packet: PacketBuffer) {
        if segment.rst { return }
        if segment.hasAck {
            // An ACK for no connection (e.g. for a request that has been dropped): reset it.
            tcp.sendResetForNoSocket(packet, segment)
            return
        }
        guard segment.syn else { return }
        synArrives(segment, packet: packet, isn: nil)
    }

    /// `tcp_conn_request`: a SYN for this listener; `isn` is set when it replaces a TIME-WAIT.
    func synArrives(_ segment: TCPIncoming, packet: PacketBuffer, isn: UInt32?) {
        guard !segment.rst, !segment.hasAck, segment.syn else { return }
        if acceptQueueIsFull {
            tcp.counters.listenOverflows += 1
            namespace.world.countDrop("tcp listen overflow on port \(port) in \(namespace.qualifiedName)")
            return
        }
        guard let out = namespace.routeOutputUnretained(to: segment.source, from: segment.destination) else {
            namespace.world.countDrop("tcp: no route for SYN-ACK to \(segment.source)")
            return
        }
        tcpRef.borrow { tcp in
            let request = TCPConnection(
                tcp: tcp, local: segment.destination, localPort: segment.destinationPort, remote: segment.source,
                remotePort: segment.sourcePort, state: .synReceived)
            request.listener = self
            tcp.insert(request)
            requests.append(request)
            let mtu = out.device.borrow { tcp.routeMTU(device: $0, destination: segment.source) }
            request.startPassiveOpen(syn: segment, mtu: mtu, isn: isn)
        }
    }

    /// The handshake of `request` completed: it moves to the accept queue (`inet_csk_complete_hashdance`).
    func requestEstablished(_ request: TCPConnection) {
        removeRequest(request)
        acceptQueue.append(request)
        request.inAcceptQueue = true
        tcpRef.borrow { tcp in
            tcp.counters.passiveOpens += 1
            tcp.notify(request, .accepted(self))
        }
    }

    /// A half-open request was dropped (timeout, RST, ICMP error).
    func requestDropped(_ request: TCPConnection) {
        removeRequest(request)
    }

    /// Removes one half-open request by identity: an index loop, as a `removeAll` closure would
    /// retain and release every request it passed (the list is as long as the SYN backlog).
    private func removeRequest(_ request: TCPConnection) {
        request.listener = nil
        for index in requests.indices where requests[index] === request {
            requests.remove(at: index)
            return
        }
    }
}
