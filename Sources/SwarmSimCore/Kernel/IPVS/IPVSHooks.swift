/// IPVS in the packet path (`ip_vs_core.c` `ip_vs_ops4`), registered in a namespace the first
/// time a virtual service is programmed there, as the kernel registers its hooks per netns
/// only once a service exists (fidelity.md 8.1):
///
/// | hook      | priority | function                                            |
/// | LOCAL_IN  | 98       | `ip_vs_reply4`: replies to a local client           |
/// | LOCAL_IN  | 99       | `ip_vs_remote_request4`: requests to a local VIP    |
/// | FORWARD   | 100      | `ip_vs_reply4`: replies being forwarded to a client |
/// | LOCAL_OUT | -98      | `ip_vs_local_request4`: locally generated requests  |
///
/// A scheduled NAT request is rewritten to its real server, its TTL decremented, its conntrack
/// reply tuple altered (`ip_vs_update_conntrack`, `net.ipv4.vs.conntrack=1`), marked with
/// `ipvs_property`, and sent again through LOCAL_OUT and POSTROUTING (`ip_vs_nat_xmit`), which
/// is why Docker's `-m ipvs --ipvs ... -j SNAT` rule sees it.
final class IPVSHook: NetfilterHookFunction {
    enum Role { case request, reply }
    unowned let namespace: NetworkNamespace
    let role: Role

    init(namespace: NetworkNamespace, role: Role) {
        self.namespace = namespace
        self.role = role
    }

    func process(_ packet: PacketBuffer, state: HookState) -> NetfilterVerdict {
        guard !packet.ipvsProperty, let fields = IPVSHook.packet(packet, isLocal: state.hook == .localOut) else { return .accept }
        let ipvs = namespace.ipvs
        let now = namespace.world.now
        switch role {
        case .reply:
            guard let connection = ipvs.outbound(fields, now: now) else { return .accept }
            NATRewrite.apply(packet.bytes, tuple: ConntrackTuple(
                source: connection.virtualAddress, destination: fields.destinationAddress, proto: fields.protocolNumber,
                sourcePort: connection.virtualPort, destinationPort: fields.destinationPort), kind: .source)
            packet.ipvsProperty = true
            packet.annotate("IPVS \(IPVSHook.serviceName(connection)): reply from \(connection.destinationAddress):\(connection.destinationPort) as \(connection.virtualAddress):\(connection.virtualPort)")
            return .accept
        case .request:
            switch ipvs.inbound(fields, now: now) {
            case .accept:
                return .accept
            case .drop:
                return .drop(reason: "IPVS: packet of a connection being expired")
            case .portUnreachable:
                // ip_vs_leave: "ICMP_PORT_UNREACH is sent here no matter it is TCP/UDP".
                namespace.sendICMPError(about: packet, .destinationUnreachable(.portUnreachable, nextHopMTU: 0))
                return .drop(reason: "IPVS: no destination available")
            case .forward(let connection):
                return transmit(packet, connection: connection, fields: fields)
            }
        }
    }

