/// The IP Virtual Server state of one network namespace (`struct netns_ipvs`): virtual services
/// and their real servers, the connection table, the sysctls, timeouts and counters.
///
/// This is the kernel's IPVS core (`net/netfilter/ipvs/`) as pure data structures and
/// algorithms, without packets: the netfilter hooks and NAT rewriting live in the packet path,
/// which calls in here. Everything follows the kernel source, function by function:
///
/// - **Control plane** (`ip_vs_ctl.c`): `addService`, `editService`, `deleteService`,
///   `addDestination`, `editDestination`, `deleteDestination`, `flush`, `zero`, `setTimeouts`,
///   or `ipvsadm` command lines and `ipvsadm -Sn` dumps through `apply(ipvsadm:)` and
///   `restore(ipvsadmSave:)`. New destinations go to the head of the service's list (newest
///   first), as `list_add_rcu` puts them; deleted ones move to a trash from which re-adding the
///   same server revives them with their counters.
/// - **Schedulers** (`ip_vs_rr.c` ... `ip_vs_twos.c`): one class per algorithm in `Schedulers/`.
/// - **Packet path** (`ip_vs_core.c`): `inbound(_:now:)` is `ip_vs_in` minus the transmit (it
///   finds or schedules the connection, applies `conn_reuse_mode` and `expire_nodest_conn`,
///   counts the packet and advances the state) and tells the caller what to do;
///   `outbound(_:now:)` is `ip_vs_out`'s `handle_response` for NAT replies. The primitives they
///   use are public too: `lookupService`, `schedule`, `connection`, `replyConnection`,
///   `updateState`, `recordPacket`.
/// - **Connections** (`ip_vs_conn.c`, `ip_vs_proto_tcp.c`, `ip_vs_proto_udp.c`): a table keyed
///   by (protocol, client, virtual address) with a reverse index by (protocol, client, real
///   server) for replies, both O(1); TCP states and timeouts from `tcp_states`; ActiveConn /
///   InActConn bookkeeping as `ip_vs_bind_dest`, `set_tcp_state` and `ip_vs_unbind_dest` do it;
///   expiry from a timer heap (`expireConnections(now:)`, `nextDeadline`).
/// - **`ipvsadm` output** (`ipvsadm.c`): `ipvsadmList`, `ipvsadmSave`, `ipvsadmConnections`,
///   `ipvsadmTimeouts`, byte for byte.
///
/// Integration: the packet path calls `inbound` at LOCAL_IN (or LOCAL_OUT) for packets to a
/// virtual service and transmits according to the returned connection's `forwarding`
/// (rewriting the destination to `destinationAddress:destinationPort` for NAT), and calls
/// `outbound` at FORWARD / LOCAL_IN for replies, rewriting the source back to
/// `virtualAddress:virtualPort`. `onConnectionExpired` lets it drop the conntrack entry of a
/// connection flagged `.nfct`. It should call `expireConnections(now:)` at `nextDeadline` (the
/// entry points also do it lazily, so state is always consistent at their `now`).
///
/// Not modelled: persistence (templates, `-p`, `--pe`), one-packet scheduling (`-o`), FTP
/// helpers, SCTP states, IPv6, connection sync, rate estimators, `secure_tcp`/`drop_entry`
/// defence, and the kernel's per-namespace pointer in the connection hash (so `ipvsadm -Lnc`
/// order matches a kernel whose hash seed equals ours, not any particular host).
public final class IPVS {
    /// `IP_VS_TAB_BITS` (12): the connection hash has 4096 buckets, which is the "size" that
    /// `ipvsadm -L` prints.
    public static let connectionTableBits = 12
    public static let connectionTableSize = 1 << connectionTableBits
    /// `IP_VS_DEST_TRASH_PERIOD`: an idle trashed destination is freed after this long.
    static let destTrashPeriod = SimDuration.seconds(120)
    /// `IP_VS_VERSION_CODE` 0x010201.
    public static let version = "1.2.1"

    /// The `net.ipv4.vs.*` sysctls of this namespace.
    public var sysctls: IPVSSysctls

    /// Services in creation order (listings sort them as ipvsadm does).
    public private(set) var services: [IPVSService] = []
    /// `ip_vs_svc_table` and `ip_vs_svc_fwm_table` in one dictionary.
    var serviceTable: [IPVSServiceKey: IPVSService] = [:]
    /// Services whose scheduler has a timer (lblc, lblcr), in creation order.
    var timedServices: [IPVSService] = []

