/// Value types shared by the TCP model: states, close reasons, counters, sysctls, and the
/// sequence-space arithmetic every part of it uses.

/// A TCP connection's state, as `ss` names it (`include/net/tcp_states.h`).
public enum TCPState: Sendable, Equatable, CustomStringConvertible {
    case closed
    case listen
    case synSent
    case synReceived
    case established
    case finWait1
    case finWait2
    case closeWait
    case closing
    case lastAck
    case timeWait

    /// The name `ss -t` prints: `ESTAB`, `SYN-SENT`, `TIME-WAIT`, ...
    public var description: String {
        switch self {
        case .closed: "CLOSE"
        case .listen: "LISTEN"
        case .synSent: "SYN-SENT"
        case .synReceived: "SYN-RECV"
        case .established: "ESTAB"
        case .finWait1: "FIN-WAIT-1"
        case .finWait2: "FIN-WAIT-2"
        case .closeWait: "CLOSE-WAIT"
        case .closing: "CLOSING"
        case .lastAck: "LAST-ACK"
        case .timeWait: "TIME-WAIT"
        }
    }
}

/// Why a connection ended, as the application learns it (the errno a blocking call would return).
public enum TCPCloseReason: Sendable, Equatable, CustomStringConvertible {
    /// Both directions closed with FINs and ours was acknowledged.
    case normal
    /// ECONNREFUSED: a RST answered our SYN, or ICMP port unreachable arrived while connecting.
    case refused
    /// ECONNRESET / EPIPE: the peer reset an established connection.
    case reset
    /// ETIMEDOUT: SYN or data retransmissions ran out (`tcp_syn_retries`, `tcp_retries2`).
    case timedOut
    /// EHOSTUNREACH: ICMP host unreachable (or time exceeded, or administratively prohibited)
    /// while connecting, or as the last soft error of a connection that then timed out.
    case hostUnreachable
    /// ENETUNREACH: ICMP network unreachable while connecting (or as the last soft error).
    case networkUnreachable

    public var description: String {
        switch self {
        case .normal: "normal"
        case .refused: "connection refused"
        case .reset: "connection reset by peer"
        case .timedOut: "connection timed out"
        case .hostUnreachable: "no route to host"
        case .networkUnreachable: "network is unreachable"
        }
    }
}

/// Counters of one connection, for tests and reports (`ss -ti` / `tcp_info` style).
public struct TCPConnectionCounters: Sendable, Equatable {
    /// Every segment handed to IP, pure ACKs and retransmissions included (`tcpi_segs_out`).
    public var segmentsSent = 0
    /// Segments that carried data or SYN/FIN, first transmissions only (`tcpi_data_segs_out` minus retransmissions).
    public var dataSegmentsSent = 0
    /// Segments sent again: RTO, fast and SACK-driven retransmissions (`tcpi_total_retrans`).
    public var retransmittedSegments = 0
    /// Retransmission timeouts that fired (`TCPTimeouts`).
    public var timeouts = 0
    /// Entries into fast recovery on duplicate ACKs or SACKs (`TCPRenoRecovery`/`TCPSackRecovery`).
    public var fastRecoveries = 0
    /// Segments received and accepted for processing (`tcpi_segs_in`).
    public var segmentsReceived = 0
    /// Application bytes handed to IP for the first time.
    public var bytesSent = 0
    /// Application bytes acknowledged by the peer (`tcpi_bytes_acked`).
    public var bytesAcked = 0
    /// Application bytes delivered in order to the application (`tcpi_bytes_received`).
    public var bytesReceived = 0
    /// ACKs sent after the delayed-ACK timer fired (`DelayedACKs`).
    public var delayedAcks = 0
    /// Duplicate data segments received (`TCPDSACKOldSent` and friends).
    public var duplicateSegmentsReceived = 0
    /// Segments received out of order and queued (`TCPOFOQueue`).
    public var outOfOrderSegmentsReceived = 0
}

/// Counters of one namespace's TCP, named after `/proc/net/snmp` (`Tcp:`) and `netstat -s` (`TcpExt:`).
public struct TCPCounters: Sendable, Equatable {
    public var activeOpens = 0
    public var passiveOpens = 0
    public var attemptFails = 0
    public var establishedResets = 0
    public var inSegments = 0
    public var outSegments = 0
    public var retransmittedSegments = 0
    public var inErrors = 0
    public var outResets = 0
    /// SYNs or final ACKs dropped because the accept queue was full (`ListenOverflows`).
    public var listenOverflows = 0
    /// Connections that entered TIME-WAIT (`TW`).
    public var timeWaits = 0
    /// Connections closed instead of entering TIME-WAIT because `tcp_max_tw_buckets` was reached.
    public var timeWaitOverflows = 0
    /// Segments answered with a RST because no socket matched (`tcp_v4_send_reset` without a socket).
    public var resetsForNoSocket = 0
}

