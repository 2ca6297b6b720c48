/// The protocol state of an IPVS connection (`cp->state`).
///
/// For TCP the values are `IP_VS_TCP_S_*` of `ip_vs_proto_tcp.c`; UDP has a single state,
/// `IP_VS_UDP_S_NORMAL` (0), which `ipvsadm -Lnc` shows as "UDP".
public struct IPVSConnectionState: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let none = IPVSConnectionState(rawValue: 0)
    public static let established = IPVSConnectionState(rawValue: 1)
    public static let synSent = IPVSConnectionState(rawValue: 2)
    public static let synRecv = IPVSConnectionState(rawValue: 3)
    public static let finWait = IPVSConnectionState(rawValue: 4)
    public static let timeWait = IPVSConnectionState(rawValue: 5)
    public static let close = IPVSConnectionState(rawValue: 6)
    public static let closeWait = IPVSConnectionState(rawValue: 7)
    public static let lastAck = IPVSConnectionState(rawValue: 8)
    public static let listen = IPVSConnectionState(rawValue: 9)
    public static let synAck = IPVSConnectionState(rawValue: 10)
    /// `IP_VS_UDP_S_NORMAL`.
    public static let udpNormal = IPVSConnectionState(rawValue: 0)

    /// `IP_VS_TCP_S_LAST`: the number of TCP states.
    static let tcpStateCount = 11
}

/// An IPVS connection entry (`struct ip_vs_conn`): the client, the virtual address it used, the
/// real server chosen, the protocol state and the expiry timer.
///
/// A connection is created by scheduling (`IPVS.schedule`), found again by
/// `IPVS.connection(...)` for client packets and `IPVS.replyConnection(...)` for real-server
/// replies, advanced by `IPVS.updateState`, and removed by `IPVS.expireConnections(now:)`
/// once `expires` passes (every packet restarts the timer with the state's timeout, as
/// `ip_vs_conn_put` does).
public final class IPVSConnection {
    public let protocolNumber: IPProtocol
    /// `caddr:cport`: the client (the packet's source).
    public let clientAddress: IPv4Address
    public let clientPort: UInt16
    /// `vaddr:vport`: the virtual address the client sent to (the packet's destination).
    public let virtualAddress: IPv4Address
    public let virtualPort: UInt16
    /// `daddr:dport`: the real server; `dport` is the destination's port, or `vport` when the
    /// destination's port is 0 (Docker's case).
    public let destinationAddress: IPv4Address
    public let destinationPort: UInt16
    /// `cp->fwmark`: the packet mark when the connection was created.
    public let fwmark: UInt32

    /// `cp->flags`.
    public internal(set) var flags: IPVSConnectionFlags
    /// `cp->state`.
    public internal(set) var state: IPVSConnectionState = .none
    /// `cp->timeout`: how long the timer runs after each packet (3 s until the first state
    /// change, as `ip_vs_conn_new` sets it).
    public internal(set) var timeout: SimDuration = .seconds(3)
    /// When the connection expires unless another packet restarts its timer.
    public internal(set) var expires: SimTime
    /// `cp->dest`: the real server; it may have been deleted since (then it is unavailable).
    public internal(set) var destination: IPVSDestination?

    /// Whether it is still in the connection table.
    public internal(set) var isLinked = false
    /// The next older connection with the same client-side key (same kernel bucket chain).
    var inNext: IPVSConnection?
    /// The next older connection with the same reply-side key.
    var outNext: IPVSConnection?
    /// Order of insertion into the table; newer entries come first in a kernel bucket chain.
    var hashSequence: UInt64 = 0
    /// `ip_vs_conn_hashkey` bucket (only decides the order of `ipvsadm -Lnc`).
    var bucket: UInt32 = 0
    /// The deadline of the timer-heap entry that is authoritative for this connection.
    var queuedDeadline: SimTime = .distantFuture

    init(
        protocolNumber: IPProtocol, client: (IPv4Address, UInt16), virtual: (IPv4Address, UInt16),
        destination: (IPv4Address, UInt16), fwmark: UInt32, flags: IPVSConnectionFlags, now: SimTime
    ) {
        self.protocolNumber = protocolNumber
        (clientAddress, clientPort) = client
        (virtualAddress, virtualPort) = virtual
        (destinationAddress, destinationPort) = destination
        self.fwmark = fwmark
        self.flags = flags
        self.expires = now + .seconds(3)
    }

    /// The forwarding method (`IP_VS_FWD_METHOD(cp)`).
    public var forwarding: IPVSForwardingMethod { flags.forwarding }

    /// Whether the connection counts as ActiveConn of its destination.
    public var isActive: Bool { !flags.contains(.inactive) }

