/// Value types shared by the IPVS model: service keys and flags, forwarding methods, connection
/// flags, directions, statistics and the control-plane errors. Numeric values are the kernel's
/// (`include/uapi/linux/ip_vs.h`) so that flags print and compare as they do on a real node.

/// How a virtual service is addressed: by firewall mark (Docker's way, `-f 256`) or by
/// protocol, virtual address and port (`-t 10.0.0.2:80`).
public enum IPVSServiceKey: Hashable, Sendable, CustomStringConvertible {
    /// `-f <mark>`: matches any TCP/UDP packet whose `skb->mark` equals the mark.
    case fwmark(UInt32)
    /// `-t|-u|--sctp-service addr:port`.
    case address(IPProtocol, IPv4Address, UInt16)

    /// The service's firewall mark, 0 for address services (`svc->fwmark`).
    public var fwmark: UInt32 {
        if case .fwmark(let mark) = self { return mark }
        return 0
    }

    /// `svc->protocol`: a fwmark service is stored as TCP, because both ipvsadm
    /// (`parse_options`: "Set protocol to a sane values, even though it is not used") and the
    /// netlink parser (`ip_vs_genl_parse_service`) say so.
    public var protocolNumber: IPProtocol {
        switch self {
        case .fwmark: .tcp
        case .address(let proto, _, _): proto
        }
    }

    /// `svc->addr`: 0.0.0.0 for fwmark services.
    public var address: IPv4Address {
        if case .address(_, let address, _) = self { return address }
        return .any
    }

    /// `svc->port`: 0 for fwmark services.
    public var port: UInt16 {
        if case .address(_, _, let port) = self { return port }
        return 0
    }

    /// "FWM 256" or "TCP 10.0.0.2:80".
    public var description: String {
        switch self {
        case .fwmark(let mark): "FWM \(mark)"
        case .address(let proto, let address, let port): "\(proto.description.uppercased()) \(address):\(port)"
        }
    }
}

/// `IP_VS_SVC_F_*`: the flags of a virtual service.
public struct IPVSServiceFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `IP_VS_SVC_F_PERSISTENT` (not modelled: adding such a service is refused).
    public static let persistent = IPVSServiceFlags(rawValue: 0x0001)
    /// `IP_VS_SVC_F_HASHED`: set by the kernel on every linked service.
    public static let hashed = IPVSServiceFlags(rawValue: 0x0002)
    /// `IP_VS_SVC_F_ONEPACKET` (not modelled: refused).
    public static let onePacket = IPVSServiceFlags(rawValue: 0x0004)
    /// `IP_VS_SVC_F_SCHED1`, `..._SCHED2`, `..._SCHED3`: scheduler-specific flags.
    public static let scheduler1 = IPVSServiceFlags(rawValue: 0x0008)
    public static let scheduler2 = IPVSServiceFlags(rawValue: 0x0010)
    public static let scheduler3 = IPVSServiceFlags(rawValue: 0x0020)

    /// `IP_VS_SVC_F_SCHED_SH_FALLBACK` / `_SH_PORT` (ipvsadm `-b sh-fallback,sh-port`).
    public static let shFallback = scheduler1
    public static let shPort = scheduler2
    /// `IP_VS_SVC_F_SCHED_MH_FALLBACK` / `_MH_PORT` (ipvsadm `-b mh-fallback,mh-port`).
    public static let mhFallback = scheduler1
    public static let mhPort = scheduler2

    /// The three scheduler flag bits.
    public static let schedulerFlags: IPVSServiceFlags = [.scheduler1, .scheduler2, .scheduler3]
}

/// The forwarding method of a destination (`IP_VS_CONN_F_FWD_MASK` values).
public enum IPVSForwardingMethod: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    /// `-m`, "Masq": NAT; replies come back through the director.
    case masquerade = 0
    /// `IP_VS_CONN_F_LOCALNODE`, "Local" (older kernels converted local real servers to it).
    case local = 1
    /// `-i`, "Tunnel": IP-in-IP to the real server.
    case tunnel = 2
    /// `-g`, "Route": direct routing (Docker's DSR mode); ipvsadm's default.
    case directRoute = 3
    /// `IP_VS_CONN_F_BYPASS` (cache bypass; never a destination's method).
    case bypass = 4

    /// ipvsadm's `fwd_name`: "Masq", "Local", "Tunnel", "Route" ("Bypass" is not printed by it).
    public var description: String {
        switch self {
        case .masquerade: "Masq"
        case .local: "Local"
        case .tunnel: "Tunnel"
        case .directRoute: "Route"
        case .bypass: "Bypass"
        }
    }

    /// ipvsadm's `fwd_switch` for `-S`: "-m", "-i" or "-g".
    public var ipvsadmSwitch: String {
        switch self {
        case .masquerade: "-m"
        case .tunnel: "-i"
        case .local, .directRoute, .bypass: "-g"
        }
    }
}

