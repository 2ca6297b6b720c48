/// ACK processing, loss recovery and congestion control (`tcp_ack`, `tcp_clean_rtx_queue`,
/// `tcp_sacktag_write_queue`, `tcp_fastretrans_alert`, `tcp_cong_control`, `tcp_reno_*`), RTT
/// estimation (`tcp_rtt_estimator`), and ICMP errors (`tcp_v4_err`, `tcp_v4_mtu_reduced`).
///
/// Congestion control is **NewReno**: slow start and congestion avoidance counting packets
/// with appropriate byte counting as Linux's `tcp_reno_cong_avoid`, `ssthresh = max(cwnd/2, 2)`,
/// fast retransmit on the third duplicate ACK (or three SACKed segments above a hole), fast
/// recovery with proportional rate reduction (`tcp_cwnd_reduction`) until `high_seq` is
/// acknowledged, and loss recovery from an RTO with cwnd 1 and slow start. Loss marking is
/// Linux's classic scoreboard (`tcp_mark_head_lost`, `tcp_newreno_mark_lost`), as with
/// `tcp_recovery=0`; RACK-TLP, F-RTO and undo are not modelled.
extension TCPConnection {
    struct AckFlags: OptionSet {
        var rawValue: UInt16
        /// The segment carried data (`FLAG_DATA`).
        static let data = AckFlags(rawValue: 1)
        static let windowUpdate = AckFlags(rawValue: 2)
        static let dataAcked = AckFlags(rawValue: 4)
        static let synAcked = AckFlags(rawValue: 8)
        static let dataSacked = AckFlags(rawValue: 16)
        static let sndUnaAdvanced = AckFlags(rawValue: 32)
        static let dsacking = AckFlags(rawValue: 64)

        static let acked: AckFlags = [.dataAcked, .synAcked]
        static let notDuplicate: AckFlags = [.data, .windowUpdate, .dataAcked, .synAcked]
        static let congestionAlert: AckFlags = [.dataSacked, .dsacking]
    }

    /// `TCP_RTO_MIN` in microseconds, the floor of `rttvar`.
    static let minimumRTOMicroseconds: Int64 = 200_000

    // MARK: tcp_ack

    /// Processes the ACK field of an acceptable segment. Returns false when the segment must be
    /// dropped (it acknowledges data never sent, or is far too old).
    func ackArrives(_ segment: TCPIncoming) -> Bool {
        let priorSndUna = sndUna
        let ack = segment.ack
        if TCPSeq.before(ack, priorSndUna) {
            if TCPSeq.before(ack, priorSndUna &- maxWindow) {
                sendChallengeAck()
                return false
            }
            // An old ACK: nothing to acknowledge, the segment's data still counts.
            return true
        }
        if TCPSeq.after(ack, sndNxt) { return false }
        var flags: AckFlags = segment.length > 0 ? [.data] : []
        let priorPacketsOut = packetsOut
        let priorDelivered = delivered
        let priorLostMarks = lostMarks
        // FLAG_UPDATE_TS_RECENT
        if timestampsEnabled, let ts = segment.options.timestamps, !TCPSeq.after(segment.seq, rcvWup),
            Int32(bitPattern: ts.value &- tsRecent) >= 0 || tsRecent == 0
        {
            tsRecent = ts.value
            tsRecentStamp = now
        }
        updateWindow(segment, flags: &flags)
        if TCPSeq.after(ack, priorSndUna) {
            flags.insert(.sndUnaAdvanced)
            sndUna = ack
            retransmits = 0
        }
        var sackRTT: Int64?
        if sackEnabled && !segment.options.sackBlocks.isEmpty && priorPacketsOut > 0 {
            sackRTT = tagSacks(segment.options.sackBlocks, ack: ack, flags: &flags)
        }
        softError = nil
        probesOut = 0
        lastAckTime = now
        if priorPacketsOut == 0 {
            ackProbe()
            return true
        }
        cleanRetransmitQueue(segment: segment, sackRTT: sackRTT, flags: &flags)
        var retransmit = false
        if !flags.isDisjoint(with: .congestionAlert) || flags.isDisjoint(with: .notDuplicate) || caState != .open {
            var duplicates = 0
            if flags.isDisjoint(with: [.sndUnaAdvanced, .dsacking]) && flags.isDisjoint(with: .notDuplicate) {
                duplicates = 1
            }
            fastRetransmitAlert(duplicates: duplicates, flags: &flags, retransmit: &retransmit)
        }
        if !flags.isDisjoint(with: .acked) { rearmRetransmitTimer() }
        if flags.contains(.sndUnaAdvanced) && caState == .open && retransOut == 0 { retransStamp = nil }
        congestionControl(delivered: delivered - priorDelivered, newlyLost: lostMarks - priorLostMarks, flags: flags)
        if retransmit { retransmitLostSegments() }
        return true
    }

