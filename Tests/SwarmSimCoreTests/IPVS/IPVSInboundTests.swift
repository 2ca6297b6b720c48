import Testing
@testable import SwarmSimCore

/// `ip_vs_in` / `ip_vs_out` decisions: service lookup, scheduling on SYN, port reuse with
/// `conn_reuse_mode`, destinations quiesced or deleted with `expire_nodest_conn`, ICMP when no
/// server is usable, and the counters `ipvsadm --stats` shows. Docker's shape: fwmark 256,
/// rr, real servers on port 0 with masquerading.
@Suite struct IPVSInboundTests {
    static let client = IPVSTest.ip("10.0.1.3")
    static let vip = IPVSTest.ip("10.0.1.2")
    static let fw = IPVSServiceKey.fwmark(256)

    /// Docker's LB namespace: `-A -f 256 -s rr`, tasks .5 then .7 (list .7, .5).
    static func docker(_ sysctls: IPVSSysctls = .docker) throws -> IPVS {
        let ipvs = IPVS(seed: 7, name: "lb", sysctls: sysctls)
        try ipvs.addService(fw, scheduler: "rr", now: .zero)
        for task in ["10.0.1.5", "10.0.1.7"] {
            try ipvs.addDestination(to: fw, IPVSDestinationSpec(address: IPVSTest.ip(task)), now: .zero)
        }
        return ipvs
    }

    static func packet(
        _ flags: TCPFlags, sport: UInt16 = 40000, mark: UInt32 = 256, length: Int = 60, confirmed: Bool = false,
        proto: IPProtocol = .tcp
    ) -> IPVSPacket {
        IPVSPacket(
            protocolNumber: proto, sourceAddress: client, sourcePort: sport, destinationAddress: vip, destinationPort: 80,
            tcpFlags: flags, mark: mark, length: length, conntrackConfirmed: confirmed)
    }

    static func reply(_ c: IPVSConnection, _ flags: TCPFlags, length: Int = 60) -> IPVSPacket {
        IPVSPacket(
            protocolNumber: c.protocolNumber, sourceAddress: c.destinationAddress, sourcePort: c.destinationPort,
            destinationAddress: c.clientAddress, destinationPort: c.clientPort, tcpFlags: flags, length: length)
    }

