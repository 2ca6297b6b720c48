/// The receive side (`net/ipv4/tcp_input.c`, `tcp_minisocks.c`): the handshake from either end,
/// segment validation (PAWS, sequence window, RST and SYN checks of RFC 5961), data and FIN
/// processing, the out-of-order queue with SACK blocks, the ACK engine (quick-ack, delayed
/// ACK, ping-pong), receive-window growth and autotuning, and TIME-WAIT.
extension TCPConnection {
    /// `TCP_ATO_MIN` and `TCP_DELACK_MIN` (HZ/25), milliseconds.
    static let atoMinimum: Int64 = 40
    /// `TCP_DELACK_MAX` (HZ/5), milliseconds.
    static let delayedAckMaximum: Int64 = 200
    /// `TCP_MAX_QUICKACKS`.
    static let maximumQuickAcks = 16

    /// A segment for this connection's 4-tuple arrived.
    func segmentArrives(_ segment: TCPIncoming, packet: PacketBuffer) {
        counters.segmentsReceived += 1
        switch state {
        case .synSent: synSentArrives(segment)
        case .synReceived: synReceivedArrives(segment)
        case .closed, .listen, .timeWait: return
        default: synchronizedArrives(segment)
        }
    }

    // MARK: handshake

    /// `tcp_rcv_synsent_state_process`.
    private func synSentArrives(_ segment: TCPIncoming) {
        if segment.hasAck && (!TCPSeq.after(segment.ack, iss) || TCPSeq.after(segment.ack, sndNxt)) {
            sendReset(answering: segment)
            return
        }
        if segment.rst {
            if segment.hasAck { fail(.refused) }
            return
        }
        // A SYN without ACK would be a simultaneous open, which is not modelled.
        guard segment.syn, segment.hasAck else { return }
        let options = segment.options
        if let peerMSS = options.mss, peerMSS > 0 { mssClamp = Int(peerMSS) }
        sackEnabled = settings.sack && options.sackPermitted
        if settings.windowScaling, let scale = options.windowScale {
            windowScalingEnabled = true
            sndWscale = min(scale, 14)
        } else {
            windowScalingEnabled = false
            sndWscale = 0
            rcvWscale = 0
            windowClamp = min(windowClamp, 65535)
        }
        // The ACK of our SYN.
        lastAckTime = now
        var sample: Int64?
        if let syn = retransmitQueue.first, !syn.everRetransmitted {
            sample = (now - syn.sentAt).nanoseconds / 1000
        } else if settings.timestamps, let ts = options.timestamps, ts.echo != 0 {
            sample = timestampRTT(echo: ts.echo)
        }
        retransmitQueue.removeAll()
        packetsOut = 0
        retransOut = 0
        lostOut = 0
        sndUna = segment.ack
        disarm(&retransmitTimer)
        irs = segment.seq
        rcvNxt = segment.seq &+ 1
        rcvWup = rcvNxt
        copiedSeq = rcvNxt
        sndWnd = UInt32(segment.window)
        sndWl1 = segment.seq
        maxWindow = sndWnd
        if settings.timestamps, let ts = options.timestamps {
            timestampsEnabled = true
            tcpHeaderLength = TCPHeader.minimumLength + TCPConnection.timestampOptionLength
            advmss -= TCPConnection.timestampOptionLength
            tsRecent = ts.value
            tsRecentStamp = now
        } else {
            timestampsEnabled = false
            tcpHeaderLength = TCPHeader.minimumLength
        }
        syncMSS(pmtu: pmtu)
        initializeReceiveMSS()
        if let sample { updateRTT(sample) }
        synRetransmitted = counters.retransmittedSegments
        state = .established
        becomeEstablished()
        tcpRef.borrow { $0.notify(self, .connected) }
        if sendShutdown {
            state = .finWait1
            finQueued = true
        }
        if writePending || finQueued {
            // A writer was waiting: its data carries the ACK of the SYN-ACK.
            ackPending = [.scheduled]
            pushPendingFrames(nagleOff: finQueued)
            if ackPending.contains(.scheduled) { sendAck() }
        } else {
            sendAck()
        }
        writePending = false
    }

