/// A datagram as a UDP socket receives it (`recvmsg` with `IP_RECVTTL`).
public struct UDPDatagramReceived: Sendable {
    public var source: IPv4Address
    public var sourcePort: UInt16
    public var destination: IPv4Address
    public var destinationPort: UInt16
    public var ttl: UInt8
    public var payload: [UInt8]
}

/// Errors a socket call reports, named after their errno.
public enum SocketError: Error, Equatable, Sendable {
    case addressInUse
    case addressNotAvailable
    case noEphemeralPorts
    case networkUnreachable
    case messageTooLong(mtu: Int)
    case notPermitted(reason: String)
    case connectionRefused
    case hostUnreachable
    case closed

    init(_ error: NetworkNamespace.SendError) {
        switch error {
        case .networkUnreachable: self = .networkUnreachable
        case .messageTooLong(let mtu): self = .messageTooLong(mtu: mtu)
        case .notPermitted(let reason): self = .notPermitted(reason: reason)
        }
    }
}

/// A UDP socket in a namespace (`net/ipv4/udp.c`): bound to an address and port (an ephemeral
/// one from `ip_local_port_range` if none is given), optionally connected. Datagrams and ICMP
/// errors reach the application through the two callbacks.
///
/// As on Linux, datagrams are sent with DF set (`IP_PMTUDISC_WANT` default) and a zero IP ID
/// unless connected; an ICMP port or host unreachable is reported to a connected socket only
/// (`ECONNREFUSED`), as `udp_err` does without `IP_RECVERR`.
public final class UDPSocket {
    public unowned let namespace: NetworkNamespace
    public private(set) var localAddress: IPv4Address
    public private(set) var localPort: UInt16
    public private(set) var remote: (address: IPv4Address, port: UInt16)?
    public private(set) var isClosed = false
    /// The IP ID counter of a connected socket (`inet_id`).
    private var identification: UInt16
    public var onReceive: ((UDPSocket, UDPDatagramReceived) -> Void)?
    public var onError: ((UDPSocket, SocketError, ICMPErrorReport) -> Void)?
    /// Datagrams received with no `onReceive` set wait here, as in a receive queue.
    public private(set) var receiveQueue: [UDPDatagramReceived] = []
    public private(set) var pendingError: SocketError?

    init(namespace: NetworkNamespace, address: IPv4Address, port: UInt16) {
        self.namespace = namespace
        localAddress = address
        localPort = port
        identification = UInt16(truncatingIfNeeded: namespace.ports.next())
    }

    /// Fixes the peer (`connect`): replies from others are ignored, ICMP errors are reported.
    public func connect(to address: IPv4Address, port: UInt16) throws(SocketError) {
        guard let (_, _, source) = namespace.routeOutput(to: address, from: localAddress.isUnspecified ? nil : localAddress) else {
            throw .networkUnreachable
        }
        if localAddress.isUnspecified {
            // Connecting binds the source address the route picks (inet_rcv_saddr), keeping the port.
            localAddress = source
        }
        remote = (address, port)
    }

    /// Sends `payload` to `destination:port` (`sendto`).
    public func send(_ payload: [UInt8], to destination: IPv4Address, port: UInt16, ttl: UInt8? = nil) throws(SocketError) {
        let result = payload.withUnsafeBytes { bytes in
            Result { () throws(SocketError) in try send(bytes, to: destination, port: port, ttl: ttl) }
        }
        try result.get()
    }

    /// Sends `payload` to the connected peer.
    public func send(_ payload: [UInt8]) throws(SocketError) {
        guard let remote else { throw .addressNotAvailable }
        try send(payload, to: remote.address, port: remote.port)
    }

    public func send(_ payload: UnsafeRawBufferPointer, to destination: IPv4Address, port: UInt16, ttl: UInt8? = nil) throws(SocketError) {
        guard !isClosed else { throw .closed }
        guard let (_, _, source) = namespace.routeOutput(
            to: destination, from: localAddress.isUnspecified ? nil : localAddress)
        else { throw .networkUnreachable }
        let packet = PacketBuffer.make(length: UDPHeader.minimumLength)
        packet.append(payload)
        UDPHeader(sourcePort: localPort, destinationPort: port, payloadLength: payload.count)
            .emit(into: packet.bytes, source: source, destination: destination)
        let connected = remote.map { $0.address == destination && $0.port == port } ?? false
        var id: UInt16 = 0
        if connected {
            identification &+= 1
            id = identification
        }
        do {
            try namespace.sendIPv4(packet, from: source, to: destination, protocol: .udp, ttl: ttl, identification: id)
        } catch {
            throw SocketError(error)
        }
    }

    /// Takes the oldest queued datagram, if any (`recvfrom` without blocking).
    public func receive() -> UDPDatagramReceived? {
        receiveQueue.isEmpty ? nil : receiveQueue.removeFirst()
    }

