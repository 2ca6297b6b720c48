/// The send side (`net/ipv4/tcp_output.c`): opening handshakes, building segments with their
/// options and window, the transmit loop with its congestion-window, receive-window and Nagle
/// tests, retransmissions, ACKs and RSTs.
extension TCPConnection {
    /// `TCPOLEN_TSTAMP_ALIGNED`.
    static let timestampOptionLength = 12
    /// `IPV4_MAX_PMTU - 40`: the largest MSS advertised (65495 on loopback's 65536 MTU).
    static let maximumAdvertisedMSS = 65495
    /// `TCP_RTO_MAX`, milliseconds.
    static let maximumRTO: Int64 = 120_000
    /// `TCP_RTO_MIN`, milliseconds.
    static let minimumRTO: Int64 = 200
    /// `TCP_TIMEOUT_INIT`, milliseconds.
    static let initialRTO: Int64 = 1000

    // MARK: opening

    /// `tcp_v4_connect` + `tcp_connect_init` + `tcp_connect`: sends the SYN.
    func startActiveOpen(mtu: Int, isn: UInt32?, tsRecent reused: (UInt32, SimTime)?) {
        drawConnectionSecrets(isn: isn)
        if let (value, stamp) = reused {
            tsRecent = value
            tsRecentStamp = stamp
        }
        advertisedMSS = min(mtu - 40, TCPConnection.maximumAdvertisedMSS)
        advmss = advertisedMSS
        tcpHeaderLength = TCPHeader.minimumLength + (settings.timestamps ? TCPConnection.timestampOptionLength : 0)
        mssClamp = 536
        syncMSS(pmtu: mtu)
        let tsAdjust = reused != nil && settings.timestamps ? TCPConnection.timestampOptionLength : 0
        (rcvWnd, windowClamp, rcvWscale) = selectInitialWindow(mss: advmss - tsAdjust, scaling: settings.windowScaling)
        rcvSsthresh = rcvWnd
        sndUna = iss
        sndNxt = iss
        sndSml = iss
        sendBuffer = TCPSendBuffer(startSeq: iss &+ 1)
        pushedSeq = iss &+ 1
        rto = TCPConnection.initialRTO
        sendSynSegment(flags: [.syn])
    }

    /// `tcp_conn_request` + `tcp_v4_send_synack`: answers a SYN that reached a listener.
    func startPassiveOpen(syn: TCPIncoming, mtu: Int, isn: UInt32?) {
        drawConnectionSecrets(isn: isn)
        irs = syn.seq
        rcvNxt = syn.seq &+ 1
        rcvWup = rcvNxt
        copiedSeq = rcvNxt
        if let mss = syn.options.mss, mss > 0 { mssClamp = Int(mss) }
        if settings.timestamps, let ts = syn.options.timestamps {
            timestampsEnabled = true
            tsRecent = ts.value
            tsRecentStamp = now
        }
        sackEnabled = settings.sack && syn.options.sackPermitted
        var scaling = false
        if settings.windowScaling, let scale = syn.options.windowScale {
            scaling = true
            sndWscale = min(scale, 14)
        }
        windowScalingEnabled = scaling
        tcpHeaderLength = TCPHeader.minimumLength + (timestampsEnabled ? TCPConnection.timestampOptionLength : 0)
        advertisedMSS = min(mtu - 40, TCPConnection.maximumAdvertisedMSS)
        advmss = advertisedMSS
        let tsAdjust = timestampsEnabled ? TCPConnection.timestampOptionLength : 0
        (rcvWnd, windowClamp, rcvWscale) = selectInitialWindow(mss: advmss - tsAdjust, scaling: scaling)
        rcvSsthresh = rcvWnd
        sndWnd = UInt32(syn.window)
        sndWl1 = syn.seq
        maxWindow = sndWnd
        syncMSS(pmtu: mtu)
        sndUna = iss
        sndNxt = iss
        sndSml = iss
        sendBuffer = TCPSendBuffer(startSeq: iss &+ 1)
        pushedSeq = iss &+ 1
        rto = TCPConnection.initialRTO
        sendSynSegment(flags: [.syn, .ack])
    }