/// `IP_VS_CONN_F_*`: the flags of a connection (and the template a destination gives its
/// connections, `dest->conn_flags`).
public struct IPVSConnectionFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `IP_VS_CONN_F_FWD_MASK`: the forwarding method bits.
    public static let forwardingMask = IPVSConnectionFlags(rawValue: 0x0007)
    /// `IP_VS_CONN_F_HASHED`: linked in the connection table.
    public static let hashed = IPVSConnectionFlags(rawValue: 0x0040)
    /// `IP_VS_CONN_F_NOOUTPUT`: not NAT, so replies are not expected through the director and
    /// the TCP state machine uses the INPUT-ONLY table.
    public static let noOutput = IPVSConnectionFlags(rawValue: 0x0080)
    /// `IP_VS_CONN_F_INACTIVE`: counted in the destination's InActConn, not its ActiveConn.
    public static let inactive = IPVSConnectionFlags(rawValue: 0x0100)
    /// `IP_VS_CONN_F_NFCT`: created while `net.ipv4.vs.conntrack=1`; on expiry its conntrack
    /// entry is dropped too (`ip_vs_conn_drop_conntrack`).
    public static let nfct = IPVSConnectionFlags(rawValue: 0x0001_0000)

    /// The forwarding method these flags carry.
    public var forwarding: IPVSForwardingMethod {
        IPVSForwardingMethod(rawValue: rawValue & Self.forwardingMask.rawValue) ?? .masquerade
    }
}

/// The direction a packet crosses a connection (`IP_VS_DIR_*`), which picks the TCP state table.
public enum IPVSDirection: Int, Sendable, CaseIterable {
    /// Client to real server (`ip_vs_in`).
    case input = 0
    /// Real server to client, seen by the director (`handle_response`): NAT only.
    case output = 1
    /// Client to real server of a connection that sees no replies (DR, tunnel). The TCP state
    /// machine switches to this table by itself for `IP_VS_CONN_F_NOOUTPUT` connections.
    case inputOnly = 2
}

/// Packet and connection counters of a service, a destination or the whole namespace
/// (`struct ip_vs_kstats`), as `ipvsadm -Ln --stats` prints them. Rates are not modelled.
public struct IPVSStats: Hashable, Sendable {
    public var connections: UInt64 = 0
    public var inPackets: UInt64 = 0
    public var outPackets: UInt64 = 0
    public var inBytes: UInt64 = 0
    public var outBytes: UInt64 = 0

    public init() {}
}

/// The `net.ipv4.vs.*` sysctls this model honours, with the kernel's defaults
/// (`Documentation/networking/ipvs-sysctl.rst`). Docker's LB and ingress sandboxes set
/// `conn_reuse_mode=0`, `expire_nodest_conn=1`, `expire_quiescent_template=1` and `conntrack=1`
/// (see `IPVSSysctls.docker`).
public struct IPVSSysctls: Hashable, Sendable {
    /// `conn_reuse_mode` (default 1): bit 0 reschedules a SYN that hits a TIME_WAIT/CLOSE
    /// connection; bit 1 also a FIN_WAIT one of a non-NAT service. 0 sends it to the old server.
    public var connReuseMode = 1
    /// `expire_nodest_conn` (default 0): 1 expires connections whose destination is gone
    /// instead of silently dropping their packets.
    public var expireNodestConn = 0
    /// `expire_quiescent_template` (default 0): only affects persistence templates, which are
    /// not modelled; kept so that the programmed value can be shown.
    public var expireQuiescentTemplate = 0
    /// `conntrack` (default 0): keep netfilter conntrack entries for IPVS connections
    /// (`IP_VS_CONN_F_NFCT`).
    public var conntrack = 0
    /// `sloppy_tcp` (default 0): schedule TCP connections on any packet, not only a SYN.
    public var sloppyTCP = 0
    /// `lblc_expiration` (default 24 h): lblc cache entries unused this long are collected.
    public var lblcExpiration = SimDuration.seconds(24 * 60 * 60)
    /// `lblcr_expiration` (default 24 h): also how long an lblcr set must be unchanged before
    /// its most loaded member is dropped.
    public var lblcrExpiration = SimDuration.seconds(24 * 60 * 60)

    public init() {}

    /// The values `ApplyOSTweaks` and `configureFWMark` give Docker LB/ingress sandboxes.
    public static var docker: IPVSSysctls {
        var sysctls = IPVSSysctls()
        sysctls.connReuseMode = 0
        sysctls.expireNodestConn = 1
        sysctls.expireQuiescentTemplate = 1
        sysctls.conntrack = 1
        return sysctls
    }
}

/// Why a control-plane operation failed: the kernel's errno, with libipvs's message
/// (`ipvs_strerror`) as the description, so errors read as `ipvsadm` prints them.
public enum IPVSControlError: Error, Hashable, Sendable, CustomStringConvertible {
    /// EEXIST from add-service.
    case serviceExists
    /// ESRCH from edit/delete/zero of a service.
    case noSuchService
    /// ESRCH from the destination commands.
    case serviceNotDefined
    /// ENOENT from add/edit-service: unknown scheduler name.
    case schedulerNotFound(String)
    /// EEXIST from add-server.
    case destinationExists
    /// ENOENT from edit/delete-server.
    case noSuchDestination
    /// ERANGE: negative weight, or lower threshold above the upper one.
    case outOfRange
    /// EINVAL: e.g. a real server address that is not unicast.
    case invalid
    /// A feature this model does not implement (persistence, one-packet scheduling, ...).
    case notModelled(String)

    public var description: String {
        switch self {
        case .serviceExists: "Service already exists"
        case .noSuchService: "No such service"
        case .serviceNotDefined: "Service not defined"
        case .schedulerNotFound: "Scheduler or persistence engine not found"
        case .destinationExists: "Destination already exists"
        case .noSuchDestination: "No such destination"
        case .outOfRange: "Numerical result out of range"
        case .invalid: "Invalid operation.  Possibly wrong module version, address not unicast, ..."
        case .notModelled(let what): "\(what) is not modelled by swarmsim"
        }
    }
}
