/// ARP and neighbour resolution (`net/ipv4/arp.c`, `net/core/neighbour.c`).
extension NetworkNamespace {
    /// Sends an IPv4 packet (bytes start at the IP header) to `nextHop` out of `device`,
    /// resolving the MAC address first if needed (`neigh_output`).
    func neighbourOutput(_ packet: PacketBuffer, nextHop: IPv4Address, device: NetDevice) {
        guard device.usesARP else {
            transmitIPv4(packet, to: .zero, from: .zero, on: device)
            return
        }
        if nextHop.isBroadcast || device.addresses.contains(where: { $0.prefixLength < 31 && $0.subnet.broadcast == nextHop }) {
            transmitIPv4(packet, to: .broadcast, from: device.mac, on: device)
            return
        }
        guard var entry = neighbours.entry(for: nextHop, on: device.ifindex), entry.state != .failed else {
            var fresh = NeighbourTable.Entry(address: nextHop, device: device.ifindex, mac: nil, state: .incomplete)
            _ = neighbours.takeQueue(for: nextHop, on: device.ifindex)
            neighbours.enqueue(packet, for: nextHop, on: device.ifindex)
            fresh.probesSent = 1
            fresh.deadline = world.now + NeighbourTable.retransTime
            neighbours.set(fresh)
            scheduleNeighbourTimer(at: fresh.deadline)
            sendARPRequest(for: nextHop, on: device, about: packet, unicastTo: nil)
            return
        }
        switch entry.state {
        case .incomplete:
            neighbours.enqueue(packet, for: nextHop, on: device.ifindex)
        case .stale:
            entry.state = .delay
            entry.deadline = world.now + NeighbourTable.delayFirstProbeTime
            neighbours.set(entry)
            scheduleNeighbourTimer(at: entry.deadline)
            transmitIPv4(packet, to: entry.mac!, from: device.mac, on: device)
        case .reachable, .delay, .probe, .permanent:
            transmitIPv4(packet, to: entry.mac!, from: device.mac, on: device)
        case .failed:
            preconditionFailure("handled above")
        }
    }

    /// Puts the Ethernet header on an IPv4 packet and sends it out of `device`.
    func transmitIPv4(_ packet: PacketBuffer, to destination: MACAddress, from source: MACAddress, on device: NetDevice) {
        let header = packet.prepend(EthernetHeader.minimumLength)
        EthernetHeader(destination: destination, source: source, etherType: .ipv4).emit(into: header)
        device.transmit(packet)
    }

    /// Broadcasts (or, when probing, unicasts) an ARP request for `target` (`arp_solicit`).
    /// The sender address is the source of the packet waiting for it when that is ours, else the
    /// device's address on the target's subnet (`arp_announce` 0).
    func sendARPRequest(for target: IPv4Address, on device: NetDevice, about packet: PacketBuffer?, unicastTo: MACAddress?) {
        var sender: IPv4Address?
        if let packet, let ip = try? IPv4Packet(packet.bytes), isLocalAddress(ip.source) { sender = ip.source }
        if sender == nil { sender = selectSource(on: device, toward: target) }
        guard let senderIP = sender else {
            world.countDrop("arp: no source address on \(device.qualifiedName)")
            return
        }
        let request = ARPHeader(operation: .request, senderMAC: device.mac, senderIP: senderIP,
            targetMAC: unicastTo ?? .zero, targetIP: target)
        sendARP(request, to: unicastTo ?? .broadcast, on: device)
    }

    func sendARP(_ arp: ARPHeader, to destination: MACAddress, on device: NetDevice) {
        let packet = PacketBuffer.make(length: EthernetHeader.minimumLength + ARPHeader.minimumLength)
        EthernetHeader(destination: destination, source: device.mac, etherType: .arp).emit(into: packet.bytes)
        arp.emit(into: packet.bytes.wireSlice(from: EthernetHeader.minimumLength))
        device.transmit(packet)
    }

