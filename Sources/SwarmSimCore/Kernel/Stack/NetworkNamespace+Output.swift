/// The send path (`net/ipv4/ip_output.c`, `route.c`): route, OUTPUT, POSTROUTING, fragment,
/// resolve the neighbour, transmit.
extension NetworkNamespace {
    /// Why a locally generated packet could not be sent, as the socket call would fail.
    public enum SendError: Error, Equatable, Sendable {
        /// ENETUNREACH: no route.
        case networkUnreachable
        /// EMSGSIZE: larger than the route's MTU with DF set.
        case messageTooLong(mtu: Int)
        /// EPERM: a netfilter rule dropped it on the way out.
        case notPermitted(reason: String)
    }

    /// The route and source address for a locally generated packet to `destination` (`ip_route_output`).
    ///
    /// The last lookup is kept until a table, a device, its state or its addresses change, as a
    /// connected socket keeps its `dst` until the route generation moves on (`__sk_dst_check`):
    /// a socket sends to one peer, so consecutive lookups mostly repeat.
    public func routeOutput(to destination: IPv4Address, from source: IPv4Address? = nil) -> (route: Route, device: NetDevice, source: IPv4Address)? {
        routeOutputUnretained(to: destination, from: source).map { ($0.route, $0.device.object, $0.source) }
    }

    /// `routeOutput` for the send path: the device comes back unretained (it stays in `devices`
    /// while the answer is used), so a packet sent costs no reference counting on it.
    ///
    /// The route does not depend on the requested source (there is no policy routing), so one
    /// cached lookup serves a socket's `connect` (no source yet) and its segments (from the
    /// address `connect` chose) alike.
    func routeOutputUnretained(to destination: IPv4Address, from source: IPv4Address?) -> OutputRoute? {
        let entry: OutputRouteCache
        if let cache = outputRouteCache, cache.generation == routeGeneration, cache.destination == destination {
            entry = cache
        } else {
            guard let found = lookUpOutputRoute(to: destination) else { return nil }
            entry = found
            outputRouteCache = found
        }
        if let source, !source.isUnspecified {
            return OutputRoute(route: entry.route, device: entry.device, source: source)
        }
        guard let selected = entry.selectedSource else { return nil }
        return OutputRoute(route: entry.route, device: entry.device, source: selected)
    }

    /// `ip_route_output` itself: the local table, broadcast, then the main table; and the source
    /// address the route gives a packet that asks for none.
    private func lookUpOutputRoute(to destination: IPv4Address) -> OutputRouteCache? {
        let route: Route
        if let local = localTable.lookup(destination), local.kind == .local {
            route = Route(destination: IPv4Prefix(address: destination, length: 32), kind: .local,
                device: loopback.ifindex, preferredSource: local.preferredSource, scope: .host, origin: .kernel)
        } else if destination.isBroadcast {
            guard let dev = devices.first(where: { !($0 is LoopbackDevice) && $0.isUp && !$0.addresses.isEmpty }) else { return nil }
            route = Route(destination: IPv4Prefix(address: destination, length: 32), kind: .broadcast, device: dev.ifindex)
        } else if let found = mainTable.lookup(destination, usable: routeIsUsable), found.kind == .unicast {
            route = found
        } else {
            return nil
        }
        guard let ifindex = route.device, let device = device(ifindex: ifindex) else { return nil }
        let selected: IPv4Address?
        if route.kind == .local {
            selected = destination.isLoopback ? IPv4Address.loopback : destination
        } else {
            selected = route.preferredSource ?? selectSource(on: device, toward: route.gateway ?? destination)
        }
        return OutputRouteCache(
            generation: routeGeneration, destination: destination, route: route, device: Unretained(device),
            selectedSource: selected)
    }

