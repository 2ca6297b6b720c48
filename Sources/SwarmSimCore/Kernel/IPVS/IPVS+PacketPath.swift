/// A packet as IPVS's hooks see it: its 5-tuple, TCP flags, mark and length, plus the two facts
/// about it the kernel looks up elsewhere.
public struct IPVSPacket: Hashable, Sendable {
    public var protocolNumber: IPProtocol
    public var sourceAddress: IPv4Address
    public var sourcePort: UInt16
    public var destinationAddress: IPv4Address
    public var destinationPort: UInt16
    /// The TCP flags (ignored for UDP).
    public var tcpFlags: TCPFlags
    /// `skb->mark` (set by `-j MARK` in mangle PREROUTING/INPUT/OUTPUT).
    public var mark: UInt32
    /// `skb->len`: the IP datagram's length, counted in the byte statistics.
    public var length: Int
    /// Whether the packet's conntrack entry is confirmed (`nf_ct_is_confirmed`), which
    /// `ip_vs_conn_uses_old_conntrack` asks before rescheduling a reused connection.
    public var conntrackConfirmed: Bool
    /// Whether the packet was generated locally (`skb->dev` NULL or loopback): such a packet
    /// is not scheduled if it is the reply of an existing connection to a local real server.
    public var isLocallyGenerated: Bool

    public init(
        protocolNumber: IPProtocol, sourceAddress: IPv4Address, sourcePort: UInt16, destinationAddress: IPv4Address,
        destinationPort: UInt16, tcpFlags: TCPFlags = [], mark: UInt32 = 0, length: Int = 0,
        conntrackConfirmed: Bool = false, isLocallyGenerated: Bool = false
    ) {
        self.protocolNumber = protocolNumber
        self.sourceAddress = sourceAddress
        self.sourcePort = sourcePort
        self.destinationAddress = destinationAddress
        self.destinationPort = destinationPort
        self.tcpFlags = tcpFlags
        self.mark = mark
        self.length = length
        self.conntrackConfirmed = conntrackConfirmed
        self.isLocallyGenerated = isLocallyGenerated
    }

    /// What the schedulers read of it.
    public var schedulingPacket: IPVSSchedulingPacket {
        IPVSSchedulingPacket(
            protocolNumber: protocolNumber, sourceAddress: sourceAddress, sourcePort: sourcePort,
            destinationAddress: destinationAddress, destinationPort: destinationPort)
    }
}

/// What `ip_vs_in` decides for a packet.
public enum IPVSInboundVerdict: Equatable, CustomStringConvertible {
    /// `NF_ACCEPT` without a connection: not IPVS traffic (no service, not a SYN, ...); the
    /// packet continues through the stack untouched.
    case accept
    /// Transmit through the connection (`cp->packet_xmit`): for NAT, rewrite the destination
    /// to `destinationAddress:destinationPort`. The packet has been counted and the
    /// connection's state and timer advanced.
    case forward(IPVSConnection)
    /// `NF_DROP`.
    case drop
    /// `ip_vs_leave`: the service has no usable destination; send ICMP port unreachable
    /// (type 3 code 3) to the client and drop the packet, for TCP and UDP alike.
    case portUnreachable

    public static func == (a: IPVSInboundVerdict, b: IPVSInboundVerdict) -> Bool {
        switch (a, b) {
        case (.accept, .accept), (.drop, .drop), (.portUnreachable, .portUnreachable): true
        case (.forward(let x), .forward(let y)): x === y
        default: false
        }
    }

    public var description: String {
        switch self {
        case .accept: "accept"
        case .forward(let c): "forward \(c.destinationAddress):\(c.destinationPort)"
        case .drop: "drop"
        case .portUnreachable: "port-unreachable"
        }
    }

    /// The connection of a `.forward` verdict.
    public var connection: IPVSConnection? {
        if case .forward(let c) = self { return c }
        return nil
    }
}

/// The outcome of `ip_vs_schedule` (its `*ignored` out-parameter made explicit).
enum IPVSScheduleOutcome {
    case created(IPVSConnection)
    /// `*ignored = 1`: not scheduled on purpose; the packet is accepted as is.
    case ignored
    /// `*ignored = 0`: no destination; the caller leaves (`ip_vs_leave`).
    case failed
}

extension IPVS {
    /// `FTPPORT` and `FTPDATA`.
    static let ftpPort: UInt16 = 21
    static let ftpDataPort: UInt16 = 20
    /// `ip_unprivileged_port_start` (`inet_port_requires_bind_service`).
    static let unprivilegedPortStart: UInt16 = 1024

