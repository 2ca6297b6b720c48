/// A virtual service (`struct ip_vs_service`): a key, a scheduler and its real servers.
///
/// `destinations` is the kernel's `svc->destinations` list in its order: a new destination is
/// inserted at the head (`list_add_rcu` in `__ip_vs_update_dest`), so the list is newest first.
/// Schedulers walk it in this order; `ipvsadm -L` sorts it for display.
public final class IPVSService {
    public let key: IPVSServiceKey
    /// The scheduler's name as given ("rr", "wlc", ..., or "none").
    public internal(set) var schedulerName: String
    /// `svc->flags` (always includes `.hashed` while linked).
    public internal(set) var flags: IPVSServiceFlags
    /// Real servers, newest first (`svc->destinations`). O(1) to read.
    public internal(set) var destinations: [IPVSDestination] = []
    public internal(set) var stats = IPVSStats()

    /// The scheduler instance and its state (`svc->scheduler`, `svc->sched_data`); nil for
    /// "none".
    var scheduler: IPVSScheduler?
    /// False once deleted (`IP_VS_SVC_F_HASHED` cleared).
    public internal(set) var isLinked = true

    init(key: IPVSServiceKey, schedulerName: String, flags: IPVSServiceFlags) {
        self.key = key
        self.schedulerName = schedulerName
        self.flags = flags.union(.hashed)
    }

    /// `svc->fwmark` (0 for address services).
    public var fwmark: UInt32 { key.fwmark }
    /// `svc->protocol` (TCP for fwmark services).
    public var protocolNumber: IPProtocol { key.protocolNumber }
    /// `svc->addr` (0.0.0.0 for fwmark services).
    public var address: IPv4Address { key.address }
    /// `svc->port` (0 for fwmark services).
    public var port: UInt16 { key.port }

    /// `ip_vs_lookup_dest`: the destination `address:port`, if linked. O(destinations).
    public func destination(address: IPv4Address, port: UInt16) -> IPVSDestination? {
        destinations.first { $0.address == address && $0.port == port }
    }

    /// The position of `dest` in `destinations`. O(destinations).
    func index(of dest: IPVSDestination) -> Int? {
        destinations.firstIndex { $0 === dest }
    }
}
