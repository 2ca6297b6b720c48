/// The timers of a connection (`net/ipv4/tcp_timer.c`): retransmission (also SYN and SYN-ACK
/// retransmission and the zero-window probe), delayed ACK, and the lifetime timer of
/// TIME-WAIT and orphaned FIN-WAIT-2.
extension TCPConnection {
    // MARK: arming

    /// Sets `timer` to fire at `time`. O(1) when the deadline moves later (the pending event
    /// re-schedules itself when it fires); O(log n) when it moves earlier.
    func arm(_ timer: inout TCPTimer, kind: UInt32, at time: SimTime) {
        timer.deadline = time
        if let scheduled = timer.scheduledAt, scheduled <= time { return }
        let event = tcpRef.borrow { $0.event(for: self, kind: kind) }
        timer.handle = simulationRef.borrow { simulation in
            if let handle = timer.handle { simulation.cancel(handle) }
            return simulation.schedule(event, at: time)
        }
        timer.scheduledAt = time
    }

    /// Stops `timer`; a pending event finds no deadline and does nothing.
    func disarm(_ timer: inout TCPTimer) {
        timer.deadline = nil
    }

    /// Stops `timer` and takes its pending event out of the queue (`sk_stop_timer`), as the
    /// kernel does for a socket that is done or becomes a timewait sock; `disarm` leaves the
    /// event to fire idle, as `inet_csk_clear_xmit_timer` leaves the timer running.
    func stop(_ timer: inout TCPTimer) {
        timer.deadline = nil
        timer.scheduledAt = nil
        if let handle = timer.handle {
            simulationRef.borrow { _ = $0.cancel(handle) }
            timer.handle = nil
        }
    }

    func armRetransmit(after milliseconds: Int64) {
        arm(&retransmitTimer, kind: TCPProtocol.TimerKind.retransmit, at: now + .milliseconds(milliseconds))
    }

    func armLifetime(after duration: SimDuration) {
        arm(&lifetimeTimer, kind: TCPProtocol.TimerKind.lifetime, at: now + duration)
    }

    /// An event of `timer` fired: true if its deadline has come (the timer is then disarmed);
    /// if the deadline moved later, the event is re-scheduled for it.
    private func timerDue(_ timer: inout TCPTimer, kind: UInt32) -> Bool {
        timer.scheduledAt = nil
        timer.handle = nil
        guard let deadline = timer.deadline else { return false }
        if deadline > now {
            timer.handle = simulation.schedule(tcp.event(for: self, kind: kind), at: deadline)
            timer.scheduledAt = deadline
            return false
        }
        timer.deadline = nil
        return true
    }

    func timerEventFired(kind: UInt32) {
        switch kind {
        case TCPProtocol.TimerKind.retransmit:
            if timerDue(&retransmitTimer, kind: kind) { retransmitTimerExpired() }
        case TCPProtocol.TimerKind.delayedAck:
            if timerDue(&delayedAckTimer, kind: kind) { delayedAckExpired() }
        case TCPProtocol.TimerKind.lifetime:
            if timerDue(&lifetimeTimer, kind: kind) { lifetimeExpired() }
        default:
            preconditionFailure("unknown TCP timer \(kind)")
        }
    }

    /// `tcp_rearm_rto`: the RTO restarts from now while data is in flight.
    func rearmRetransmitTimer() {
        if packetsOut == 0 {
            if !retransmitTimerIsProbe { disarm(&retransmitTimer) }
        } else {
            retransmitTimerIsProbe = false
            armRetransmit(after: rto)
        }
    }

    // MARK: retransmission

    private func retransmitTimerExpired() {
        switch state {
        case .synReceived:
            synAckTimeout()
        case .closed, .listen, .timeWait:
            return
        default:
            if retransmitTimerIsProbe {
                retransmitTimerIsProbe = false
                probeTimeout()
            } else {
                retransmitTimeout()
            }
        }
    }