    /// `tcp_check_req` + the SYN-RECV step of `tcp_rcv_state_process`: the client's answer to our SYN-ACK.
    private func synReceivedArrives(_ segment: TCPIncoming) {
        if segment.syn && !segment.rst && !segment.hasAck && segment.seq == irs {
            // The client retransmitted its SYN: our SYN-ACK was lost, send it again.
            retransmitSegment(at: retransmitQueue.startIndex)
            return
        }
        let windowEnd = rcvNxt &+ rcvWnd
        let inWindow = segment.seq == rcvNxt
            || (TCPSeq.after(segment.endSeq, rcvNxt) && TCPSeq.before(segment.seq, windowEnd))
            || (segment.seq == windowEnd && segment.seq == segment.endSeq)
        if !inWindow {
            if !segment.rst {
                transmitSegment(seq: iss &+ 1, flags: [.ack], dataSeq: iss &+ 1, dataLength: 0,
                    windowOverride: UInt16(min(rcvWnd >> UInt32(rcvWscale), 65535)), ipIDOverride: 0)
            }
            return
        }
        if segment.rst || segment.syn {
            if !segment.rst { sendReset(answering: segment) }
            finish(notify: nil)
            return
        }
        guard segment.hasAck else { return }
        if segment.ack != iss &+ 1 {
            sendReset(answering: segment)
            return
        }
        if let listener, listener.acceptQueueIsFull {
            // The final ACK is dropped; the SYN-ACK timer will try again (tcp_abort_on_overflow 0).
            tcp.counters.listenOverflows += 1
            namespace.world.countDrop("tcp accept queue overflow on port \(localPort) in \(namespace.qualifiedName)")
            return
        }
        lastAckTime = now
        var sample: Int64?
        if let synAck = retransmitQueue.first, !synAck.everRetransmitted {
            sample = (now - synAck.sentAt).nanoseconds / 1000
        } else if timestampsEnabled, let ts = segment.options.timestamps, ts.echo != 0 {
            sample = timestampRTT(echo: ts.echo)
        }
        if timestampsEnabled, let ts = segment.options.timestamps, !TCPSeq.after(segment.seq, rcvWup) {
            tsRecent = ts.value
            tsRecentStamp = now
        }
        retransmitQueue.removeAll()
        packetsOut = 0
        retransOut = 0
        lostOut = 0
        sndUna = segment.ack
        disarm(&retransmitTimer)
        if timestampsEnabled { advmss -= TCPConnection.timestampOptionLength }
        sndWnd = UInt32(segment.window) << UInt32(sndWscale)
        sndWl1 = segment.seq
        if sndWnd > maxWindow {
            maxWindow = sndWnd
        }
        syncMSS(pmtu: pmtu)
        if let sample { updateRTT(sample) }
        synRetransmitted = counters.retransmittedSegments
        state = .established
        becomeEstablished()
        initializeReceiveMSS()
        listener?.requestEstablished(self)
        processSegmentText(segment)
        if state == .closed || state == .timeWait { return }
        pushPendingFrames()
        ackSendCheck()
    }