    /// `tcp_ack_update_window`: take the peer's window if the segment is newer than the last
    /// one that set it (`snd_wl1`).
    private func updateWindow(_ segment: TCPIncoming, flags: inout AckFlags) {
        var window = UInt32(segment.window)
        if !segment.syn { window <<= UInt32(sndWscale) }
        let ack = segment.ack
        if TCPSeq.after(ack, sndUna) || TCPSeq.after(segment.seq, sndWl1)
            || (segment.seq == sndWl1 && (window > sndWnd || window == 0))
        {
            flags.insert(.windowUpdate)
            sndWl1 = segment.seq
            if sndWnd != window {
                sndWnd = window
                if packetsOut == 0 && bytesUnsent > 0 { slowStartAfterIdleCheck() }
                if window > maxWindow {
                    maxWindow = window
                    syncMSS(pmtu: pmtu)
                }
            }
        }
    }

    /// `tcp_clean_rtx_queue`: drop what is cumulatively acknowledged, take an RTT sample (Karn:
    /// never from a retransmitted segment), note the FIN acknowledged.
    private func cleanRetransmitQueue(segment: TCPIncoming, sackRTT: Int64?, flags: inout AckFlags) {
        let ack = sndUna
        var acked = 0
        var firstAcked: SimTime?
        var retransmittedAcked = false
        while let head = retransmitQueue.first, !TCPSeq.after(head.end, ack) {
            if head.retransmitted { retransOut -= 1 }
            if head.everRetransmitted {
                retransmittedAcked = true
            } else if !head.sacked && firstAcked == nil {
                firstAcked = head.sentAt
            }
            if head.sacked {
                sackedOut -= 1
            } else if sackEnabled {
                delivered += 1
            }
            if head.lost { lostOut -= 1 }
            flags.insert(head.flags.contains(.syn) ? .synAcked : .dataAcked)
            if head.flags.contains(.fin) { finAcked = true }
            packetsOut -= 1
            acked += 1
            retransmitQueue.removeFirst()
        }
        let before = sendBuffer.count
        sendBuffer.acknowledge(upTo: ack)
        counters.bytesAcked += before - sendBuffer.count
        if !sackEnabled && acked > 0 { removeRenoSacks(acked) }
        if packetsOut == 0 {
            sackedOut = 0
            lostOut = 0
            retransOut = 0
        }
        var sample: Int64?
        if let firstAcked, !retransmittedAcked {
            sample = (now - firstAcked).nanoseconds / 1000
        } else if let sackRTT {
            sample = sackRTT
        } else if !flags.isDisjoint(with: .acked), timestampsEnabled, let ts = segment.options.timestamps, ts.echo != 0 {
            sample = timestampRTT(echo: ts.echo)
        }
        if let sample { updateRTT(sample) }
    }

    /// `tcp_rtt_tsopt_us`: the RTT from a timestamp echo, at least 1 ms.
    func timestampRTT(echo: UInt32) -> Int64 {
        let milliseconds = Int64(Int32(bitPattern: timestampNow &- echo))
        return max(milliseconds, 1) * 1000
    }

    // MARK: SACK (sender)