    /// `ipvs->dest_trash`, newest first.
    var trash: [IPVSDestination] = []
    /// When the trash timer fires next (`dest_trash_timer`), nil when not armed.
    var trashTimer: SimTime?

    /// The namespace totals (`ipvs->tot_stats`).
    public internal(set) var totalStats = IPVSStats()

    /// The TCP timeout of each state (`pd->timeout_table` of TCP), index = state.
    var tcpTimeouts: [SimDuration] = IPVSProtocolTCP.defaultTimeouts.map { .seconds($0) }
    /// `IP_VS_UDP_S_NORMAL` timeout (5 minutes).
    var udpTimeout = SimDuration.seconds(5 * 60)

    /// Client-side index: (protocol, caddr, cport, vaddr, vport) → newest connection; older
    /// ones with the same key follow `inNext`.
    var inTable: [IPVSConnectionKey: IPVSConnection] = [:]
    /// Reply-side index: (protocol, caddr, cport, reply source) → newest connection.
    var outTable: [IPVSConnectionKey: IPVSConnection] = [:]
    /// Connections in the table (`ipvs->conn_count`).
    public internal(set) var connectionCount = 0
    var timerHeap = IPVSTimerHeap()
    var hashSequence: UInt64 = 0
    /// `ip_vs_conn_rnd`: the connection hash seed (from the seeded stream, not the kernel's RNG).
    let connectionHashSeed: UInt32
    /// The random stream of the twos scheduler.
    var twosRandom: RandomStream

    /// Called when a connection leaves the table (expiry or rescheduling), before its
    /// destination counters are decremented, where the kernel calls
    /// `ip_vs_conn_drop_conntrack` for `.nfct` connections.
    public var onConnectionExpired: ((IPVSConnection) -> Void)?

    /// An empty IPVS state. `seed` and `name` (the namespace's name, say) derive the random
    /// streams: one for the twos scheduler, one for the connection hash seed.
    public init(seed: UInt64 = 0, name: String = "ipvs", sysctls: IPVSSysctls = IPVSSysctls()) {
        self.sysctls = sysctls
        twosRandom = RandomStream(seed: seed, name: name + "/ipvs/twos")
        var hashStream = RandomStream(seed: seed, name: name + "/ipvs/conn_rnd")
        connectionHashSeed = UInt32(truncatingIfNeeded: hashStream.next())
    }

    deinit {
        // Services and destinations point at each other; break the cycles.
        for service in services {
            for dest in service.destinations { dest.service = nil }
            service.destinations.removeAll()
        }
        for dest in trash { dest.service = nil }
    }

    /// The next 32 random bits for twos (`get_random_u32`).
    func nextTwosRandom() -> UInt32 { UInt32(truncatingIfNeeded: twosRandom.next()) }

    // MARK: - Services

    /// The service with exactly this key (`__ip_vs_service_find` / `__ip_vs_svc_fwm_find`). O(1).
    public func service(_ key: IPVSServiceKey) -> IPVSService? { serviceTable[key] }

    /// `ip_vs_add_service`: a new service with scheduler `scheduler` (an `ipvsadm -s` name or
    /// "none") and `flags` (scheduler flags only; persistence and one-packet are refused).
    @discardableResult
    public func addService(
        _ key: IPVSServiceKey, scheduler: String, flags: IPVSServiceFlags = [], now: SimTime
    ) throws(IPVSControlError) -> IPVSService {
        try Self.checkModelled(flags)
        try Self.checkProtocol(key)
        if serviceTable[key] != nil { throw .serviceExists }
        guard IPVSSchedulers.isKnown(scheduler) else { throw .schedulerNotFound(scheduler) }
        runTimers(upTo: now)
        let service = IPVSService(key: key, schedulerName: scheduler, flags: flags)
        service.scheduler = IPVSSchedulers.make(scheduler, service: service, now: now)
        serviceTable[key] = service
        services.append(service)
        if service.scheduler?.nextTimer != nil { timedServices.append(service) }
        return service
    }

    /// `ip_vs_edit_service`: change the scheduler (a different one starts from scratch with the
    /// current destinations) and the flags.
    public func editService(
        _ key: IPVSServiceKey, scheduler: String, flags: IPVSServiceFlags = [], now: SimTime
    ) throws(IPVSControlError) {
        try Self.checkModelled(flags)
        guard let service = serviceTable[key] else { throw .noSuchService }
        guard IPVSSchedulers.isKnown(scheduler) else { throw .schedulerNotFound(scheduler) }
        runTimers(upTo: now)
        if scheduler != service.schedulerName {
            service.scheduler?.done(service)
            timedServices.removeAll { $0 === service }
            service.schedulerName = scheduler
            service.scheduler = IPVSSchedulers.make(scheduler, service: service, now: now)
            if service.scheduler?.nextTimer != nil { timedServices.append(service) }
        }
        service.flags = flags.union(.hashed)
    }