    /// `tcp_init_transfer`: the congestion window, RTO fallback and receive buffer of a new connection.
    func becomeEstablished() {
        congestionWindow = synRetransmitted > 1 ? 1 : settings.initialCongestionWindow
        slowStartThreshold = Int(Int32.max)
        if srtt == 0 {
            // RFC 6298 5.7: no RTT sample from the handshake, fall back to 3 s.
            rttvar = 3_000_000
            mdev = rttvar
            mdevMax = rttvar
            rto = 3000
        }
        // tcp_init_buffer_space
        rcvqTime = now
        rcvqSeq = copiedSeq
        let maxWindow = UInt32(windowFromSpace(receiveBufferSize))
        if windowClamp >= maxWindow { windowClamp = maxWindow }
        if Int(windowClamp) > 2 * advmss && Int(windowClamp) + advmss > Int(maxWindow) {
            windowClamp = UInt32(max(2 * advmss, Int(maxWindow) - advmss))
        }
        rcvSsthresh = min(rcvSsthresh, windowClamp)
        rcvqSpace = min(Int(rcvSsthresh), Int(rcvWnd), settings.initialCongestionWindow * advmss)
        lastSendTime = now
        lastReceiveTime = now
        cwndUsageSeq = sndNxt
    }

    /// `tcp_initialize_rcv_mss`: the first guess of the peer's segment size, at most 536.
    func initializeReceiveMSS() {
        var hint = min(advmss, mss)
        hint = min(hint, Int(rcvWnd / 2))
        hint = min(hint, 536)
        rcvMSS = max(hint, 88)
    }

    // MARK: synchronized states

    /// `tcp_rcv_state_process` / `tcp_rcv_established` (slow path) for ESTABLISHED onwards.
    private func synchronizedArrives(_ segment: TCPIncoming) {
        // PAWS (RFC 7323): a timestamp older than the last one in sequence is a stale duplicate.
        if timestampsEnabled, !segment.rst, let ts = segment.options.timestamps, tsRecent != 0,
            Int32(bitPattern: tsRecent &- ts.value) > 1
        {
            sendDuplicateAck(for: segment)
            return
        }
        // tcp_sequence
        if TCPSeq.before(segment.endSeq, rcvWup) || TCPSeq.after(segment.seq, rcvNxt &+ receiveWindow()) {
            if !segment.rst {
                if segment.syn { sendChallengeAck() } else { sendDuplicateAck(for: segment) }
            } else if resetSequenceMatches(segment) {
                resetReceived()
            }
            return
        }
        if segment.rst {
            if segment.seq == rcvNxt || resetSequenceMatches(segment) { resetReceived() } else { sendChallengeAck() }
            return
        }
        if segment.syn {
            sendChallengeAck()
            return
        }
        guard segment.hasAck else { return }
        guard ackArrives(segment) else { return }
        switch state {
        case .finWait1:
            if finAcked {
                state = .finWait2
                if appDetached {
                    if segment.endSeq != segment.seq && TCPSeq.after(segment.endSeq &- (segment.fin ? 1 : 0), rcvNxt) {
                        // Data for a socket that was closed: tcp_done and a RST.
                        sendReset(answering: segment)
                        finish(notify: nil)
                        return
                    }
                    armLifetime(after: settings.finTimeout)
                }
            }
        case .closing:
            if finAcked {
                enterTimeWait()
                return
            }
        case .lastAck:
            if finAcked {
                finish(notify: .normal)
                return
            }
        default:
            break
        }
        measureReceiveRTTFromTimestamp(segment)
        processSegmentText(segment)
        if state == .closed || state == .timeWait { return }
        pushPendingFrames()
        ackSendCheck()
    }

    /// `tcp_reset_check`: a RST at `rcv_nxt - 1` after the peer's FIN also counts.
    private func resetSequenceMatches(_ segment: TCPIncoming) -> Bool {
        segment.seq == rcvNxt &- 1 && (state == .closeWait || state == .lastAck || state == .closing)
    }

    /// `tcp_reset`: the peer reset the connection.
    func resetReceived() {
        fail(.reset)
    }

    // MARK: data