    /// `ip_vs_nat_xmit` / `ip_vs_dr_xmit`.
    private func transmit(_ packet: PacketBuffer, connection: IPVSConnection, fields: IPVSPacket) -> NetfilterVerdict {
        let ip = IPv4Packet(unchecked: packet.bytes)
        let realServer = connection.destinationAddress
        let realPort = connection.destinationPort
        if connection.forwarding == .local || namespace.isLocalAddress(realServer) {
            return .accept
        }
        guard let (route, device, _) = namespace.routeOutput(to: realServer, from: ip.source) else {
            return .drop(reason: "IPVS: no route to real server \(realServer)")
        }
        // __ip_vs_get_out_rt: ensure_mtu_is_adequate, then decrement_ttl for a remote server.
        if packet.length > device.mtu && ip.dontFragment {
            namespace.sendICMPError(about: packet, .destinationUnreachable(.fragmentationNeeded, nextHopMTU: UInt16(clamping: device.mtu)))
            return .drop(reason: "IPVS: fragmentation needed toward \(realServer)")
        }
        if ip.ttl <= 1 {
            namespace.sendICMPError(about: packet, .timeExceeded(code: 0))
            return .drop(reason: "IPVS: ttl exceeded")
        }
        namespace.decrementTTL(ip)
        let service = IPVSHook.serviceName(connection)
        switch connection.forwarding {
        case .masquerade:
            NATRewrite.apply(packet.bytes, tuple: ConntrackTuple(
                source: fields.sourceAddress, destination: realServer, proto: fields.protocolNumber,
                sourcePort: fields.sourcePort, destinationPort: realPort), kind: .destination)
            if namespace.ipvs.sysctls.conntrack != 0, let entry = packet.conntrack, !entry.status.contains(.confirmed) {
                // ip_vs_update_conntrack: replies will come from the real server.
                entry.reply.source = realServer
                entry.reply.sourcePort = realPort
            }
            packet.ipvsProperty = true
            packet.annotate("IPVS \(service): \(fields.destinationAddress):\(fields.destinationPort) -> \(realServer):\(realPort) (Masq)")
            try? namespace.localOut(packet, route: route, device: device)
        case .directRoute:
            packet.ipvsProperty = true
            packet.annotate("IPVS \(service): \(fields.destinationAddress):\(fields.destinationPort) -> \(realServer) (Route)")
            namespace.neighbourOutput(packet, nextHop: realServer, device: device)
        default:
            return .drop(reason: "IPVS: forwarding method \(connection.forwarding) is not modelled")
        }
        return .stolen
    }

    /// The 5-tuple, flags and facts IPVS reads from a TCP or UDP packet; nil for anything else.
    static func packet(_ packet: PacketBuffer, isLocal: Bool) -> IPVSPacket? {
        guard let ip = try? IPv4Packet(packet.bytes), ip.protocol == .tcp || ip.protocol == .udp, ip.fragmentOffset == 0
        else { return nil }
        let l4 = ip.payload
        guard l4.count >= (ip.protocol == .tcp ? 14 : 4) else { return nil }
        return IPVSPacket(
            protocolNumber: ip.protocol, sourceAddress: ip.source, sourcePort: l4.wireUInt16(at: 0),
            destinationAddress: ip.destination, destinationPort: l4.wireUInt16(at: 2),
            tcpFlags: ip.protocol == .tcp ? TCPFlags(rawValue: l4[13]) : [], mark: packet.mark, length: Int(ip.totalLength),
            conntrackConfirmed: packet.conntrack?.status.contains(.confirmed) ?? false, isLocallyGenerated: isLocal)
    }

    /// `FWM 256` or `TCP 10.0.0.2:80`, as ipvsadm names services.
    static func serviceName(_ connection: IPVSConnection) -> String {
        if connection.fwmark != 0 { return "FWM \(connection.fwmark)" }
        return "\(connection.protocolNumber == .tcp ? "TCP" : "UDP") \(connection.virtualAddress):\(connection.virtualPort)"
    }
}

extension NetworkNamespace {
    /// This namespace's IPVS, created with its hooks on first use (`ipvsadm -A ...`).
    public var ipvs: IPVS {
        if let existing = ipvsStorage { return existing }
        let created = IPVS(seed: world.simulation.seed, name: "netns \(machine.name)/\(name.isEmpty ? "root" : name)")
        ipvsStorage = created
        let request = IPVSHook(namespace: self, role: .request)
        let reply = IPVSHook(namespace: self, role: .reply)
        hooks.register(reply, on: .localIn, priority: 98)
        hooks.register(request, on: .localIn, priority: 99)
        hooks.register(reply, on: .forward, priority: 100)
        hooks.register(request, on: .localOut, priority: -98)
        return created
    }
}
