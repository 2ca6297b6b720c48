/// A VXLAN device as Docker configures one (`drivers/overlay/ov_utils.go` createVxlan):
/// `vxlan id VNI dstport 4789 proxy l2miss l3miss learning`, enslaved to the overlay
/// namespace's `br0`, with its UDP socket in the namespace it was created in (the host's root
/// namespace, "link netns"), so the encapsulated packets are routed by the host.
///
/// Transmit (`drivers/net/vxlan/vxlan_core.c` vxlan_xmit):
/// - with `proxy`, an ARP request is answered here from the namespace's neighbour table
///   (Docker's permanent entries for remote endpoints) and never encapsulated (arp_reduce);
///   an ARP for an unknown address, and any other ARP, is dropped (the l3miss event is not
///   modelled: modern Docker ignores it);
/// - any other frame goes to the remote VTEP its destination MAC has in the FDB; broadcast,
///   multicast and unknown unicast are dropped (Docker installs no all-zeros default entry), so
///   no ARP or broadcast ever crosses the underlay inside VXLAN.
/// Receive: the UDP packet's VNI selects the device; the inner frame is learned (source MAC ->
/// outer source IP, unless a permanent entry exists) and handed to the bridge.
public final class VXLANDevice: NetDevice {
    public struct FDBEntry: Hashable, Sendable {
        public var remote: IPv4Address
        public var isPermanent: Bool
        public var updated: SimTime
    }

    public let vni: UInt32
    public let port: UInt16
    public var learning = true
    public var proxy = true
    /// The namespace whose routing carries the encapsulated packets (the host's root namespace).
    public unowned(unsafe) let underlay: NetworkNamespace
    /// The local VTEP address; when nil, the underlay's routing picks the source.
    public var local: IPv4Address?
    public private(set) var fdb: [MACAddress: FDBEntry] = [:]
    /// FDB ageing for learned entries (`ageing 300`).
    public var ageingTime: SimDuration = .seconds(300)

    init(name: String, namespace: NetworkNamespace, mac: MACAddress, vni: UInt32, port: UInt16, mtu: Int, underlay: NetworkNamespace) {
        precondition(vni < 1 << 24, "a VNI has 24 bits")
        self.vni = vni
        self.port = port
        self.underlay = underlay
        super.init(name: name, namespace: namespace, mac: mac, mtu: mtu)
        underlay.vxlanEndpoints.register(self)
    }

    /// Adds a static entry, as `bridge fdb add MAC dev vxlan0 dst VTEP self permanent`.
    public func addPermanentFDB(_ mac: MACAddress, remote: IPv4Address) {
        fdb[mac] = FDBEntry(remote: remote, isPermanent: true, updated: world.now)
    }

    public func removeFDB(_ mac: MACAddress) {
        fdb[mac] = nil
    }

    /// `vxlan_dellink`: the VNI's socket binding goes and the FDB is flushed.
    func unregisterFromUnderlay() {
        underlay.vxlanEndpoints.unregister(self)
        fdb.removeAll()
    }

    /// The live entry for `mac` (learned entries age out).
    public func lookup(_ mac: MACAddress) -> FDBEntry? {
        guard let entry = fdb[mac] else { return nil }
        if !entry.isPermanent && world.now - entry.updated > ageingTime { return nil }
        return entry
    }

    override func deviceTransmit(_ packet: PacketBuffer) {
        guard let frame = try? EthernetFrame(packet.bytes) else { return }
        if proxy && frame.etherType == .arp {
            answerARPLocally(packet)
            return
        }
        guard !frame.destination.isMulticast, let entry = lookup(frame.destination) else {
            txDropped += 1
            world.countDrop("vxlan \(name): no FDB entry (l2miss)")
            return
        }
        encapsulate(packet, to: entry.remote)
    }

