/// Weighted failover (`net/netfilter/ipvs/ip_vs_fo.c`).
///
/// The destination with the highest weight that is not overloaded; strict `>` against a
/// running maximum that starts at 0, so weight 0 never wins and the first in list order wins
/// ties.
final class IPVSWeightedFailover: IPVSScheduler {
    func schedule(_ service: IPVSService, packet: IPVSSchedulingPacket, ipvs: IPVS, now: SimTime) -> IPVSDestination? {
        var highest: IPVSDestination?
        var highestWeight: Int32 = 0
        for dest in service.destinations where !dest.isOverloaded && dest.weight > highestWeight {
            highest = dest
            highestWeight = dest.weight
        }
        return highest
    }
}

/// Overflow-connection (`net/netfilter/ipvs/ip_vs_ovf.c`).
///
/// The highest-weight destination whose active connections do not exceed its weight
/// (`activeconns > w` disqualifies, as do weight 0 and overload); the first in list order wins
/// ties. Only active connections count, so UDP never overflows.
final class IPVSOverflow: IPVSScheduler {
    func schedule(_ service: IPVSService, packet: IPVSSchedulingPacket, ipvs: IPVS, now: SimTime) -> IPVSDestination? {
        var highest: IPVSDestination?
        var highestWeight: Int32 = 0
        for dest in service.destinations {
            let weight = dest.weight
            if dest.isOverloaded || dest.activeConnections > weight || weight == 0 { continue }
            if highest == nil || weight > highestWeight {
                highest = dest
                highestWeight = weight
            }
        }
        return highest
    }
}

/// Power of two choices (`net/netfilter/ipvs/ip_vs_twos.c`).
///
/// `total = Σ weights + 1` over usable destinations; two random numbers in `[0, total)` (the
/// kernel's `get_random_u32() % total`, here from the namespace's seeded `RandomStream`) are
/// walked down the list, each picking the first destination at which it drops to <= 0. The
/// second choice wins if `weight2 * overhead1 > weight1 * overhead2`.
final class IPVSPowerOfTwoChoices: IPVSScheduler {
    func schedule(_ service: IPVSService, packet: IPVSSchedulingPacket, ipvs: IPVS, now: SimTime) -> IPVSDestination? {
        var total: Int64 = 0
        var choice1: IPVSDestination?
        for dest in service.destinations where !dest.isOverloaded && dest.weight > 0 {
            total += Int64(dest.weight)
            choice1 = dest
        }
        guard choice1 != nil else { return nil }
        total += 1
        var random1 = Int64(ipvs.nextTwosRandom() % UInt32(truncatingIfNeeded: total))
        var random2 = Int64(ipvs.nextTwosRandom() % UInt32(truncatingIfNeeded: total))
        var choice2: IPVSDestination?
        var weight1: Int64 = -1
        var weight2: Int64 = -1
        var overhead1: Int64 = 0
        var overhead2: Int64 = 0
        for dest in service.destinations {
            if dest.isOverloaded { continue }
            let weight = Int64(dest.weight)
            if weight <= 0 { continue }
            random1 -= weight
            random2 -= weight
            if random1 <= 0 && weight1 == -1 {
                choice1 = dest
                weight1 = weight
                overhead1 = dest.overhead
            }
            if random2 <= 0 && weight2 == -1 {
                choice2 = dest
                weight2 = weight
                overhead2 = dest.overhead
            }
            if weight1 != -1 && weight2 != -1 { break }
        }
        if let second = choice2, weight2 * overhead1 > weight1 * overhead2 { return second }
        return choice1
    }
}
