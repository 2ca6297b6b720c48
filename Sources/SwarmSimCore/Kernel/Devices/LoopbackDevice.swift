/// `lo`: what a namespace sends to one of its own addresses comes back in here.
///
/// Linux gives loopback an Ethernet header with zero MAC addresses (tcpdump on `lo` shows
/// them), so frames on `lo` are Ethernet like everywhere else. MTU 65536, no ARP.
public final class LoopbackDevice: NetDevice {
    init(namespace: NetworkNamespace) {
        super.init(name: "lo", namespace: namespace, mac: .zero, mtu: 65536)
    }

    public override var usesARP: Bool { false }
    override var tapsReceivedFrames: Bool { false }

    override func deviceTransmit(_ packet: PacketBuffer) {
        // netif_rx on the same device: the frame is received at once, through the backlog.
        world.deliver(packet, to: self, after: .zero)
    }
}
