/// The nat table's hook function (`nf_nat_inet_fn`): for the first packet of a connection it
/// traverses the nat chain of the hook and sets up the mapping the first NAT target chooses
/// (or a null binding when none matches); for every packet it then applies the connection's
/// mapping (`nf_nat_packet`). Later packets never see the nat table, as in Linux.
///
/// DNAT happens at PREROUTING and OUTPUT, SNAT at POSTROUTING and INPUT; a reply is
/// un-NATed at the opposite hooks (an SNAT is undone at PREROUTING, a DNAT at POSTROUTING or
/// INPUT). ICMP errors about a NATed connection get their quoted packet translated too.
final class NATHook: NetfilterHookFunction {
    unowned let netfilter: Netfilter
    init(netfilter: Netfilter) { self.netfilter = netfilter }

    func process(_ packet: PacketBuffer, state: HookState) -> NetfilterVerdict {
        guard let entry = packet.conntrack else { return .accept }
        let kind: NATManipulation = (state.hook == .preRouting || state.hook == .localOut) ? .destination : .source
        let info = packet.conntrackInfo
        if info == .related || info == .relatedReply {
            let ip = IPv4Packet(unchecked: packet.bytes)
            if ip.protocol == .icmp {
                netfilter.translateICMPError(packet, entry: entry, isReply: info.isReply, kind: kind)
                return .accept
            }
        }
        if info == .new && !entry.natInitialized(kind) {
            var decided = false
            if let table = netfilter.compiled[.nat] {
                switch netfilter.traverse(table, hook: state.hook, packet: packet, state: state) {
                case .accept: break
                case .drop(let reason): return .drop(reason: reason)
                case .nat(let target, let rule):
                    guard let range = netfilter.natRange(for: target, packet: packet, state: state) else {
                        return .drop(reason: "\(rule): no address for \(target)")
                    }
                    netfilter.setUpNAT(entry, range: range, kind: kind, packetMark: packet.mark)
                    packet.annotate("\(rule): \(netfilter.natDescription(target, entry: entry, kind: kind))")
                    decided = true
                }
            }
            if !decided {
                // nf_nat_alloc_null_binding: keep the address, but still avoid a clashing tuple.
                netfilter.setUpNAT(entry, range: nil, kind: kind, packetMark: packet.mark)
            }
        }
        netfilter.applyNAT(packet, entry: entry, isReply: info.isReply, kind: kind)
        return .accept
    }
}

/// What a NAT target maps to: an address range and optionally a port range.
struct NATMapping {
    var addresses: ClosedRange<IPv4Address>
    var ports: PortRange?
}

extension Netfilter {
    /// The mapping a NAT target asks for at this point of the packet's path.
    func natRange(for target: RuleTarget, packet: PacketBuffer, state: HookState) -> NATMapping? {
        let ip = IPv4Packet(unchecked: packet.bytes)
        switch target {
        case .dnat(let range):
            let addresses = range.addresses ?? (ip.destination...ip.destination)
            return NATMapping(addresses: addresses, ports: range.ports)
        case .snat(let range):
            let addresses = range.addresses ?? (ip.source...ip.source)
            return NATMapping(addresses: addresses, ports: range.ports)
        case .masquerade(let ports):
            // The address the outgoing interface would use toward the next hop (masquerade_tg).
            guard let out = state.outDevice,
                let route = namespace.mainTable.lookup(ip.destination, usable: namespace.routeIsUsable),
                let address = namespace.selectSource(on: out, toward: route.gateway ?? ip.destination)
            else { return nil }
            return NATMapping(addresses: address...address, ports: ports)
        case .redirect(let ports):
            // REDIRECT: to the primary address of the incoming interface, or 127.0.0.1 locally.
            let address: IPv4Address
            if state.hook == .localOut {
                address = .loopback
            } else if let first = state.inDevice?.addresses.first?.address {
                address = first
            } else {
                return nil
            }
            return NATMapping(addresses: address...address, ports: ports)
        default:
            return nil
        }
    }