    /// `tcp_sacktag_write_queue`: mark the segments the SACK blocks cover; a first block below
    /// the cumulative ACK (or inside the second) is a D-SACK and only reported. Returns an RTT
    /// sample from a newly SACKed segment that was never retransmitted.
    private func tagSacks(_ blocks: TCPSackBlocks, ack: UInt32, flags: inout AckFlags) -> Int64? {
        var first = 0
        if let block0 = blocks.first {
            if TCPSeq.before(block0.left, ack) {
                first = 1
            } else if blocks.count > 1 {
                let block1 = blocks[1]
                if !TCPSeq.after(block0.right, block1.right) && !TCPSeq.before(block0.left, block1.left) { first = 1 }
            }
            if first == 1 { flags.insert(.dsacking) }
        }
        var earliestSent: SimTime?
        var newlySacked = 0
        for blockIndex in first..<blocks.count {
            let block = blocks[blockIndex]
            guard !TCPSeq.after(block.right, sndNxt), TCPSeq.before(block.left, block.right),
                TCPSeq.after(block.right, sndUna)
            else { continue }
            var index = firstSegment(endingAfter: block.left)
            while index < retransmitQueue.endIndex {
                let segment = retransmitQueue[index]
                if TCPSeq.after(segment.end, block.right) { break }
                if !TCPSeq.before(segment.seq, block.left) && !segment.sacked {
                    retransmitQueue[index].sacked = true
                    sackedOut += 1
                    delivered += 1
                    newlySacked += 1
                    if segment.lost {
                        retransmitQueue[index].lost = false
                        lostOut -= 1
                    }
                    if segment.retransmitted {
                        retransmitQueue[index].retransmitted = false
                        retransOut -= 1
                    }
                    if !segment.everRetransmitted && (earliestSent == nil || segment.sentAt < earliestSent!) {
                        earliestSent = segment.sentAt
                    }
                    if TCPSeq.after(segment.end, highestSacked) || sackedOut == 1 { highestSacked = segment.end }
                }
                index += 1
            }
        }
        if newlySacked > 0 { flags.insert(.dataSacked) }
        return earliestSent.map { (now - $0).nanoseconds / 1000 }
    }