    /// The ISN, timestamp offset, transmit hash and first IP ID of a new connection, from its
    /// namespace's secrets (an ISN given for a SYN that reuses a TIME-WAIT 4-tuple).
    private func drawConnectionSecrets(isn: UInt32?) {
        tcpRef.borrow { tcp in
            iss = isn ?? tcp.initialSequenceNumber(
                local: localAddress, localPort: localPort, remote: remoteAddress, remotePort: remotePort)
            tsOffset = tcp.timestampOffset(local: localAddress, remote: remoteAddress)
            txHash = tcp.randomTransmitHash()
            ipID = tcp.randomIPID()
        }
    }

    /// Queues and sends the SYN or SYN-ACK and starts its retransmission timer.
    private func sendSynSegment(flags: TCPFlags) {
        let segment = TCPSentSegment(seq: iss, end: iss &+ 1, flags: flags, sentAt: now)
        if !retransmitQueue.hasStorage, let block = tcpRef.borrow({ $0.spareSegmentBlocks.popLast() }) { retransmitQueue.adopt(block) }
        retransmitQueue.append(segment)
        packetsOut = 1
        sndNxt = iss &+ 1
        counters.dataSegmentsSent += 1
        // A SYN-ACK leaves from the listener (ip_build_and_send_pkt): DF with IP ID 0.
        transmitSegment(seq: iss, flags: flags, dataSeq: iss, dataLength: 0, ipIDOverride: flags.contains(.ack) ? 0 : nil)
        armRetransmit(after: rto)
    }

    /// `tcp_select_initial_window`: the first window (a multiple of the MSS within half the
    /// receive buffer), the window clamp, and the scale that lets the window reach `tcp_rmem[2]`.
    func selectInitialWindow(mss: Int, scaling: Bool) -> (UInt32, UInt32, UInt8) {
        var clamp = UInt64(65535) << 14
        var space = min(clamp, UInt64(receiveBufferSize / 2))
        let mss64 = UInt64(max(mss, 1))
        if space > mss64 { space = space / mss64 * mss64 }
        let window = space
        var scale = 0
        if scaling {
            var target = max(space, UInt64(settings.receiveBufferMaximum), UInt64(settings.coreReceiveBufferMaximum))
            target = min(target, clamp)
            scale = max(0, min((63 - target.leadingZeroBitCount) - 15, 14))
        }
        clamp = min(UInt64(65535) << UInt64(scale), clamp)
        return (UInt32(window), UInt32(clamp), UInt8(scale))
    }

    /// `tcp_sync_mss`: the data bytes per segment for a path MTU: MTU - 40, capped by the peer's
    /// MSS, less the timestamp option, and at most half the largest window the peer offered.
    func syncMSS(pmtu newMTU: Int) {
        pmtu = newMTU
        var value = newMTU - 40
        if value > mssClamp { value = mssClamp }
        if value < 48 { value = 48 }
        value -= tcpHeaderLength - TCPHeader.minimumLength
        // tcp_bound_to_half_wnd
        let cutoff = maxWindow > 536 ? Int(maxWindow >> 1) : Int(maxWindow)
        if cutoff > 0 && value > cutoff { value = max(cutoff, 68 - tcpHeaderLength) }
        mss = value
    }

    /// `tcp_current_mss`: the MSS less the SACK blocks the next segment will carry.
    func currentMSS() -> Int {
        let blocks = pendingSackBlockCount()
        return blocks > 0 ? mss - (4 + 8 * blocks) : mss
    }

    /// How many SACK blocks (D-SACK first) the next segment carries: at most 3 with timestamps, else 4.
    func pendingSackBlockCount() -> Int {
        guard sackEnabled else { return 0 }
        let wanted = sackBlocks.count + (duplicateSack == nil ? 0 : 1)
        guard wanted > 0 else { return 0 }
        return min(wanted, timestampsEnabled ? 3 : 4)
    }

    // MARK: windows

    /// `tcp_win_from_space` with the default scaling ratio: half of the buffer is window.
    func windowFromSpace(_ space: Int) -> Int { space / 2 }