    // MARK: - Lookups

    /// `ip_vs_service_find`: the fwmark table first (when `fwmark` is non-zero), then the
    /// exact `<protocol, address, port>` service, then (TCP only) an FTP service on port 21 of
    /// the address for port 20 or unprivileged ports, then a port-0 catch-all. O(1).
    public func lookupService(fwmark: UInt32, protocol proto: IPProtocol, address: IPv4Address, port: UInt16) -> IPVSService? {
        if fwmark != 0, let service = serviceTable[.fwmark(fwmark)] { return service }
        if let service = serviceTable[.address(proto, address, port)] { return service }
        if proto == .tcp && (port == Self.ftpDataPort || port >= Self.unprivilegedPortStart),
            let service = serviceTable[.address(.tcp, address, Self.ftpPort)]
        {
            return service
        }
        return serviceTable[.address(proto, address, 0)]
    }

    /// `ip_vs_conn_in_get`: the connection of a client packet `client → virtual`, after
    /// running the timers due by `now`. O(1) amortised.
    public func connection(
        protocol proto: IPProtocol, client: (address: IPv4Address, port: UInt16),
        virtual: (address: IPv4Address, port: UInt16), now: SimTime
    ) -> IPVSConnection? {
        runTimers(upTo: now)
        return findIn(proto, client.address, client.port, virtual.address, virtual.port)
    }

    /// `ip_vs_conn_out_get`: the connection of a real-server reply `realServer → client`
    /// (for NAT the real server's address and port; for other methods the virtual ones).
    /// O(1) amortised.
    public func replyConnection(
        protocol proto: IPProtocol, realServer: (address: IPv4Address, port: UInt16),
        client: (address: IPv4Address, port: UInt16), now: SimTime
    ) -> IPVSConnection? {
        runTimers(upTo: now)
        return findOut(
            proto, source: realServer.address, sourcePort: realServer.port, client: client.address,
            clientPort: client.port)
    }

    // MARK: - Scheduling

    /// `ip_vs_schedule` for a non-persistent service: let the scheduler pick a destination and
    /// create the connection (`ip_vs_conn_new`: destination port = the server's port, or the
    /// virtual port when that is 0; state NONE; 3 s timer) and count it. nil when no
    /// destination is usable (the caller then sends ICMP port unreachable), or when the kernel
    /// would not schedule at all: a client port of 20 (FTP data), or a virtual port other
    /// than an address service's own.
    public func schedule(
        _ service: IPVSService, client: (address: IPv4Address, port: UInt16),
        virtual: (address: IPv4Address, port: UInt16), protocol proto: IPProtocol, fwmark: UInt32 = 0, now: SimTime
    ) -> IPVSConnection? {
        runTimers(upTo: now)
        let packet = IPVSSchedulingPacket(
            protocolNumber: proto, sourceAddress: client.address, sourcePort: client.port,
            destinationAddress: virtual.address, destinationPort: virtual.port)
        if case .created(let c) = scheduleConnection(service, packet, fwmark: fwmark, isLocallyGenerated: false, now: now) {
            return c
        }
        return nil
    }

    /// `ip_vs_schedule`.
    func scheduleConnection(
        _ service: IPVSService, _ packet: IPVSSchedulingPacket, fwmark: UInt32, isLocallyGenerated: Bool, now: SimTime
    ) -> IPVSScheduleOutcome {
        // Never schedule active FTP data connections from a real server.
        if packet.sourcePort == Self.ftpDataPort { return .ignored }
        // Do not schedule replies from a local real server.
        if isLocallyGenerated,
            findIn(
                packet.protocolNumber, packet.destinationAddress, packet.destinationPort, packet.sourceAddress,
                packet.sourcePort) != nil
        {
            return .ignored
        }
        if service.fwmark == 0 && packet.destinationPort != service.port { return .failed }
        guard let scheduler = service.scheduler,
            let dest = scheduler.schedule(service, packet: packet, ipvs: self, now: now)
        else { return .failed }
        let c = IPVSConnection(
            protocolNumber: packet.protocolNumber, client: (packet.sourceAddress, packet.sourcePort),
            virtual: (packet.destinationAddress, packet.destinationPort),
            destination: (dest.address, dest.port != 0 ? dest.port : packet.destinationPort), fwmark: fwmark,
            flags: [], now: now)
        bind(c, to: dest)
        if sysctls.conntrack != 0 { c.flags.insert(.nfct) }
        hash(c)
        armTimer(c, at: now + c.timeout)
        // ip_vs_conn_stats
        dest.stats.connections += 1
        dest.service?.stats.connections += 1
        totalStats.connections += 1
        return .created(c)
    }

