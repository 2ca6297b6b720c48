/// A namespace's connection tracking table (`nf_conntrack_hash` and the per-protocol trackers of
/// `nf_conntrack_proto_{tcp,udp,icmp}.c`).
///
/// Both tuples of a confirmed connection are keys of one dictionary, so a packet in either
/// direction finds its connection in O(1). A new connection is unconfirmed until its first
/// packet passes the last hook (`__nf_conntrack_confirm`); only then is it in the table and do
/// its timeouts start. Expired entries are removed lazily when looked up or listed.
public final class ConntrackTable {
    struct Hash {
        unowned let entry: ConntrackEntry
        let isReply: Bool
    }

    /// `nf_conntrack_max`: new connections beyond it are dropped.
    public var maxEntries = 262_144
    /// `nf_conntrack_tcp_loose`: pick up connections seen mid-stream (an ACK without a SYN).
    public var tcpLoose = true
    /// `nf_conntrack_udp_timeout` / `_stream` (5.x+: 30 s and 120 s) and `icmp_timeout`.
    public static let udpTimeout = SimDuration.seconds(30)
    public static let udpStreamTimeout = SimDuration.seconds(120)
    public static let icmpTimeout = SimDuration.seconds(30)
    public static let genericTimeout = SimDuration.seconds(600)

    var hash: [ConntrackTuple: Hash] = [:]
    /// Confirmed entries in creation order, for listings; dead ones are pruned when listed.
    var entries: [ConntrackEntry] = []
    /// Strong references for confirmed entries (the hash holds unowned ones).
    var live: [UInt64: ConntrackEntry] = [:]
    var nextID: UInt64 = 1
    /// Connections created, dropped for a full table, and packets found invalid (`conntrack -S`).
    public private(set) var insertFailed = 0
    public private(set) var invalid = 0
    public private(set) var dropped = 0

    public init() {}

    /// Confirmed connections, expired ones excluded.
    public func count(at now: SimTime) -> Int {
        live.values.filter { $0.deadline > now && !$0.status.contains(.dying) }.count
    }

    /// The confirmed connection `tuple` belongs to, and whether the tuple is its reply direction.
    func find(_ tuple: ConntrackTuple, now: SimTime) -> (entry: ConntrackEntry, isReply: Bool)? {
        guard let found = hash[tuple] else { return nil }
        let entry = found.entry
        if entry.deadline <= now || entry.status.contains(.dying) {
            remove(entry)
            return nil
        }
        return (entry, found.isReply)
    }

    /// Whether `tuple` is in use by a confirmed connection other than `ignoring`
    /// (`nf_conntrack_tuple_taken`), which NAT asks before choosing a mapping.
    func isTaken(_ tuple: ConntrackTuple, ignoring: ConntrackEntry?, now: SimTime) -> Bool {
        guard let found = find(tuple, now: now) else { return false }
        return found.entry !== ignoring
    }

    /// A new, unconfirmed connection for `original`.
    func makeEntry(original: ConntrackTuple, now: SimTime) -> ConntrackEntry? {
        guard let reply = original.inverted() else { return nil }
        guard live.count < maxEntries else {
            dropped += 1
            return nil
        }
        defer { nextID += 1 }
        return ConntrackEntry(id: nextID, original: original, reply: reply, deadline: now)
    }

    /// Inserts an unconfirmed connection (`__nf_conntrack_confirm`). Fails when either tuple is
    /// already taken (a clash between two connections racing to the same mapping).
    func confirm(_ entry: ConntrackEntry, timeout: SimDuration, now: SimTime) -> Bool {
        guard !entry.status.contains(.confirmed) else { return true }
        if find(entry.original, now: now) != nil || find(entry.reply, now: now) != nil {
            insertFailed += 1
            return false
        }
        entry.status.insert(.confirmed)
        entry.deadline = now + timeout
        hash[entry.original] = Hash(entry: entry, isReply: false)
        hash[entry.reply] = Hash(entry: entry, isReply: true)
        live[entry.id] = entry
        entries.append(entry)
        return true
    }

    /// Removes a connection (`nf_ct_kill`).
    func remove(_ entry: ConntrackEntry) {
        entry.status.insert(.dying)
        if hash[entry.original]?.entry === entry { hash[entry.original] = nil }
        if hash[entry.reply]?.entry === entry { hash[entry.reply] = nil }
        live[entry.id] = nil
    }

    /// Re-keys a confirmed connection whose reply tuple NAT changed before confirmation (only
    /// unconfirmed entries change tuples, so this is for completeness of the invariant).
    func rehash(_ entry: ConntrackEntry) {
        guard entry.status.contains(.confirmed) else { return }
        hash[entry.original] = Hash(entry: entry, isReply: false)
        hash[entry.reply] = Hash(entry: entry, isReply: true)
    }

    func countInvalid() { invalid += 1 }

    /// The table as `conntrack -L` prints it (oldest first), e.g.
    /// `tcp      6 431999 ESTABLISHED src=... dst=... sport=... dport=... src=... ... [ASSURED] mark=0 use=1`.
    public func listing(now: SimTime) -> String {
        entries.removeAll { $0.deadline <= now || $0.status.contains(.dying) }
        var lines: [String] = []
        for entry in entries {
            let o = entry.original
            let name: String
            switch o.proto {
            case .tcp: name = "tcp"
            case .udp: name = "udp"
            case .icmp: name = "icmp"
            default: name = "unknown"
            }
            let seconds = (entry.deadline - now).nanoseconds / 1_000_000_000
            var line = name + String(repeating: " ", count: max(1, 9 - name.count)) + "\(o.proto.rawValue) \(seconds) "
            if o.proto == .tcp { line += entry.tcpState.name + " " }
            line += o.description + " "
            if !entry.status.contains(.seenReply) { line += "[UNREPLIED] " }
            line += entry.reply.description + " "
            if entry.status.contains(.assured) { line += "[ASSURED] " }
            line += "mark=\(entry.mark) use=1"
            lines.append(line)
        }
        return lines.map { $0 + "\n" }.joined()
    }
}

