/// Least-connection (`net/netfilter/ipvs/ip_vs_lc.c`).
///
/// The destination with the smallest `ip_vs_dest_conn_overhead` (`activeconns * 256 +
/// inactconns`); weights only matter in that weight 0 (quiesced) and overloaded destinations
/// are skipped. Strict `<`, so the first in list order (newest first) wins ties.
final class IPVSLeastConnection: IPVSScheduler {
    func schedule(_ service: IPVSService, packet: IPVSSchedulingPacket, ipvs: IPVS, now: SimTime) -> IPVSDestination? {
        var least: IPVSDestination?
        var leastOverhead: Int64 = 0
        for dest in service.destinations {
            if dest.isOverloaded || dest.weight == 0 { continue }
            let overhead = dest.overhead
            if least == nil || overhead < leastOverhead {
                least = dest
                leastOverhead = overhead
            }
        }
        return least
    }
}

/// Weighted least-connection (`net/netfilter/ipvs/ip_vs_wlc.c`), ipvsadm's default scheduler.
///
/// The destination with the smallest `overhead / weight`, compared without division as
/// `loh * w_d > doh * w_least` in 64 bits; the first usable destination in list order starts,
/// and only a strictly smaller load replaces it.
final class IPVSWeightedLeastConnection: IPVSScheduler {
    func schedule(_ service: IPVSService, packet: IPVSSchedulingPacket, ipvs: IPVS, now: SimTime) -> IPVSDestination? {
        IPVSSchedulers.weightedLeastConnection(service.destinations)
    }
}

/// Shortest expected delay (`net/netfilter/ipvs/ip_vs_sed.c`).
///
/// Like wlc but the overhead is `activeconns + 1` (inactive connections are ignored and the
/// incoming job counts): the smallest `(activeconns + 1) / weight`, ties to the first in list.
final class IPVSShortestExpectedDelay: IPVSScheduler {
    func schedule(_ service: IPVSService, packet: IPVSSchedulingPacket, ipvs: IPVS, now: SimTime) -> IPVSDestination? {
        var least: IPVSDestination?
        var leastOverhead: Int64 = 0
        for dest in service.destinations {
            if dest.isOverloaded { continue }
            guard let current = least else {
                if dest.weight > 0 {
                    least = dest
                    leastOverhead = Int64(dest.activeConnections) + 1
                }
                continue
            }
            let overhead = Int64(dest.activeConnections) + 1
            if leastOverhead * Int64(dest.weight) > overhead * Int64(current.weight) {
                least = dest
                leastOverhead = overhead
            }
        }
        return least
    }
}

/// Never queue (`net/netfilter/ipvs/ip_vs_nq.c`).
///
/// The first destination in list order with no active connection (and weight > 0, not
/// overloaded) is returned at once; otherwise the shortest-expected-delay pick among the rest.
final class IPVSNeverQueue: IPVSScheduler {
    func schedule(_ service: IPVSService, packet: IPVSSchedulingPacket, ipvs: IPVS, now: SimTime) -> IPVSDestination? {
        var least: IPVSDestination?
        var leastOverhead: Int64 = 0
        for dest in service.destinations {
            if dest.isOverloaded || dest.weight == 0 { continue }
            let overhead = Int64(dest.activeConnections) + 1
            if dest.activeConnections == 0 { return dest }  // idle: take it
            if let current = least, !(leastOverhead * Int64(dest.weight) > overhead * Int64(current.weight)) {
                continue
            }
            least = dest
            leastOverhead = overhead
        }
        return least
    }
}
