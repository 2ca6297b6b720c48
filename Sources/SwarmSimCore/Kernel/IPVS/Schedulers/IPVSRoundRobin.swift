/// Round-robin (`net/netfilter/ipvs/ip_vs_rr.c`).
///
/// `sched_data` is a cursor into `svc->destinations`: the list head at first
/// (`ip_vs_rr_init_svc`), then the last destination picked. `ip_vs_rr_schedule` walks on from
/// the cursor to the next destination that is not overloaded and has weight > 0, wrapping once
/// (so the cursor's own destination is the last one tried). The cursor is kept as an index
/// (-1 = the list head) and shifted when the list changes, which is what a pointer into the
/// kernel list amounts to.
final class IPVSRoundRobin: IPVSScheduler {
    /// Index of the cursor's destination in `service.destinations`, -1 for the list head.
    private(set) var cursor = -1

    func schedule(_ service: IPVSService, packet: IPVSSchedulingPacket, ipvs: IPVS, now: SimTime) -> IPVSDestination? {
        let dests = service.destinations
        let count = dests.count
        guard count > 0 else { return nil }
        // From the head: one pass over the whole list. From a destination c: c+1 ... end, then
        // (second pass) first ... c, stopping at c ("if (dest == last) goto stop" after the test).
        let start = cursor + 1
        for step in 0..<count {
            let index = (start + step) % count
            let dest = dests[index]
            if !dest.isOverloaded && dest.weight > 0 {
                cursor = index
                return dest
            }
        }
        return nil  // the cursor stays where it was
    }

    /// `add_dest` is NULL for rr; the new head shifts the cursor's index by one.
    func destinationAdded(_ dest: IPVSDestination, to service: IPVSService) {
        if cursor >= 0 { cursor += 1 }
    }

    /// `ip_vs_rr_del_dest`: when the cursor's destination is deleted the cursor moves to its
    /// predecessor (`p->next->prev`, the head if it was first); otherwise it only shifts.
    func destinationRemoved(_ dest: IPVSDestination, formerIndex: Int, from service: IPVSService) {
        if formerIndex <= cursor { cursor -= 1 }
    }
}