    /// `nf_nat_setup_info`: chooses a unique tuple within `range` (nil: the null binding) and
    /// records it as the connection's reply tuple.
    func setUpNAT(_ entry: ConntrackEntry, range: NATMapping?, kind: NATManipulation, packetMark: UInt32) {
        let now = namespace.world.now
        // What the original tuple looks like after earlier manipulations.
        guard var tuple = entry.reply.inverted() else { return }
        let current = tuple
        if let range {
            tuple = uniqueTuple(current, range: range, kind: kind, entry: entry, now: now)
        } else if conntrack.isTaken(current.inverted()!, ignoring: entry, now: now), kind == .source {
            let here = kind == .source ? current.source : current.destination
            tuple = uniqueTuple(current, range: NATMapping(addresses: here...here, ports: nil), kind: kind, entry: entry, now: now)
        }
        if tuple != current, let reply = tuple.inverted() {
            entry.reply = reply
            entry.status.insert(kind == .source ? .srcNAT : .dstNAT)
            conntrack.rehash(entry)
            if kind == .source {
                bySource[BySourceKey(proto: entry.original.proto.rawValue, address: entry.original.source.value,
                    port: entry.original.sourcePort)] = (tuple.source, tuple.sourcePort)
            }
        }
        entry.status.insert(kind == .source ? .srcNATDone : .dstNATDone)
    }

    /// `get_unique_tuple`: the first mapping of `tuple` into `range` whose reply tuple no other
    /// connection uses. SNAT reuses the mapping an earlier connection from the same source got
    /// (`find_appropriate_src`); the address is the first of the range (the model hashes
    /// nothing across a range: ranges of more than one address are rare in Docker's rules); the
    /// port is kept when possible, else searched from a random offset in the range, or in
    /// 1-511, 600-1023 or 1024-65535 by the original port's class (`nf_nat_l4proto_unique_tuple`).
    func uniqueTuple(_ tuple: ConntrackTuple, range: NATMapping, kind: NATManipulation, entry: ConntrackEntry, now: SimTime) -> ConntrackTuple {
        var candidate = tuple
        let hasPorts = tuple.proto == .tcp || tuple.proto == .udp || tuple.proto == .icmp
        if kind == .source, range.ports == nil,
            let previous = bySource[BySourceKey(proto: tuple.proto.rawValue, address: tuple.source.value, port: tuple.sourcePort)],
            range.addresses.contains(previous.address)
        {
            candidate.source = previous.address
            candidate.sourcePort = previous.port
            if !isUsed(candidate, entry: entry, now: now) { return candidate }
            candidate = tuple
        }
        let address = range.addresses.contains(kind == .source ? tuple.source : tuple.destination)
            ? (kind == .source ? tuple.source : tuple.destination) : range.addresses.lowerBound
        if kind == .source { candidate.source = address } else { candidate.destination = address }
        let port = kind == .source ? candidate.sourcePort : candidate.destinationPort
        let portInRange = range.ports.map { $0.contains(port) } ?? true
        if portInRange && !isUsed(candidate, entry: entry, now: now) { return candidate }
        guard hasPorts else { return candidate }
        // ICMP: only the identifier (source side) can change.
        if tuple.proto == .icmp && kind == .destination { return candidate }
        var low: Int
        var size: Int
        if let ports = range.ports {
            low = Int(ports.low)
            size = Int(ports.high) - low + 1
        } else if kind == .destination {
            return candidate  // a DNAT without ports cannot change the port
        } else if tuple.proto == .icmp {
            (low, size) = (0, 65536)
        } else if port < 512 {
            (low, size) = (1, 511)
        } else if port < 1024 {
            (low, size) = (600, 424)
        } else {
            (low, size) = (1024, 64512)
        }
        var attempts = min(size, 128)
        var offset = Int(natPortStream.next(below: 65536))
        while true {
            for _ in 0..<attempts {
                let chosen = UInt16(low + offset % size)
                offset += 1
                if kind == .source { candidate.sourcePort = chosen } else { candidate.destinationPort = chosen }
                if !isUsed(candidate, entry: entry, now: now) { return candidate }
            }
            if attempts >= size || attempts < 16 { return candidate }
            attempts /= 2
            offset = Int(natPortStream.next(below: 65536))
        }
    }

