/// Shared timing constants of lblc and lblcr (`ip_vs_lblc.c`, `ip_vs_lblcr.c`).
enum IPVSLocalityTimers {
    /// `CHECK_EXPIRE_INTERVAL`: the garbage-collection timer period.
    static let checkInterval = SimDuration.seconds(60)
    /// `ENTRY_TIMEOUT`: entries idle this long may be collected when the table is over size.
    static let entryTimeout = SimDuration.seconds(6 * 60)
    /// `COUNT_FOR_FULL_EXPIRATION`: every 30th timer run does a full expiration check.
    static let countForFullExpiration = 30
    /// `IP_VS_LBLC_TAB_BITS` / `IP_VS_LBLCR_TAB_BITS`.
    static let tableBits = 10
    static let tableSize = 1 << tableBits
    static let tableMask = tableSize - 1

    /// `ip_vs_lblc_hashkey` / `ip_vs_lblcr_hashkey`: `hash_32(ntohl(addr), 10)`.
    static func bucket(for address: IPv4Address) -> Int { Int(IPVSHash.hash32(address.value, bits: tableBits)) }

    /// `is_overloaded` of lblc/lblcr: `dest` has more active connections than its weight while
    /// some destination of the service has fewer than half its weight.
    static func isOverloaded(_ dest: IPVSDestination, in service: IPVSService) -> Bool {
        guard dest.activeConnections > dest.weight else { return false }
        return service.destinations.contains { Int64($0.activeConnections) * 2 < Int64($0.weight) }
    }
}

/// Locality-based least-connection (`net/netfilter/ipvs/ip_vs_lblc.c`).
///
/// A cache maps the packet's destination address (the virtual address for a normal service)
/// to a real server: 1024 hash buckets of entries, newest first (`hlist_add_head_rcu`). A hit
/// is used unless the server was deleted, has weight <= 0, or is overloaded in lblc's sense
/// (`activeconns > weight` while another has `activeconns * 2 < weight`); otherwise a weighted
/// least-connection pick replaces the entry. A 60 s timer collects entries: every 30th run all
/// entries idle for `lblc_expiration` (24 h), otherwise, only while there are more than
/// 16384 entries, up to `(entries - 16384) * 4 / 3` entries idle for 6 minutes, walking the
/// buckets from a rover.
final class IPVSLocalityBasedLeastConnection: IPVSScheduler {
    final class Entry {
        let address: IPv4Address
        let destination: IPVSDestination
        var lastUse: SimTime

        init(address: IPv4Address, destination: IPVSDestination, lastUse: SimTime) {
            self.address = address
            self.destination = destination
            self.lastUse = lastUse
        }
    }

    /// `tbl->bucket`: each bucket newest first.
    private(set) var buckets: [[Entry]] = Array(repeating: [], count: IPVSLocalityTimers.tableSize)
    private(set) var entryCount = 0
    /// `tbl->max_size`: `IP_VS_LBLC_TAB_SIZE * 16`.
    let maxSize = IPVSLocalityTimers.tableSize * 16
    private var rover = 0
    private var counter = 1
    private var timer: SimTime?

    /// `ip_vs_lblc_init_svc`: the timer first fires 60 s after the service is created.
    init(now: SimTime) {
        timer = now + IPVSLocalityTimers.checkInterval
    }

    var nextTimer: SimTime? { timer }

    /// `ip_vs_lblc_get`.
    func entry(for address: IPv4Address) -> Entry? {
        buckets[IPVSLocalityTimers.bucket(for: address)].first { $0.address == address }
    }

    private func remove(bucket: Int, at index: Int) {
        let entry = buckets[bucket].remove(at: index)
        entry.destination.references -= 1
        entryCount -= 1
    }

    /// `ip_vs_lblc_new`: create or replace the entry for `address`.
    private func store(_ address: IPv4Address, _ dest: IPVSDestination, now: SimTime) {
        let bucket = IPVSLocalityTimers.bucket(for: address)
        if let index = buckets[bucket].firstIndex(where: { $0.address == address }) {
            if buckets[bucket][index].destination === dest { return }
            remove(bucket: bucket, at: index)
        }
        dest.references += 1
        buckets[bucket].insert(Entry(address: address, destination: dest, lastUse: now), at: 0)
        entryCount += 1
    }