    /// `inet_select_addr`: the device's address on the subnet of `target`, else its first
    /// address, else any address of the namespace that is not loopback.
    func selectSource(on device: NetDevice, toward target: IPv4Address) -> IPv4Address? {
        if let onLink = device.addresses.first(where: { $0.subnet.contains(target) }) { return onLink.address }
        if let first = device.addresses.first { return first.address }
        return devices.lazy.filter { !($0 is LoopbackDevice) }.flatMap(\.addresses).first?.address
    }

    /// Sends a locally generated packet: `packet` holds the transport header and data; this
    /// prepends the IPv4 header, then runs OUTPUT and POSTROUTING (`ip_local_out`).
    /// - Parameters:
    ///   - identification: nil picks the namespace's counter (`ip_select_ident` for non-DF packets).
    public func sendIPv4(
        _ packet: PacketBuffer, from source: IPv4Address, to destination: IPv4Address, protocol proto: IPProtocol,
        ttl: UInt8? = nil, dscp: UInt8 = 0, ecn: UInt8 = 0, dontFragment: Bool = true, identification: UInt16? = nil
    ) throws(SendError) {
        counters.outRequests += 1
        guard let answer = routeOutputUnretained(to: destination, from: source) else {
            counters.outNoRoutes += 1
            throw .networkUnreachable
        }
        let total = IPv4Header.minimumLength + packet.length
        let mtu = answer.device.borrow { $0.mtu }
        if dontFragment && total > mtu {
            throw .messageTooLong(mtu: mtu)
        }
        let header = IPv4Header(
            dscp: dscp, ecn: ecn, totalLength: UInt16(clamping: total),
            identification: identification ?? (dontFragment ? 0 : nextIdentification()),
            dontFragment: dontFragment, ttl: ttl ?? defaultTTL, protocol: proto, source: source, destination: destination)
        header.emit(into: packet.prepend(IPv4Header.minimumLength))
        packet.inputInterface = 0
        try answer.device.borrow { device throws(SendError) in try localOut(packet, route: answer.route, device: device) }
    }

    /// `__ip_local_out`: OUTPUT, re-routing if a rule changed the destination, then POSTROUTING.
    func localOut(_ packet: PacketBuffer, route: Route, device: NetDevice) throws(SendError) {
        let before = IPv4Packet(unchecked: packet.bytes).destination
        switch hooks.run(packet, .localOut, namespace: self, inDevice: nil, outDevice: device) {
        case .accept: break
        case .drop(let reason):
            world.countDrop(reason)
            throw .notPermitted(reason: reason)
        case .stolen: return
        }
        let after = IPv4Packet(unchecked: packet.bytes).destination
        guard after != before else {
            postRouting(packet, route: route, device: device)
            return
        }
        // ip_route_me_harder: a DNAT in OUTPUT sends the packet where it now points.
        guard let rerouted = routeOutput(to: after, from: IPv4Packet(unchecked: packet.bytes).source) else {
            throw .networkUnreachable
        }
        postRouting(packet, route: rerouted.route, device: rerouted.device)
    }

    /// `ip_output` + `ip_finish_output`: POSTROUTING, fragmentation, neighbour output.
    func postRouting(_ packet: PacketBuffer, route: Route, device: NetDevice) {
        switch hooks.run(packet, .postRouting, namespace: self, inDevice: nil, outDevice: device) {
        case .accept: break
        case .drop(let reason):
            world.countDrop(reason)
            return
        case .stolen: return
        }
        let ip = IPv4Packet(unchecked: packet.bytes)
        let nextHop = route.gateway ?? ip.destination
        if packet.length <= device.mtu {
            neighbourOutput(packet, nextHop: nextHop, device: device)
            return
        }
        if ip.dontFragment {
            // Only reachable when a rule or a tunnel grew a DF packet past the MTU after the checks.
            sendICMPError(about: packet, .destinationUnreachable(.fragmentationNeeded, nextHopMTU: UInt16(clamping: device.mtu)))
            world.countDrop("fragmentation needed (DF) after POSTROUTING")
            return
        }
        for fragment in fragment(packet, mtu: device.mtu) {
            neighbourOutput(fragment, nextHop: nextHop, device: device)
        }
    }