    /// Unbinds the socket; its port becomes free.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        namespace.unbindUDP(self)
    }

    func deliver(_ datagram: UDPDatagramReceived) {
        if let remote, remote.address != datagram.source || remote.port != datagram.sourcePort { return }
        if let onReceive { onReceive(self, datagram) } else { receiveQueue.append(datagram) }
    }

    func deliverError(_ report: ICMPErrorReport, remote address: IPv4Address, remotePort: UInt16) {
        guard let remote, remote.address == address, remote.port == remotePort else { return }
        let error: SocketError
        switch report.message {
        case .destinationUnreachable(.portUnreachable, _): error = .connectionRefused
        case .destinationUnreachable(.fragmentationNeeded, let mtu): error = .messageTooLong(mtu: Int(mtu))
        case .destinationUnreachable, .timeExceeded: error = .hostUnreachable
        default: return
        }
        pendingError = error
        onError?(self, error, report)
    }
}

extension NetworkNamespace {
    /// Opens a UDP socket bound to `address:port` (`socket` + `bind`); port 0 picks an ephemeral port.
    public func openUDPSocket(address: IPv4Address = .any, port: UInt16 = 0) throws(SocketError) -> UDPSocket {
        if !address.isUnspecified && !isLocalAddress(address) { throw .addressNotAvailable }
        var chosen = port
        if chosen == 0 {
            guard let free = pickEphemeralPort(isFree: { udpSockets[$0]?.contains { $0.localAddress.isUnspecified || address.isUnspecified || $0.localAddress == address } != true })
            else { throw .noEphemeralPorts }
            chosen = free
        } else if let bound = udpSockets[chosen], bound.contains(where: {
            $0.localAddress.isUnspecified || address.isUnspecified || $0.localAddress == address
        }) {
            throw .addressInUse
        }
        let socket = UDPSocket(namespace: self, address: address, port: chosen)
        udpSockets[chosen, default: []].append(socket)
        return socket
    }

    /// A free port in `ip_local_port_range`, scanning up from a random start (`udp_lib_get_port`).
    func pickEphemeralPort(isFree: (UInt16) -> Bool) -> UInt16? {
        let low = Int(localPortRange.low)
        let count = Int(localPortRange.high) - low + 1
        let start = Int(ports.next(below: UInt64(count)))
        for step in 0..<count {
            let port = UInt16(low + (start + step) % count)
            if isFree(port) { return port }
        }
        return nil
    }

    func unbindUDP(_ socket: UDPSocket) {
        udpSockets[socket.localPort]?.removeAll { $0 === socket }
        if udpSockets[socket.localPort]?.isEmpty == true { udpSockets[socket.localPort] = nil }
    }

    /// The socket for a datagram to `address:port`: an exact address match first, then a wildcard.
    func udpSocket(localAddress address: IPv4Address, localPort port: UInt16) -> UDPSocket? {
        guard let bound = udpSockets[port] else { return nil }
        return bound.first { $0.localAddress == address } ?? bound.first { $0.localAddress.isUnspecified }
    }

    /// `udp_rcv`: checksum, socket lookup (VXLAN's socket first), else port unreachable.
    func receiveUDP(_ packet: PacketBuffer) {
        let ip = IPv4Packet(unchecked: packet.bytes)
        guard let udp = try? UDPDatagram(ip.payload),
            (try? UDPHeader.parse(udp, source: ip.source, destination: ip.destination)) != nil
        else {
            world.countDrop("bad UDP")
            return
        }
        let port = udp.destinationPort
        if vxlanEndpoints.isListening(on: port) {
            receiveVXLAN(packet, ip: ip, udp: udp)
            return
        }
        guard let socket = udpSocket(localAddress: ip.destination, localPort: port) else {
            counters.udpNoPorts += 1
            if !ip.destination.isBroadcast {
                sendICMPError(about: packet, .destinationUnreachable(.portUnreachable, nextHopMTU: 0))
            }
            world.countDrop("udp port \(port) unreachable in \(qualifiedName)")
            return
        }
        socket.deliver(UDPDatagramReceived(
            source: ip.source, sourcePort: udp.sourcePort, destination: ip.destination, destinationPort: port,
            ttl: ip.ttl, payload: Array(UnsafeRawBufferPointer(udp.payload))))
    }

    /// `vxlan_rcv`: find the device by VNI and hand it the inner frame.
    private func receiveVXLAN(_ packet: PacketBuffer, ip: IPv4Packet, udp: UDPDatagram) {
        guard let vxlan = try? VXLANPacket(udp.payload), let header = try? VXLANHeader.parse(vxlan),
            let device = vxlanEndpoints.device(port: udp.destinationPort, vni: header.vni)
        else {
            world.countDrop("vxlan: bad header or unknown VNI")
            return
        }
        let outerSource = ip.source
        let innerOffset = ip.headerLength + UDPHeader.minimumLength + VXLANHeader.minimumLength
        let innerLength = Int(udp.length) - UDPHeader.minimumLength - VXLANHeader.minimumLength
        packet.removeFront(innerOffset)
        packet.trim(to: innerLength)
        device.decapsulated(packet, outerSource: outerSource)
    }
}