    func schedule(_ service: IPVSService, packet: IPVSSchedulingPacket, ipvs: IPVS, now: SimTime) -> IPVSDestination? {
        if let cached = entry(for: packet.destinationAddress) {
            cached.lastUse = now
            let dest = cached.destination
            if dest.isAvailable && dest.weight > 0 && !IPVSLocalityTimers.isOverloaded(dest, in: service) {
                return dest
            }
        }
        guard let dest = IPVSSchedulers.weightedLeastConnection(service.destinations) else { return nil }
        store(packet.destinationAddress, dest, now: now)
        return dest
    }

    /// `ip_vs_lblc_flush`.
    func done(_ service: IPVSService) {
        for bucket in buckets.indices {
            while !buckets[bucket].isEmpty { remove(bucket: bucket, at: 0) }
        }
        timer = nil
    }

    /// `ip_vs_lblc_check_expire`.
    func runTimer(_ service: IPVSService, ipvs: IPVS) {
        guard let now = timer else { return }
        defer { timer = now + IPVSLocalityTimers.checkInterval }
        if counter % IPVSLocalityTimers.countForFullExpiration == 0 {
            fullCheck(now: now, expiration: ipvs.sysctls.lblcExpiration)
            counter = 1
            return
        }
        if entryCount <= maxSize {
            counter += 1
            return
        }
        var goal = (entryCount - maxSize) * 4 / 3
        if goal > maxSize / 2 { goal = maxSize / 2 }
        var j = rover
        for _ in 0..<IPVSLocalityTimers.tableSize {
            j = (j + 1) & IPVSLocalityTimers.tableMask
            var index = 0
            while index < buckets[j].count {
                if now < buckets[j][index].lastUse + IPVSLocalityTimers.entryTimeout {
                    index += 1
                    continue
                }
                remove(bucket: j, at: index)
                goal -= 1
            }
            if goal <= 0 { break }
        }
        rover = j
    }

    /// `ip_vs_lblc_full_check`.
    private func fullCheck(now: SimTime, expiration: SimDuration) {
        var j = rover
        for _ in 0..<IPVSLocalityTimers.tableSize {
            j = (j + 1) & IPVSLocalityTimers.tableMask
            var index = 0
            while index < buckets[j].count {
                if now < buckets[j][index].lastUse + expiration {
                    index += 1
                    continue
                }
                remove(bucket: j, at: index)
            }
        }
        rover = j
    }
}

/// Locality-based least-connection with replication (`net/netfilter/ipvs/ip_vs_lblcr.c`).
///
/// Like lblc, but each cached address maps to a *set* of servers (newest first). A hit uses
/// the set's weighted least-loaded available member (`ip_vs_dest_set_min`); if the set has
/// more than one member and has not changed for `lblcr_expiration` (24 h), its most loaded
/// member is dropped first (`ip_vs_dest_set_max`). If there is no usable member, or it is
/// overloaded in lblc's sense, a weighted least-connection pick is added to the set.
final class IPVSLocalityBasedLeastConnectionReplication: IPVSScheduler {
    final class Entry {
        let address: IPv4Address
        /// `en->set.list`, newest first.
        var set: [IPVSDestination] = []
        /// `en->set.lastmod`.
        var lastModified: SimTime
        var lastUse: SimTime

        init(address: IPv4Address, now: SimTime) {
            self.address = address
            self.lastModified = now
            self.lastUse = now
        }
    }

    private(set) var buckets: [[Entry]] = Array(repeating: [], count: IPVSLocalityTimers.tableSize)
    private(set) var entryCount = 0
    let maxSize = IPVSLocalityTimers.tableSize * 16
    private var rover = 0
    private var counter = 1
    private var timer: SimTime?

    init(now: SimTime) {
        timer = now + IPVSLocalityTimers.checkInterval
    }

    var nextTimer: SimTime? { timer }

    /// `ip_vs_lblcr_get`.
    func entry(for address: IPv4Address) -> Entry? {
        buckets[IPVSLocalityTimers.bucket(for: address)].first { $0.address == address }
    }

    /// `ip_vs_dest_set_insert`.
    private func insert(_ dest: IPVSDestination, into entry: Entry, check: Bool, now: SimTime) {
        if check && entry.set.contains(where: { $0 === dest }) { return }
        dest.references += 1
        entry.set.insert(dest, at: 0)
        entry.lastModified = now
    }

    /// `ip_vs_dest_set_erase`.
    private func erase(_ dest: IPVSDestination, from entry: Entry, now: SimTime) {
        guard let index = entry.set.firstIndex(where: { $0 === dest }) else { return }
        entry.set.remove(at: index)
        dest.references -= 1
        entry.lastModified = now
    }

