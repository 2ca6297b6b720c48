/// One end of a veth pair: what one end sends, the other receives, with no delay.
///
/// Delivery still goes through the event queue (as `veth_xmit` queues to the peer's backlog),
/// so a frame's hops are ordered in time and every capture point sees them in order. Crossing
/// a veth scrubs the packet's mark and IPVS state when it changes namespace (`skb_scrub_packet`).
public final class VethDevice: NetDevice {
    /// The other end; both ends live as long as their namespaces (no weak reference, whose side
    /// table would put every retain and release of the device on the slow path).
    public internal(set) var peer: VethDevice? {
        get { peerRef?.object }
        set { peerRef = newValue.map(Unretained.init) }
    }
    var peerRef: Unretained<VethDevice>?

    override init(name: String, namespace: NetworkNamespace, mac: MACAddress, mtu: Int) {
        super.init(name: name, namespace: namespace, mac: mac, mtu: mtu)
    }

    override func deviceTransmit(_ packet: PacketBuffer) {
        guard let peerRef, peerRef.borrow({ $0.isUp }) else {
            txDropped += 1
            world.countDrop("veth \(name) peer down")
            return
        }
        peerRef.borrow { peer in
            if !(peer.namespaceRef === namespaceRef) { packet.scrub() }
            worldRef.borrow { $0.deliver(packet, to: peer, after: .zero) }
        }
    }
}