    // MARK: - State and counters

    /// `ip_vs_set_state` followed by `ip_vs_conn_put`: advance the protocol state for a
    /// packet crossing `c` in `direction` and restart its timer with the new state's timeout.
    ///
    /// TCP follows `set_tcp_state`: connections flagged NOOUTPUT (DR, tunnel) use the
    /// INPUT-ONLY table until a packet is seen in the output direction; a state change moves
    /// the connection between the destination's InActConn and ActiveConn (ESTABLISHED is the
    /// only active state). UDP (`udp_state_transition`) only refreshes the 5-minute timeout.
    public func updateState(_ c: IPVSConnection, direction: IPVSDirection, tcpFlags: TCPFlags, now: SimTime) {
        switch c.protocolNumber {
        case .tcp: setTCPState(c, direction: direction, flags: tcpFlags)
        case .udp: c.timeout = udpTimeout
        default: break
        }
        if c.isLinked { armTimer(c, at: now + c.timeout) }
    }

    /// `set_tcp_state`.
    private func setTCPState(_ c: IPVSConnection, direction: IPVSDirection, flags: TCPFlags) {
        var direction = direction
        if c.flags.contains(.noOutput) {
            if direction == .output {
                c.flags.remove(.noOutput)
            } else {
                direction = .inputOnly
            }
        }
        let newState = IPVSProtocolTCP.nextState(from: c.state, direction: direction, flags: flags)
        if newState != c.state, let dest = c.destination {
            if !c.flags.contains(.inactive) && newState != .established {
                dest.activeConnections -= 1
                dest.inactiveConnections += 1
                c.flags.insert(.inactive)
            } else if c.flags.contains(.inactive) && newState == .established {
                dest.activeConnections += 1
                dest.inactiveConnections -= 1
                c.flags.remove(.inactive)
            }
        }
        c.state = newState
        c.timeout = tcpTimeouts[Int(newState.rawValue)]
    }

    /// `ip_vs_in_stats` / `ip_vs_out_stats`: count a packet of `bytes` (the IP datagram's
    /// length) for the connection's destination, its service and the namespace, if the
    /// destination is still available.
    public func recordPacket(_ c: IPVSConnection, direction: IPVSDirection, bytes: Int) {
        guard let dest = c.destination, dest.isAvailable else { return }
        let length = UInt64(max(0, bytes))
        if direction == .output {
            dest.stats.outPackets += 1
            dest.stats.outBytes += length
            dest.service?.stats.outPackets += 1
            dest.service?.stats.outBytes += length
            totalStats.outPackets += 1
            totalStats.outBytes += length
        } else {
            dest.stats.inPackets += 1
            dest.stats.inBytes += length
            dest.service?.stats.inPackets += 1
            dest.service?.stats.inBytes += length
            totalStats.inPackets += 1
            totalStats.inBytes += length
        }
    }

    // MARK: - Hooks