    /// `ip_vs_lblcr_free`.
    private func free(bucket: Int, at index: Int) {
        let entry = buckets[bucket].remove(at: index)
        for dest in entry.set { dest.references -= 1 }
        entry.set.removeAll()
        entryCount -= 1
    }

    /// `ip_vs_dest_set_min`: the first available, not overloaded member with weight > 0, then
    /// any later available member with a strictly smaller `overhead / weight`.
    static func setMinimum(_ set: [IPVSDestination]) -> IPVSDestination? {
        var least: IPVSDestination?
        var leastOverhead: Int64 = 0
        for dest in set {
            if dest.isOverloaded { continue }
            guard let current = least else {
                if dest.weight > 0 && dest.isAvailable {
                    least = dest
                    leastOverhead = dest.overhead
                }
                continue
            }
            let overhead = dest.overhead
            if leastOverhead * Int64(dest.weight) > overhead * Int64(current.weight) && dest.isAvailable {
                least = dest
                leastOverhead = overhead
            }
        }
        return least
    }

    /// `ip_vs_dest_set_max`: the first member with weight > 0, then any later one with weight > 0
    /// and a strictly larger `overhead / weight`.
    static func setMaximum(_ set: [IPVSDestination]) -> IPVSDestination? {
        var most: IPVSDestination?
        var mostOverhead: Int64 = 0
        for dest in set {
            guard let current = most else {
                if dest.weight > 0 {
                    most = dest
                    mostOverhead = dest.overhead
                }
                continue
            }
            let overhead = dest.overhead
            if mostOverhead * Int64(dest.weight) < overhead * Int64(current.weight) && dest.weight > 0 {
                most = dest
                mostOverhead = overhead
            }
        }
        return most
    }

    func schedule(_ service: IPVSService, packet: IPVSSchedulingPacket, ipvs: IPVS, now: SimTime) -> IPVSDestination? {
        let address = packet.destinationAddress
        if let cached = entry(for: address) {
            cached.lastUse = now
            let dest = Self.setMinimum(cached.set)
            // More than one destination and enough time passed by: drop the most loaded.
            if cached.set.count > 1 && now > cached.lastModified + ipvs.sysctls.lblcrExpiration {
                if let most = Self.setMaximum(cached.set) { erase(most, from: cached, now: now) }
            }
            if let dest, !IPVSLocalityTimers.isOverloaded(dest, in: service) { return dest }
            guard let picked = IPVSSchedulers.weightedLeastConnection(service.destinations) else { return nil }
            insert(picked, into: cached, check: true, now: now)
            return picked
        }
        guard let picked = IPVSSchedulers.weightedLeastConnection(service.destinations) else { return nil }
        let entry = Entry(address: address, now: now)
        insert(picked, into: entry, check: false, now: now)
        buckets[IPVSLocalityTimers.bucket(for: address)].insert(entry, at: 0)
        entryCount += 1
        return picked
    }

    /// `ip_vs_lblcr_flush`.
    func done(_ service: IPVSService) {
        for bucket in buckets.indices {
            while !buckets[bucket].isEmpty { free(bucket: bucket, at: 0) }
        }
        timer = nil
    }

    /// `ip_vs_lblcr_check_expire`.
    func runTimer(_ service: IPVSService, ipvs: IPVS) {
        guard let now = timer else { return }
        defer { timer = now + IPVSLocalityTimers.checkInterval }
        if counter % IPVSLocalityTimers.countForFullExpiration == 0 {
            // ip_vs_lblcr_full_check: keep entries with lastuse + expiration after now.
            var j = rover
            for _ in 0..<IPVSLocalityTimers.tableSize {
                j = (j + 1) & IPVSLocalityTimers.tableMask
                var index = 0
                while index < buckets[j].count {
                    if buckets[j][index].lastUse + ipvs.sysctls.lblcrExpiration > now {
                        index += 1
                        continue
                    }
                    free(bucket: j, at: index)
                }
            }
            rover = j
            counter = 1
            return
        }
        if entryCount <= maxSize {
            counter += 1
            return
        }
        var goal = (entryCount - maxSize) * 4 / 3
        if goal > maxSize / 2 { goal = maxSize / 2 }
        var j = rover
        for _ in 0..<IPVSLocalityTimers.tableSize {
            j = (j + 1) & IPVSLocalityTimers.tableMask
            var index = 0
            while index < buckets[j].count {
                if now < buckets[j][index].lastUse + IPVSLocalityTimers.entryTimeout {
                    index += 1
                    continue
                }
                free(bucket: j, at: index)
                goal -= 1
            }
            if goal <= 0 { break }
        }
        rover = j
    }
}