    /// Step 7 of `tcp_rcv_state_process`: which states take data, then `tcp_data_queue`.
    func processSegmentText(_ segment: TCPIncoming) {
        switch state {
        case .closeWait, .closing, .lastAck:
            // The peer already sent its FIN: only old duplicates make sense (to be re-ACKed).
            guard TCPSeq.before(segment.seq, rcvNxt) else { return }
            if segment.endSeq != segment.seq && TCPSeq.after(segment.endSeq &- (segment.fin ? 1 : 0), rcvNxt) {
                sendReset(answering: segment)
                fail(.reset)
                return
            }
        case .finWait1, .finWait2:
            if appDetached && segment.endSeq != segment.seq
                && TCPSeq.after(segment.endSeq &- (segment.fin ? 1 : 0), rcvNxt)
            {
                // RFC 1122: data after close() gets a RST (tcp_reset + tcp_v4_send_reset).
                sendReset(answering: segment)
                finish(notify: nil)
                return
            }
        case .established:
            break
        default:
            return
        }
        dataQueue(segment)
    }

    /// `tcp_data_queue`.
    private func dataQueue(_ segment: TCPIncoming) {
        guard segment.length > 0 || segment.fin else { return }
        duplicateSack = nil
        let seq = segment.seq
        let end = segment.endSeq
        if seq == rcvNxt {
            if receiveWindow() == 0 && !(segment.length == 0 && segment.fin) {
                outOfWindow()
                return
            }
            queueInOrder(segment, from: 0)
            return
        }
        if !TCPSeq.after(end, rcvNxt) {
            // A retransmission of data we have: D-SACK it and ACK at once.
            counters.duplicateSegmentsReceived += 1
            setDuplicateSack(from: seq, to: end)
            outOfWindow()
            return
        }
        if !TCPSeq.before(seq, rcvNxt &+ receiveWindow()) {
            outOfWindow()
            return
        }
        if TCPSeq.before(seq, rcvNxt) {
            // Partly old: keep the new part.
            setDuplicateSack(from: seq, to: rcvNxt)
            if receiveWindow() == 0 {
                outOfWindow()
                return
            }
            queueInOrder(segment, from: TCPSeq.distance(seq, rcvNxt))
            return
        }
        queueOutOfOrder(segment)
    }

    /// `tcp_enter_quickack_mode` + `inet_csk_schedule_ack` for data out of window or duplicated.
    private func outOfWindow() {
        enterQuickAckMode()
        ackPending.insert(.scheduled)
    }

    /// Data at `rcv_nxt` (from byte `offset` of the segment): to the application, then whatever
    /// the out-of-order queue now continues.
    private func queueInOrder(_ segment: TCPIncoming, from offset: Int) {
        let data = UnsafeRawBufferPointer(rebasing: segment.payload[offset...])
        if !data.isEmpty {
            deliverInOrder(Array(data))
            eventDataReceived(length: data.count, segment: segment)
        }
        if segment.fin {
            rcvNxt = rcvNxt &+ 1
            finReceived()
            return
        }
        if !outOfOrder.isEmpty {
            for piece in outOfOrder.takeContiguous(from: rcvNxt) { deliverInOrder(piece) }
            if outOfOrder.isEmpty { ackPending.insert(.now) }
            if let finSeq = outOfOrderFin, finSeq == rcvNxt {
                outOfOrderFin = nil
                rcvNxt = rcvNxt &+ 1
                finReceived()
                return
            }
        }
        if !sackBlocks.isEmpty { removeAcknowledgedSackBlocks() }
    }

    /// Hands in-order bytes to the application (queued until the segment is processed).
    private func deliverInOrder(_ bytes: [UInt8]) {
        rcvNxt = rcvNxt &+ UInt32(bytes.count)
        bytesAwaitingDelivery += bytes.count
        counters.bytesReceived += bytes.count
        tcpRef.borrow { $0.notify(self, .data(bytes)) }
    }

