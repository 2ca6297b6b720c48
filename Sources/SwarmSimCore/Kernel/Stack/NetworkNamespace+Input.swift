/// The receive path (`net/ipv4/ip_input.c`, `ip_forward.c`): PREROUTING, the routing
/// decision, then INPUT and local delivery, or FORWARD and output.
extension NetworkNamespace {
    /// An Ethernet frame arrived on `device` (or was passed up by a bridge) (`__netif_receive_skb`).
    func receiveFrame(_ packet: PacketBuffer, on device: NetDevice) {
        guard let frame = try? EthernetFrame(packet.bytes) else {
            world.countDrop("runt frame on \(device.qualifiedName)")
            return
        }
        let destination = frame.destination
        // PACKET_OTHERHOST: a unicast frame for another MAC is not ours to process.
        if device.usesARP && !destination.isMulticast && destination != device.mac {
            world.countDrop("frame for another host on \(device.qualifiedName)")
            return
        }
        let etherType = frame.etherType
        packet.removeFront(EthernetHeader.minimumLength)
        switch etherType {
        case .ipv4: receiveIPv4(packet, on: device, linkBroadcast: destination.isMulticast)
        case .arp: receiveARP(packet, on: device)
        default: world.countDrop("ethertype \(etherType.rawValue) not handled")
        }
    }

    /// `ip_rcv`: validate, PREROUTING, route.
    func receiveIPv4(_ packet: PacketBuffer, on device: NetDevice, linkBroadcast: Bool) {
        counters.inReceives += 1
        guard let ip = try? IPv4Packet(packet.bytes), (try? IPv4Header.parse(ip)) != nil else {
            counters.inHeaderErrors += 1
            world.countDrop("bad IPv4 header")
            return
        }
        packet.trim(to: Int(ip.totalLength))  // drop Ethernet padding
        switch hooks.run(packet, .preRouting, namespace: self, inDevice: device, outDevice: nil) {
        case .accept: break
        case .drop(let reason):
            world.countDrop(reason)
            return
        case .stolen: return
        }
        routeInput(packet, from: device, linkBroadcast: linkBroadcast)
    }

    /// `ip_route_input` + `dst_input`: deliver locally, forward, or drop.
    func routeInput(_ packet: PacketBuffer, from device: NetDevice, linkBroadcast: Bool) {
        let ip = IPv4Packet(unchecked: packet.bytes)
        let destination = ip.destination
        if destination.isBroadcast || destination.isMulticast {
            if destination.isBroadcast { localDeliver(packet, from: device) } else { world.countDrop("multicast not modelled") }
            return
        }
        if let kind = localRouteKind(for: destination) {
            switch kind {
            case .local:
                localDeliver(packet, from: device)
                return
            case .broadcast:
                localDeliver(packet, from: device)
                return
            default: break
            }
        }
        if linkBroadcast {
            // A unicast IP packet in a broadcast frame is not forwarded (RTCF_... / IN_DEV_BFORWARD off).
            world.countDrop("unicast IP in link-layer broadcast")
            return
        }
        guard ipForward else {
            counters.inAddressErrors += 1
            world.countDrop("not for us and ip_forward=0 in \(qualifiedName)")
            return
        }
        guard let route = mainTable.lookup(destination, usable: routeIsUsable), route.kind == .unicast,
            let outIndex = route.device, let out = self.device(ifindex: outIndex)
        else {
            counters.outNoRoutes += 1
            sendICMPError(about: packet, .destinationUnreachable(.networkUnreachable, nextHopMTU: 0))
            world.countDrop("no route to \(destination) in \(qualifiedName)")
            return
        }
        forward(packet, from: device, to: out, route: route)
    }