    /// A SYN with the service's mark is scheduled (newest task first), DNAT keeps port 80;
    /// the reply is found by the reverse index; packets and bytes are counted per direction.
    @Test func synIsScheduledAndRepliesFound() throws {
        let ipvs = try Self.docker()
        let verdict = ipvs.inbound(Self.packet(.syn), now: .zero)
        let c = try #require(verdict.connection)
        #expect(c.destinationAddress == IPVSTest.ip("10.0.1.7"))
        #expect(c.destinationPort == 80)
        #expect(c.forwarding == .masquerade)
        #expect(c.fwmark == 256)
        #expect(c.flags.contains(.nfct))  // conntrack=1
        #expect(c.stateName == "SYN_RECV")
        #expect(ipvs.outbound(Self.reply(c, [.syn, .ack], length: 60), now: .zero) === c)
        #expect(ipvs.inbound(Self.packet(.ack, length: 52), now: .zero) == .forward(c))
        #expect(c.stateName == "ESTABLISHED")
        let dest = try #require(c.destination)
        #expect(dest.stats == {
            var s = IPVSStats()
            s.connections = 1
            s.inPackets = 2
            s.inBytes = 112
            s.outPackets = 1
            s.outBytes = 60
            return s
        }())
        #expect(ipvs.service(Self.fw)?.stats == dest.stats)
        #expect(ipvs.totalStats == dest.stats)
    }

    /// Not IPVS traffic: no mark and no address service, a TCP segment without SYN and no
    /// connection, ICMP.
    @Test func unrelatedPacketsAreAccepted() throws {
        let ipvs = try Self.docker()
        #expect(ipvs.inbound(Self.packet(.syn, mark: 0), now: .zero) == .accept)
        #expect(ipvs.inbound(Self.packet(.ack), now: .zero) == .accept)
        #expect(ipvs.inbound(Self.packet([.syn, .rst]), now: .zero) == .accept)
        #expect(ipvs.inbound(Self.packet([], proto: .icmp), now: .zero) == .accept)
        #expect(ipvs.connectionCount == 0)
    }

    /// With sloppy_tcp a mid-stream ACK is scheduled too (and INPUT ack from NONE is
    /// ESTABLISHED).
    @Test func sloppyTCPSchedulesOnAnyPacket() throws {
        var sysctls = IPVSSysctls.docker
        sysctls.sloppyTCP = 1
        let ipvs = try Self.docker(sysctls)
        let c = try #require(ipvs.inbound(Self.packet(.ack), now: .zero).connection)
        #expect(c.stateName == "ESTABLISHED")
    }

    /// UDP is scheduled on any datagram.
    @Test func udpIsScheduled() throws {
        let ipvs = try Self.docker()
        let c = try #require(ipvs.inbound(Self.packet([], proto: .udp), now: .zero).connection)
        #expect(c.stateName == "UDP")
        #expect(c.protocolNumber == .udp)
    }

    /// Every task quiesced (weight 0, the 2 s window of `docker service update`): the SYN gets
    /// ICMP port unreachable.
    @Test func noUsableDestinationIsPortUnreachable() throws {
        let ipvs = try Self.docker()
        for task in ["10.0.1.5", "10.0.1.7"] {
            try ipvs.editDestination(in: Self.fw, IPVSDestinationSpec(address: IPVSTest.ip(task), weight: 0), now: .zero)
        }
        #expect(ipvs.inbound(Self.packet(.syn), now: .zero) == .portUnreachable)
        #expect(ipvs.inbound(Self.packet([], proto: .udp), now: .zero) == .portUnreachable)
    }

    /// Client port 20 (FTP data) is never scheduled.
    @Test func ftpDataSourcePortIsNotScheduled() throws {
        let ipvs = try Self.docker()
        #expect(ipvs.inbound(Self.packet(.syn, sport: 20), now: .zero) == .accept)
    }

    /// A locally generated packet that is the reply of an existing connection to a local real
    /// server is not scheduled.
    @Test func localRepliesAreNotScheduled() throws {
        let ipvs = try Self.docker()
        let c = try #require(ipvs.inbound(Self.packet(.syn), now: .zero).connection)
        // The real server answers from the VIP's port to the client... as a new packet to the
        // "service" it would match only if addressed to it; emulate a reply that carries the
        // connection's virtual side as destination and is marked.
        let local = IPVSPacket(
            protocolNumber: .tcp, sourceAddress: c.virtualAddress, sourcePort: c.virtualPort,
            destinationAddress: c.clientAddress, destinationPort: c.clientPort, tcpFlags: [.syn, .ack], mark: 256,
            isLocallyGenerated: true)
        #expect(ipvs.inbound(local, now: .zero) == .accept)
    }

    /// Default `conn_reuse_mode=1`: a SYN reusing the port of a TIME_WAIT entry reschedules.
    /// With an unconfirmed conntrack the old entry is expired (at the next timer run) and the
    /// SYN goes to the next server; the old entry is gone after the timers run.
    @Test func connReuseModeOneReschedulesTimeWait() throws {
        let ipvs = try Self.docker(IPVSSysctls())
        let old = try #require(ipvs.inbound(Self.packet(.syn), now: .zero).connection)
        ipvs.updateState(old, direction: .input, tcpFlags: .ack, now: .zero)
        ipvs.updateState(old, direction: .input, tcpFlags: .fin, now: .zero)
        ipvs.updateState(old, direction: .output, tcpFlags: .fin, now: .zero)
        #expect(old.stateName == "TIME_WAIT")
        let t = SimTime.zero + .seconds(5)
        let new = try #require(ipvs.inbound(Self.packet(.syn, confirmed: false), now: t).connection)
        #expect(new !== old)
        #expect(new.destinationAddress != old.destinationAddress)  // rr moved on
        #expect(old.isLinked)  // expires at the next timer run
        ipvs.expireConnections(now: t)
        #expect(!old.isLinked)
        #expect(ipvs.connectionCount == 1)
    }

    /// The same with a confirmed conntrack: the SYN is dropped; the client's retransmission
    /// after the old entry expired is scheduled.
    @Test func connReuseModeOneDropsWhenConntrackIsConfirmed() throws {
        let ipvs = try Self.docker(IPVSSysctls())
        let old = try #require(ipvs.inbound(Self.packet(.syn), now: .zero).connection)
        ipvs.updateState(old, direction: .input, tcpFlags: .ack, now: .zero)
        ipvs.updateState(old, direction: .input, tcpFlags: .rst, now: .zero)  // ESTABLISHED → CLOSE
        #expect(old.stateName == "CLOSE")
        let t = SimTime.zero + .seconds(1)
        #expect(ipvs.inbound(Self.packet(.syn, confirmed: true), now: t) == .drop)
        let retry = ipvs.inbound(Self.packet(.syn, confirmed: true), now: t + .seconds(1))
        #expect(retry.connection != nil && retry.connection !== old)
    }

    /// Docker's `conn_reuse_mode=0`: the reused port goes to the same server, continuing the
    /// old entry (TIME_WAIT + SYN → SYN_RECV).
    @Test func connReuseModeZeroKeepsTheServer() throws {
        let ipvs = try Self.docker()
        let old = try #require(ipvs.inbound(Self.packet(.syn), now: .zero).connection)
        ipvs.updateState(old, direction: .input, tcpFlags: .ack, now: .zero)
        ipvs.updateState(old, direction: .input, tcpFlags: .fin, now: .zero)
        ipvs.updateState(old, direction: .output, tcpFlags: .fin, now: .zero)
        let again = ipvs.inbound(Self.packet(.syn, confirmed: true), now: SimTime.zero + .seconds(5))
        #expect(again == .forward(old))
        #expect(old.stateName == "SYN_RECV")
    }

    /// `expire_nodest_conn=1` and a quiesced server: a new SYN on its entry (any state) is
    /// rescheduled even with `conn_reuse_mode=0`.
    @Test func expireNodestConnReschedulesQuiescedServer() throws {
        let ipvs = try Self.docker()
        let old = try #require(ipvs.inbound(Self.packet(.syn), now: .zero).connection)
        ipvs.updateState(old, direction: .input, tcpFlags: .ack, now: .zero)
        try ipvs.editDestination(in: Self.fw, IPVSDestinationSpec(address: old.destinationAddress, weight: 0), now: .zero)
        // Non-SYN packets keep flowing to the quiesced server.
        #expect(ipvs.inbound(Self.packet(.ack), now: .zero) == .forward(old))
        let new = try #require(ipvs.inbound(Self.packet(.syn), now: .zero).connection)
        #expect(new.destinationAddress != old.destinationAddress)
        #expect(!old.flags.contains(.nfct))  // its conntrack is kept for the new connection
    }

    /// A deleted server with `expire_nodest_conn=0`: its connections stay (counted on the
    /// trashed destination) but their packets are dropped; re-adding the server revives the
    /// same destination with its counters, and the packets flow again.
    @Test func deletedServerWithoutExpireNodest() throws {
        let ipvs = try Self.docker(IPVSSysctls())
        let c = try #require(ipvs.inbound(Self.packet(.syn), now: .zero).connection)
        ipvs.updateState(c, direction: .input, tcpFlags: .ack, now: .zero)
        let dest = try #require(c.destination)
        try ipvs.deleteDestination(from: Self.fw, address: dest.address, port: 0, now: .zero)
        #expect(!dest.isAvailable)
        #expect(ipvs.trashedDestinations.first === dest)
        #expect(ipvs.inbound(Self.packet(.ack), now: .zero) == .drop)
        #expect(c.isLinked)
        let revived = try ipvs.addDestination(to: Self.fw, IPVSDestinationSpec(address: dest.address), now: .zero)
        #expect(revived === dest)
        #expect(dest.activeConnections == 1)
        #expect(ipvs.inbound(Self.packet(.ack), now: .zero) == .forward(c))
    }

    /// `expire_nodest_conn=1` (Docker): deleting a server expires its connections at once; the
    /// packet path hears about each (to drop the conntrack entry of `.nfct` ones).
    @Test func deletedServerWithExpireNodest() throws {
        let ipvs = try Self.docker()
        var expired: [UInt16] = []
        ipvs.onConnectionExpired = { expired.append($0.clientPort) }
        let c1 = try #require(ipvs.inbound(Self.packet(.syn, sport: 1001), now: .zero).connection)
        _ = ipvs.inbound(Self.packet(.syn, sport: 1002), now: .zero)
        let c3 = try #require(ipvs.inbound(Self.packet(.syn, sport: 1003), now: .zero).connection)
        #expect(c1.destination === c3.destination)
        try ipvs.deleteDestination(from: Self.fw, address: c1.destinationAddress, port: 0, now: .zero)
        #expect(Set(expired) == [1001, 1003])
        #expect(ipvs.connectionCount == 1)
        // The trashed destination has no references left; the trash timer frees it after
        // 60 s (idle start) + 120 s.
        #expect(ipvs.trashedDestinations.count == 1)
        ipvs.expireConnections(now: SimTime.zero + .seconds(60))
        #expect(ipvs.trashedDestinations.count == 1)
        ipvs.expireConnections(now: SimTime.zero + .seconds(180))
        #expect(ipvs.trashedDestinations.isEmpty)
    }

    /// Replies of direct-routing connections are not handled by the director.
    @Test func outboundIgnoresNonNATConnections() throws {
        let ipvs = IPVS()
        try ipvs.addService(Self.fw, scheduler: "rr", now: .zero)
        try ipvs.addDestination(
            to: Self.fw, IPVSDestinationSpec(address: IPVSTest.ip("10.0.1.5"), forwarding: .directRoute), now: .zero)
        let c = try #require(ipvs.inbound(Self.packet(.syn), now: .zero).connection)
        #expect(c.forwarding == .directRoute)
        let fromVIP = IPVSPacket(
            protocolNumber: .tcp, sourceAddress: Self.vip, sourcePort: 80, destinationAddress: Self.client,
            destinationPort: 40000, tcpFlags: [.syn, .ack])
        #expect(ipvs.replyConnection(protocol: .tcp, realServer: (Self.vip, 80), client: (Self.client, 40000), now: .zero) === c)
        #expect(ipvs.outbound(fromVIP, now: .zero) == nil)
    }

    /// `ip_vs_service_find`: fwmark first, then the exact address service, FTP (for TCP port 20
    /// and ports >= 1024), then a port-0 catch-all.
    @Test func serviceLookupOrder() throws {
        let ipvs = IPVS()
        let exact = try ipvs.addService(.address(.tcp, Self.vip, 80), scheduler: "rr", now: .zero)
        let marked = try ipvs.addService(.fwmark(9), scheduler: "rr", now: .zero)
        #expect(ipvs.lookupService(fwmark: 9, protocol: .tcp, address: Self.vip, port: 80) === marked)
        #expect(ipvs.lookupService(fwmark: 8, protocol: .tcp, address: Self.vip, port: 80) === exact)
        #expect(ipvs.lookupService(fwmark: 0, protocol: .udp, address: Self.vip, port: 80) == nil)
        let ftp = try ipvs.addService(.address(.tcp, Self.vip, 21), scheduler: "rr", now: .zero)
        #expect(ipvs.lookupService(fwmark: 0, protocol: .tcp, address: Self.vip, port: 5000) === ftp)
        #expect(ipvs.lookupService(fwmark: 0, protocol: .tcp, address: Self.vip, port: 20) === ftp)
        #expect(ipvs.lookupService(fwmark: 0, protocol: .tcp, address: Self.vip, port: 443) == nil)
        #expect(throws: IPVSControlError.notModelled("persistence")) {
            try ipvs.addService(.address(.tcp, Self.vip, 0), scheduler: "rr", flags: .persistent, now: .zero)
        }
    }

    /// Control-plane errors carry the kernel's errno meaning and libipvs's message.
    @Test func controlErrors() throws {
        let ipvs = try Self.docker()
        #expect(throws: IPVSControlError.serviceExists) { try ipvs.addService(Self.fw, scheduler: "rr", now: .zero) }
        #expect(throws: IPVSControlError.schedulerNotFound("rrr")) {
            try ipvs.addService(.fwmark(3), scheduler: "rrr", now: .zero)
        }
        #expect(throws: IPVSControlError.destinationExists) {
            try ipvs.addDestination(to: Self.fw, IPVSDestinationSpec(address: IPVSTest.ip("10.0.1.5")), now: .zero)
        }
        #expect(throws: IPVSControlError.noSuchDestination) {
            try ipvs.deleteDestination(from: Self.fw, address: IPVSTest.ip("10.0.1.9"), port: 0, now: .zero)
        }
        #expect(throws: IPVSControlError.serviceNotDefined) {
            try ipvs.addDestination(to: .fwmark(5), IPVSDestinationSpec(address: IPVSTest.ip("10.0.1.5")), now: .zero)
        }
        #expect(throws: IPVSControlError.outOfRange) {
            try ipvs.addDestination(
                to: Self.fw, IPVSDestinationSpec(address: IPVSTest.ip("10.0.1.9"), lowerThreshold: 5), now: .zero)
        }
        #expect(throws: IPVSControlError.invalid) {
            try ipvs.addDestination(to: Self.fw, IPVSDestinationSpec(address: IPVSTest.ip("224.0.0.1")), now: .zero)
        }
        #expect(throws: IPVSControlError.noSuchService) { try ipvs.deleteService(.fwmark(5), now: .zero) }
        #expect(IPVSControlError.serviceExists.description == "Service already exists")
    }

    /// Deleting the service moves its servers to the trash; flushing empties everything.
    @Test func deleteServiceAndFlush() throws {
        let ipvs = try Self.docker()
        _ = ipvs.inbound(Self.packet(.syn), now: .zero)
        try ipvs.deleteService(Self.fw, now: .zero)
        #expect(ipvs.services.isEmpty)
        #expect(ipvs.trashedDestinations.count == 2)
        #expect(ipvs.connectionCount == 0)  // expire_nodest_conn=1
        #expect(ipvs.inbound(Self.packet(.syn), now: .zero) == .accept)
        try ipvs.addService(.fwmark(1), scheduler: "wlc", now: .zero)
        ipvs.flush(now: .zero)
        #expect(ipvs.services.isEmpty)
    }

    /// Many connections (20 000 UDP flows): scheduled, counted and expired together.
    @Test func manyConnections() throws {
        let ipvs = try Self.docker()
        let count = 20_000
        for i in 0..<count {
            let p = IPVSPacket(
                protocolNumber: .udp, sourceAddress: IPVSTest.ip("10.1.0.0").advanced(i / 60000),
                sourcePort: UInt16(1024 + i % 60000), destinationAddress: Self.vip, destinationPort: 53, mark: 256)
            #expect(ipvs.inbound(p, now: .zero).connection != nil)
        }
        #expect(ipvs.connectionCount == count)
        #expect(IPVSTest.counts(ipvs, key: Self.fw) == ["10.0.1.7:0/10000", "10.0.1.5:0/10000"])
        ipvs.expireConnections(now: SimTime.zero + .seconds(300))
        #expect(ipvs.connectionCount == 0)
    }
}

extension IPv4Address {
    fileprivate func advanced(_ n: Int) -> IPv4Address { IPv4Address(value: value &+ UInt32(n)) }
}