    /// `tcp_space`: the window the free receive buffer allows; queued data is charged twice its
    /// length (an approximation of the kernel's truesize accounting).
    func freeSpace() -> Int {
        let queued = receiveBuffer.count + bytesAwaitingDelivery + outOfOrder.byteCount
        return windowFromSpace(receiveBufferSize - 2 * queued)
    }

    /// `tcp_receive_window`: what is left of the window last advertised.
    func receiveWindow() -> UInt32 {
        let window = TCPSeq.distance(rcvNxt, rcvWup &+ rcvWnd)
        return window < 0 ? 0 : UInt32(window)
    }

    /// `__tcp_select_window`: the window we would like to offer now.
    func computeWindow() -> UInt32 {
        var estimate = rcvMSS
        var free = freeSpace()
        let allowed = windowFromSpace(receiveBufferSize)
        let full = min(Int(windowClamp), allowed)
        if estimate > full {
            estimate = full
            if estimate <= 0 { return 0 }
        }
        if free < full >> 1 {
            quickAcks = 0
            free = free & ~((1 << Int(rcvWscale)) - 1)
            if free < allowed >> 4 || free < estimate { return 0 }
        }
        if free > Int(rcvSsthresh) { free = Int(rcvSsthresh) }
        if rcvWscale > 0 {
            let unit = 1 << Int(rcvWscale)
            return UInt32((free + unit - 1) & ~(unit - 1))
        }
        var window = Int(rcvWnd)
        if window <= free - estimate || window > free {
            window = free / estimate * estimate
        } else if estimate == full && free > window + (full >> 1) {
            window = free
        }
        return UInt32(max(window, 0))
    }

    /// `tcp_select_window`: the window field of a segment. The offered right edge never moves
    /// back; the advertised window is remembered with the `rcv_nxt` it was offered at.
    func selectWindow() -> UInt16 {
        let current = receiveWindow()
        var window = computeWindow()
        if window < current {
            let unit = UInt32(1) << UInt32(rcvWscale)
            window = (current + unit - 1) & ~(unit - 1)
        }
        rcvWnd = window
        rcvWup = rcvNxt
        window = min(window, UInt32(65535) << UInt32(rcvWscale))
        return UInt16(window >> UInt32(rcvWscale))
    }

    // MARK: building segments

    /// TSval: milliseconds of simulated time plus the offset of this address pair (`tcp_ts_off`).
    var timestampNow: UInt32 {
        UInt32(truncatingIfNeeded: now.nanoseconds / 1_000_000) &+ tsOffset
    }

