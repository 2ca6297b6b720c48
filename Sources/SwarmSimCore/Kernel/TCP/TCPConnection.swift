/// One TCP connection (`struct tcp_sock`), from SYN to TIME-WAIT, and the socket an application
/// uses to talk over it.
///
/// The model follows Linux's `net/ipv4/tcp_*.c` on the wire:
/// - Handshake options in Linux's layout (MSS, SACK-permitted, timestamps, window scale 7), MSS
///   from the route MTU (1460 on Ethernet, 1410 in a 1450-byte overlay), initial windows as
///   `tcp_select_initial_window` computes them (64240 in a SYN, 65160 in a SYN-ACK with
///   timestamps), ISNs from `secure_tcp_seq`, TSval = a per-address-pair offset + milliseconds.
/// - Data in segments of the MSS less the 12-byte timestamp option (1448), PSH on the last
///   segment of each write, Nagle with Minshall's variant unless `noDelay`.
/// - The receive window with scaling, never shrinking, growing with `tcp_grow_window` and
///   receive-buffer autotuning; delayed ACKs with quick-ack at start, an ACK for every second
///   full segment, the 40 ms timer, ping-pong mode for request/response traffic.
/// - RTT estimation and RTO as `tcp_rtt_estimator` (RFC 6298 with a 200 ms floor on the
///   variance), exponential backoff, `tcp_syn_retries`/`tcp_retries2`.
/// - Congestion control: **NewReno** (slow start, congestion avoidance, fast retransmit on the
///   third duplicate ACK, fast recovery with proportional rate reduction), SACK scoreboard
///   driving loss marking as Linux does without RACK, SACK and D-SACK blocks in ACKs.
/// - Linux's default congestion control is CUBIC and its default loss detection RACK-TLP; both
///   are left out (see the README's list of what is not modelled).
///
/// Applications get callbacks after the segment or timer that caused them has been processed:
/// `onConnected`, `onData`, `onEndOfStream`, `onClosed`. Without `onData`, received bytes wait
/// in `receiveBuffer` (and shrink the advertised window) until `read` takes them. After
/// `close()` or `abort()` the application hears nothing more, as with a closed file descriptor.
public final class TCPConnection {
    /// Owned by the simulation, which keeps every namespace and protocol registered as an event
    /// target for its whole life; used on every segment, so held as `Unretained` and borrowed
    /// on the per-segment path (counted references cost a tenth of the TCP path, perf).
    public var namespace: NetworkNamespace { namespaceRef.object }
    var tcp: TCPProtocol { tcpRef.object }
    var simulation: Simulation { simulationRef.object }
    let namespaceRef: Unretained<NetworkNamespace>
    let tcpRef: Unretained<TCPProtocol>
    let simulationRef: Unretained<Simulation>
    let worldRef: Unretained<World>
    public internal(set) var state: TCPState
    public internal(set) var localAddress: IPv4Address
    public internal(set) var localPort: UInt16
    public let remoteAddress: IPv4Address
    public let remotePort: UInt16
    public internal(set) var counters = TCPConnectionCounters()

    /// `TCP_NODELAY`: send small segments at once instead of waiting for the ACK of the last one.
    public var noDelay = false
    /// Called once the handshake completes (the client's side).
    public var onConnected: (() -> Void)?
    /// Called with each chunk of in-order data. When nil, data waits in `receiveBuffer`.
    public var onData: (([UInt8]) -> Void)?
    /// Called when the peer's FIN arrives after all its data (`read` returning 0).
    public var onEndOfStream: (() -> Void)?
    /// Called once when the connection ends, with why.
    public var onClosed: ((TCPCloseReason) -> Void)?
    /// Why the connection ended, once it has.
    public internal(set) var closeReason: TCPCloseReason?

    // MARK: application side

