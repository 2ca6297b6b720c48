import SwarmSimCore

/// Overlay networks on this node: the lazily created `1-<nid[:10]>` namespace with br0 and
/// vxlan0, endpoint veths, and peerdb's neighbour and FDB entries (fidelity 1, 3.1, 3.2).
extension NodeDaemon {
    /// The overlay namespace name: `osl.GenerateKey("1-" + nid)`, capped at 12 characters.
    static func overlayNamespaceName(_ networkID: String) -> String { "1-" + networkID.prefix(10) }

    /// The network's overlay sandbox, created when the first local endpoint (or peer) needs it.
    func overlaySandbox(for network: OverlayNetworkConfig) -> OverlaySandbox {
        remember(network)
        if let existing = overlays.first(where: { $0.network.id == network.id }) { return existing }
        let ns = makeNamespace(Self.overlayNamespaceName(network.id))
        let bridge = ns.addBridge("br0", mtu: network.mtu)
        ns.addAddress(InterfaceAddress(network.gateway, prefixLength: network.subnet.length), to: bridge)
        let vxlan = ns.addVXLAN("vxlan0", vni: network.vni, port: 4789, underlay: machine.root, mtu: network.mtu)
        vxlan.learning = true
        vxlan.proxy = true
        bridge.addPort(vxlan)
        let sandbox = OverlaySandbox(network: network, namespace: ns, bridge: bridge, vxlan: vxlan)
        overlays.append(sandbox)
        for index in peers.indices where peers[index].networkID == network.id && !peers[index].programmed {
            programPeer(peers[index], in: sandbox)
            peers[index].programmed = true
        }
        return sandbox
    }

    /// An endpoint on an overlay: `vethN` (lowest free index) on br0 in the overlay namespace,
    /// `ifName` in `ns` with MAC 02:42:+IP, the network MTU and the address.
    func attachToOverlay(
        _ network: OverlayNetworkConfig, namespace ns: NetworkNamespace, ifName: String, address: IPv4Address
    ) -> String {
        let overlay = overlaySandbox(for: network)
        var index = 0
        while overlay.namespace.device(named: "veth\(index)") != nil { index += 1 }
        let (port, eth) = overlay.namespace.addVethPair(
            "veth\(index)", peerName: ifName, peerNamespace: ns, peerMAC: MACAddress.docker(for: address), mtu: network.mtu)
        overlay.bridge.addPort(port)
        ns.addAddress(InterfaceAddress(address, prefixLength: network.subnet.length), to: eth)
        return "veth\(index)"
    }

    /// Undoes `attachToOverlay` on the overlay side: `vethN` is deleted (with its peer) unless it
    /// already went with the endpoint's namespace, which frees its index for the next endpoint;
    /// the overlay namespace goes with its last endpoint.
    func detachFromOverlay(networkID: String, veth: String) {
        guard let index = overlays.firstIndex(where: { $0.network.id == networkID }) else { return }
        let overlay = overlays[index]
        if let device = overlay.namespace.device(named: veth) { overlay.namespace.deleteDevice(device) }
        let stillUsed = overlay.namespace.devices.contains { $0 is VethDevice }
        if !stillUsed { removeOverlaySandbox(at: index) }
    }

    func removeOverlaySandbox(at index: Int) {
        let overlay = overlays.remove(at: index)
        for peerIndex in peers.indices where peers[peerIndex].networkID == overlay.network.id {
            peers[peerIndex].programmed = false
        }
        deleteSandboxNamespace(overlay.namespace)
    }

    // MARK: peerdb

    public func addPeer(networkID: String, address: IPv4Address, mac: MACAddress, vtep: IPv4Address) {
        if let index = peerIndex(networkID, address, mac, vtep) {
            peers[index].count += 1
            return
        }
        var entry = PeerEntry(networkID: networkID, address: address, mac: mac, vtep: vtep, count: 1, programmed: false)
        if let network = network(networkID) {
            let overlay = overlaySandbox(for: network)
            programPeer(entry, in: overlay)
            entry.programmed = true
        }
        peers.append(entry)
    }

    public func removePeer(networkID: String, address: IPv4Address, mac: MACAddress, vtep: IPv4Address) {
        guard let index = peerIndex(networkID, address, mac, vtep) else { return }
        peers[index].count -= 1
        guard peers[index].count == 0 else { return }
        let entry = peers.remove(at: index)
        guard entry.programmed, let overlay = overlays.first(where: { $0.network.id == networkID }) else { return }
        // peerDbDelete: `ip neigh del IP dev vxlan0`, then the FDB entry, which is shared per
        // (VTEP, MAC) and goes with the last peer using it.
        overlay.namespace.deleteNeighbour(address, device: overlay.vxlan)
        if !peers.contains(where: { $0.networkID == networkID && $0.mac == mac && $0.vtep == vtep }) {
            overlay.vxlan.removeFDB(mac)
        }
    }

    private func peerIndex(_ networkID: String, _ address: IPv4Address, _ mac: MACAddress, _ vtep: IPv4Address) -> Int? {
        peers.firstIndex { $0.networkID == networkID && $0.address == address && $0.mac == mac && $0.vtep == vtep }
    }

    /// `ip neigh add IP lladdr MAC dev vxlan0 nud permanent` and `bridge fdb add MAC dev vxlan0 dst VTEP self permanent`.
    private func programPeer(_ entry: PeerEntry, in overlay: OverlaySandbox) {
        overlay.namespace.addPermanentNeighbour(entry.address, mac: entry.mac, device: overlay.vxlan)
        overlay.vxlan.addPermanentFDB(entry.mac, remote: entry.vtep)
    }
}
