/// A connection-table key packed into two words: (protocol, address 1, port 1, address 2,
/// port 2). Client-side keys are (caddr, cport, vaddr, vport); reply-side keys are (caddr,
/// cport, reply source address, reply source port).
struct IPVSConnectionKey: PackedHashKey {
    var high: UInt64
    var low: UInt64

    var packedWords: (UInt64, UInt64) { (high, low) }

    init(_ proto: IPProtocol, _ address1: IPv4Address, _ port1: UInt16, _ address2: IPv4Address, _ port2: UInt16) {
        high = UInt64(proto.rawValue) << 48 | UInt64(port1) << 32 | UInt64(address1.value)
        low = UInt64(port2) << 32 | UInt64(address2.value)
    }
}

/// A binary min-heap of connection timers ordered by (deadline, sequence), so equal deadlines
/// expire in the order they were armed. Entries go stale when a connection's timer moves; the
/// owner skips those (see `IPVS.armTimer`).
///
/// Entries hold their connection as an `Unmanaged` reference retained once on push and released
/// on pop, so sifting entries around costs no reference counting.
struct IPVSTimerHeap: ~Copyable {
    struct Entry {
        var deadline: SimTime
        var sequence: UInt64
        var connection: Unmanaged<IPVSConnection>

        func precedes(_ other: Entry) -> Bool {
            deadline != other.deadline ? deadline < other.deadline : sequence < other.sequence
        }
    }

    private var entries: [Entry] = []
    private var nextSequence: UInt64 = 0

    init() {}

    deinit {
        for entry in entries { entry.connection.release() }
    }

    var count: Int { entries.count }

    /// The earliest entry's deadline and connection (not retained beyond the heap's own).
    var first: (deadline: SimTime, connection: IPVSConnection)? {
        guard let top = entries.first else { return nil }
        return (top.deadline, top.connection.takeUnretainedValue())
    }

    /// O(log n).
    mutating func push(_ deadline: SimTime, _ connection: IPVSConnection) {
        entries.append(Entry(deadline: deadline, sequence: nextSequence, connection: .passRetained(connection)))
        nextSequence += 1
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].precedes(entries[parent]) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes the earliest entry and returns its connection. O(log n).
    @discardableResult
    mutating func popFirst() -> IPVSConnection? {
        guard !entries.isEmpty else { return nil }
        let top = entries[0]
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            var parent = 0
            let count = entries.count
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < count && entries[left].precedes(entries[smallest]) { smallest = left }
                if right < count && entries[right].precedes(entries[smallest]) { smallest = right }
                if smallest == parent { break }
                entries.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return top.connection.takeRetainedValue()
    }
}

extension IPVS {
    // MARK: - Connection table (ip_vs_conn.c)

    /// `__ip_vs_conn_in_get`: the newest connection of `client` to `virtual` over `proto`. O(1).
    func findIn(
        _ proto: IPProtocol, _ client: IPv4Address, _ clientPort: UInt16, _ virtual: IPv4Address, _ virtualPort: UInt16
    ) -> IPVSConnection? {
        inTable[IPVSConnectionKey(proto, client, clientPort, virtual, virtualPort)]
    }

    /// `ip_vs_conn_out_get`: the newest connection whose replies come from `source` to
    /// `client`. O(1).
    func findOut(
        _ proto: IPProtocol, source: IPv4Address, sourcePort: UInt16, client: IPv4Address, clientPort: UInt16
    ) -> IPVSConnection? {
        outTable[IPVSConnectionKey(proto, client, clientPort, source, sourcePort)]
    }

    private func inKey(_ c: IPVSConnection) -> IPVSConnectionKey {
        IPVSConnectionKey(c.protocolNumber, c.clientAddress, c.clientPort, c.virtualAddress, c.virtualPort)
    }

    private func outKey(_ c: IPVSConnection) -> IPVSConnectionKey {
        let (source, sourcePort) = c.replySource
        return IPVSConnectionKey(c.protocolNumber, c.clientAddress, c.clientPort, source, sourcePort)
    }

