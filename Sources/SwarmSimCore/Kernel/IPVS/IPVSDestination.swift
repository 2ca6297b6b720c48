/// What `ipvsadm -a|-e` asks for: a real server and its options (`struct ip_vs_dest_user_kern`).
public struct IPVSDestinationSpec: Hashable, Sendable {
    public var address: IPv4Address
    /// 0 keeps the packet's destination port (`dest->port ? dest->port : vport`).
    public var port: UInt16
    /// 0 quiesces the server: existing connections keep flowing, no new ones are scheduled.
    public var weight: Int32
    public var forwarding: IPVSForwardingMethod
    /// `-x`: at `ActiveConn + InActConn >= upper` the server is marked overloaded (0 = none).
    public var upperThreshold: UInt32
    /// `-y`: the overload mark clears below this many connections (0 = below 3/4 of upper).
    public var lowerThreshold: UInt32

    public init(
        address: IPv4Address, port: UInt16 = 0, weight: Int32 = 1, forwarding: IPVSForwardingMethod = .masquerade,
        upperThreshold: UInt32 = 0, lowerThreshold: UInt32 = 0
    ) {
        self.address = address
        self.port = port
        self.weight = weight
        self.forwarding = forwarding
        self.upperThreshold = upperThreshold
        self.lowerThreshold = lowerThreshold
    }
}

/// A real server of a virtual service (`struct ip_vs_dest`).
///
/// Destinations are reference types, as the kernel's are: connections keep pointing at their
/// destination after it is deleted (it then sits in the namespace's "trash", unavailable), and
/// re-adding the same server to the same service within the trash period revives the same
/// object with its counters (`ip_vs_trash_get_dest`).
public final class IPVSDestination {
    /// `IP_VS_DEST_F_*`.
    struct Flags: OptionSet, Hashable {
        var rawValue: UInt32
        /// `IP_VS_DEST_F_AVAILABLE`: linked in its service (cleared when moved to the trash).
        static let available = Flags(rawValue: 0x0001)
        /// `IP_VS_DEST_F_OVERLOAD`: over its upper connection threshold.
        static let overload = Flags(rawValue: 0x0002)
    }

    public let address: IPv4Address
    public let port: UInt16
    /// The identity of the service it was created for (`dest->vfwmark`, `protocol`, `vaddr`,
    /// `vport`), which is what a trash lookup matches.
    public let serviceKey: IPVSServiceKey

    /// `dest->weight`.
    public internal(set) var weight: Int32 = 0
    /// `dest->last_weight`: the latest non-zero weight (mh builds its table from it, so
    /// quiescing a server keeps its slots).
    public internal(set) var lastWeight: Int32 = 0
    /// `dest->conn_flags`: the flags new connections inherit (forwarding method, INACTIVE,
    /// NOOUTPUT for non-NAT methods).
    var connectionFlags: IPVSConnectionFlags = []
    var flags: Flags = []
    public internal(set) var upperThreshold: UInt32 = 0
    public internal(set) var lowerThreshold: UInt32 = 0

    /// `activeconns`: connections in TCP ESTABLISHED (ipvsadm's ActiveConn).
    public internal(set) var activeConnections: Int32 = 0
    /// `inactconns`: every other connection, UDP included (ipvsadm's InActConn).
    public internal(set) var inactiveConnections: Int32 = 0
    /// `persistconns`: persistence templates (always 0: persistence is not modelled).
    public internal(set) var persistentConnections: Int32 = 0
    public internal(set) var stats = IPVSStats()

    /// The service it is bound to (`dest->svc`); kept after deletion, as the kernel keeps it.
    public internal(set) var service: IPVSService?

    /// References that keep a trashed destination alive besides the trash itself
    /// (`dest->refcnt - 1`): bound connections and lblc/lblcr cache entries.
    var references = 0
    /// `dest->idle_start` for the trash timer (nil = 0 in the kernel).
    var idleStart: SimTime?

    init(address: IPv4Address, port: UInt16, serviceKey: IPVSServiceKey) {
        self.address = address
        self.port = port
        self.serviceKey = serviceKey
    }

    /// The forwarding method new connections get.
    public var forwarding: IPVSForwardingMethod { connectionFlags.forwarding }
    /// Whether it is linked in a service (`IP_VS_DEST_F_AVAILABLE`).
    public var isAvailable: Bool { flags.contains(.available) }
    /// Whether it is over its upper threshold (`IP_VS_DEST_F_OVERLOAD`).
    public var isOverloaded: Bool { flags.contains(.overload) }

    /// `ip_vs_dest_conn_overhead`: `(activeconns << 8) + inactconns`, the load lc, wlc, lblc,
    /// lblcr and twos compare.
    public var overhead: Int64 { Int64(activeConnections) << 8 + Int64(inactiveConnections) }

    /// `ip_vs_dest_totalconns`.
    var totalConnections: Int64 { Int64(activeConnections) + Int64(inactiveConnections) }

    /// "10.0.0.3:0".
    var addressPortText: String { "\(address):\(port)" }
}