/// The sysctls and constants of the TCP model, per namespace, named as Linux names them
/// (`Documentation/networking/ip-sysctl.rst`). Defaults are Linux 6.x defaults.
public struct TCPSettings: Sendable, Equatable {
    /// `net.ipv4.tcp_syn_retries`: SYN retransmissions before connect() gives up.
    public var synRetries = 6
    /// `net.ipv4.tcp_syn_linear_timeouts` (Linux 6.5+, default 4): the first SYN retransmissions
    /// keep the initial 1 s RTO before exponential backoff starts, so SYNs go out at 0, 1, 2, 3,
    /// 4, 5, 7, 11, 19, 35, 67 s and connect() fails at 131 s. Set 0 for the classic schedule of
    /// older kernels: 0, 1, 3, 7, 15, 31, 63 s and ETIMEDOUT at 127 s.
    public var synLinearTimeouts = 4
    /// `net.ipv4.tcp_synack_retries`: SYN-ACK retransmissions before a half-open request is dropped.
    public var synAckRetries = 5
    /// `net.ipv4.tcp_retries2`: the RTO retransmissions (as a time budget, ~924.6 s for 15)
    /// before an established connection is given up.
    public var retries2 = 15
    /// `net.ipv4.tcp_orphan_retries` (0 means 8) for connections the application has closed.
    public var orphanRetries = 0
    /// `net.ipv4.tcp_fin_timeout`: how long an orphaned connection waits in FIN-WAIT-2.
    public var finTimeout = SimDuration.seconds(60)
    /// `TCP_TIMEWAIT_LEN`: how long a connection stays in TIME-WAIT. A compile-time constant
    /// (60 s) in Linux; shortening it here is a simulation convenience for long runs with many
    /// short connections (e.g. load generators), not a Linux sysctl.
    public var timeWaitLength = SimDuration.seconds(60)
    /// `net.ipv4.tcp_max_tw_buckets`: beyond this many TIME-WAIT sockets, closing connections
    /// skip TIME-WAIT ("time wait bucket table overflow").
    public var maxTimeWaitBuckets = 262_144
    /// `net.ipv4.tcp_tw_reuse`: 2 lets connect() reuse a TIME-WAIT 4-tuple for loopback traffic only.
    public var timeWaitReuse = 2
    /// `net.ipv4.tcp_timestamps`.
    public var timestamps = true
    /// `net.ipv4.tcp_sack`.
    public var sack = true
    /// `net.ipv4.tcp_dsack`: report duplicate segments with a D-SACK block.
    public var dsack = true
    /// `net.ipv4.tcp_window_scaling`.
    public var windowScaling = true
    /// `net.ipv4.tcp_rmem`: min, default and max receive buffer (the window is half of it).
    public var receiveBufferMinimum = 4096
    public var receiveBufferDefault = 131_072
    public var receiveBufferMaximum = 6_291_456
    /// `net.core.rmem_max` (only its role in picking the window scale is modelled).
    public var coreReceiveBufferMaximum = 212_992
    /// `net.ipv4.tcp_moderate_rcvbuf`: receive-buffer autotuning (dynamic right-sizing).
    public var moderateReceiveBuffer = true
    /// `TCP_INIT_CWND` (the route's `initcwnd`).
    public var initialCongestionWindow = 10
    /// `net.ipv4.tcp_slow_start_after_idle`.
    public var slowStartAfterIdle = true
    /// `net.ipv4.tcp_reordering`: the duplicate-ACK threshold for fast retransmit.
    public var reordering = 3
    /// `net.ipv4.tcp_pingpong_thresh` (6.x default 1): replies within the ATO that make a
    /// connection interactive, so that its ACKs ride on the replies.
    public var pingpongThreshold = 1
    /// `net.core.somaxconn`: the cap on a listener's backlog.
    public var somaxconn = 4096

    public init() {}
}

/// Sequence-space comparisons modulo 2^32 (RFC 9293 section 3.4), as Linux's `before()` and
/// `after()` in `include/net/tcp.h`.
enum TCPSeq {
    /// `a` comes strictly before `b`.
    @inline(__always) static func before(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: a &- b) < 0 }
    /// `a` comes strictly after `b`.
    @inline(__always) static func after(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: b &- a) < 0 }
    /// `low <= seq <= high` in sequence space (Linux `between()`).
    @inline(__always) static func between(_ seq: UInt32, _ low: UInt32, _ high: UInt32) -> Bool {
        high &- low >= seq &- low
    }
    /// `b - a` as a signed distance.
    @inline(__always) static func distance(_ a: UInt32, _ b: UInt32) -> Int { Int(Int32(bitPattern: b &- a)) }
}

/// The connection lookup key: local and remote address and port (`inet_ehashfn`'s inputs).
struct TCPFourTuple: PackedHashKey {
    var local: IPv4Address
    var localPort: UInt16
    var remote: IPv4Address
    var remotePort: UInt16

    var packedWords: (UInt64, UInt64) {
        (UInt64(local.value) << 16 | UInt64(localPort), UInt64(remote.value) << 16 | UInt64(remotePort))
    }
}

/// What an application learns about a connection, queued while a segment or timer is being
/// processed and delivered afterwards, so callbacks never run in the middle of the state machine
/// (as on Linux, where the application runs after the softirq that woke it).
enum TCPNotification {
    case accepted(TCPListener)
    case connected
    case data([UInt8])
    case endOfStream
    case closed(TCPCloseReason)
}