    /// `ip_do_fragment` (slow path): fragments of `(mtu - header) & ~7` payload bytes, each with a
    /// copy of the header (options are not copied: none are used in the model), MF on all but the
    /// last, offsets in 8-byte units, the same identification.
    func fragment(_ packet: PacketBuffer, mtu: Int) -> [PacketBuffer] {
        let ip = IPv4Packet(unchecked: packet.bytes)
        guard let header = try? IPv4Header.parse(ip, verifyChecksum: false) else { return [] }
        let payload = ip.payload
        let chunk = (mtu - header.headerLength) & ~7
        guard chunk >= 8 else { return [] }
        var fragments: [PacketBuffer] = []
        var offset = 0
        while offset < payload.count {
            let size = min(chunk, payload.count - offset)
            let piece = PacketBuffer.make(copying: UnsafeRawBufferPointer(rebasing: payload[offset..<offset + size]))
            var fragmentHeader = header
            fragmentHeader.optionsLength = 0
            fragmentHeader.totalLength = UInt16(IPv4Header.minimumLength + size)
            fragmentHeader.fragmentOffset = header.fragmentOffset + UInt16(offset / 8)
            fragmentHeader.moreFragments = offset + size < payload.count || header.moreFragments
            fragmentHeader.emit(into: piece.prepend(IPv4Header.minimumLength))
            piece.mark = packet.mark
            piece.flowHash = packet.flowHash
            fragments.append(piece)
            offset += size
        }
        counters.fragmentsCreated += fragments.count
        return fragments
    }

    /// Sends a VXLAN-encapsulated frame from this (underlay) namespace: prepends UDP and IPv4
    /// as `udp_tunnel_xmit_skb` does (TTL 64, DF clear, checksummed UDP) and takes the local
    /// output path, so OUTPUT and POSTROUTING rules of the host see it.
    func sendEncapsulatedUDP(
        _ packet: PacketBuffer, to remote: IPv4Address, from local: IPv4Address?, sourcePort: UInt16,
        destinationPort: UInt16, ecn: UInt8, via tunnel: VXLANDevice
    ) {
        guard let (route, device, source) = routeOutput(to: remote, from: local) else {
            world.countDrop("vxlan \(tunnel.name): no route to VTEP \(remote)")
            return
        }
        let udpLength = UDPHeader.minimumLength + packet.length
        let udp = packet.prepend(UDPHeader.minimumLength)
        UDPHeader(sourcePort: sourcePort, destinationPort: destinationPort, length: UInt16(udpLength))
            .emit(into: udp, source: source, destination: remote)
        let header = IPv4Header(
            ecn: ecn, totalLength: UInt16(IPv4Header.minimumLength + udpLength), identification: nextIdentification(),
            dontFragment: false, ttl: 64, protocol: .udp, source: source, destination: remote)
        header.emit(into: packet.prepend(IPv4Header.minimumLength))
        packet.inputInterface = 0
        counters.outRequests += 1
        try? localOut(packet, route: route, device: device)
    }
}

/// One output route lookup, with the route generation it was made under.
///
/// Plain values only, so reading it copies bytes: with a strong device reference, each read
/// (one per segment sent) copied and destroyed it through the runtime's generic tuple
/// witnesses, a tenth of the send path's instructions. The device is not retained: any change
/// to the namespace's devices moves `routeGeneration` on, and the entry is read only while its
/// generation is current, when the device is still in `devices`.
struct OutputRouteCache {
    var generation: UInt64
    var destination: IPv4Address
    var route: Route
    var device: Unretained<NetDevice>
    /// The source for a packet that asks for none (nil: the device has no usable address).
    var selectedSource: IPv4Address?
}

/// An output route for one packet: the route, its device (borrowed) and the source address.
struct OutputRoute {
    var route: Route
    var device: Unretained<NetDevice>
    var source: IPv4Address
}