    /// The kind of the local-table route to `destination` (`local`, `broadcast`), if any. The
    /// last answer is kept until the routes change, as a socket's input route is kept for
    /// early demux (`sk_rx_dst`): segments of one flow keep arriving for the same address.
    func localRouteKind(for destination: IPv4Address) -> Route.Kind? {
        if let cache = inputRouteCache, cache.generation == routeGeneration, cache.destination == destination {
            return cache.kind
        }
        let kind = localTable.lookup(destination)?.kind
        inputRouteCache = (routeGeneration, destination, kind)
        return kind
    }

    /// `ip_forward`: TTL, MTU, decrement, FORWARD, then the output path.
    func forward(_ packet: PacketBuffer, from inDevice: NetDevice, to outDevice: NetDevice, route: Route) {
        let ip = IPv4Packet(unchecked: packet.bytes)
        if ip.ttl <= 1 {
            sendICMPError(about: packet, .timeExceeded(code: 0))
            world.countDrop("ttl exceeded in \(qualifiedName)")
            return
        }
        if packet.length > outDevice.mtu && ip.dontFragment {
            sendICMPError(about: packet, .destinationUnreachable(.fragmentationNeeded, nextHopMTU: UInt16(clamping: outDevice.mtu)))
            world.countDrop("fragmentation needed in \(qualifiedName)")
            return
        }
        decrementTTL(ip)
        counters.forwardedDatagrams += 1
        switch hooks.run(packet, .forward, namespace: self, inDevice: inDevice, outDevice: outDevice) {
        case .accept: break
        case .drop(let reason):
            world.countDrop(reason)
            return
        case .stolen: return
        }
        postRouting(packet, route: route, device: outDevice)
    }

    /// `ip_decrease_ttl`: TTL - 1 with the checksum updated incrementally (RFC 1624).
    func decrementTTL(_ ip: IPv4Packet) {
        let oldWord = UInt16(ip.ttl) << 8 | UInt16(ip.protocol.rawValue)
        ip.ttl -= 1
        let newWord = UInt16(ip.ttl) << 8 | UInt16(ip.protocol.rawValue)
        ip.headerChecksum = InternetChecksum.update(ip.headerChecksum, oldValue: oldWord, newValue: newWord)
    }

    /// `ip_local_deliver`: reassemble, INPUT, then the protocol handler.
    func localDeliver(_ packet: PacketBuffer, from device: NetDevice) {
        if IPv4Packet(unchecked: packet.bytes).isFragment {
            guard let whole = reassemble(packet) else { return }
            deliverWhole(whole, from: device)
        } else {
            deliverWhole(packet, from: device)
        }
    }

    /// `ip_local_deliver_finish`: INPUT, then the protocol handler of a whole datagram.
    private func deliverWhole(_ packet: PacketBuffer, from device: NetDevice) {
        switch hooks.run(packet, .localIn, namespace: self, inDevice: device, outDevice: nil) {
        case .accept: break
        case .drop(let reason):
            world.countDrop(reason)
            return
        case .stolen: return
        }
        counters.inDelivers += 1
        let ip = IPv4Packet(unchecked: packet.bytes)
        switch ip.protocol {
        case .icmp: receiveICMP(packet)
        case .udp: receiveUDP(packet)
        case .tcp where tcpProtocol != nil: tcpProtocol.unsafelyUnwrapped.borrow { $0.receive(packet, in: self) }
        default:
            if let handler = protocolHandlers[Int(ip.protocol.rawValue)] {
                handler.receive(packet, in: self)
            } else if ip.protocol == .tcp {
                // TCP is always in the kernel: with no socket at all, a segment gets a RST.
                sendTCPReset(answering: packet)
            } else {
                sendICMPError(about: packet, .destinationUnreachable(.protocolUnreachable, nextHopMTU: 0))
                world.countDrop("protocol \(ip.protocol.rawValue) unreachable")
            }
        }
    }
}

/// A transport protocol registered on a namespace beyond ICMP and UDP (TCP registers here).
public protocol IPProtocolHandler: AnyObject {
    /// A packet (bytes start at the IP header) for this protocol has been delivered locally.
    func receive(_ packet: PacketBuffer, in namespace: NetworkNamespace)
}