    /// `ip_vs_conn_hashkey`: `jhash_3words(addr, port, proto, rnd) & mask` over the raw
    /// (network order, read little-endian) client address and port.
    func bucket(of c: IPVSConnection) -> UInt32 {
        let address = c.clientAddress.value.byteSwapped
        let port = UInt32(c.clientPort.byteSwapped)
        let hash = IPVSHash.jhash3(address, port, UInt32(c.protocolNumber.rawValue), initval: connectionHashSeed)
        return hash & UInt32(Self.connectionTableSize - 1)
    }

    /// `ip_vs_conn_hash`: link `c` at the head of its chains. O(1).
    func hash(_ c: IPVSConnection) {
        precondition(!c.isLinked, "connection hashed twice")
        hashSequence += 1
        c.hashSequence = hashSequence
        c.bucket = bucket(of: c)
        let inKey = inKey(c)
        c.inNext = inTable[inKey]
        inTable[inKey] = c
        let outKey = outKey(c)
        c.outNext = outTable[outKey]
        outTable[outKey] = c
        c.isLinked = true
        c.flags.insert(.hashed)
        connectionCount += 1
    }

    /// `ip_vs_conn_unlink`. O(chain length), which is 1 unless a client reused a port while
    /// the old entry was still in the table.
    func unhash(_ c: IPVSConnection) {
        guard c.isLinked else { return }
        let inKey = inKey(c)
        if inTable[inKey] === c {
            inTable[inKey] = c.inNext
        } else {
            var previous = inTable[inKey]
            while let p = previous, p.inNext !== c { previous = p.inNext }
            previous?.inNext = c.inNext
        }
        c.inNext = nil
        let outKey = outKey(c)
        if outTable[outKey] === c {
            outTable[outKey] = c.outNext
        } else {
            var previous = outTable[outKey]
            while let p = previous, p.outNext !== c { previous = p.outNext }
            previous?.outNext = c.outNext
        }
        c.outNext = nil
        c.isLinked = false
        c.flags.remove(.hashed)
        connectionCount -= 1
    }

    /// Every connection in `/proc/net/ip_vs_conn` order: bucket by bucket, newest first within
    /// a bucket (`hlist_add_head_rcu`). O(n log n).
    public var connections: [IPVSConnection] {
        var all: [IPVSConnection] = []
        all.reserveCapacity(connectionCount)
        for head in inTable.values {
            var c: IPVSConnection? = head
            while let current = c {
                all.append(current)
                c = current.inNext
            }
        }
        all.sort { $0.bucket != $1.bucket ? $0.bucket < $1.bucket : $0.hashSequence > $1.hashSequence }
        return all
    }

    // MARK: - Binding to destinations

    /// `ip_vs_bind_dest`: inherit the destination's connection flags and count the connection
    /// (INACTIVE at first, since `__ip_vs_update_dest` puts `IP_VS_CONN_F_INACTIVE` in
    /// `dest->conn_flags`); mark the destination overloaded at its upper threshold.
    func bind(_ c: IPVSConnection, to dest: IPVSDestination) {
        dest.references += 1
        c.flags.formUnion(dest.connectionFlags)
        c.destination = dest
        if c.flags.contains(.inactive) {
            dest.inactiveConnections += 1
        } else {
            dest.activeConnections += 1
        }
        if dest.upperThreshold != 0 && dest.totalConnections >= Int64(dest.upperThreshold) {
            dest.flags.insert(.overload)
        }
    }

    /// `ip_vs_unbind_dest`: uncount the connection and clear the overload mark below the lower
    /// threshold (or below 3/4 of the upper one when there is no lower threshold).
    func unbind(_ c: IPVSConnection) {
        guard let dest = c.destination else { return }
        if c.flags.contains(.inactive) {
            dest.inactiveConnections -= 1
        } else {
            dest.activeConnections -= 1
        }
        if dest.lowerThreshold != 0 {
            if dest.totalConnections < Int64(dest.lowerThreshold) { dest.flags.remove(.overload) }
        } else if dest.upperThreshold != 0 {
            if dest.totalConnections * 4 < Int64(dest.upperThreshold) * 3 { dest.flags.remove(.overload) }
        } else {
            dest.flags.remove(.overload)
        }
        dest.references -= 1
    }

    // MARK: - Expiry

    /// Restart the connection's timer so it expires at `deadline` (`mod_timer`). O(log n) when
    /// the deadline moves earlier, O(1) otherwise (the existing heap entry re-arms itself).
    func armTimer(_ c: IPVSConnection, at deadline: SimTime) {
        c.expires = deadline
        if deadline < c.queuedDeadline {
            c.queuedDeadline = deadline
            timerHeap.push(deadline, c)
        }
    }

