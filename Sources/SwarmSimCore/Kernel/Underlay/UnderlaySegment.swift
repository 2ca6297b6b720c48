/// The underlay: one Ethernet segment joining the NICs of every node and outside host, as an
/// ideal switch would (it knows every NIC's MAC; broadcasts reach every other NIC), with the
/// properties of the path between each pair of machines.
///
/// Each NIC serialises its frames one after another at the pair's bandwidth behind a bounded
/// transmit queue (`txqueuelen`, 1000 frames by default, tail drop counted on the NIC); then the
/// frame travels `latency ± jitter` and may be lost, each pair drawing from its own seeded
/// streams so that changing one link does not change another's luck.
public final class UnderlaySegment {
    public unowned(unsafe) let world: World
    public var defaults: LinkProperties
    public private(set) var nics: [EthernetDevice] = []
    private var overrides: [PairKey: LinkProperties] = [:]
    private var lossStreams: [PairKey: RandomStream] = [:]
    private var jitterStreams: [PairKey: RandomStream] = [:]
    /// Frames lost on the wire, per ordered pair "a>b".
    public private(set) var lostFrames = 0

    struct PairKey: Hashable {
        let a: String
        let b: String
        init(_ x: String, _ y: String) {
            (a, b) = x < y ? (x, y) : (y, x)
        }
    }

    public init(world: World, defaults: LinkProperties = LinkProperties()) {
        self.world = world
        self.defaults = defaults
        world.adopt(self)
    }

    /// Gives `machine` a NIC on this segment (`eth0` by default) with `address`.
    @discardableResult
    public func attach(
        _ machine: Machine, name: String = "eth0", address: InterfaceAddress, mac: MACAddress? = nil, mtu: Int = 1500
    ) -> EthernetDevice {
        let nic = EthernetDevice(
            name: name, namespace: machine.root, mac: mac ?? machine.root.randomMAC(), mtu: mtu, segment: self)
        machine.root.adopt(nic)
        machine.root.addAddress(address, to: nic)
        nics.append(nic)
        return nic
    }

    /// Takes a deleted NIC off the segment: nothing is carried to or from it any more.
    func detach(_ nic: EthernetDevice) {
        nics.removeAll { $0 === nic }
    }

    /// The properties between two machines: their override if any, else the defaults.
    public func properties(between a: String, _ b: String) -> LinkProperties {
        overrides[PairKey(a, b)] ?? defaults
    }

    /// Overrides the path between two machines (both directions), as `links:` in a scenario.
    public func setProperties(_ properties: LinkProperties, between a: String, _ b: String) {
        overrides[PairKey(a, b)] = properties
    }

    /// Takes the path between two machines down or up (a `fault: link` step).
    public func setLink(between a: String, _ b: String, up: Bool) {
        var p = properties(between: a, b)
        p.isUp = up
        overrides[PairKey(a, b)] = p
    }

    /// Carries a frame from `sender` to the NIC(s) it is for.
    func carry(_ packet: PacketBuffer, from sender: EthernetDevice) {
        guard let frame = try? EthernetFrame(packet.bytes) else { return }
        let destination = frame.destination
        let receivers: [EthernetDevice]
        if destination.isMulticast {
            receivers = nics.filter { $0 !== sender }
        } else if let nic = nics.first(where: { $0.mac == destination && $0 !== sender }) {
            receivers = [nic]
        } else {
            receivers = []  // nobody owns that MAC: the switch floods it and every NIC ignores it
        }
        let senderName = sender.namespace.machine.name
        let defaultsForSerialisation = receivers.count == 1
            ? properties(between: senderName, receivers[0].namespace.machine.name) : defaults
        guard let departure = sender.enqueueForTransmission(
            length: packet.length, serialisation: defaultsForSerialisation.serialisationDelay(frameLength: packet.length))
        else {
            world.countDrop("txqueue full on \(sender.qualifiedName)")
            return
        }
        for (i, nic) in receivers.enumerated() {
            let receiverName = nic.namespace.machine.name
            let link = properties(between: senderName, receiverName)
            let key = PairKey(senderName, receiverName)
            guard link.isUp else {
                world.countDrop("link \(key.a)-\(key.b) down")
                continue
            }
            if link.loss > 0 {
                var stream = lossStreams[key] ?? world.simulation.randomStream(named: "link \(key.a)-\(key.b) loss")
                let lost = stream.bernoulli(link.loss)
                lossStreams[key] = stream
                if lost {
                    lostFrames += 1
                    world.countDrop("lost on link \(key.a)-\(key.b)")
                    continue
                }
            }
            var delay = link.latency
            if link.jitter > .zero {
                var stream = jitterStreams[key] ?? world.simulation.randomStream(named: "link \(key.a)-\(key.b) jitter")
                let span = UInt64(link.jitter.nanoseconds) * 2 + 1
                delay = delay + .nanoseconds(Int64(stream.next(below: span)) - link.jitter.nanoseconds)
                jitterStreams[key] = stream
                if delay < .zero { delay = .zero }
            }
            let copy = i == receivers.count - 1 ? packet : packet.copy()
            copy.scrub()
            world.deliver(copy, to: nic, after: (departure - world.now) + delay)
        }
    }
}