    /// `arp_reduce`: answers an ARP request from the neighbour table, as if the remote had replied.
    private func answerARPLocally(_ packet: PacketBuffer) {
        let frame = EthernetFrame(unchecked: packet.bytes)
        guard let request = try? ARPHeader.parse(ARPPacket(frame.payload)), request.operation == .request,
            let neighbour = namespace.neighbours.entry(for: request.targetIP, on: ifindex), neighbour.isConnected,
            let mac = neighbour.mac
        else {
            world.countDrop("vxlan \(name): ARP not answered by proxy (l3miss)")
            return
        }
        let reply = ARPHeader(
            operation: .reply, senderMAC: mac, senderIP: request.targetIP,
            targetMAC: request.senderMAC, targetIP: request.senderIP)
        let answer = PacketBuffer.make(length: EthernetHeader.minimumLength + ARPHeader.minimumLength)
        EthernetHeader(destination: request.senderMAC, source: mac, etherType: .arp).emit(into: answer.bytes)
        reply.emit(into: ARPPacket(unchecked: answer.bytes.wireSlice(from: EthernetHeader.minimumLength)))
        world.deliver(answer, to: self, after: .zero)
    }

    /// Wraps the frame in outer IPv4/UDP/VXLAN (fidelity.md 3.3) and sends it from the underlay.
    private func encapsulate(_ packet: PacketBuffer, to remote: IPv4Address) {
        let sourcePort = udpSourcePort(for: packet)
        // ECN of the inner packet is copied out (ip_tunnel_ecn_encap); CE becomes ECT(0).
        var ecn: UInt8 = 0
        if let frame = try? EthernetFrame(packet.bytes), frame.etherType == .ipv4,
            let inner = try? IPv4Packet(frame.payload)
        {
            ecn = inner.ecn == 3 ? 2 : inner.ecn
        }
        let vxlanBytes = packet.prepend(VXLANHeader.minimumLength)
        VXLANHeader(vni: vni).emit(into: VXLANPacket(unchecked: vxlanBytes))
        underlay.sendEncapsulatedUDP(
            packet, to: remote, from: local, sourcePort: sourcePort, destinationPort: port, ecn: ecn,
            via: self)
    }

    /// `udp_flow_src_port`: the flow hash folded into the netns's local port range (32768-60999),
    /// so one flow keeps one outer source port and flows spread over ECMP paths.
    func udpSourcePort(for packet: PacketBuffer) -> UInt16 {
        if packet.flowHash == 0 { packet.flowHash = FlowHash.hash(frame: packet.bytes, seed: namespace.machine.flowHashSeed) }
        var hash = packet.flowHash
        hash ^= hash << 16
        let (low, high) = underlay.localPortRange
        return UInt16((UInt64(hash) * UInt64(high - low)) >> 32) + low
    }

    /// An encapsulated frame arrived for this VNI: learn, then receive the inner frame.
    func decapsulated(_ packet: PacketBuffer, outerSource: IPv4Address) {
        guard let frame = try? EthernetFrame(packet.bytes) else {
            world.countDrop("vxlan \(name): runt inner frame")
            return
        }
        let source = frame.source
        // vxlan_snoop: learn or refresh, but never override a permanent (Docker-programmed) entry.
        if learning && source.isUnicast && fdb[source]?.isPermanent != true {
            fdb[source] = FDBEntry(remote: outerSource, isPermanent: false, updated: world.now)
        }
        packet.scrub()
        packet.flowHash = 0
        receive(packet)
    }
}

/// The VXLAN devices whose UDP socket lives in one namespace, by destination port and VNI.
struct VXLANEndpoints {
    private var devices: [UInt16: [UInt32: VXLANDevice]] = [:]

    mutating func register(_ device: VXLANDevice) {
        precondition(devices[device.port]?[device.vni] == nil, "VNI \(device.vni) is already in use on port \(device.port)")
        devices[device.port, default: [:]][device.vni] = device
    }

    mutating func unregister(_ device: VXLANDevice) {
        guard devices[device.port]?[device.vni] === device else { return }
        devices[device.port]?[device.vni] = nil
        if devices[device.port]?.isEmpty == true { devices[device.port] = nil }
    }

    /// Every registered device, by port then VNI (deterministic order).
    var all: [VXLANDevice] {
        devices.keys.sorted().flatMap { port in devices[port]!.keys.sorted().map { devices[port]![$0]! } }
    }

    func isListening(on port: UInt16) -> Bool { devices[port] != nil }

    func device(port: UInt16, vni: UInt32) -> VXLANDevice? { devices[port]?[vni] }
}