    /// An ARP packet arrived on `device` (`arp_process`).
    func receiveARP(_ packet: PacketBuffer, on device: NetDevice) {
        guard let arp = try? ARPHeader.parse(ARPPacket(packet.bytes)) else {
            world.countDrop("arp: malformed")
            return
        }
        guard device.usesARP, !arp.senderIP.isMulticast, !arp.senderIP.isBroadcast else { return }
        let forUs = isLocalAddress(arp.targetIP)
        if arp.operation == .request && forUs && !arp.senderIP.isUnspecified {
            // Answer from the receiving device (arp_ignore 0: any local address, any interface).
            let reply = ARPHeader(operation: .reply, senderMAC: device.mac, senderIP: arp.targetIP,
                targetMAC: arp.senderMAC, targetIP: arp.senderIP)
            sendARP(reply, to: arp.senderMAC, on: device)
        }
        guard !arp.senderIP.isUnspecified else { return }
        let existing = neighbours.entry(for: arp.senderIP, on: device.ifindex)
        if var entry = existing {
            guard entry.state != .permanent else { return }
            let changed = entry.mac != arp.senderMAC
            if arp.operation == .reply || entry.state == .incomplete || entry.state == .failed {
                // A reply (or a request resolving our pending entry) confirms reachability.
                entry.state = .reachable
                entry.deadline = world.now + randomReachableTime()
                entry.probesSent = 0
            } else if changed {
                entry.state = .stale
            }
            entry.mac = arp.senderMAC
            let queued = neighbours.takeQueue(for: arp.senderIP, on: device.ifindex)
            neighbours.set(entry)
            if entry.state == .reachable { scheduleNeighbourTimer(at: entry.deadline) }
            for waiting in queued { transmitIPv4(waiting, to: arp.senderMAC, from: device.mac, on: device) }
        } else if arp.operation == .request && forUs {
            // neigh_event_ns: a request for us creates the sender's entry as STALE.
            neighbours.set(NeighbourTable.Entry(address: arp.senderIP, device: device.ifindex, mac: arp.senderMAC, state: .stale))
        }
    }

    func randomReachableTime() -> SimDuration {
        let base = NeighbourTable.baseReachableTime.nanoseconds
        return .nanoseconds(base / 2 + Int64(reachableTimes.next(below: UInt64(base))))
    }

    func scheduleNeighbourTimer(at time: SimTime) {
        world.simulation.schedule(Event(target: targetID, kind: EventKind.neighbourTimer), at: time)
    }

    /// Advances every neighbour entry whose deadline has passed (`neigh_timer_handler`).
    func runNeighbourTimers() {
        let now = world.now
        for var entry in neighbours.all where entry.deadline <= now && entry.deadline != .zero {
            guard let device = device(ifindex: entry.device) else { continue }
            switch entry.state {
            case .incomplete:
                if entry.probesSent < NeighbourTable.multicastProbes {
                    entry.probesSent += 1
                    entry.deadline = now + NeighbourTable.retransTime
                    let first = neighbours.firstQueued(for: entry.address, on: entry.device)
                    neighbours.set(entry)
                    scheduleNeighbourTimer(at: entry.deadline)
                    sendARPRequest(for: entry.address, on: device, about: first, unicastTo: nil)
                } else {
                    failNeighbour(entry)
                }
            case .reachable:
                entry.state = .stale
                entry.deadline = .zero
                neighbours.set(entry)
            case .delay:
                entry.state = .probe
                entry.probesSent = 1
                entry.deadline = now + NeighbourTable.retransTime
                neighbours.set(entry)
                scheduleNeighbourTimer(at: entry.deadline)
                sendARPRequest(for: entry.address, on: device, about: nil, unicastTo: entry.mac)
            case .probe:
                if entry.probesSent < NeighbourTable.unicastProbes {
                    entry.probesSent += 1
                    entry.deadline = now + NeighbourTable.retransTime
                    neighbours.set(entry)
                    scheduleNeighbourTimer(at: entry.deadline)
                    sendARPRequest(for: entry.address, on: device, about: nil, unicastTo: entry.mac)
                } else {
                    failNeighbour(entry)
                }
            case .stale, .failed, .permanent:
                break
            }
        }
    }

    /// Resolution failed: the waiting packets are dropped with ICMP host unreachable to their
    /// sources (`arp_error_report`), which is how `ping` comes to print "Destination Host Unreachable".
    private func failNeighbour(_ entry: NeighbourTable.Entry) {
        var failed = entry
        let queued = neighbours.takeQueue(for: entry.address, on: entry.device)
        failed.state = .failed
        failed.deadline = .zero
        failed.mac = nil
        neighbours.set(failed)
        for packet in queued {
            world.countDrop("neighbour \(entry.address) unreachable")
            sendICMPError(about: packet, .destinationUnreachable(.hostUnreachable, nextHopMTU: 0))
        }
    }
}