    /// `tcp_data_queue_ofo`: data beyond a hole waits; SACK blocks describe it.
    private func queueOutOfOrder(_ segment: TCPIncoming) {
        counters.outOfOrderSegmentsReceived += 1
        ackPending.insert(.scheduled)
        let added = outOfOrder.insert(seq: segment.seq, data: segment.payload)
        if segment.fin { outOfOrderFin = segment.seq &+ UInt32(segment.length) }
        let dataEnd = segment.seq &+ UInt32(segment.length)
        if added == 0 && segment.length > 0 {
            setDuplicateSack(from: segment.seq, to: dataEnd)
        }
        if sackEnabled && segment.length > 0 {
            addSackBlock(from: segment.seq, to: dataEnd)
            if segment.length >= 128 { growWindow(length: segment.length) }
        }
    }

    /// `tcp_fin`: the peer's FIN is in sequence.
    private func finReceived() {
        ackPending.insert(.scheduled)
        receiveShutdown = true
        tcpRef.borrow { $0.notify(self, .endOfStream) }
        outOfOrder.removeAll()
        outOfOrderFin = nil
        sackBlocks.removeAll()
        switch state {
        case .synReceived, .established:
            state = .closeWait
            pingpong = max(pingpong, settings.pingpongThreshold)
        case .finWait1:
            // Simultaneous close: our FIN is not yet acknowledged.
            sendAck()
            state = .closing
        case .finWait2:
            sendAck()
            enterTimeWait()
        default:
            break
        }
    }

    // MARK: SACK blocks (receiver)

    /// `tcp_dsack_set`: report `left..<right` as received twice in the next ACK.
    func setDuplicateSack(from left: UInt32, to right: UInt32) {
        guard sackEnabled, settings.dsack, TCPSeq.before(left, right) else { return }
        duplicateSack = TCPSackBlock(left: left, right: right)
    }

    /// `tcp_sack_new_ofo_skb`: extend the block the data touches and move it first, or add a
    /// new first block (forgetting the oldest beyond four).
    private func addSackBlock(from left: UInt32, to right: UInt32) {
        for index in sackBlocks.indices {
            var block = sackBlocks[index]
            if !TCPSeq.after(block.left, right) && !TCPSeq.after(left, block.right) {
                if TCPSeq.before(left, block.left) { block.left = left }
                if TCPSeq.after(right, block.right) { block.right = right }
                sackBlocks.remove(at: index)
                sackBlocks.insert(block, at: 0)
                coalesceSackBlocks()
                return
            }
        }
        if sackBlocks.count >= 4 { sackBlocks.removeLast() }
        sackBlocks.insert(TCPSackBlock(left: left, right: right), at: 0)
    }

    /// `tcp_sack_maybe_coalesce`: merge later blocks into the first where they now touch.
    private func coalesceSackBlocks() {
        guard var first = sackBlocks.first else { return }
        var index = 1
        while index < sackBlocks.count {
            let block = sackBlocks[index]
            if !TCPSeq.after(block.left, first.right) && !TCPSeq.after(first.left, block.right) {
                if TCPSeq.before(block.left, first.left) { first.left = block.left }
                if TCPSeq.after(block.right, first.right) { first.right = block.right }
                sackBlocks.remove(at: index)
            } else {
                index += 1
            }
        }
        sackBlocks[0] = first
    }

    /// `tcp_sack_remove`: blocks now covered by `rcv_nxt` go.
    private func removeAcknowledgedSackBlocks() {
        if outOfOrder.isEmpty {
            sackBlocks.removeAll()
            return
        }
        sackBlocks.removeAll { !TCPSeq.before(rcvNxt, $0.left) }
    }

    // MARK: the ACK engine

    /// `tcp_event_data_recv`: schedule an ACK, learn the peer's MSS, adapt the ATO, grow the window.
    private func eventDataReceived(length: Int, segment: TCPIncoming) {
        ackPending.insert(.scheduled)
        measureReceiveMSS(length: length, segment: segment)
        measureReceiveRTT()
        if ato == 0 {
            // The first data: start in quick-ack mode.
            increaseQuickAcks(TCPConnection.maximumQuickAcks)
            ato = TCPConnection.atoMinimum
        } else {
            let gap = (now - lastReceiveTime).nanoseconds / 1_000_000
            if gap <= TCPConnection.atoMinimum / 2 {
                ato = (ato >> 1) + TCPConnection.atoMinimum / 2
            } else if gap < ato {
                ato = min((ato >> 1) + gap, rto)
            } else if gap > rto {
                increaseQuickAcks(TCPConnection.maximumQuickAcks)
            }
        }
        lastReceiveTime = now
        if length >= 128 { growWindow(length: length) }
    }