    /// `__tcp_transmit_skb`: builds one segment from the send buffer and hands it to IP.
    /// - Parameters:
    ///   - windowOverride: the window field to use instead of `tcp_select_window` (TIME-WAIT ACKs).
    ///   - ipIDOverride: the IP ID (0 for SYN-ACKs and control segments sent without a full socket).
    func transmitSegment(
        seq: UInt32, flags: TCPFlags, dataSeq: UInt32, dataLength: Int, windowOverride: UInt16? = nil,
        ipIDOverride: UInt16? = nil
    ) {
        var options = TCPOptions()
        let isSyn = flags.contains(.syn)
        if isSyn {
            options.mss = UInt16(clamping: advertisedMSS)
            if flags.contains(.ack) {
                options.sackPermitted = sackEnabled
                if timestampsEnabled { options.timestamps = TCPTimestamps(value: timestampNow, echo: tsRecent) }
                if windowScalingEnabled { options.windowScale = rcvWscale }
            } else {
                options.sackPermitted = settings.sack
                if settings.timestamps { options.timestamps = TCPTimestamps(value: timestampNow, echo: 0) }
                if settings.windowScaling { options.windowScale = rcvWscale }
            }
        } else {
            if timestampsEnabled { options.timestamps = TCPTimestamps(value: timestampNow, echo: tsRecent) }
            let blocks = pendingSackBlockCount()
            if blocks > 0 {
                if let duplicateSack { options.sackBlocks.append(duplicateSack) }
                for block in sackBlocks where options.sackBlocks.count < blocks { options.sackBlocks.append(block) }
                duplicateSack = nil
            }
        }
        let window: UInt16
        if let windowOverride {
            window = windowOverride
        } else if isSyn {
            window = UInt16(min(rcvWnd, 65535))
        } else {
            window = selectWindow()
        }
        let headerLength = TCPHeader.minimumLength + options.encodedLength
        let packet = worldRef.borrow { $0.packetPool.make(length: headerLength + dataLength) }
        if dataLength > 0 {
            sendBuffer.copy(from: dataSeq, length: dataLength, to: packet.bytes.wireSlice(from: headerLength))
        }
        let acknowledgment = flags.contains(.ack) ? rcvNxt : 0
        TCPHeader(
            sourcePort: localPort, destinationPort: remotePort, sequenceNumber: seq,
            acknowledgmentNumber: acknowledgment, flags: flags, window: window, options: options
        ).emit(into: packet.bytes, source: localAddress, destination: remoteAddress)
        if flags.contains(.ack) { ackSent() }
        if dataLength > 0 { dataSent() }
        counters.segmentsSent += 1
        tcpRef.borrow { $0.counters.outSegments += 1 }
        packet.flowHash = txHash
        let identification: UInt16
        if let ipIDOverride {
            identification = ipIDOverride
        } else {
            identification = ipID
            ipID &+= 1
        }
        let failure = namespaceRef.borrow { namespace -> NetworkNamespace.SendError? in
            do throws(NetworkNamespace.SendError) {
                try namespace.sendIPv4(
                    packet, from: localAddress, to: remoteAddress, protocol: .tcp, dontFragment: true,
                    identification: identification)
                return nil
            } catch {
                return error
            }
        }
        // The segment stays queued; the retransmission timer recovers. A local EMSGSIZE is
        // path MTU discovery on the first hop (the kernel's ICMP to itself).
        if case .messageTooLong(let mtu) = failure, !inMTUReduction {
            tcp.learnPathMTU(mtu, for: remoteAddress)
            mtuReduced()
        }
    }

    /// `tcp_event_ack_sent`: an ACK went out, so none is pending; quick-ack credit is used up.
    func ackSent() {
        if quickAcks > 0 {
            let acked = ackPending.contains(.scheduled) ? 1 : 0
            if acked >= quickAcks {
                quickAcks = 0
                ato = TCPConnection.atoMinimum
            } else {
                quickAcks -= acked
            }
        }
        ackPending = []
        disarm(&delayedAckTimer)
    }

    /// `tcp_event_data_sent`: a reply sent within the ATO of the last data received counts
    /// toward ping-pong (interactive) mode.
    func dataSent() {
        let sinceReceive = now - lastReceiveTime
        if ato > 0 && sinceReceive < .milliseconds(ato) && pingpong < 255 { pingpong += 1 }
        lastSendTime = now
    }

    /// `tcp_send_ack`: a pure ACK (with SACK blocks if any).
    func sendAck() {
        guard state != .closed, state != .listen, state != .synSent || sndNxt != iss else { return }
        transmitSegment(seq: acceptableSeq, flags: [.ack], dataSeq: sndNxt, dataLength: 0)
    }

    /// `tcp_acceptable_seq`: `snd_nxt`, unless the peer's window has shrunk below it.
    var acceptableSeq: UInt32 {
        let windowEnd = sndUna &+ sndWnd
        if !TCPSeq.before(windowEnd, sndNxt) { return sndNxt }
        if windowScalingEnabled && TCPSeq.distance(windowEnd, sndNxt) < (1 << Int(rcvWscale)) { return sndNxt }
        return windowEnd
    }

    /// RFC 5961 challenge ACK (`tcp_send_challenge_ack`), without the global rate limit.
    func sendChallengeAck() {
        sendAck()
    }

    /// `tcp_send_dupack`: an ACK for a segment out of window or old; enters quick-ack mode.
    func sendDuplicateAck(for segment: TCPIncoming) {
        if segment.endSeq != segment.seq && TCPSeq.before(segment.seq, rcvNxt) {
            enterQuickAckMode()
            let end = TCPSeq.after(segment.endSeq, rcvNxt) ? rcvNxt : segment.endSeq
            setDuplicateSack(from: segment.seq, to: end)
        }
        sendAck()
    }