    /// The application closed or aborted the socket: no more callbacks (an orphan in Linux terms).
    var appDetached = false
    /// The application shut down its sending side (`SEND_SHUTDOWN`).
    var sendShutdown = false
    /// The peer's FIN has been received (`RCV_SHUTDOWN`).
    var receiveShutdown = false
    /// Whether the end of the peer's stream has been handed to the application.
    public internal(set) var isEndOfStream = false
    /// Bytes received in order and not yet read by the application (when `onData` is nil).
    public internal(set) var receiveBuffer: [UInt8] = []
    /// Bytes queued for delivery to the application (notifications not yet delivered).
    var bytesAwaitingDelivery = 0
    /// Data written while the handshake is in progress (a blocked writer, `sk_write_pending`).
    var writePending = false
    /// The listener of a half-open request, set in SYN-RECV only: the listener clears it when
    /// the request leaves its list (established, dropped, or the listener closed), which ends
    /// the cycle. A strong reference rather than a weak one, whose side table would put every
    /// retain and release of the listener on the runtime's slow path.
    var listener: TCPListener?
    /// Established but not yet handed to the application by its listener.
    var inAcceptQueue = false

    // MARK: identity and timers

    var slot = -1
    var generation: UInt32 = 0
    var retransmitTimer = TCPTimer()
    var delayedAckTimer = TCPTimer()
    var lifetimeTimer = TCPTimer()
    /// `sk_txhash`: carried as the packet's flow hash, so the VXLAN source port is per connection.
    var txHash: UInt32 = 0
    /// `inet_id`: the IP ID counter of a connected socket.
    var ipID: UInt16 = 0

    // MARK: send sequence space

    var iss: UInt32 = 0
    var sndUna: UInt32 = 0
    var sndNxt: UInt32 = 0
    /// The peer's window, scaled (bytes).
    var sndWnd: UInt32 = 0
    var sndWl1: UInt32 = 0
    var maxWindow: UInt32 = 0
    var sndWscale: UInt8 = 0
    /// End of the last small segment sent (Minshall's Nagle, `snd_sml`).
    var sndSml: UInt32 = 0
    var pushedSeq: UInt32 = 0
    /// Ends of writes not yet sent: the segment reaching one carries PSH.
    var pushMarks = TCPPushMarks()
    var sendBuffer = TCPSendBuffer(startSeq: 0)
    /// shutdown/close asked for a FIN after the written data.
    var finQueued = false
    var finSent = false
    var finAcked = false
    var retransmitQueue = TCPRetransmitQueue()
    var packetsOut = 0
    var sackedOut = 0
    var lostOut = 0
    var retransOut = 0
    var highestSacked: UInt32 = 0
    /// Segments delivered to the peer, cumulatively or by SACK (`tp->delivered`).
    var delivered = 0
    /// Segments ever marked lost (for `newly_lost` in PRR).
    var lostMarks = 0

    // MARK: receive sequence space

    var irs: UInt32 = 0
    var rcvNxt: UInt32 = 0
    var rcvWnd: UInt32 = 0
    var rcvWup: UInt32 = 0
    var rcvWscale: UInt8 = 0
    var rcvSsthresh: UInt32 = 0
    var windowClamp: UInt32 = 0
    /// `sk_rcvbuf` in bytes; the window is half of it (`tcp_win_from_space`).
    var receiveBufferSize = 131_072
    /// Sequence number up to which the application has taken data (`copied_seq`).
    var copiedSeq: UInt32 = 0
    var outOfOrder = TCPReassemblyQueue()
    /// A FIN received out of order, applied when the data before it arrives.
    var outOfOrderFin: UInt32?
    /// The receiver's SACK blocks, most recently changed first (`selective_acks`).
    var sackBlocks: [TCPSackBlock] = []
    /// A D-SACK block to send with the next ACK.
    var duplicateSack: TCPSackBlock?

    // MARK: options