    /// `ip_vs_state_name`: "ESTABLISHED", "SYN_RECV", ... for TCP, "UDP" for UDP.
    public var stateName: String {
        switch protocolNumber {
        case .tcp: IPVSProtocolTCP.stateName(state)
        case .udp: state == .udpNormal ? "UDP" : "BUG!"
        default: "ERR!"
        }
    }

    /// The source address and port real-server replies carry (the reverse lookup key of
    /// `ip_vs_conn_out_get`): the real server for NAT, the virtual address otherwise.
    var replySource: (IPv4Address, UInt16) {
        forwarding == .masquerade ? (destinationAddress, destinationPort) : (virtualAddress, virtualPort)
    }
}

/// TCP for IPVS (`net/netfilter/ipvs/ip_vs_proto_tcp.c`): state names, default timeouts and
/// the `tcp_states` transition table (the `secure_tcp` table `tcp_states_dos` is not modelled).
enum IPVSProtocolTCP {
    /// `tcp_state_name_table`.
    static let stateNames = [
        "NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT", "CLOSE", "CLOSE_WAIT",
        "LAST_ACK", "LISTEN", "SYNACK",
    ]

    /// `tcp_state_name`.
    static func stateName(_ state: IPVSConnectionState) -> String {
        Int(state.rawValue) < stateNames.count ? stateNames[Int(state.rawValue)] : "ERR!"
    }

    /// `tcp_timeouts` in seconds, indexed by state.
    static let defaultTimeouts: [Int64] = [
        2,  // NONE
        15 * 60,  // ESTABLISHED
        2 * 60,  // SYN_SENT
        1 * 60,  // SYN_RECV
        2 * 60,  // FIN_WAIT
        2 * 60,  // TIME_WAIT
        10,  // CLOSE
        60,  // CLOSE_WAIT
        30,  // LAST_ACK
        2 * 60,  // LISTEN
        120,  // SYNACK
    ]

    private static let sNO: UInt8 = 0, sES: UInt8 = 1, sSS: UInt8 = 2, sSR: UInt8 = 3, sFW: UInt8 = 4
    private static let sTW: UInt8 = 5, sCL: UInt8 = 6, sCW: UInt8 = 7, sLA: UInt8 = 8, sLI: UInt8 = 9
    private static let sSA: UInt8 = 10

    /// `tcp_states[]`: 12 rows (INPUT, OUTPUT, INPUT-ONLY × syn, fin, ack, rst), each indexed by
    /// the current state (sNO, sES, sSS, sSR, sFW, sTW, sCL, sCW, sLA, sLI, sSA).
    static let table: [[UInt8]] = [
        // INPUT
        /*syn*/ [sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR],
        /*fin*/ [sCL, sCW, sSS, sTW, sTW, sTW, sCL, sCW, sLA, sLI, sTW],
        /*ack*/ [sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES],
        /*rst*/ [sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sSR],
        // OUTPUT
        /*syn*/ [sSS, sES, sSS, sSR, sSS, sSS, sSS, sSS, sSS, sLI, sSR],
        /*fin*/ [sTW, sFW, sSS, sTW, sFW, sTW, sCL, sTW, sLA, sLI, sTW],
        /*ack*/ [sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sLA, sES, sES],
        /*rst*/ [sCL, sCL, sSS, sCL, sCL, sTW, sCL, sCL, sCL, sCL, sCL],
        // INPUT-ONLY
        /*syn*/ [sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR],
        /*fin*/ [sCL, sFW, sSS, sTW, sFW, sTW, sCL, sCW, sLA, sLI, sTW],
        /*ack*/ [sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES],
        /*rst*/ [sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sCL],
    ]

    /// `tcp_state_idx`: RST wins over SYN over FIN over ACK; nil for a segment with none.
    static func flagIndex(_ flags: TCPFlags) -> Int? {
        if flags.contains(.rst) { return 3 }
        if flags.contains(.syn) { return 0 }
        if flags.contains(.fin) { return 1 }
        if flags.contains(.ack) { return 2 }
        return nil
    }

    /// `set_tcp_state`'s table lookup: the next state for a segment with `flags` crossing a
    /// connection in `state` in `direction` (with NOOUTPUT already applied). A segment with no
    /// SYN/FIN/ACK/RST moves the connection to CLOSE, as the kernel's default does.
    static func nextState(
        from state: IPVSConnectionState, direction: IPVSDirection, flags: TCPFlags
    ) -> IPVSConnectionState {
        guard let index = flagIndex(flags), Int(state.rawValue) < IPVSConnectionState.tcpStateCount else {
            return .close
        }
        return IPVSConnectionState(rawValue: table[direction.rawValue * 4 + index][Int(state.rawValue)])
    }
}
