/// `ip netns del NAME`, as the kernel tears a namespace down once its last reference goes
/// (`cleanup_net`): its devices are unregistered (`default_device_exit_batch`), its sockets die
/// with it, and its timers stop mattering.
extension Machine {
    /// Deletes `namespace`, which must be one of this machine's and not its root:
    /// - sockets close first and silently: TCP connections in every state, TIME-WAIT included,
    ///   are destroyed without a RST or a FIN (`tcp_sk_exit`, `inet_twsk_purge`: a dying
    ///   namespace has no devices left to send on), listeners and UDP and ping sockets are
    ///   closed; their applications hear nothing more, and later socket calls fail with
    ///   `.closed`;
    /// - VXLAN devices elsewhere whose UDP socket lives here are deleted (`vxlan_destroy_tunnels`);
    /// - every device is deleted as `deleteDevice` does, veth peers in other namespaces
    ///   included, then `lo`;
    /// - pending fragment reassembly is discarded and pending timer events become no-ops;
    /// - the namespace leaves `namespaces`, so its name can be used again.
    /// The object itself stays registered with the simulation, inert (`isDeleted`), so that
    /// events already scheduled for it and references still held by applications stay safe.
    public func deleteNamespace(_ namespace: NetworkNamespace) {
        precondition(namespace.machine === self, "\(namespace.qualifiedName) is not on \(name)")
        precondition(namespace !== root, "the root namespace of \(name) cannot be deleted")
        precondition(!namespace.isDeleted, "\(namespace.qualifiedName) was already deleted")
        namespace.closeAllSockets()
        for vxlan in namespace.vxlanEndpoints.all where vxlan.namespace !== namespace && !vxlan.isDeleted {
            vxlan.namespace.deleteDevice(vxlan)
        }
        for device in namespace.devices where !(device is LoopbackDevice) && !device.isDeleted {
            namespace.deleteDevice(device)
        }
        namespace.unregister(namespace.loopback)
        namespace.reassembly = FragmentReassembly()
        namespace.isDeleted = true
        namespaces.removeAll { $0 === namespace }
    }
}

extension NetworkNamespace {
    /// Closes every socket of a dying namespace, without a packet, in a fixed order.
    func closeAllSockets() {
        if let tcpProtocol { tcpProtocol.object.destroyAll() }
        for port in udpSockets.keys.sorted() {
            for socket in udpSockets[port] ?? [] { socket.close() }
        }
        for identifier in pingSockets.keys.sorted() { pingSockets[identifier]?.close() }
    }
}

extension TCPProtocol {
    /// Destroys every connection and listener without sending anything, and drops the
    /// notifications not yet delivered: the applications are gone with the namespace.
    func destroyAll() {
        for connection in allConnections {
            connection.appDetached = true
            connection.clearCallbacks()
            connection.finish(notify: nil)
        }
        for listener in allListeners { listener.destroy() }
        pending.removeAll()
    }
}

extension TCPListener {
    /// Stops listening without resetting anything (the connections are already destroyed).
    func destroy() {
        isClosed = true
        onAccept = nil
        requests = []
        acceptQueue = []
        tcp.listeners[port]?.removeAll { $0 === self }
        if tcp.listeners[port]?.isEmpty == true { tcp.listeners[port] = nil }
    }
}