    /// `ip_vs_in` (`ip_vs_in_hook`) up to the transmit: find the packet's connection, apply
    /// port-reuse and no-destination handling, schedule a new connection if needed
    /// (`tcp_conn_schedule` / `udp_conn_schedule`), count the packet and advance the state.
    ///
    /// - A SYN that finds an existing connection is rescheduled when the connection's server
    ///   has weight 0 and `expire_nodest_conn=1`, or when `conn_reuse_mode` is set and the old
    ///   connection is in TIME_WAIT or CLOSE (or FIN_WAIT without output, with bit 1): the old
    ///   connection expires at the next timer run, and the SYN is dropped if its conntrack
    ///   entry is confirmed (the client retransmits), scheduled anew otherwise. With
    ///   `conn_reuse_mode=0` it goes to the old server.
    /// - A packet of a connection whose server was deleted is dropped, or with
    ///   `expire_nodest_conn=1` expires the connection and is dropped (confirmed conntrack) or
    ///   rescheduled.
    /// - TCP is only scheduled on a SYN without RST (any packet with `sloppy_tcp`); UDP on any
    ///   datagram.
    public func inbound(_ packet: IPVSPacket, now: SimTime) -> IPVSInboundVerdict {
        let proto = packet.protocolNumber
        guard proto == .tcp || proto == .udp else { return .accept }  // no ip_vs_proto_data
        runTimers(upTo: now)
        var found = findIn(proto, packet.sourceAddress, packet.sourcePort, packet.destinationAddress, packet.destinationPort)

        if let c = found, proto == .tcp, packet.tcpFlags.contains(.syn) {  // is_new_conn
            var reschedule = false
            var oldConntrack = false
            if sysctls.expireNodestConn != 0, let dest = c.destination, dest.weight == 0 {
                reschedule = true
                oldConntrack = packet.conntrackConfirmed
            } else if sysctls.connReuseMode != 0 && isNewConnectionExpected(c) {
                oldConntrack = packet.conntrackConfirmed
                reschedule = true  // no controlled connections in this model
            }
            if reschedule {
                if !oldConntrack { c.flags.remove(.nfct) }
                expireNow(c, now: now)
                if oldConntrack { return .drop }
                found = nil
            }
        }

        // Check the server status.
        if let c = found, let dest = c.destination, !dest.isAvailable {
            guard sysctls.expireNodestConn != 0 else { return .drop }
            let oldConntrack = packet.conntrackConfirmed
            if !oldConntrack { c.flags.remove(.nfct) }
            expireNow(c, now: now)
            if oldConntrack { return .drop }
            found = nil
        }

        let c: IPVSConnection
        if let existing = found {
            c = existing
        } else {
            if proto == .tcp {
                // tcp_conn_schedule: no !th->ack check, to allow SYN+ACK for active FTP.
                let flags = packet.tcpFlags
                guard (flags.contains(.syn) || sysctls.sloppyTCP != 0) && !flags.contains(.rst) else { return .accept }
            }
            guard
                let service = lookupService(
                    fwmark: packet.mark, protocol: proto, address: packet.destinationAddress,
                    port: packet.destinationPort)
            else { return .accept }
            switch scheduleConnection(
                service, packet.schedulingPacket, fwmark: packet.mark, isLocallyGenerated: packet.isLocallyGenerated,
                now: now)
            {
            case .created(let created): c = created
            case .ignored: return .accept
            case .failed: return leave(service, packet)
            }
        }
        recordPacket(c, direction: .input, bytes: packet.length)
        updateState(c, direction: .input, tcpFlags: packet.tcpFlags, now: now)
        return .forward(c)
    }

    /// `handle_response` of `ip_vs_out` (`ip_vs_out_hook`): for a real server's reply that
    /// belongs to a NAT connection, count it, advance the state (OUTPUT direction) and restart
    /// the timer; the caller rewrites the source to `virtualAddress:virtualPort`. nil when the
    /// packet belongs to no connection or to a non-NAT one (left alone, timer untouched).
    public func outbound(_ packet: IPVSPacket, now: SimTime) -> IPVSConnection? {
        let proto = packet.protocolNumber
        guard proto == .tcp || proto == .udp else { return nil }
        runTimers(upTo: now)
        guard
            let c = findOut(
                proto, source: packet.sourceAddress, sourcePort: packet.sourcePort, client: packet.destinationAddress,
                clientPort: packet.destinationPort),
            c.forwarding == .masquerade
        else { return nil }
        recordPacket(c, direction: .output, bytes: packet.length)
        updateState(c, direction: .output, tcpFlags: packet.tcpFlags, now: now)
        return c
    }

    /// `is_new_conn_expected`.
    func isNewConnectionExpected(_ c: IPVSConnection) -> Bool {
        guard c.protocolNumber == .tcp else { return false }
        return c.state == .timeWait || c.state == .close
            || (sysctls.connReuseMode & 2 != 0 && c.state == .finWait && c.flags.contains(.noOutput))
    }

    /// `ip_vs_conn_expire_now`: make the timer fire at `now` (the connection leaves the table
    /// at the next timer run; a rescheduled replacement is already in front of it).
    public func expireNow(_ c: IPVSConnection, now: SimTime) {
        guard c.isLinked, c.expires > now else { return }
        armTimer(c, at: now)
    }

    /// `ip_vs_leave` (without cache bypass): an FTP service lets other ports through,
    /// everything else gets ICMP port unreachable.
    func leave(_ service: IPVSService, _ packet: IPVSPacket) -> IPVSInboundVerdict {
        if service.port == Self.ftpPort && packet.destinationPort != Self.ftpPort { return .accept }
        return .portUnreachable
    }
}