    /// `tcp_retransmit_timer`: give up, or enter Loss, resend the head and back off. SYNs keep
    /// the initial RTO for the first `tcp_syn_linear_timeouts` timeouts.
    private func retransmitTimeout() {
        guard packetsOut > 0, !retransmitQueue.isEmpty else { return }
        let head = retransmitQueue.startIndex
        if sndWnd == 0 && !appDetached && state != .synSent {
            // The peer shrank its window to zero: retransmissions act as probes, and the
            // connection times out only after TCP_RTO_MAX without any ACK.
            if now - lastAckTime > .milliseconds(TCPConnection.maximumRTO) {
                fail(softError ?? .timedOut)
                return
            }
            enterLoss()
            retransmitSegment(at: head)
            backoff += 1
            rto = min(rto << 1, TCPConnection.maximumRTO)
            armRetransmit(after: rto)
            return
        }
        counters.timeouts += 1
        if writeTimedOut() { return }
        enterLoss()
        retransmits += 1
        totalRTO += 1
        retransmitSegment(at: head)
        if state != .synSent || totalRTO > settings.synLinearTimeouts {
            backoff += 1
            rto = min(rto << 1, TCPConnection.maximumRTO)
        }
        armRetransmit(after: rto)
    }

    /// `tcp_write_timeout`: whether retransmissions ran out (then the connection fails with
    /// the last soft error or ETIMEDOUT); otherwise a new transmit hash (`sk_rethink_txhash`),
    /// so a retransmission may take another path, and another VXLAN source port.
    private func writeTimedOut() -> Bool {
        let expired: Bool
        if state == .synSent || state == .synReceived {
            let maximum = settings.synRetries + (state == .synSent ? settings.synLinearTimeouts : 0)
            expired = retransmits >= maximum
        } else {
            var retryUntil = settings.retries2
            if appDetached { retryUntil = orphanRetries(alive: rto < TCPConnection.maximumRTO) }
            expired = retransmitsTimedOut(boundary: retryUntil)
        }
        if expired {
            fail(softError ?? .timedOut)
            return true
        }
        txHash = tcp.randomTransmitHash()
        return false
    }

    /// `tcp_orphan_retries`.
    private func orphanRetries(alive: Bool) -> Int {
        var retries = settings.orphanRetries
        if softError != nil && !alive { retries = 0 }
        if retries == 0 && alive { retries = 8 }
        return retries
    }

    /// `retransmits_timed_out`: `boundary` retransmissions as a time budget, assuming backoff
    /// from `TCP_RTO_MIN` (924.6 s for `tcp_retries2` 15), counted from the first retransmission.
    private func retransmitsTimedOut(boundary: Int) -> Bool {
        guard retransmits > 0, let start = retransStamp else { return false }
        let base: Int64 = TCPConnection.minimumRTO
        let threshold = 63 - (TCPConnection.maximumRTO / base).leadingZeroBitCount
        let timeout: Int64
        if boundary <= threshold {
            timeout = ((2 << Int64(boundary)) - 1) * base
        } else {
            timeout = ((2 << Int64(threshold)) - 1) * base + Int64(boundary - threshold) * TCPConnection.maximumRTO
        }
        return now - start >= .milliseconds(timeout)
    }

    /// `reqsk_timer_handler`: resend the SYN-ACK (1, 2, 4, ... s apart) or drop the request.
    private func synAckTimeout() {
        if synAckRetransmits >= settings.synAckRetries {
            finish(notify: nil)
            return
        }
        txHash = tcp.randomTransmitHash()
        retransmitSegment(at: retransmitQueue.startIndex)
        synAckRetransmits += 1
        let interval = min(TCPConnection.initialRTO << Int64(synAckRetransmits), TCPConnection.maximumRTO)
        armRetransmit(after: interval)
    }

    // MARK: zero-window probes