    var timestampsEnabled = false
    var sackEnabled = false
    var tsOffset: UInt32 = 0
    var tsRecent: UInt32 = 0
    var tsRecentStamp: SimTime?
    var lastTsEcr: UInt32 = 0
    /// Our MSS as advertised (route MTU - 40).
    public internal(set) var advertisedMSS = 536
    /// The peer's MSS option (`rx_opt.mss_clamp`), 536 if it sent none.
    var mssClamp = 536
    /// Data bytes per full segment now (`mss_cache`): MSS less the timestamp option.
    public internal(set) var mss = 536
    /// Our MSS after the handshake (`advmss`: less the timestamp option when timestamps are on).
    var advmss = 536
    var windowScalingEnabled = false
    /// Guards against re-entering PMTU handling from a send inside it.
    var inMTUReduction = false
    /// The retransmission timer is running as the zero-window probe timer (`ICSK_TIME_PROBE0`).
    var retransmitTimerIsProbe = false
    /// The window recorded on entering TIME-WAIT (`tw_rcv_wnd`, unscaled bytes).
    var timeWaitWindow: UInt32 = 0
    /// SYN-ACK retransmissions of a half-open request (`num_timeout`).
    var synAckRetransmits = 0
    /// When an ACK last arrived (`rcv_tstamp`).
    var lastAckTime = SimTime.zero
    /// The path MTU the MSS was computed from (`icsk_pmtu_cookie`).
    var pmtu = 576
    /// 20, or 32 with timestamps (`tcp_header_len`).
    var tcpHeaderLength = 20

    // MARK: ACK engine (`icsk_ack`)

    struct AckPending: OptionSet {
        var rawValue: UInt8
        static let scheduled = AckPending(rawValue: 1)
        static let timer = AckPending(rawValue: 2)
        static let pushed = AckPending(rawValue: 4)
        static let pushed2 = AckPending(rawValue: 8)
        static let now = AckPending(rawValue: 16)
    }
    var ackPending: AckPending = []
    var quickAcks = 0
    /// `icsk_ack.ato` in milliseconds; 0 until the first data arrives.
    var ato: Int64 = 0
    var lastReceiveTime = SimTime.zero
    var pingpong = 0
    /// Estimated MSS of the peer's data (`icsk_ack.rcv_mss`).
    var rcvMSS = 536
    var lastSegmentSize = 0
    var ackTimeout = SimTime.zero

    // MARK: RTT and RTO

    /// `srtt_us` (smoothed RTT in microseconds, times 8); 0 before the first sample.
    var srtt: Int64 = 0
    var mdev: Int64 = 0
    var mdevMax: Int64 = 0
    var rttvar: Int64 = 0
    var rttSeq: UInt32 = 0
    /// `icsk_rto`, in milliseconds.
    var rto: Int64 = 1000
    var backoff = 0
    /// `icsk_retransmits`: consecutive RTOs without progress.
    var retransmits = 0
    /// `total_rto`.
    var totalRTO = 0
    /// When the first retransmission of the current episode was originally sent (`retrans_stamp`).
    var retransStamp: SimTime?
    /// Soft error from ICMP, reported if the connection then times out (`sk_err_soft`).
    var softError: TCPCloseReason?
    var probesOut = 0
    /// Receiver-side RTT estimate for autotuning (`rcv_rtt_est`), microseconds times 8.
    var rcvRtt: Int64 = 0
    var rcvRttSeq: UInt32 = 0
    var rcvRttTime: SimTime?
    var rcvRttLastTsecr: UInt32 = 0
    /// `rcvq_space`: bytes copied per RTT, for autotuning.
    var rcvqSpace = 0
    var rcvqSeq: UInt32 = 0
    var rcvqTime = SimTime.zero

    // MARK: congestion control

    enum CAState: Int, Comparable {
        case open = 0, disorder, cwr, recovery, loss
        static func < (a: CAState, b: CAState) -> Bool { a.rawValue < b.rawValue }
    }
    var caState = CAState.open
    public internal(set) var congestionWindow = 10
    public internal(set) var slowStartThreshold = Int(Int32.max)
    var cwndCount = 0
    var highSeq: UInt32 = 0
    var priorCwnd = 0
    var prrDelivered = 0
    var prrOut = 0
    var isCwndLimited = false
    var maxPacketsOut = 0
    var cwndUsageSeq: UInt32 = 0
    var lastSendTime = SimTime.zero
    var synRetransmitted = 0

