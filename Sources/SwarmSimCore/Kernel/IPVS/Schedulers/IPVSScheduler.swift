/// The parts of a packet a scheduler reads (`skb` and `struct ip_vs_iphdr`).
public struct IPVSSchedulingPacket: Hashable, Sendable {
    public var protocolNumber: IPProtocol
    /// The client (`iph->saddr`, source port).
    public var sourceAddress: IPv4Address
    public var sourcePort: UInt16
    /// The virtual address (`iph->daddr`, destination port).
    public var destinationAddress: IPv4Address
    public var destinationPort: UInt16

    public init(
        protocolNumber: IPProtocol, sourceAddress: IPv4Address, sourcePort: UInt16, destinationAddress: IPv4Address,
        destinationPort: UInt16
    ) {
        self.protocolNumber = protocolNumber
        self.sourceAddress = sourceAddress
        self.sourcePort = sourcePort
        self.destinationAddress = destinationAddress
        self.destinationPort = destinationPort
    }
}

/// A scheduling algorithm bound to one service (`struct ip_vs_scheduler` plus the service's
/// `sched_data`). One file per algorithm, each following its `net/netfilter/ipvs/ip_vs_*.c`.
///
/// The hooks mirror the kernel's: `destinationAdded` runs after the new destination is linked
/// at the head of `service.destinations` (`add_dest`), `destinationRemoved` after it is unlinked
/// (`del_dest`, with the index it had), `destinationUpdated` after an edit (`upd_dest`).
protocol IPVSScheduler: AnyObject {
    /// `schedule`: the destination for a new connection, or nil when none is usable.
    func schedule(_ service: IPVSService, packet: IPVSSchedulingPacket, ipvs: IPVS, now: SimTime) -> IPVSDestination?
    /// `add_dest`.
    func destinationAdded(_ dest: IPVSDestination, to service: IPVSService)
    /// `del_dest`.
    func destinationRemoved(_ dest: IPVSDestination, formerIndex: Int, from service: IPVSService)
    /// `upd_dest`.
    func destinationUpdated(_ dest: IPVSDestination, in service: IPVSService)
    /// `done_service`: release state (cache entries drop their destination references).
    func done(_ service: IPVSService)
    /// The next time `runTimer` wants to run (lblc/lblcr garbage collection), if any.
    var nextTimer: SimTime? { get }
    /// Run the timer due at `nextTimer`.
    func runTimer(_ service: IPVSService, ipvs: IPVS)
}

extension IPVSScheduler {
    func destinationAdded(_ dest: IPVSDestination, to service: IPVSService) {}
    func destinationRemoved(_ dest: IPVSDestination, formerIndex: Int, from service: IPVSService) {}
    func destinationUpdated(_ dest: IPVSDestination, in service: IPVSService) {}
    func done(_ service: IPVSService) {}
    var nextTimer: SimTime? { nil }
    func runTimer(_ service: IPVSService, ipvs: IPVS) {}
}

/// The scheduler registry (`ip_vs_scheduler_get`).
enum IPVSSchedulers {
    /// Every scheduler this model implements, as `ipvsadm -s` names them.
    static let names = ["rr", "wrr", "lc", "wlc", "sed", "nq", "dh", "sh", "lblc", "lblcr", "mh", "fo", "ovf", "twos"]

    /// Whether `name` is a scheduler (or "none", which the kernel accepts for a service without
    /// one).
    static func isKnown(_ name: String) -> Bool { name == "none" || names.contains(name) }

    /// `init_service` of the scheduler `name` for `service` (whose destinations may already
    /// exist, as after `ipvsadm -E -s`). nil for "none".
    static func make(_ name: String, service: IPVSService, now: SimTime) -> IPVSScheduler? {
        switch name {
        case "rr": IPVSRoundRobin()
        case "wrr": IPVSWeightedRoundRobin(service: service)
        case "lc": IPVSLeastConnection()
        case "wlc": IPVSWeightedLeastConnection()
        case "sed": IPVSShortestExpectedDelay()
        case "nq": IPVSNeverQueue()
        case "dh": IPVSDestinationHashing(service: service)
        case "sh": IPVSSourceHashing(service: service)
        case "lblc": IPVSLocalityBasedLeastConnection(now: now)
        case "lblcr": IPVSLocalityBasedLeastConnectionReplication(now: now)
        case "mh": IPVSMaglevHashing(service: service)
        case "fo": IPVSWeightedFailover()
        case "ovf": IPVSOverflow()
        case "twos": IPVSPowerOfTwoChoices()
        default: nil
        }
    }

    /// The weighted least-connection pick shared by wlc (`ip_vs_wlc_schedule`), lblc
    /// (`__ip_vs_lblc_schedule`) and lblcr (`__ip_vs_lblcr_schedule`): the first usable
    /// destination in list order, replaced only by one whose `overhead/weight` is strictly
    /// smaller (`loh * w_d > doh * w_least`), so the earliest in the list wins ties.
    /// Overloaded destinations are skipped; weight 0 is skipped for the first pick and can never
    /// win later (0 is never greater). O(destinations).
    static func weightedLeastConnection(_ destinations: [IPVSDestination]) -> IPVSDestination? {
        var least: IPVSDestination?
        var leastOverhead: Int64 = 0
        for dest in destinations {
            if dest.isOverloaded { continue }
            guard let current = least else {
                if dest.weight > 0 {
                    least = dest
                    leastOverhead = dest.overhead
                }
                continue
            }
            let overhead = dest.overhead
            if leastOverhead * Int64(dest.weight) > overhead * Int64(current.weight) {
                least = dest
                leastOverhead = overhead
            }
        }
        return least
    }
}