    /// `tcp_send_active_reset`: RST|ACK from this socket (abort, close with unread data).
    func sendActiveReset() {
        tcp.counters.outResets += 1
        transmitSegment(seq: acceptableSeq, flags: [.rst, .ack], dataSeq: sndNxt, dataLength: 0)
    }

    /// `tcp_v4_send_reset` with this socket: a RST answering `segment` (its ACK becomes our
    /// sequence number), carrying the socket's transmit hash, IP ID 0, no options.
    func sendReset(answering segment: TCPIncoming) {
        guard !segment.rst else { return }
        tcp.counters.outResets += 1
        var seq: UInt32 = 0
        var ack: UInt32 = 0
        var flags: TCPFlags = [.rst]
        if segment.hasAck {
            seq = segment.ack
        } else {
            ack = segment.endSeq
            flags.insert(.ack)
        }
        let packet = PacketBuffer.make(length: TCPHeader.minimumLength)
        TCPHeader(sourcePort: localPort, destinationPort: remotePort, sequenceNumber: seq, acknowledgmentNumber: ack,
            flags: flags, window: 0).emit(into: packet.bytes, source: localAddress, destination: remoteAddress)
        packet.flowHash = txHash
        counters.segmentsSent += 1
        tcpRef.borrow { $0.counters.outSegments += 1 }
        try? namespace.sendIPv4(packet, from: localAddress, to: remoteAddress, protocol: .tcp, identification: 0)
    }

    // MARK: writing

    /// Places PSH marks for data just written: at its end (`tcp_push`), and every half of the
    /// largest peer window inside a long write (`forced_push`).
    func markPushes() {
        let end = sendBuffer.endSeq
        if maxWindow > 0 {
            let half = max(maxWindow >> 1, 1)
            while TCPSeq.after(end, pushedSeq &+ half) {
                pushedSeq = pushedSeq &+ half
                pushMarks.append(pushedSeq)
            }
        }
        pushMarks.append(end)
        pushedSeq = end
    }

    /// Whether a segment ending at `end` reaches a push mark (and consumes the marks it covers).
    func takePushMarks(upTo end: UInt32) -> Bool {
        pushMarks.take(upTo: end)
    }

    /// `tcp_send_fin`: a FIN after the written data, on the last data segment if it is unsent.
    func queueFin() {
        finQueued = true
        pushPendingFrames(nagleOff: true)
    }

    /// Segments in flight by Linux's count: sent, less SACKed and lost, plus retransmitted.
    var packetsInFlight: Int { packetsOut - (sackedOut + lostOut) + retransOut }

    /// `tcp_write_xmit`: sends new data while the congestion window, the peer's window and Nagle allow.
    func pushPendingFrames(nagleOff: Bool = false) {
        switch state {
        case .established, .closeWait, .finWait1, .lastAck, .closing: break
        default: return
        }
        var sent = 0
        var windowLimited = false
        while true {
            let mssNow = currentMSS()
            let unsent = max(0, TCPSeq.distance(sndNxt, sendBuffer.endSeq))
            let finToSend = finQueued && !finSent
            if unsent == 0 && !finToSend { break }
            let length = min(mssNow, unsent)
            let carriesFin = finToSend && length == unsent
            if packetsInFlight >= congestionWindow && !carriesFin { break }
            if length > 0 && TCPSeq.after(sndNxt &+ UInt32(length), sndUna &+ sndWnd) {
                windowLimited = true
                break
            }
            if length < mssNow && !carriesFin && !nagleOff && !noDelay && packetsOut > 0
                && TCPSeq.after(sndSml, sndUna) && !TCPSeq.after(sndSml, sndNxt)
            {
                break
            }
            var flags: TCPFlags = [.ack]
            let dataEnd = sndNxt &+ UInt32(length)
            if length > 0 && takePushMarks(upTo: dataEnd) { flags.insert(.psh) }
            if carriesFin { flags.insert(.fin) }
            let seq = sndNxt
            let end = dataEnd &+ (carriesFin ? 1 : 0)
            retransmitQueue.append(TCPSentSegment(seq: seq, end: end, flags: flags, sentAt: now))
            let wasIdle = packetsOut == 0
            packetsOut += 1
            sndNxt = end
            if carriesFin { finSent = true }
            if length < mssNow { sndSml = end }
            if caState == .recovery { prrOut += 1 }
            counters.dataSegmentsSent += 1
            counters.bytesSent += length
            sent += 1
            transmitSegment(seq: seq, flags: flags, dataSeq: seq, dataLength: length)
            if wasIdle {
                // tcp_event_new_data_sent: the first segment in flight starts the RTO.
                retransmitTimerIsProbe = false
                armRetransmit(after: rto)
            }
        }
        let limited = packetsInFlight >= congestionWindow
        if sent > 0 || limited { validateCongestionWindow(limited: limited) }
        if windowLimited && packetsOut == 0 && !retransmitTimer.isArmed {
            // tcp_check_probe_timer: nothing in flight to clock out a window update.
            retransmitTimerIsProbe = true
            armRetransmit(after: max(rto, TCPConnection.minimumRTO))
        }
    }