    /// `tcp_probe_timer`: probe a zero window, giving up after `tcp_retries2` unanswered probes.
    private func probeTimeout() {
        if packetsOut > 0 || bytesUnsent == 0 {
            probesOut = 0
            return
        }
        let maximum = appDetached ? orphanRetries(alive: rto < TCPConnection.maximumRTO) : settings.retries2
        if probesOut >= maximum {
            fail(softError ?? .timedOut)
            return
        }
        sendProbe()
    }

    /// `tcp_send_probe0` + `tcp_write_wakeup`: send what the window allows, else an ACK with an
    /// old sequence number that makes the peer answer with its window.
    private func sendProbe() {
        let windowLeft = TCPSeq.distance(sndNxt, sndUna &+ sndWnd)
        if windowLeft > 0 && bytesUnsent > 0 {
            let length = min(windowLeft, currentMSS(), bytesUnsent)
            var flags: TCPFlags = [.ack, .psh]
            let seq = sndNxt
            let end = seq &+ UInt32(length)
            _ = takePushMarks(upTo: end)
            if finQueued && !finSent && end == sendBuffer.endSeq { flags.insert(.fin) }
            let segmentEnd = end &+ (flags.contains(.fin) ? 1 : 0)
            retransmitQueue.append(TCPSentSegment(seq: seq, end: segmentEnd, flags: flags, sentAt: now))
            packetsOut += 1
            sndNxt = segmentEnd
            if flags.contains(.fin) { finSent = true }
            counters.dataSegmentsSent += 1
            counters.bytesSent += length
            transmitSegment(seq: seq, flags: flags, dataSeq: seq, dataLength: length)
        } else {
            transmitSegment(seq: sndUna &- 1, flags: [.ack], dataSeq: sndUna, dataLength: 0)
        }
        if packetsOut > 0 || bytesUnsent == 0 {
            probesOut = 0
            backoff = 0
            rearmRetransmitTimer()
            return
        }
        probesOut += 1
        if backoff < settings.retries2 { backoff += 1 }
        retransmitTimerIsProbe = true
        armRetransmit(after: probeInterval)
    }

    /// `tcp_probe0_when`: `max(rto, 200 ms)` doubled per backoff, at most 120 s.
    private var probeInterval: Int64 {
        let base = max(rto, TCPConnection.minimumRTO)
        return min(base << Int64(min(backoff, 20)), TCPConnection.maximumRTO)
    }

    /// `tcp_ack_probe`: an ACK while nothing was in flight; if the window now takes the next
    /// segment stop probing, else keep the probe timer going.
    func ackProbe() {
        guard bytesUnsent > 0 else { return }
        let next = min(bytesUnsent, currentMSS())
        if !TCPSeq.after(sndNxt &+ UInt32(next), sndUna &+ sndWnd) {
            backoff = 0
            if retransmitTimerIsProbe {
                retransmitTimerIsProbe = false
                disarm(&retransmitTimer)
            }
        } else {
            retransmitTimerIsProbe = true
            armRetransmit(after: probeInterval)
        }
    }

    // MARK: delayed ACK and lifetime

    /// `tcp_delack_timer_handler`: send the delayed ACK; a missed delayed ACK inflates the ATO,
    /// or ends ping-pong mode.
    private func delayedAckExpired() {
        guard state != .closed, state != .listen, state != .timeWait, ackPending.contains(.timer) else { return }
        ackPending.remove(.timer)
        guard ackPending.contains(.scheduled) else { return }
        if pingpong < settings.pingpongThreshold {
            ato = min(ato << 1, rto)
        } else {
            pingpong = 0
            ato = TCPConnection.atoMinimum
        }
        counters.delayedAcks += 1
        sendAck()
    }

    /// TIME-WAIT ends (`inet_twsk_kill`), or an orphaned FIN-WAIT-2 gives up (`tcp_fin_timeout`).
    private func lifetimeExpired() {
        switch state {
        case .timeWait:
            finish(notify: nil)
        case .finWait2 where appDetached:
            finish(notify: nil)
        default:
            break
        }
    }
}