    /// `ip_vs_conn_expire` for an unreferenced connection: unlink it, let the packet path drop
    /// its conntrack entry, uncount it from its destination.
    func expire(_ c: IPVSConnection) {
        guard c.isLinked else { return }
        unhash(c)
        onConnectionExpired?(c)
        unbind(c)
    }

    /// When the next timer is due: a connection expiry, an lblc/lblcr garbage collection or the
    /// destination trash. nil when nothing is pending. O(timed services).
    public var nextDeadline: SimTime? {
        var earliest = nextConnectionDeadline
        for service in timedServices {
            if let t = service.scheduler?.nextTimer, earliest.map({ t < $0 }) ?? true { earliest = t }
        }
        if let t = trashTimer, earliest.map({ t < $0 }) ?? true { earliest = t }
        return earliest
    }

    /// The earliest connection expiry, discarding stale heap entries and re-arming entries whose
    /// connection was refreshed since (so the answer is exact). Amortised O(log n).
    private var nextConnectionDeadline: SimTime? {
        while let (deadline, c) = timerHeap.first {
            guard c.isLinked && deadline == c.queuedDeadline else {
                timerHeap.popFirst()
                continue
            }
            if c.expires <= deadline { return deadline }
            timerHeap.popFirst()
            c.queuedDeadline = .distantFuture
            armTimer(c, at: c.expires)
        }
        return nil
    }

    /// Run every timer due at or before `now`, in deadline order: connection expiries, lblc /
    /// lblcr garbage collection and the destination trash (`ip_vs_dest_trash_expire`).
    /// Amortised O(log n) per expired connection.
    public func expireConnections(now: SimTime) { runTimers(upTo: now) }

    func runTimers(upTo now: SimTime) {
        while true {
            let connectionDeadline = nextConnectionDeadline
            var schedulerDeadline: SimTime?
            var schedulerService: IPVSService?
            for service in timedServices {
                if let t = service.scheduler?.nextTimer, schedulerDeadline.map({ t < $0 }) ?? true {
                    schedulerDeadline = t
                    schedulerService = service
                }
            }
            let c = connectionDeadline ?? .distantFuture
            let s = schedulerDeadline ?? .distantFuture
            let t = trashTimer ?? .distantFuture
            if c <= s && c <= t {
                // nextConnectionDeadline left an exact, live entry on top.
                guard c <= now, let connection = timerHeap.popFirst() else { return }
                connection.queuedDeadline = .distantFuture
                expire(connection)
            } else if s <= t {
                guard s <= now, let service = schedulerService else { return }
                service.scheduler?.runTimer(service, ipvs: self)
            } else {
                guard t <= now else { return }
                runTrashTimer(at: t)
            }
        }
    }

    /// `ip_vs_dest_trash_expire`: free trashed destinations nothing refers to once they have
    /// been idle for `IP_VS_DEST_TRASH_PERIOD`; re-arm every half period while the trash is not
    /// empty.
    private func runTrashTimer(at now: SimTime) {
        var index = 0
        while index < trash.count {
            let dest = trash[index]
            if dest.references > 0 {
                index += 1
                continue
            }
            if let idle = dest.idleStart {
                if now < idle + Self.destTrashPeriod {
                    index += 1
                    continue
                }
            } else {
                dest.idleStart = now
                index += 1
                continue
            }
            trash.remove(at: index)
            dest.service = nil
        }
        trashTimer = trash.isEmpty ? nil : now + Self.destTrashPeriod / 2
    }

    /// `ip_vs_expire_nodest_conn_flush` (queued by `__ip_vs_del_dest` when
    /// `expire_nodest_conn=1`): expire every connection whose destination is no longer
    /// available, in table order.
    func expireNodestConnections() {
        guard sysctls.expireNodestConn != 0 else { return }
        // Only trashed destinations are unavailable, and only referenced ones can have
        // connections: skip the O(n log n) walk when there are none.
        guard trash.contains(where: { $0.references > 0 }) else { return }
        for c in connections where !(c.destination?.isAvailable ?? true) { expire(c) }
    }
}
