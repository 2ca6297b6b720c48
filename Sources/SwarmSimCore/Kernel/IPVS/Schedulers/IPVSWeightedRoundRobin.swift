/// Interleaved weighted round-robin (`net/netfilter/ipvs/ip_vs_wrr.c`).
///
/// `struct ip_vs_wrr_mark`: `cl` the current destination (or the list head), `cw` the current
/// weight, `mw` the maximum weight reduced by `di - 1`, `di` the gcd of the positive weights.
/// Each pick scans on from `cl` for a destination with `weight >= cw` that is not overloaded;
/// at the end of the list `cw` drops by `di`, wrapping to `mw` once it reaches 0. Any
/// add/delete/edit of a destination recomputes `di` and `mw` and restarts from the head
/// (`ip_vs_wrr_dest_changed`). `schedule` is a line-by-line translation of
/// `ip_vs_wrr_schedule`, including its "last pass" and "stop" bookkeeping for overloaded lists.
final class IPVSWeightedRoundRobin: IPVSScheduler {
    /// `mark->cl` as an index into the destinations, -1 for the list head.
    private(set) var current = -1
    private(set) var currentWeight = 0
    private(set) var maxWeight = 0
    private(set) var step = 1

    /// `ip_vs_wrr_init_svc`.
    init(service: IPVSService) {
        current = -1
        step = Self.gcdWeight(service)
        maxWeight = Self.maxWeight(service) - (step - 1)
        currentWeight = maxWeight
    }

    /// `ip_vs_wrr_gcd_weight`: gcd of the weights > 0, 1 when there are none.
    static func gcdWeight(_ service: IPVSService) -> Int {
        var g = 0
        for dest in service.destinations where dest.weight > 0 {
            g = g > 0 ? IPVSHash.gcd(Int(dest.weight), g) : Int(dest.weight)
        }
        return g > 0 ? g : 1
    }

    /// `ip_vs_wrr_max_weight`: the largest weight (0 when all are 0).
    static func maxWeight(_ service: IPVSService) -> Int {
        service.destinations.reduce(0) { max($0, Int($1.weight)) }
    }

    /// `ip_vs_wrr_dest_changed`.
    private func destChanged(_ service: IPVSService) {
        current = -1
        step = Self.gcdWeight(service)
        maxWeight = Self.maxWeight(service) - (step - 1)
        if currentWeight > maxWeight || currentWeight == 0 {
            currentWeight = maxWeight
        } else if step > 1 {
            currentWeight = (currentWeight / step) * step + 1
        }
    }

    func destinationAdded(_ dest: IPVSDestination, to service: IPVSService) { destChanged(service) }
    func destinationRemoved(_ dest: IPVSDestination, formerIndex: Int, from service: IPVSService) {
        destChanged(service)
    }
    func destinationUpdated(_ dest: IPVSDestination, in service: IPVSService) { destChanged(service) }

    func schedule(_ service: IPVSService, packet: IPVSSchedulingPacket, ipvs: IPVS, now: SimTime) -> IPVSDestination? {
        let dests = service.destinations
        let head = -1
        // list_for_each_entry_continue: the entry after `position`, or the head at the end.
        func next(_ position: Int) -> Int { position + 1 < dests.count ? position + 1 : head }

        var dest = current
        if maxWeight == 0 { return nil }  // err_noavail: mark->cl = dest (unchanged)
        let last = dest
        var stop: Int?  // NULL never equals a destination
        var lastPass = false
        var restarted = false
        while true {
            dest = next(dest)
            while dest != head {
                let candidate = dests[dest]
                if !candidate.isOverloaded && Int(candidate.weight) >= currentWeight {
                    current = dest  // found
                    return candidate
                }
                if dest == stop {
                    current = dest  // err_over
                    return nil
                }
                dest = next(dest)
            }
            currentWeight -= step
            if currentWeight <= 0 {
                currentWeight = maxWeight
                // Stop if the last pass (w >= 1) already ran, or it started from the head.
                if lastPass || last == head {
                    current = dest  // err_over with dest at the head
                    return nil
                }
                restarted = true
            }
            lastPass = currentWeight <= step
            if lastPass && restarted && last != head {
                // The first traversal was for w >= 1 but only after `last`; now do the same
                // for the destinations up to `last`.
                stop = last
            }
        }
    }
}