    /// `tcp_incr_quickack`: up to `limit` immediate ACKs, as many as half the window in segments.
    private func increaseQuickAcks(_ limit: Int) {
        var count = Int(receiveWindow()) / (2 * max(rcvMSS, 1))
        if count == 0 { count = 2 }
        count = min(count, limit)
        if count > quickAcks { quickAcks = count }
    }

    /// `tcp_enter_quickack_mode`.
    func enterQuickAckMode() {
        increaseQuickAcks(TCPConnection.maximumQuickAcks)
        pingpong = 0
        ato = TCPConnection.atoMinimum
    }

    var inQuickAckMode: Bool { quickAcks > 0 && pingpong < settings.pingpongThreshold }

    /// `tcp_measure_rcv_mss`: track the peer's segment size; small pushed segments set
    /// ACK_PUSHED so that reading them sends the ACK.
    private func measureReceiveMSS(length: Int, segment: TCPIncoming) {
        let previous = lastSegmentSize
        lastSegmentSize = 0
        if length >= rcvMSS {
            rcvMSS = min(length, advmss)
            if segment.flags.contains(.psh) { ackPending.insert(.pushed) }
            return
        }
        let withHeader = length + segment.headerLength
        if withHeader >= 536 + TCPHeader.minimumLength
            || (withHeader >= 88 + TCPHeader.minimumLength && segment.flags.isDisjoint(with: [.fin, .urg, .syn, .psh]))
        {
            let size = withHeader - tcpHeaderLength
            lastSegmentSize = size
            if size == previous {
                rcvMSS = size
                return
            }
        }
        if ackPending.contains(.pushed) { ackPending.insert(.pushed2) }
        ackPending.insert(.pushed)
    }

    /// `tcp_grow_window`: raise `rcv_ssthresh` by two segments per full segment while there is room.
    private func growWindow(length: Int) {
        let room = min(Int(windowClamp), freeSpace()) - Int(rcvSsthresh)
        guard room > 0 else { return }
        let increment = max(2 * advmss, 2 * length)
        rcvSsthresh += UInt32(min(room, increment))
        quickAcks |= 1
    }

    /// `__tcp_ack_snd_check`: ACK now, or arm the delayed-ACK timer.
    func ackSendCheck() {
        guard ackPending.contains(.scheduled) else { return }
        let moreThanOneSegment = TCPSeq.distance(rcvWup, rcvNxt) > rcvMSS
        let rightEdgeAdvances = TCPSeq.distance(copiedSeq, rcvNxt) < 1 || computeWindow() >= rcvWnd
        if (moreThanOneSegment && rightEdgeAdvances) || inQuickAckMode || ackPending.contains(.now) {
            sendAck()
            return
        }
        if outOfOrder.isEmpty {
            sendDelayedAck()
            return
        }
        // SACK compression (tcp_comp_sack_*) is not modelled: out-of-order data is ACKed at once.
        sendAck()
    }