    /// The index of the first segment whose end is after `seq` (binary search; the queue is in
    /// sequence order).
    private func firstSegment(endingAfter seq: UInt32) -> Int {
        var low = retransmitQueue.startIndex
        var high = retransmitQueue.endIndex
        while low < high {
            let middle = (low + high) / 2
            if TCPSeq.after(retransmitQueue[middle].end, seq) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    // MARK: loss detection and recovery state

    /// `tcp_fastretrans_alert`: the recovery state machine run on duplicate or SACK-bearing ACKs.
    private func fastRetransmitAlert(duplicates: Int, flags: inout AckFlags, retransmit: inout Bool) {
        if packetsOut == 0 && sackedOut > 0 { sackedOut = 0 }
        var doLost = duplicates > 0 || (flags.contains(.dataSacked) && forceFastRetransmit)
        var fastRetransmit = false
        // D. Leave a state once high_seq is acknowledged.
        if caState == .open {
            retransStamp = nil
        } else if !TCPSeq.before(sndUna, highSeq) {
            switch caState {
            case .cwr:
                if sndUna != highSeq {
                    endCwndReduction()
                    caState = .open
                }
            case .recovery:
                if !sackEnabled { sackedOut = 0 }
                if holdRecoveryUntilAboveHighSeq() { return }
                endCwndReduction()
            default:
                break
            }
        }
        // E. Process the state.
        switch caState {
        case .recovery:
            if !flags.contains(.sndUnaAdvanced) {
                if !sackEnabled { addRenoSack(duplicates) }
            } else {
                // A partial ACK: NewReno retransmits the next hole.
                doLost = doLost || !sackEnabled || forceFastRetransmit
            }
            identifyPacketLoss(flags)
        case .loss:
            processLoss(duplicates: duplicates, flags: flags)
            retransmit = true
            if caState != .open { return }
            fallthrough
        default:
            if !sackEnabled {
                if flags.contains(.sndUnaAdvanced) { sackedOut = 0 }
                addRenoSack(duplicates)
            }
            identifyPacketLoss(flags)
            if !timeToRecover {
                tryToOpen()
                return
            }
            enterRecovery()
            fastRetransmit = true
        }
        if doLost || fastRetransmit { updateScoreboard(fastRetransmit: fastRetransmit) }
        retransmit = true
    }

    /// `tcp_force_fast_retransmit`: SACKed data lies more than `reordering` segments above `snd_una`.
    private var forceFastRetransmit: Bool {
        sackedOut > 0 && TCPSeq.after(highestSacked, sndUna &+ UInt32(settings.reordering * mss))
    }

    /// `tcp_time_to_recover` (without RACK): a segment is marked lost, or three duplicate ACKs
    /// or SACKed segments arrived.
    private var timeToRecover: Bool {
        lostOut > 0 || sackedOut + 1 > settings.reordering
    }

    /// `tcp_try_undo_recovery` without undo: NewReno holds recovery until something above
    /// `high_seq` is acknowledged; otherwise back to Open.
    private func holdRecoveryUntilAboveHighSeq() -> Bool {
        if sndUna == highSeq && !sackEnabled {
            if retransOut == 0 { retransStamp = nil }
            return true
        }
        caState = .open
        return false
    }

    /// `tcp_identify_packet_loss` for non-SACK connections: `tcp_newreno_mark_lost`.
    private func identifyPacketLoss(_ flags: AckFlags) {
        guard !sackEnabled, let head = retransmitQueue.first else { return }
        if (caState < .recovery && sackedOut >= settings.reordering)
            || (caState == .recovery && flags.contains(.sndUnaAdvanced))
        {
            if !head.lost { markLost(at: retransmitQueue.startIndex) }
        }
    }

    /// `tcp_update_scoreboard` (SACK): segments with `reordering` SACKed segments above them are lost.
    private func updateScoreboard(fastRetransmit: Bool) {
        guard sackEnabled else { return }
        let sackedUpTo = sackedOut - settings.reordering
        if sackedUpTo >= 0 {
            markHeadLost(packets: sackedUpTo, headOnly: false)
        } else if fastRetransmit {
            markHeadLost(packets: 1, headOnly: true)
        }
    }

    /// `tcp_mark_head_lost`: from the head, mark unSACKed segments lost until more than
    /// `packets` SACKed segments have been passed.
    private func markHeadLost(packets: Int, headOnly: Bool) {
        var count = 0
        var index = retransmitQueue.startIndex
        while index < retransmitQueue.endIndex {
            let segment = retransmitQueue[index]
            if TCPSeq.after(segment.end, sndNxt) { break }
            if segment.sacked { count += 1 }
            if count > packets { break }
            if !segment.lost && !segment.sacked { markLost(at: index) }
            if headOnly { break }
            index += 1
        }
    }

    /// `tcp_mark_skb_lost`.
    func markLost(at index: Int) {
        let segment = retransmitQueue[index]
        guard !segment.sacked else { return }
        if segment.lost {
            if segment.retransmitted {
                retransmitQueue[index].retransmitted = false
                retransOut -= 1
            }
        } else {
            retransmitQueue[index].lost = true
            lostOut += 1
            lostMarks += 1
        }
    }

    /// `tcp_add_reno_sack`: without SACK a duplicate ACK stands for one segment received.
    private func addRenoSack(_ duplicates: Int) {
        guard duplicates > 0 else { return }
        let prior = sackedOut
        sackedOut += duplicates
        let holes = min(max(lostOut, 1), packetsOut)
        if sackedOut + holes > packetsOut { sackedOut = max(0, packetsOut - holes) }
        delivered += max(0, sackedOut - prior)
    }

    /// `tcp_remove_reno_sacks`.
    private func removeRenoSacks(_ acked: Int) {
        delivered += max(acked - sackedOut, 1)
        if acked - 1 >= sackedOut { sackedOut = 0 } else { sackedOut -= acked - 1 }
    }

    /// `tcp_try_to_open` / `tcp_try_keep_open`: Open, or Disorder while anything is SACKed,
    /// lost or retransmitted.
    private func tryToOpen() {
        if retransOut == 0 { retransStamp = nil }
        guard caState != .cwr else { return }
        let next: CAState = (sackedOut + lostOut > 0 || retransOut > 0) ? .disorder : .open
        if caState != next {
            caState = next
            highSeq = sndNxt
        }
    }

    /// `tcp_enter_recovery`: halve the window (Reno `ssthresh`) and start PRR.
    private func enterRecovery() {
        counters.fastRecoveries += 1
        if caState != .cwr && caState != .recovery {
            highSeq = sndNxt
            cwndCount = 0
            priorCwnd = congestionWindow
            prrDelivered = 0
            prrOut = 0
            slowStartThreshold = renoSlowStartThreshold
        }
        caState = .recovery
    }

    /// `tcp_process_loss`: in Loss, leave when `high_seq` is acknowledged.
    private func processLoss(duplicates: Int, flags: AckFlags) {
        if !TCPSeq.before(sndUna, highSeq) {
            _ = holdRecoveryUntilAboveHighSeq()
            return
        }
        if !sackEnabled {
            if TCPSeq.after(sndNxt, highSeq) && duplicates > 0 {
                addRenoSack(duplicates)
            } else if flags.contains(.sndUnaAdvanced) {
                sackedOut = 0
            }
        }
    }

    /// `tcp_enter_loss` on an RTO: every unSACKed segment is lost, cwnd restarts at one.
    func enterLoss() {
        if !sackEnabled { sackedOut = 0 }
        for index in retransmitQueue.startIndex..<retransmitQueue.endIndex { markLost(at: index) }
        if caState <= .disorder || !TCPSeq.after(highSeq, sndUna) || (caState == .loss && retransmits == 0) {
            priorCwnd = congestionWindow
            slowStartThreshold = renoSlowStartThreshold
        }
        congestionWindow = packetsInFlight + 1
        cwndCount = 0
        caState = .loss
        highSeq = sndNxt
    }

    /// `tcp_reno_ssthresh`.
    private var renoSlowStartThreshold: Int { max(congestionWindow >> 1, 2) }

    /// `tcp_current_ssthresh`.
    var currentSlowStartThreshold: Int {
        if caState == .cwr || caState == .recovery { return slowStartThreshold }
        return max(slowStartThreshold, (congestionWindow >> 1) + (congestionWindow >> 2))
    }

    /// `tcp_end_cwnd_reduction`.
    private func endCwndReduction() {
        if slowStartThreshold < Int(Int32.max) { congestionWindow = slowStartThreshold }
    }

    // MARK: congestion window

    /// `tcp_cong_control`: PRR while reducing, else NewReno growth on cumulative ACKs.
    private func congestionControl(delivered: Int, newlyLost: Int, flags: AckFlags) {
        if caState == .cwr || caState == .recovery {
            cwndReduction(delivered: delivered, newlyLost: newlyLost, flags: flags)
        } else if flags.contains(.dataAcked) {
            congestionAvoidance(acked: delivered)
        }
    }

    /// `tcp_cwnd_reduction`: proportional rate reduction (RFC 6937).
    private func cwndReduction(delivered newlyAckedSacked: Int, newlyLost: Int, flags: AckFlags) {
        guard newlyAckedSacked > 0, priorCwnd > 0 else { return }
        let inFlight = packetsInFlight
        let delta = slowStartThreshold - inFlight
        prrDelivered += newlyAckedSacked
        var count: Int
        if delta < 0 {
            count = (slowStartThreshold * prrDelivered + priorCwnd - 1) / priorCwnd - prrOut
        } else {
            count = max(prrDelivered - prrOut, newlyAckedSacked)
            if flags.contains(.sndUnaAdvanced) && newlyLost == 0 { count += 1 }
            count = min(delta, count)
        }
        count = max(count, prrOut > 0 ? 0 : 1)
        congestionWindow = max(inFlight + count, 1)
    }

    /// `tcp_is_cwnd_limited`.
    private var congestionWindowLimited: Bool {
        if isCwndLimited { return true }
        if congestionWindow < slowStartThreshold { return congestionWindow < 2 * maxPacketsOut }
        return false
    }

    /// `tcp_reno_cong_avoid`: slow start (`tcp_slow_start`), then one segment per window
    /// (`tcp_cong_avoid_ai`).
    private func congestionAvoidance(acked: Int) {
        guard congestionWindowLimited, acked > 0 else { return }
        var remaining = acked
        if congestionWindow < slowStartThreshold {
            let grown = min(congestionWindow + remaining, slowStartThreshold)
            remaining -= grown - congestionWindow
            congestionWindow = grown
            if remaining <= 0 { return }
        }
        let window = congestionWindow
        if cwndCount >= window {
            cwndCount = 0
            congestionWindow += 1
        }
        cwndCount += remaining
        if cwndCount >= window {
            let increase = cwndCount / window
            cwndCount -= increase * window
            congestionWindow += increase
        }
    }

    /// `tcp_slow_start_after_idle_check` + `tcp_cwnd_restart`: after an idle RTO, the window
    /// falls back toward the initial one.
    func slowStartAfterIdleCheck() {
        guard settings.slowStartAfterIdle, packetsOut == 0, state == .established || state == .closeWait else { return }
        let idle = (now - lastSendTime).nanoseconds / 1_000_000
        guard idle > rto else { return }
        let restart = min(settings.initialCongestionWindow, congestionWindow)
        slowStartThreshold = currentSlowStartThreshold
        var window = congestionWindow
        var remaining = idle
        while true {
            remaining -= rto
            if remaining <= 0 || window <= restart { break }
            window >>= 1
        }
        congestionWindow = max(window, restart)
    }

    // MARK: RTT

    /// Takes an RTT sample in microseconds (`tcp_ack_update_rtt`): estimator, RTO, no backoff.
    func updateRTT(_ sample: Int64) {
        guard sample >= 0 else { return }
        rttEstimator(sample)
        setRTO()
        backoff = 0
    }

    /// `tcp_rtt_estimator`: Jacobson/Karels with Linux's refinements (RFC 6298): srtt gains
    /// 1/8, mdev 1/4 (1/32 when the sample is below the average), and `rttvar` is the largest
    /// mdev of the last window, never below `TCP_RTO_MIN`.
    private func rttEstimator(_ sample: Int64) {
        var m = sample
        var smoothed = srtt
        if smoothed != 0 {
            m -= smoothed >> 3
            smoothed += m
            if m < 0 {
                m = -m
                m -= mdev >> 2
                if m > 0 { m >>= 3 }
            } else {
                m -= mdev >> 2
            }
            mdev += m
            if mdev > mdevMax {
                mdevMax = mdev
                if mdevMax > rttvar { rttvar = mdevMax }
            }
            if TCPSeq.after(sndUna, rttSeq) {
                if mdevMax < rttvar { rttvar -= (rttvar - mdevMax) >> 2 }
                rttSeq = sndNxt
                mdevMax = TCPConnection.minimumRTOMicroseconds
            }
        } else {
            smoothed = m << 3
            mdev = m << 1
            rttvar = max(mdev, TCPConnection.minimumRTOMicroseconds)
            mdevMax = rttvar
            rttSeq = sndNxt
        }
        srtt = max(1, smoothed)
    }

    /// `tcp_set_rto`: srtt + rttvar, rounded up to whole milliseconds (HZ=1000), at most 120 s.
    private func setRTO() {
        let microseconds = (srtt >> 3) + rttvar
        rto = min((microseconds + 999) / 1000, TCPConnection.maximumRTO)
    }

    // MARK: ICMP errors

    /// `tcp_v4_err` for this connection: hard errors abort a connect, soft errors are kept to
    /// explain a later timeout, fragmentation-needed lowers the MSS and resends.
    func icmpErrorArrives(_ report: ICMPErrorReport, seq: UInt32) {
        let error: TCPCloseReason
        switch report.message {
        case .destinationUnreachable(.fragmentationNeeded, _):
            guard state != .synReceived, state != .timeWait, state != .closed else { return }
            guard TCPSeq.between(seq, sndUna, sndNxt) else { return }
            mtuReduced()
            return
        case .destinationUnreachable(let code, _):
            guard code.rawValue <= 15 else { return }
            switch code.rawValue {
            case 0, 6, 9, 11: error = .networkUnreachable
            case 3: error = .refused
            default: error = .hostUnreachable
            }
        case .timeExceeded:
            error = .hostUnreachable
        default:
            return
        }
        switch state {
        case .synReceived:
            // tcp_req_err: only errors quoting our SYN-ACK count; unreachable ones drop the request.
            guard seq == iss else { return }
            if case .destinationUnreachable(let code, _) = report.message, code.rawValue > 1 { return }
            finish(notify: nil)
        case .synSent:
            guard TCPSeq.between(seq, sndUna, sndNxt) else { return }
            fail(error)
        case .timeWait, .closed, .listen:
            return
        default:
            guard TCPSeq.between(seq, sndUna, sndNxt) else { return }
            softError = error
        }
    }

    /// `tcp_v4_mtu_reduced`: adopt a smaller path MTU and resend what no longer fits.
    func mtuReduced() {
        guard state != .closed, state != .listen, state != .timeWait, !inMTUReduction else { return }
        guard let (_, device, _) = namespace.routeOutput(to: remoteAddress, from: localAddress) else { return }
        let newMTU = tcp.routeMTU(device: device, destination: remoteAddress)
        guard pmtu > newMTU else { return }
        inMTUReduction = true
        defer { inMTUReduction = false }
        syncMSS(pmtu: newMTU)
        // tcp_simple_retransmit
        let limit = currentMSS()
        for index in retransmitQueue.startIndex..<retransmitQueue.endIndex
        where retransmitQueue[index].dataLength > limit {
            markLost(at: index)
        }
        guard lostOut > 0 else { return }
        if caState != .loss {
            highSeq = sndNxt
            slowStartThreshold = currentSlowStartThreshold
            caState = .loss
        }
        retransmitLostSegments()
    }
}