extension ConntrackTable {
    /// What the TCP tracker decided for a packet (`tcp_packet`).
    enum TCPVerdict {
        case accept
        /// `sIG`: accepted, state unchanged.
        case ignore
        /// `sIV`: the packet is INVALID (accepted untracked).
        case invalid
        /// A SYN reopening a closed connection: the old entry is removed and the packet starts anew.
        case reopen
    }

    /// The TCP state transition table `tcp_conntracks[dir][index][state]` of
    /// `nf_conntrack_proto_tcp.c`, with `sIV` (invalid) and `sIG` (ignore) as negative numbers.
    /// Rows: syn, synack, fin, ack, rst, none; columns: sNO sSS sSR sES sFW sCW sLA sTW sCL sS2.
    private static let sIV = -1
    private static let sIG = -2
    private static let table: [[[Int]]] = {
        let (SS, SR, ES, FW, CW, LA, TW, CL, S2, IV, IG) = (1, 2, 3, 4, 5, 6, 7, 8, 9, sIV, sIG)
        let original: [[Int]] = [
            /* syn    */ [SS, SS, IG, IG, IG, IG, IG, SS, SS, S2],
            /* synack */ [IV, IV, IG, IG, IG, IG, IG, IG, IG, SR],
            /* fin    */ [IV, IV, FW, FW, LA, LA, LA, TW, CL, IV],
            /* ack    */ [ES, IV, ES, ES, CW, CW, TW, TW, CL, IV],
            /* rst    */ [IV, CL, CL, CL, CL, CL, CL, CL, CL, CL],
            /* none   */ [IV, IV, IV, IV, IV, IV, IV, IV, IV, IV],
        ]
        let reply: [[Int]] = [
            /* syn    */ [IV, S2, IV, IV, IV, IV, IV, IV, IV, S2],
            /* synack */ [IV, SR, IG, IG, IG, IG, IG, IG, IG, SR],
            /* fin    */ [IV, IV, FW, FW, LA, LA, LA, TW, CL, IV],
            /* ack    */ [IV, IG, SR, ES, CW, CW, TW, TW, CL, IG],
            /* rst    */ [IV, CL, CL, CL, CL, CL, CL, CL, CL, CL],
            /* none   */ [IV, IV, IV, IV, IV, IV, IV, IV, IV, IV],
        ]
        return [original, reply]
    }()

    /// `get_conntrack_index`: which row a segment's flags select.
    static func tcpIndex(_ flags: TCPFlags) -> Int {
        if flags.contains(.rst) { return 4 }
        if flags.contains(.syn) { return flags.contains(.ack) ? 1 : 0 }
        if flags.contains(.fin) { return 2 }
        if flags.contains(.ack) { return 3 }
        return 5
    }

    /// The state a new connection starts in for a first segment with `flags` (`tcp_new`), or
    /// nil when such a segment cannot start one (it is INVALID).
    func tcpNewState(_ flags: TCPFlags) -> ConntrackEntry.TCPState? {
        let next = ConntrackTable.table[0][ConntrackTable.tcpIndex(flags)][0]
        guard next >= 0 else { return nil }
        let state = ConntrackEntry.TCPState(rawValue: next)!
        if state == .established && !tcpLoose { return nil }
        return state
    }

    /// Advances the TCP state of `entry` for a segment (`tcp_packet`, window checks not modelled).
    func trackTCP(_ entry: ConntrackEntry, isReply: Bool, flags: TCPFlags, now: SimTime) -> TCPVerdict {
        let old = entry.tcpState
        let next = ConntrackTable.table[isReply ? 1 : 0][ConntrackTable.tcpIndex(flags)][old.rawValue]
        if next == ConntrackTable.sIV { return .invalid }
        if next == ConntrackTable.sIG { return .ignore }
        let state = ConntrackEntry.TCPState(rawValue: next)!
        if state == .synSent && !isReply && (old == .timeWait || old == .close) {
            return .reopen
        }
        if !entry.status.contains(.seenReply) && isReply && flags.contains(.rst) {
            // The only answer was a RST: the kernel kills the connection at once.
            entry.tcpState = .close
            entry.deadline = now
            remove(entry)
            return .accept
        }
        entry.tcpState = state
        if entry.status.contains(.seenReply) || isReply, !entry.status.contains(.assured),
            old == .synRecv || old == .established, state == .established
        {
            entry.status.insert(.assured)
        }
        if entry.status.contains(.confirmed) { entry.deadline = now + state.timeout }
        return .accept
    }

    /// Refreshes a UDP connection (`udp_packet`): 30 s until replied; once a reply was seen and
    /// the connection is older than 2 s, 120 s and ASSURED.
    func trackUDP(_ entry: ConntrackEntry, now: SimTime) {
        guard entry.status.contains(.confirmed) else { return }
        if entry.status.contains(.seenReply) {
            if now - entry.created > .seconds(2) {
                entry.deadline = now + ConntrackTable.udpStreamTimeout
                entry.status.insert(.assured)
            } else {
                entry.deadline = now + ConntrackTable.udpTimeout
            }
        } else {
            entry.deadline = now + ConntrackTable.udpTimeout
        }
    }
}