    /// `ip_vs_del_service`: unlink the service; its destinations go to the trash.
    public func deleteService(_ key: IPVSServiceKey, now: SimTime) throws(IPVSControlError) {
        guard let service = serviceTable[key] else { throw .noSuchService }
        runTimers(upTo: now)
        deleteServiceUnchecked(service, now: now)
        expireNodestConnections()
    }

    /// `ip_vs_flush`: delete every service.
    public func flush(now: SimTime) {
        runTimers(upTo: now)
        for service in services { deleteServiceUnchecked(service, now: now) }
        expireNodestConnections()
    }

    /// `__ip_vs_del_service`.
    private func deleteServiceUnchecked(_ service: IPVSService, now: SimTime) {
        service.scheduler?.done(service)
        service.scheduler = nil
        timedServices.removeAll { $0 === service }
        for dest in service.destinations {
            dest.flags.remove(.available)  // __ip_vs_unlink_dest(svc, dest, 0)
            moveToTrash(dest, now: now)
        }
        service.destinations.removeAll()
        service.isLinked = false
        service.flags.remove(.hashed)
        serviceTable[service.key] = nil
        services.removeAll { $0 === service }
    }

    /// `ip_vs_zero_service` / `ip_vs_zero_all`: reset the counters of one service and its
    /// destinations, or of everything (including the totals) when `key` is nil.
    public func zero(_ key: IPVSServiceKey?) throws(IPVSControlError) {
        if let key {
            guard let service = serviceTable[key] else { throw .noSuchService }
            Self.zero(service)
            return
        }
        for service in services { Self.zero(service) }
        totalStats = IPVSStats()
    }

    private static func zero(_ service: IPVSService) {
        service.stats = IPVSStats()
        for dest in service.destinations { dest.stats = IPVSStats() }
    }

    private static func checkModelled(_ flags: IPVSServiceFlags) throws(IPVSControlError) {
        if flags.contains(.persistent) { throw .notModelled("persistence") }
        if flags.contains(.onePacket) { throw .notModelled("one-packet scheduling") }
    }

    /// `do_ip_vs_set_ctl`: TCP, UDP or SCTP only, and a fwmark service needs a non-zero mark.
    private static func checkProtocol(_ key: IPVSServiceKey) throws(IPVSControlError) {
        let proto = key.protocolNumber
        guard proto == .tcp || proto == .udp || proto == .sctp else { throw .invalid }
        if case .fwmark(0) = key { throw .invalid }
    }

    // MARK: - Destinations

    /// `ip_vs_add_dest`: a new real server at the head of the service's list, or the same one
    /// revived from the trash.
    @discardableResult
    public func addDestination(
        to key: IPVSServiceKey, _ spec: IPVSDestinationSpec, now: SimTime
    ) throws(IPVSControlError) -> IPVSDestination {
        guard let service = serviceTable[key] else { throw .serviceNotDefined }
        try Self.check(spec)
        runTimers(upTo: now)
        if service.destination(address: spec.address, port: spec.port) != nil { throw .destinationExists }
        let dest: IPVSDestination
        if let index = trash.firstIndex(where: {
            $0.address == spec.address && $0.port == spec.port && $0.serviceKey == service.key
        }) {
            dest = trash.remove(at: index)  // ip_vs_trash_get_dest
        } else {
            try Self.checkUnicast(spec.address)
            dest = IPVSDestination(address: spec.address, port: spec.port, serviceKey: service.key)
        }
        update(dest, in: service, with: spec, add: true)
        return dest
    }

    /// `ip_vs_edit_dest`: new weight, forwarding method and thresholds for an existing server.
    public func editDestination(in key: IPVSServiceKey, _ spec: IPVSDestinationSpec, now: SimTime) throws(IPVSControlError) {
        guard let service = serviceTable[key] else { throw .serviceNotDefined }
        try Self.check(spec)
        runTimers(upTo: now)
        guard let dest = service.destination(address: spec.address, port: spec.port) else { throw .noSuchDestination }
        update(dest, in: service, with: spec, add: false)
    }