    init(tcp: TCPProtocol, local: IPv4Address, localPort: UInt16, remote: IPv4Address, remotePort: UInt16, state: TCPState) {
        tcpRef = Unretained(tcp)
        namespaceRef = tcp.namespaceRef
        worldRef = tcp.worldRef
        simulationRef = tcp.simulationRef
        localAddress = local
        self.localPort = localPort
        remoteAddress = remote
        self.remotePort = remotePort
        self.state = state
        receiveBufferSize = tcp.settings.receiveBufferDefault
    }

    var fourTuple: TCPFourTuple {
        TCPFourTuple(local: localAddress, localPort: localPort, remote: remoteAddress, remotePort: remotePort)
    }

    var settings: TCPSettings { tcpRef.borrow { $0.settings } }
    var now: SimTime { simulationRef.borrow { $0.now } }

    // MARK: public state

    /// Round-trip time as `ss -ti` shows it (smoothed), nil before the first sample.
    public var smoothedRTT: SimDuration? { srtt == 0 ? nil : .microseconds(srtt >> 3) }
    /// The current retransmission timeout.
    public var retransmissionTimeout: SimDuration { .milliseconds(rto) }
    /// Bytes written and not yet acknowledged.
    public var bytesUnacknowledged: Int { sendBuffer.count }
    /// Bytes written and not yet sent.
    public var bytesUnsent: Int {
        let from = TCPSeq.after(sendBuffer.startSeq, sndNxt) ? sendBuffer.startSeq : sndNxt
        return max(0, TCPSeq.distance(from, sendBuffer.endSeq))
    }
    /// The window the peer advertised, in bytes after scaling.
    public var peerWindow: Int { Int(sndWnd) }
    /// Our receive window's scale shift and the peer's.
    public var windowScales: (ours: UInt8, peer: UInt8) { (rcvWscale, sndWscale) }

    // MARK: application calls

    /// Queues `bytes` for sending (`send`). Data written during the handshake goes out once it completes.
    /// - Throws: `.closed` after `shutdownWrite`, `close`, `abort` or once the connection ended.
    public func send(_ bytes: [UInt8]) throws(SocketError) {
        guard try writable(count: bytes.count) else { return }
        sendBuffer.append(bytes)
        written()
    }

    /// Queues `bytes` for sending; see `send(_:)`.
    public func send(_ bytes: UnsafeRawBufferPointer) throws(SocketError) {
        guard try writable(count: bytes.count) else { return }
        sendBuffer.append(bytes)
        written()
    }

    /// Whether `count` bytes may be written now (false for none); throws when writing has ended.
    private func writable(count: Int) throws(SocketError) -> Bool {
        guard !sendShutdown, !appDetached else { throw .closed }
        switch state {
        case .established, .closeWait, .synSent, .synReceived: break
        default: throw .closed
        }
        guard count > 0 else { return false }
        if state == .synSent || state == .synReceived { writePending = true }
        slowStartAfterIdleCheck()
        return true
    }

    /// Bytes were appended to the send buffer: mark the push and send what the windows allow.
    private func written() {
        markPushes()
        if state == .established || state == .closeWait {
            pushPendingFrames()
            tcpRef.borrow { $0.flush() }
        }
    }

    /// Closes the sending direction (`shutdown(SHUT_WR)`): a FIN follows the data written.
    public func shutdownWrite() {
        guard !sendShutdown, !appDetached else { return }
        sendShutdown = true
        switch state {
        case .established:
            state = .finWait1
            queueFin()
        case .closeWait:
            state = .lastAck
            queueFin()
        case .synSent, .synReceived:
            finQueued = true  // sent once the handshake completes
        default:
            break
        }
        tcpRef.borrow { $0.flush() }
    }

    /// Closes the socket (`close`): sends a FIN (or a RST if received data was left unread) and
    /// detaches the application; the connection finishes on its own.
    public func close() {
        guard !appDetached else { return }
        if !receiveBuffer.isEmpty || bytesAwaitingDelivery > 0 {
            // tcp_close: unread data means the peer must learn that it was lost.
            abort()
            return
        }
        let wasShutdown = sendShutdown
        appDetached = true
        clearCallbacks()
        switch state {
        case .synSent:
            finish(notify: nil)
        case .established, .closeWait, .synReceived:
            if !wasShutdown {
                sendShutdown = true
                if state == .synReceived {
                    finQueued = true
                } else {
                    state = state == .established ? .finWait1 : .lastAck
                    queueFin()
                }
            }
        case .finWait2:
            armLifetime(after: settings.finTimeout)
        case .closed:
            finish(notify: nil)
        default:
            break
        }
        tcpRef.borrow { $0.flush() }
    }