    /// `tcp_send_delayed_ack`: the ACK waits up to the ATO (40 ms), bounded by the RTT and 200 ms.
    func sendDelayedAck() {
        var delay = ato
        if ato > TCPConnection.atoMinimum {
            var maximum: Int64 = 500
            if pingpong >= settings.pingpongThreshold || ackPending.contains(.pushed) {
                maximum = TCPConnection.delayedAckMaximum
            }
            if srtt > 0 {
                let rttMilliseconds = max(((srtt >> 3) + 999) / 1000, TCPConnection.atoMinimum)
                if rttMilliseconds < maximum { maximum = rttMilliseconds }
            }
            delay = min(ato, maximum)
        }
        delay = max(min(delay, TCPConnection.delayedAckMaximum), 1)
        var timeout = now + .milliseconds(delay)
        if ackPending.contains(.timer) {
            if ackTimeout <= now + .milliseconds(delay >> 2) {
                sendAck()
                return
            }
            if !(timeout < ackTimeout) { timeout = ackTimeout }
        }
        ackPending.formUnion([.scheduled, .timer])
        ackTimeout = timeout
        arm(&delayedAckTimer, kind: TCPProtocol.TimerKind.delayedAck, at: timeout)
    }

    /// What reading `count` bytes does (`tcp_recvmsg`): autotuning, then `tcp_cleanup_rbuf`,
    /// which ACKs at once when the read emptied the queue of a pushed segment, when more than a
    /// segment is unacknowledged, or when the window can now open substantially.
    func applicationRead(_ count: Int) {
        copiedSeq = copiedSeq &+ UInt32(count)
        switch state {
        case .established, .finWait1, .finWait2, .closeWait: break
        default: return
        }
        adjustReceiveSpace()
        var timeToAck = false
        if ackPending.contains(.scheduled) {
            let unread = receiveBuffer.count + bytesAwaitingDelivery + outOfOrder.byteCount
            if TCPSeq.distance(rcvWup, rcvNxt) > rcvMSS
                || (count > 0
                    && (ackPending.contains(.pushed2)
                        || (ackPending.contains(.pushed) && pingpong < settings.pingpongThreshold))
                    && unread == 0)
            {
                timeToAck = true
            }
        }
        if count > 0 && !timeToAck && !receiveShutdown {
            let windowNow = receiveWindow()
            if 2 * UInt64(windowNow) <= UInt64(windowClamp) {
                let newWindow = computeWindow()
                if newWindow > 0 && UInt64(newWindow) >= 2 * UInt64(windowNow) { timeToAck = true }
            }
        }
        if timeToAck { sendAck() }
    }

    // MARK: receive-buffer autotuning

    /// `tcp_rcv_rtt_measure`: the time to receive a window's worth of data bounds the RTT.
    private func measureReceiveRTT() {
        if let started = rcvRttTime {
            if TCPSeq.before(rcvNxt, rcvRttSeq) { return }
            updateReceiveRTT(max(1, (now - started).nanoseconds / 1000), windowBased: true)
        }
        rcvRttSeq = rcvNxt &+ rcvWnd
        rcvRttTime = now
    }

    /// `tcp_rcv_rtt_measure_ts`: the RTT from the echo of our timestamp in a full segment.
    private func measureReceiveRTTFromTimestamp(_ segment: TCPIncoming) {
        guard timestampsEnabled, let ts = segment.options.timestamps, ts.echo != 0, ts.echo != rcvRttLastTsecr
        else { return }
        rcvRttLastTsecr = ts.echo
        guard segment.length >= rcvMSS else { return }
        let milliseconds = Int64(Int32(bitPattern: timestampNow &- ts.echo))
        if milliseconds > 0 { updateReceiveRTT(milliseconds * 1000, windowBased: false) }
    }

    /// `tcp_rcv_rtt_update`.
    private func updateReceiveRTT(_ sample: Int64, windowBased: Bool) {
        let scaled = sample << 3
        if rcvRtt == 0 || scaled < rcvRtt {
            rcvRtt = scaled
        } else if !windowBased {
            rcvRtt = rcvRtt - (rcvRtt >> 3) + sample
        }
    }