    /// `ip_vs_del_dest`: unlink the server (the scheduler's `del_dest` runs) and move it to the
    /// trash; with `expire_nodest_conn=1` its connections are expired at once (the kernel
    /// queues that work for one jiffy later).
    public func deleteDestination(
        from key: IPVSServiceKey, address: IPv4Address, port: UInt16, now: SimTime
    ) throws(IPVSControlError) {
        guard let service = serviceTable[key] else { throw .serviceNotDefined }
        runTimers(upTo: now)
        guard let dest = service.destination(address: address, port: port),
            let index = service.index(of: dest)
        else { throw .noSuchDestination }
        dest.flags.remove(.available)  // __ip_vs_unlink_dest(svc, dest, 1)
        service.destinations.remove(at: index)
        service.scheduler?.destinationRemoved(dest, formerIndex: index, from: service)
        moveToTrash(dest, now: now)
        expireNodestConnections()
    }

    /// The checks `ip_vs_add_dest` and `ip_vs_edit_dest` make first.
    private static func check(_ spec: IPVSDestinationSpec) throws(IPVSControlError) {
        if spec.weight < 0 { throw .outOfRange }
        if spec.lowerThreshold > spec.upperThreshold { throw .outOfRange }
    }

    /// `ip_vs_new_dest`: `inet_addr_type` must be RTN_UNICAST or RTN_LOCAL, so 0.0.0.0/8,
    /// 255.255.255.255 and multicast addresses are refused.
    private static func checkUnicast(_ address: IPv4Address) throws(IPVSControlError) {
        if address.value >> 24 == 0 || address.isMulticast || address.isBroadcast { throw .invalid }
    }

    /// `__ip_vs_update_dest`.
    private func update(_ dest: IPVSDestination, in service: IPVSService, with spec: IPVSDestinationSpec, add: Bool) {
        if add || spec.weight != 0 { dest.lastWeight = spec.weight }  // latest non-zero weight
        dest.weight = spec.weight
        var connectionFlags = IPVSConnectionFlags(rawValue: spec.forwarding.rawValue).union(.inactive)
        if spec.forwarding != .masquerade { connectionFlags.insert(.noOutput) }
        dest.connectionFlags = connectionFlags
        if let old = dest.service, old !== service { dest.stats = IPVSStats() }
        dest.service = service
        dest.flags.insert(.available)
        if spec.upperThreshold == 0 || spec.upperThreshold > dest.upperThreshold { dest.flags.remove(.overload) }
        dest.upperThreshold = spec.upperThreshold
        dest.lowerThreshold = spec.lowerThreshold
        if add {
            service.destinations.insert(dest, at: 0)  // list_add_rcu: head insertion
            service.scheduler?.destinationAdded(dest, to: service)
        } else {
            service.scheduler?.destinationUpdated(dest, in: service)
        }
    }

    /// `__ip_vs_del_dest`: into the trash (newest first); arm the trash timer if it was empty.
    private func moveToTrash(_ dest: IPVSDestination, now: SimTime) {
        if trash.isEmpty { trashTimer = now + Self.destTrashPeriod / 2 }
        trash.insert(dest, at: 0)
        dest.idleStart = nil
    }

    /// Destinations in the trash, newest first (deleted but still referenced or not yet freed).
    public var trashedDestinations: [IPVSDestination] { trash }

    // MARK: - Timeouts

    /// `ip_vs_set_timeout` (`ipvsadm --set tcp tcpfin udp`): a value of 0 leaves that timeout
    /// unchanged.
    public func setTimeouts(tcp: Int, tcpFin: Int, udp: Int) {
        if tcp > 0 { tcpTimeouts[Int(IPVSConnectionState.established.rawValue)] = .seconds(Int64(tcp)) }
        if tcpFin > 0 { tcpTimeouts[Int(IPVSConnectionState.finWait.rawValue)] = .seconds(Int64(tcpFin)) }
        if udp > 0 { udpTimeout = .seconds(Int64(udp)) }
    }

    /// `__ip_vs_get_timeouts`: the ESTABLISHED, FIN_WAIT and UDP timeouts in seconds.
    public var timeouts: (tcp: Int, tcpFin: Int, udp: Int) {
        (
            Int(tcpTimeouts[Int(IPVSConnectionState.established.rawValue)].nanoseconds / 1_000_000_000),
            Int(tcpTimeouts[Int(IPVSConnectionState.finWait.rawValue)].nanoseconds / 1_000_000_000),
            Int(udpTimeout.nanoseconds / 1_000_000_000)
        )
    }

    /// The timeout of TCP state `state` (`pd->timeout_table`).
    public func tcpTimeout(_ state: IPVSConnectionState) -> SimDuration { tcpTimeouts[Int(state.rawValue)] }
}
