import Testing
@testable import SwarmSimCore

/// The TCP state machine of `ip_vs_proto_tcp.c` (`tcp_states`, `set_tcp_state`), its
/// timeouts, the ActiveConn/InActConn bookkeeping and connection expiry.
@Suite struct IPVSConnectionStateTests {
    /// One packet of a sequence and what the connection must look like after it.
    struct Step: Sendable, CustomStringConvertible {
        var direction: IPVSDirection
        var flags: TCPFlags
        var state: String
        var timeout: Int64
        var active: Int32
        var inactive: Int32
        var description: String { "\(direction) \(flags) → \(state)" }
    }

    static func step(
        _ direction: IPVSDirection, _ flags: TCPFlags, _ state: String, _ timeout: Int64, _ active: Int32, _ inactive: Int32
    ) -> Step {
        Step(direction: direction, flags: flags, state: state, timeout: timeout, active: active, inactive: inactive)
    }

    /// Runs `steps` on a fresh NAT (or DR) connection, one second apart, checking each.
    static func run(_ steps: [Step], forwarding: IPVSForwardingMethod = .masquerade) throws -> (IPVS, IPVSConnection) {
        let ipvs = try IPVSTest.make("rr", [("10.0.0.11", 1)], forwarding: forwarding)
        let svc = try #require(ipvs.service(IPVSTest.service))
        let c = try #require(
            ipvs.schedule(
                svc, client: (IPVSTest.ip("192.168.0.1"), 40000), virtual: (IPVSTest.vip, 80), protocol: .tcp,
                now: .zero))
        // A new connection: state NONE, 3 s timeout, counted as inactive.
        #expect(c.stateName == "NONE")
        #expect(c.timeout == .seconds(3))
        #expect(IPVSTest.counts(ipvs) == ["10.0.0.11:0/1"])
        for (index, step) in steps.enumerated() {
            let now = SimTime.zero + .seconds(Int64(index))
            ipvs.updateState(c, direction: step.direction, tcpFlags: step.flags, now: now)
            #expect(c.stateName == step.state, "\(step)")
            #expect(c.timeout == .seconds(step.timeout), "\(step)")
            #expect(c.expires == now + .seconds(step.timeout), "\(step)")
            #expect(IPVSTest.counts(ipvs) == ["10.0.0.11:\(step.active)/\(step.inactive)"], "\(step)")
        }
        return (ipvs, c)
    }

    /// Client-initiated close through a NAT director: the handshake (SYN_RECV until the
    /// client's ACK), ESTABLISHED (900 s, ActiveConn), the client's FIN puts the connection in
    /// CLOSE_WAIT (INPUT fin from sES is sCW), the server's FIN in TIME_WAIT (120 s).
    @Test func natClientCloses() throws {
        let steps = [
            Self.step(.input, .syn, "SYN_RECV", 60, 0, 1),
            Self.step(.output, [.syn, .ack], "SYN_RECV", 60, 0, 1),
            Self.step(.input, .ack, "ESTABLISHED", 900, 1, 0),
            Self.step(.input, [.psh, .ack], "ESTABLISHED", 900, 1, 0),
            Self.step(.output, .ack, "ESTABLISHED", 900, 1, 0),
            Self.step(.input, [.fin, .ack], "CLOSE_WAIT", 60, 0, 1),
            Self.step(.output, .ack, "CLOSE_WAIT", 60, 0, 1),
            Self.step(.output, [.fin, .ack], "TIME_WAIT", 120, 0, 1),
            Self.step(.input, .ack, "TIME_WAIT", 120, 0, 1),
        ]
        let (ipvs, c) = try Self.run(steps)
        // The last packet was at t = 8 s: the entry expires at 128 s.
        ipvs.expireConnections(now: SimTime.zero + .seconds(127))
        #expect(c.isLinked)
        ipvs.expireConnections(now: SimTime.zero + .seconds(128))
        #expect(!c.isLinked)
        #expect(ipvs.connectionCount == 0)
        #expect(IPVSTest.counts(ipvs) == ["10.0.0.11:0/0"])
    }

    /// Server-initiated close: the server's FIN moves ESTABLISHED to FIN_WAIT (OUTPUT fin from
    /// sES is sFW), the client's FIN then to TIME_WAIT.
    @Test func natServerCloses() throws {
        let steps = [
            Self.step(.input, .syn, "SYN_RECV", 60, 0, 1),
            Self.step(.output, [.syn, .ack], "SYN_RECV", 60, 0, 1),
            Self.step(.input, .ack, "ESTABLISHED", 900, 1, 0),
            Self.step(.output, [.fin, .ack], "FIN_WAIT", 120, 0, 1),
            Self.step(.input, .ack, "FIN_WAIT", 120, 0, 1),
            Self.step(.input, [.fin, .ack], "TIME_WAIT", 120, 0, 1),
            Self.step(.output, .ack, "TIME_WAIT", 120, 0, 1),
        ]
        _ = try Self.run(steps)
    }

    /// RST (checked before SYN/FIN/ACK) closes: CLOSE, 10 s. A SYN on a CLOSE entry starts
    /// over at SYN_RECV.
    @Test func resetCloses() throws {
        let steps = [
            Self.step(.input, .syn, "SYN_RECV", 60, 0, 1),
            Self.step(.output, [.syn, .ack], "SYN_RECV", 60, 0, 1),
            Self.step(.input, .ack, "ESTABLISHED", 900, 1, 0),
            Self.step(.input, [.rst, .ack], "CLOSE", 10, 0, 1),
            Self.step(.input, .syn, "SYN_RECV", 60, 0, 1),
            Self.step(.output, .rst, "CLOSE", 10, 0, 1),
        ]
        _ = try Self.run(steps)
    }

    /// A reply RST to a SYN (port closed on the server) leaves CLOSE; a segment with no
    /// SYN/FIN/ACK/RST also sends the connection to CLOSE (the kernel's default new_state).
    @Test func oddSegments() throws {
        let steps = [
            Self.step(.input, .syn, "SYN_RECV", 60, 0, 1),
            Self.step(.output, [.rst, .ack], "CLOSE", 10, 0, 1),
            Self.step(.input, .ack, "CLOSE", 10, 0, 1),
            Self.step(.input, [], "CLOSE", 10, 0, 1),
        ]
        _ = try Self.run(steps)
    }

    /// Direct routing: the director never sees replies (NOOUTPUT), so the INPUT-ONLY table
    /// applies: the client's ACK establishes, its FIN goes to FIN_WAIT (not CLOSE_WAIT).
    @Test func directRoutingUsesInputOnly() throws {
        let steps = [
            Self.step(.input, .syn, "SYN_RECV", 60, 0, 1),
            Self.step(.input, .ack, "ESTABLISHED", 900, 1, 0),
            Self.step(.input, [.fin, .ack], "FIN_WAIT", 120, 0, 1),
            Self.step(.input, .ack, "FIN_WAIT", 120, 0, 1),
        ]
        let (_, c) = try Self.run(steps, forwarding: .directRoute)
        #expect(c.flags.contains(.noOutput))
        #expect(c.forwarding == .directRoute)
    }

    /// An output packet clears NOOUTPUT, after which the normal INPUT table is used.
    @Test func outputPacketClearsNoOutput() throws {
        let steps = [
            Self.step(.input, .syn, "SYN_RECV", 60, 0, 1),
            Self.step(.output, [.syn, .ack], "SYN_RECV", 60, 0, 1),
            Self.step(.input, .ack, "ESTABLISHED", 900, 1, 0),
            Self.step(.input, [.fin, .ack], "CLOSE_WAIT", 60, 0, 1),
        ]
        let (_, c) = try Self.run(steps, forwarding: .directRoute)
        #expect(!c.flags.contains(.noOutput))
    }

    /// Every entry of `tcp_states` (INPUT, OUTPUT, INPUT-ONLY × syn, fin, ack, rst × 11 states),
    /// spot-checked against the kernel table's columns.
    @Test(arguments: [
        (IPVSDirection.input, TCPFlags.syn, "NONE", "SYN_RECV"), (.input, .syn, "ESTABLISHED", "ESTABLISHED"),
        (.input, .syn, "SYN_SENT", "ESTABLISHED"), (.input, .syn, "TIME_WAIT", "SYN_RECV"),
        (.input, .fin, "ESTABLISHED", "CLOSE_WAIT"), (.input, .fin, "SYN_SENT", "SYN_SENT"),
        (.input, .ack, "NONE", "ESTABLISHED"), (.input, .ack, "LAST_ACK", "CLOSE"), (.input, .ack, "SYNACK", "ESTABLISHED"),
        (.input, .rst, "SYN_RECV", "SYN_RECV"), (.input, .rst, "LAST_ACK", "LAST_ACK"), (.input, .rst, "SYNACK", "SYN_RECV"),
        (.output, .syn, "NONE", "SYN_SENT"), (.output, .syn, "LISTEN", "LISTEN"), (.output, .syn, "SYNACK", "SYN_RECV"),
        (.output, .fin, "NONE", "TIME_WAIT"), (.output, .fin, "CLOSE_WAIT", "TIME_WAIT"),
        (.output, .ack, "LAST_ACK", "LAST_ACK"), (.output, .ack, "LISTEN", "ESTABLISHED"),
        (.output, .rst, "SYN_SENT", "SYN_SENT"), (.output, .rst, "TIME_WAIT", "TIME_WAIT"),
        (.inputOnly, .syn, "NONE", "SYN_RECV"), (.inputOnly, .fin, "ESTABLISHED", "FIN_WAIT"),
        (.inputOnly, .fin, "CLOSE_WAIT", "CLOSE_WAIT"), (.inputOnly, .ack, "NONE", "ESTABLISHED"),
        (.inputOnly, .rst, "SYNACK", "CLOSE"),
    ])
    func transitionTable(direction: IPVSDirection, flags: TCPFlags, from: String, to: String) throws {
        let fromState = try #require(IPVSProtocolTCP.stateNames.firstIndex(of: from))
        let next = IPVSProtocolTCP.nextState(
            from: IPVSConnectionState(rawValue: UInt8(fromState)), direction: direction, flags: flags)
        #expect(IPVSProtocolTCP.stateName(next) == to)
    }

    /// The default timeouts (`tcp_timeouts`) and `ipvsadm --set`.
    @Test func timeoutsAndSet() throws {
        let ipvs = IPVS()
        let expected: [(IPVSConnectionState, Int64)] = [
            (.none, 2), (.established, 900), (.synSent, 120), (.synRecv, 60), (.finWait, 120), (.timeWait, 120),
            (.close, 10), (.closeWait, 60), (.lastAck, 30), (.listen, 120), (.synAck, 120),
        ]
        for (state, seconds) in expected { #expect(ipvs.tcpTimeout(state) == .seconds(seconds)) }
        #expect(ipvs.ipvsadmTimeouts() == "Timeout (tcp tcpfin udp): 900 120 300\n")
        ipvs.setTimeouts(tcp: 3600, tcpFin: 0, udp: 30)
        #expect(ipvs.ipvsadmTimeouts() == "Timeout (tcp tcpfin udp): 3600 120 30\n")
        #expect(ipvs.tcpTimeout(.established) == .seconds(3600))
    }

    /// UDP has one state ("UDP", 300 s) and its connections stay inactive.
    @Test func udpConnections() throws {
        let key = IPVSServiceKey.address(.udp, IPVSTest.vip, 53)
        let ipvs = try IPVSTest.make("rr", [("10.0.0.11", 1)], key: key)
        let svc = try #require(ipvs.service(key))
        let c = try #require(
            ipvs.schedule(
                svc, client: (IPVSTest.ip("192.168.0.1"), 5353), virtual: (IPVSTest.vip, 53), protocol: .udp,
                now: .zero))
        ipvs.updateState(c, direction: .input, tcpFlags: [], now: .zero)
        #expect(c.stateName == "UDP")
        #expect(c.timeout == .seconds(300))
        #expect(IPVSTest.counts(ipvs, key: key) == ["10.0.0.11:0/1"])
        ipvs.updateState(c, direction: .output, tcpFlags: [], now: SimTime.zero + .seconds(100))
        #expect(c.expires == SimTime.zero + .seconds(400))
        ipvs.expireConnections(now: SimTime.zero + .seconds(400))
        #expect(ipvs.connectionCount == 0)
    }

    /// Every packet restarts the timer; shortening a timeout (900 s → 10 s) takes effect.
    @Test func timerRestartsAndShortens() throws {
        let ipvs = try IPVSTest.make("rr", [("10.0.0.11", 1)])
        let svc = try #require(ipvs.service(IPVSTest.service))
        let c = try #require(
            ipvs.schedule(svc, client: (IPVSTest.ip("192.168.0.1"), 1), virtual: (IPVSTest.vip, 80), protocol: .tcp, now: .zero))
        ipvs.updateState(c, direction: .input, tcpFlags: .syn, now: .zero)
        ipvs.updateState(c, direction: .input, tcpFlags: .ack, now: .zero)
        #expect(ipvs.nextDeadline == SimTime.zero + .seconds(900))
        ipvs.updateState(c, direction: .input, tcpFlags: .ack, now: SimTime.zero + .seconds(500))
        #expect(ipvs.nextDeadline == SimTime.zero + .seconds(1400))
        ipvs.updateState(c, direction: .input, tcpFlags: .rst, now: SimTime.zero + .seconds(600))
        #expect(ipvs.nextDeadline == SimTime.zero + .seconds(610))
        ipvs.expireConnections(now: SimTime.zero + .seconds(609))
        #expect(c.isLinked)
        ipvs.expireConnections(now: SimTime.zero + .seconds(610))
        #expect(!c.isLinked)
        #expect(ipvs.nextDeadline == nil)
    }

    /// Lookups in both directions, and a reused client port: the newer entry shadows the
    /// older one until it expires.
    @Test func lookupsAndChains() throws {
        let ipvs = try IPVSTest.make("rr", [("10.0.0.11", 1), ("10.0.0.12", 1)])
        let svc = try #require(ipvs.service(IPVSTest.service))
        let client = (address: IPVSTest.ip("192.168.0.1"), port: UInt16(5000))
        let first = try #require(ipvs.schedule(svc, client: client, virtual: (IPVSTest.vip, 80), protocol: .tcp, now: .zero))
        #expect(ipvs.connection(protocol: .tcp, client: client, virtual: (IPVSTest.vip, 80), now: .zero) === first)
        #expect(
            ipvs.replyConnection(protocol: .tcp, realServer: (first.destinationAddress, 80), client: client, now: .zero)
                === first)
        #expect(ipvs.replyConnection(protocol: .udp, realServer: (first.destinationAddress, 80), client: client, now: .zero) == nil)
        let second = try #require(ipvs.schedule(svc, client: client, virtual: (IPVSTest.vip, 80), protocol: .tcp, now: .zero))
        #expect(ipvs.connection(protocol: .tcp, client: client, virtual: (IPVSTest.vip, 80), now: .zero) === second)
        #expect(ipvs.connectionCount == 2)
        ipvs.expire(second)
        #expect(ipvs.connection(protocol: .tcp, client: client, virtual: (IPVSTest.vip, 80), now: .zero) === first)
    }

    /// `ipvsadm -Lnc`: the time left as mm:ss, states, addresses.
    @Test func connectionListing() throws {
        let ipvs = try IPVSTest.make("rr", [("10.0.0.11", 1)])
        IPVSTest.pick(ipvs, port: 40001, establish: true)
        IPVSTest.pick(ipvs, port: 40002)
        let text = ipvs.ipvsadmConnections(now: SimTime.zero + .milliseconds(1500))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "IPVS connection entries")
        #expect(lines[1] == "pro expire state       source             virtual            destination")
        #expect(lines.count == 5)
        #expect(lines[4] == "")
        let rows = Set(lines[2...3])
        #expect(rows == [
            "TCP 14:58  ESTABLISHED 192.168.0.1:40001  10.0.0.2:80        10.0.0.11:80",
            "TCP 00:58  SYN_RECV    192.168.0.1:40002  10.0.0.2:80        10.0.0.11:80",
        ])
    }
}
