/// Deleting devices and neighbour entries (`ip link del`, `ip neigh del`), as the kernel's
/// `unregister_netdevice` and `neigh_delete` do.
///
/// A deleted device is not freed: the simulation keeps every event target it registered, so
/// an event still pending for the device (a frame in flight) reaches an inert object whose
/// `isUp` is false and is dropped there. Nothing in the model is left pointing at it: its
/// namespace's device list, its bridge, its veth peer, the VXLAN port table, the underlay
/// segment, routes and neighbour entries all forget it. Interface indexes are never reused
/// (the machine's counter only grows), so a route or neighbour entry naming a deleted ifindex
/// could never match a new device; its name is free at once.
extension NetworkNamespace {
    /// `ip link del DEV` (`unregister_netdevice`), following the kernel:
    /// - a veth takes its peer with it, wherever the peer lives (`veth_dellink`);
    /// - a bridge port leaves its bridge and the FDB entries on it go (`br_del_if`); a bridge
    ///   releases all its ports (`br_dev_delete`);
    /// - a VXLAN device closes its VNI on its UDP socket and flushes its FDB (`vxlan_dellink`);
    /// - the device's addresses go and every route through it is flushed (`fib_disable_ip`,
    ///   `fib_sync_down_dev`, `rt_flush`);
    /// - its neighbour entries are flushed and packets waiting for resolution dropped
    ///   (`neigh_ifdown`);
    /// - frames already in flight to it are dropped on arrival, counted as
    ///   "device NAME deleted"; its capture taps simply see nothing more.
    /// `lo` cannot be deleted (the kernel refuses with EOPNOTSUPP); it goes with its namespace.
    public func deleteDevice(_ device: NetDevice) {
        precondition(device.namespace === self, "\(device.qualifiedName) is not in \(qualifiedName)")
        precondition(!device.isDeleted, "\(device.qualifiedName) was already deleted")
        precondition(!(device is LoopbackDevice), "lo is deleted only with its namespace")
        unregister(device)
        if let veth = device as? VethDevice, let peer = veth.peer {
            veth.peer = nil
            peer.peer = nil
            peer.namespace.unregister(peer)
        }
    }

    /// Takes one device out of this namespace and everything that refers to it.
    func unregister(_ device: NetDevice) {
        device.isUp = false
        device.isDeleted = true
        if let bridge = device.master { bridge.removePort(device) }
        if let bridge = device as? BridgeDevice {
            for port in bridge.ports { bridge.removePort(port) }
        }
        if let vxlan = device as? VXLANDevice { vxlan.unregisterFromUnderlay() }
        if let nic = device as? EthernetDevice { nic.segment.detach(nic) }
        let ifindex = device.ifindex
        device.addresses.removeAll()
        localTable.remove { $0.device == ifindex }
        mainTable.remove { $0.device == ifindex }
        for entry in neighbours.all where entry.device == ifindex {
            deleteNeighbourEntry(entry.address, ifindex: ifindex)
        }
        devices.removeAll { $0 === device }
    }

    /// `ip neigh del ADDRESS dev DEVICE` (`neigh_delete`): removes the entry whatever its state,
    /// PERMANENT included (as Docker's peerdb does when a remote endpoint leaves), and drops the
    /// packets waiting for its resolution. The next packet to `address` starts a fresh ARP
    /// resolution.
    /// - Returns: false when there was no such entry (`ip` reports "No such file or directory").
    @discardableResult
    public func deleteNeighbour(_ address: IPv4Address, device: NetDevice) -> Bool {
        precondition(device.namespace === self, "\(device.qualifiedName) is not in \(qualifiedName)")
        guard neighbours.entry(for: address, on: device.ifindex) != nil else { return false }
        deleteNeighbourEntry(address, ifindex: device.ifindex)
        return true
    }

    private func deleteNeighbourEntry(_ address: IPv4Address, ifindex: Int32) {
        for _ in neighbours.takeQueue(for: address, on: ifindex) {
            world.countDrop("neighbour \(address) deleted")
        }
        neighbours.remove(address, device: ifindex)
    }
}