    /// `tcp_rcv_space_adjust` (dynamic right-sizing): once per RTT, if the application read
    /// more than last time, grow the buffer to about twice that, faster while it keeps growing.
    private func adjustReceiveSpace() {
        guard settings.moderateReceiveBuffer, rcvRtt > 0 else { return }
        let elapsed = (now - rcvqTime).nanoseconds / 1000
        guard elapsed >= rcvRtt >> 3 else { return }
        let copied = TCPSeq.distance(rcvqSeq, copiedSeq)
        if copied > rcvqSpace && rcvqSpace > 0 {
            var window = 2 * copied + 16 * advmss
            let grow = window * (copied - rcvqSpace) / rcvqSpace
            window += 2 * grow
            let buffer = min(2 * window, settings.receiveBufferMaximum)
            if buffer > receiveBufferSize {
                receiveBufferSize = buffer
                windowClamp = UInt32(windowFromSpace(buffer))
            }
            rcvqSpace = copied
        }
        rcvqSeq = copiedSeq
        rcvqTime = now
    }

    // MARK: TIME-WAIT

    /// `tcp_time_wait`: keep the 4-tuple for `TCP_TIMEWAIT_LEN` to absorb old duplicates and
    /// re-ACK a retransmitted FIN; all buffers are released.
    func enterTimeWait() {
        if tcpRef.borrow({ $0.timeWaitCount }) >= settings.maxTimeWaitBuckets {
            tcp.counters.timeWaitOverflows += 1
            finish(notify: .normal)
            return
        }
        timeWaitWindow = receiveWindow()
        state = .timeWait
        tcpRef.borrow { tcp in
            tcp.timeWaitCount += 1
            tcp.counters.timeWaits += 1
        }
        stop(&retransmitTimer)
        stop(&delayedAckTimer)
        // The full socket's queues go here (the kernel frees it for a timewait sock).
        tcpRef.borrow { $0.recycle(retransmitQueue.takeStorage()) }
        outOfOrder.removeAll()
        sendBuffer.release()
        packetsOut = 0
        sackedOut = 0
        lostOut = 0
        retransOut = 0
        armLifetime(after: settings.timeWaitLength)
        if closeReason == nil {
            closeReason = .normal
            if !appDetached { tcpRef.borrow { $0.notify(self, .closed(.normal)) } }
        }
    }

    /// `tcp_timewait_state_process`. Returns an ISN when the segment is a new SYN that may
    /// reopen the 4-tuple (TCP_TW_SYN).
    func timeWaitArrives(_ segment: TCPIncoming) -> UInt32? {
        counters.segmentsReceived += 1
        var pawsReject = false
        let ts = timestampsEnabled ? segment.options.timestamps : nil
        if let ts, !segment.rst, tsRecent != 0, Int32(bitPattern: tsRecent &- ts.value) > 1 { pawsReject = true }
        if !pawsReject && segment.seq == rcvNxt && (segment.seq == segment.endSeq || segment.rst) {
            if segment.rst {
                // TIME-WAIT assassination (tcp_rfc1337 0): the RST ends it.
                finish(notify: nil)
                return nil
            }
            armLifetime(after: settings.timeWaitLength)
            if let ts {
                tsRecent = ts.value
                tsRecentStamp = now
            }
            return nil
        }
        if segment.syn && !segment.rst && !segment.hasAck && !pawsReject
            && (TCPSeq.after(segment.seq, rcvNxt) || (ts != nil && Int32(bitPattern: tsRecent &- ts!.value) < 0))
        {
            var isn = sndNxt &+ 65535 &+ 2
            if isn == 0 { isn = 1 }
            return isn
        }
        if !segment.rst {
            if pawsReject || segment.hasAck { armLifetime(after: settings.timeWaitLength) }
            // TCP_TW_ACK (tcp_v4_timewait_ack): re-ACK, e.g. a retransmitted FIN.
            let window = UInt16(min(timeWaitWindow >> UInt32(rcvWscale), 65535))
            transmitSegment(seq: sndNxt, flags: [.ack], dataSeq: sndNxt, dataLength: 0, windowOverride: window, ipIDOverride: 0)
        }
        return nil
    }
}