    /// `tcp_cwnd_validate`: remembers whether the window was used, so that an application-limited
    /// sender does not grow it.
    func validateCongestionWindow(limited: Bool) {
        if !TCPSeq.before(sndUna, cwndUsageSeq) || limited || (!isCwndLimited && packetsOut > maxPacketsOut) {
            isCwndLimited = limited
            maxPacketsOut = packetsOut
            cwndUsageSeq = sndNxt
        }
    }

    // MARK: retransmission

    /// `__tcp_retransmit_skb`: sends the segment at `index` again, trimmed to what is still
    /// unacknowledged and split if the MSS shrank. Returns false if the peer's window forbids it.
    @discardableResult
    func retransmitSegment(at index: Int) -> Bool {
        var segment = retransmitQueue[index]
        if segment.flags.contains(.syn) {
            transmitSegment(seq: segment.seq, flags: segment.flags, dataSeq: segment.seq, dataLength: 0,
                ipIDOverride: state == .synReceived ? 0 : nil)
        } else {
            // Part of it may have been acknowledged since it was sent (tcp_trim_head).
            if TCPSeq.before(segment.seq, sndUna) {
                segment.seq = sndUna
                retransmitQueue[index].seq = sndUna
            }
            if segment.seq != sndUna && !TCPSeq.before(segment.seq, sndUna &+ sndWnd) { return false }
            let mssNow = currentMSS()
            if segment.dataLength > mssNow {
                retransmitQueue.split(at: index, dataLength: mssNow)
                packetsOut += 1
                if retransmitQueue[index + 1].lost { lostOut += 1 }
                if retransmitQueue[index + 1].sacked { sackedOut += 1 }
                retransmitQueue[index + 1].retransmitted = false
                segment = retransmitQueue[index]
            }
            var flags = segment.flags
            flags.insert(.ack)
            transmitSegment(seq: segment.seq, flags: flags, dataSeq: segment.seq, dataLength: segment.dataLength)
        }
        if retransStamp == nil { retransStamp = segment.sentAt }
        retransmitQueue[index].sentAt = now
        if !retransmitQueue[index].retransmitted {
            retransmitQueue[index].retransmitted = true
            retransOut += 1
        }
        retransmitQueue[index].everRetransmitted = true
        counters.retransmittedSegments += 1
        tcp.counters.retransmittedSegments += 1
        return true
    }

    /// `tcp_xmit_retransmit_queue`: retransmits segments marked lost while the congestion window allows.
    func retransmitLostSegments() {
        guard lostOut > retransOut else { return }
        var index = retransmitQueue.startIndex
        let head = index
        var rearm = false
        while index < retransmitQueue.endIndex {
            if retransOut >= lostOut { break }
            let segment = retransmitQueue[index]
            if segment.sacked || !segment.lost || segment.retransmitted {
                index += 1
                continue
            }
            if packetsInFlight >= congestionWindow { break }
            if !retransmitSegment(at: index) { break }
            if caState == .recovery { prrOut += 1 }
            if index == head { rearm = true }
            index += 1
        }
        if rearm {
            retransmitTimerIsProbe = false
            armRetransmit(after: rto)
        }
    }
}
