/// The socket calls of TCP on a namespace (`socket` + `listen`, `socket` + `connect`), and the
/// ephemeral port choice of `connect` (`__inet_hash_connect`).
extension NetworkNamespace {
    /// This namespace's TCP, created and registered for protocol 6 on first use.
    public var tcp: TCPProtocol {
        if let tcpProtocol { return tcpProtocol.object }
        let created = TCPProtocol(namespace: self)
        register(created, for: .tcp)
        return created
    }

    /// Opens a listening socket on `address:port` (`bind` + `listen(backlog)`); port 0 picks an
    /// ephemeral port. The socket behaves as if `SO_REUSEADDR` were set, as servers set it:
    /// only another listener on an overlapping address makes the port busy.
    /// - Parameter backlog: the accept-queue limit, capped at `net.core.somaxconn`.
    public func listenTCP(address: IPv4Address = .any, port: UInt16, backlog: Int = 4096) throws(SocketError) -> TCPListener {
        let tcp = self.tcp
        if !address.isUnspecified && !isLocalAddress(address) { throw .addressNotAvailable }
        var chosen = port
        if chosen == 0 {
            guard let free = pickEphemeralPort(isFree: { tcp.listeners[$0] == nil }) else { throw .noEphemeralPorts }
            chosen = free
        } else if let bound = tcp.listeners[chosen], bound.contains(where: {
            $0.address.isUnspecified || address.isUnspecified || $0.address == address
        }) {
            throw .addressInUse
        }
        let listener = TCPListener(tcp: tcp, address: address, port: chosen, backlog: min(max(backlog, 0), tcp.settings.somaxconn))
        tcp.listeners[chosen, default: []].append(listener)
        return listener
    }

    /// Starts connecting to `address:port` (`connect` on a non-blocking socket): the SYN is sent
    /// now and `onConnected` or `onClosed` reports the outcome. The source address is `source`
    /// if given (it must be one of the namespace's), else the one routing picks; the source port
    /// is an ephemeral one.
    /// - Throws: `.networkUnreachable` with no route, `.addressNotAvailable` for a foreign
    ///   `source`, `.noEphemeralPorts` when every port to that destination is taken.
    public func connectTCP(to address: IPv4Address, port: UInt16, from source: IPv4Address? = nil) throws(SocketError) -> TCPConnection {
        try tcp.connect(to: address, port: port, from: source)
    }
}

extension TCPProtocol {
    func connect(to address: IPv4Address, port: UInt16, from source: IPv4Address?) throws(SocketError) -> TCPConnection {
        if let source, !source.isUnspecified, !namespace.isLocalAddress(source) { throw .addressNotAvailable }
        guard !address.isBroadcast, !address.isMulticast, !address.isUnspecified,
            let out = namespace.routeOutputUnretained(to: address, from: source)
        else { throw .networkUnreachable }
        let local = out.source
        guard let (localPort, timeWait) = chooseEphemeralPort(local: local, remote: address, remotePort: port) else {
            throw .noEphemeralPorts
        }
        var isn: UInt32?
        var tsRecent: (UInt32, SimTime)?
        if let timeWait {
            // tcp_twsk_unique: the new incarnation starts past the old one's sequence space.
            isn = timeWait.sndNxt &+ 65535 &+ 2
            if isn == 0 { isn = 1 }
            if let stamp = timeWait.tsRecentStamp { tsRecent = (timeWait.tsRecent, stamp) }
            timeWait.finish(notify: nil)
        }
        let connection = TCPConnection(
            tcp: self, local: local, localPort: localPort, remote: address, remotePort: port, state: .synSent)
        insert(connection)
        counters.activeOpens += 1
        connection.startActiveOpen(mtu: out.device.borrow { routeMTU(device: $0, destination: address) }, isn: isn, tsRecent: tsRecent)
        return connection
    }

    /// The source port for a connection to `remote:remotePort` from `local`, Linux's double-hash
    /// port selection (RFC 6056 algorithm 4, `__inet_hash_connect`): a keyed hash of the
    /// destination picks a perturbation-table entry and a starting offset; ports of the range's
    /// parity are scanned first, two at a time, then the others. A port is usable when no
    /// listener is bound to it and the 4-tuple is free (or in a TIME-WAIT that may be reused).
    /// After a success the table entry advances, so successive connections to one destination
    /// walk upward through the range.
    func chooseEphemeralPort(local: IPv4Address, remote: IPv4Address, remotePort: UInt16) -> (UInt16, TCPConnection?)? {
        let low = Int(namespace.localPortRange.low)
        let high = Int(namespace.localPortRange.high) + 1
        guard high > low else { return nil }
        var remaining = high - low
        if remaining > 1 { remaining &= ~1 }
        let step = 2
        let portOffset = TCPProtocol.keyedHash(portSecret, local.value, remote.value, UInt32(remotePort))
        let index = UInt32(truncatingIfNeeded: portOffset) & 0xFFFF
        let perturbation = portPerturbation[PerturbationIndex(value: index)]
            ?? UInt32(truncatingIfNeeded: TCPProtocol.keyedHash(perturbSecret, index, 0))
        var offset = Int((perturbation &+ UInt32(truncatingIfNeeded: portOffset >> 32)) % UInt32(remaining))
        offset &= ~1
        while true {
            var port = low + offset
            var i = 0
            while i < remaining {
                if port >= high { port -= remaining }
                if let reuse = portUsable(UInt16(port), local: local, remote: remote, remotePort: remotePort) {
                    let advance = max(i, Int(portRandom.next(below: 8)) * step)
                    portPerturbation[PerturbationIndex(value: index)] = perturbation &+ UInt32(advance + step)
                    return (UInt16(port), reuse.timeWait)
                }
                i += step
                port += step
            }
            offset += 1
            if offset & 1 == 1 && remaining > 1 { continue }
            return nil
        }
    }

    struct PortReuse { var timeWait: TCPConnection? }

    /// Whether `port` can carry a new connection to `remote:remotePort`; with the TIME-WAIT
    /// connection it replaces, if any (`__inet_check_established` + `tcp_twsk_unique`).
    private func portUsable(_ port: UInt16, local: IPv4Address, remote: IPv4Address, remotePort: UInt16) -> PortReuse? {
        // A client namespace usually has no listener at all: no port to hash then.
        if !listeners.isEmpty && listeners[port] != nil { return nil }
        let key = TCPFourTuple(local: local, localPort: port, remote: remote, remotePort: remotePort)
        guard let existing = connections[key] else { return PortReuse(timeWait: nil) }
        guard existing.state == .timeWait, timeWaitReusable(existing) else { return nil }
        return PortReuse(timeWait: existing)
    }

    /// `tcp_twsk_unique` with `tcp_tw_reuse`: only with timestamps, more than a second after the
    /// last one seen, and for loopback traffic when the sysctl is 2.
    private func timeWaitReusable(_ connection: TCPConnection) -> Bool {
        switch settings.timeWaitReuse {
        case 0: return false
        case 2: if !(connection.localAddress.isLoopback || connection.remoteAddress.isLoopback) { return false }
        default: break
        }
        guard let stamp = connection.tsRecentStamp else { return false }
        return now - stamp > .seconds(1)
    }
}