    private func isUsed(_ tuple: ConntrackTuple, entry: ConntrackEntry, now: SimTime) -> Bool {
        guard let reply = tuple.inverted() else { return false }
        return conntrack.isTaken(reply, ignoring: entry, now: now)
    }

    /// `nf_nat_packet`: rewrites the packet if its connection has a mapping of `kind` for its
    /// direction (for a reply the roles swap: an SNAT is undone on the destination side).
    func applyNAT(_ packet: PacketBuffer, entry: ConntrackEntry, isReply: Bool, kind: NATManipulation) {
        var needed: ConntrackEntry.Status = kind == .source ? .srcNAT : .dstNAT
        if isReply { needed = kind == .source ? .dstNAT : .srcNAT }
        guard entry.status.contains(needed) else { return }
        let other = isReply ? entry.original : entry.reply
        guard let target = other.inverted() else { return }
        NATRewrite.apply(packet.bytes, tuple: target, kind: kind)
    }

    /// `nf_nat_icmp_reply_translation`: an ICMP error about a NATed connection gets its quoted
    /// packet put back as its sender saw it, and its own outer header NATed like a reply.
    func translateICMPError(_ packet: PacketBuffer, entry: ConntrackEntry, isReply: Bool, kind: NATManipulation) {
        var needed: ConntrackEntry.Status = kind == .source ? .srcNAT : .dstNAT
        if isReply { needed = kind == .source ? .dstNAT : .srcNAT }
        guard entry.status.contains(needed) else { return }
        let ip = IPv4Packet(unchecked: packet.bytes)
        guard let icmp = try? ICMPv4Packet(ip.payload) else { return }
        let other = isReply ? entry.original : entry.reply
        // The quoted packet travelled the other way: rewrite its opposite side with the other
        // direction's tuple as it is (not inverted).
        NATRewrite.apply(icmp.payload, tuple: other, kind: kind == .source ? .destination : .source)
        icmp.checksum = 0
        icmp.fillChecksum()
        if let target = other.inverted() {
            var outer = target
            outer.proto = .icmp
            NATRewrite.applyAddressOnly(packet.bytes, tuple: outer, kind: kind)
        }
    }

    /// A packet comment for a NAT decision: `DNAT to 172.18.0.2:8080`.
    func natDescription(_ target: RuleTarget, entry: ConntrackEntry, kind: NATManipulation) -> String {
        guard let mapped = entry.reply.inverted() else { return "\(target)" }
        let name: String
        switch target {
        case .dnat: name = "DNAT"
        case .snat: name = "SNAT"
        case .masquerade: name = "MASQUERADE"
        case .redirect: name = "REDIRECT"
        default: name = "NAT"
        }
        let address = kind == .source ? mapped.source : mapped.destination
        let port = kind == .source ? mapped.sourcePort : mapped.destinationPort
        let hasPort = mapped.proto == .tcp || mapped.proto == .udp
        return "\(name) to \(address)" + (hasPort ? ":\(port)" : "")
    }
}

extension NATRewrite {
    /// Rewrites only the IPv4 address (the outer header of an ICMP error has no ports).
    static func applyAddressOnly(_ bytes: UnsafeMutableRawBufferPointer, tuple: ConntrackTuple, kind: NATManipulation) {
        let ip = IPv4Packet(unchecked: bytes)
        let old = kind == .source ? ip.source : ip.destination
        let new = kind == .source ? tuple.source : tuple.destination
        if kind == .source { ip.source = new } else { ip.destination = new }
        ip.headerChecksum = InternetChecksum.update(ip.headerChecksum, oldAddress: old, newAddress: new)
    }
}