    /// Resets the connection (`close` with `SO_LINGER` 0): a RST goes to the peer unless the
    /// handshake has not progressed that far, and the application hears nothing more.
    public func abort() {
        guard state != .closed else { return }
        appDetached = true
        clearCallbacks()
        switch state {
        case .established, .closeWait, .finWait1, .finWait2, .synReceived:
            sendActiveReset()
        default:
            break
        }
        finish(notify: nil)
        tcpRef.borrow { $0.flush() }
    }

    /// Takes up to `maxLength` bytes from `receiveBuffer` (`recv` without blocking); [] when empty.
    public func read(maxLength: Int = .max) -> [UInt8] {
        guard !receiveBuffer.isEmpty else { return [] }
        let n = min(maxLength, receiveBuffer.count)
        let taken = Array(receiveBuffer.prefix(n))
        receiveBuffer.removeFirst(n)
        applicationRead(n)
        tcpRef.borrow { $0.flush() }
        return taken
    }

    // MARK: delivery

    func deliver(_ notification: TCPNotification) {
        switch notification {
        case .accepted(let listener):
            guard inAcceptQueue, !listener.isClosed, let onAccept = listener.onAccept,
                let index = listener.acceptQueue.firstIndex(where: { $0 === self })
            else { return }
            listener.acceptQueue.remove(at: index)
            inAcceptQueue = false
            onAccept(self)
        case .connected:
            if !appDetached { onConnected?() }
        case .data(let bytes):
            bytesAwaitingDelivery -= bytes.count
            guard !appDetached else { return }
            if let onData, !inAcceptQueue {
                onData(bytes)
                applicationRead(bytes.count)
            } else {
                receiveBuffer.append(contentsOf: bytes)
            }
        case .endOfStream:
            isEndOfStream = true
            if !appDetached { onEndOfStream?() }
        case .closed(let reason):
            if !appDetached { onClosed?(reason) }
            clearCallbacks()
        }
    }

    func clearCallbacks() {
        onConnected = nil
        onData = nil
        onEndOfStream = nil
        onClosed = nil
    }

    /// The connection is over: leaves the tables, stops its timers and tells the application
    /// (`tcp_done`). With `notify` nil the application is not told (it closed the socket itself,
    /// or never saw it).
    func finish(notify reason: TCPCloseReason?) {
        guard state != .closed || slot >= 0 else { return }
        if state == .timeWait { tcpRef.borrow { $0.timeWaitCount -= 1 } }
        if state == .synReceived, let listener { listener.requestDropped(self) }
        if state == .synSent || state == .synReceived, reason != nil { tcp.counters.attemptFails += 1 }
        state = .closed
        closeReason = closeReason ?? reason
        stop(&retransmitTimer)
        stop(&delayedAckTimer)
        stop(&lifetimeTimer)
        tcpRef.borrow { $0.remove(self) }
        tcpRef.borrow { $0.recycle(retransmitQueue.takeStorage()) }
        outOfOrder.removeAll()
        sendBuffer.release()
        packetsOut = 0
        sackedOut = 0
        lostOut = 0
        retransOut = 0
        if let reason, !appDetached {
            tcpRef.borrow { $0.notify(self, .closed(reason)) }
        } else if appDetached {
            clearCallbacks()
        }
    }

    /// An error ends the connection (`tcp_reset`, `tcp_write_err`, `tcp_v4_err`).
    func fail(_ reason: TCPCloseReason) {
        if state == .established || state == .closeWait { tcp.counters.establishedResets += 1 }
        finish(notify: reason)
    }
}

extension TCPConnection: CustomStringConvertible {
    /// `ss -tan` style: `ESTAB 10.0.0.1:40000 10.0.0.2:80`.
    public var description: String { "\(state) \(localAddress):\(localPort) \(remoteAddress):\(remotePort)" }
}
