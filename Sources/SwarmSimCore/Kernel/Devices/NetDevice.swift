/// An IPv4 address on an interface, as `ip addr` shows it: `inet 10.0.0.2/24`.
public struct InterfaceAddress: Hashable, Sendable, CustomStringConvertible {
    public var address: IPv4Address
    public var prefixLength: Int

    public init(_ address: IPv4Address, prefixLength: Int) {
        precondition((0...32).contains(prefixLength))
        self.address = address
        self.prefixLength = prefixLength
    }

    /// The connected subnet, `10.0.0.0/24` for `10.0.0.2/24`.
    public var subnet: IPv4Prefix { IPv4Prefix(address: address, length: prefixLength) }
    public var description: String { "\(address)/\(prefixLength)" }
}

/// A network device in a namespace (`struct net_device`). Subclasses say what transmitting a
/// frame means: hand it to a veth peer, a bridge's ports, a VXLAN tunnel or the underlay.
///
/// Every frame a device sends or receives is shown to its taps first, which is where capture
/// points attach. A device enslaved to a bridge (`master`) hands what it receives to the bridge
/// instead of to its namespace's IP stack, as `rx_handler` does in Linux.
public class NetDevice: EventTarget {
    enum EventKind {
        static let frameArrival: UInt32 = 1
    }

    public let name: String
    public let ifindex: Int32
    /// The namespace the device is in; it owns the device (see `Unretained`: read on every hop).
    public var namespace: NetworkNamespace { namespaceRef.object }
    let namespaceRef: Unretained<NetworkNamespace>
    public internal(set) var mac: MACAddress
    public var mtu: Int
    public internal(set) var isUp = true { didSet { namespaceRef.borrow { $0.routesChanged() } } }
    /// Set by `NetworkNamespace.deleteDevice` (`ip link del`): the device is also down, so the
    /// `isUp` checks the packet path already makes keep frames away from it; it stays registered
    /// with the simulation as an inert event target, so frames still in flight to it are dropped.
    public internal(set) var isDeleted = false
    public internal(set) var addresses: [InterfaceAddress] = [] { didSet { namespaceRef.borrow { $0.routesChanged() } } }
    /// The bridge this device is a port of, if any (`ip link set DEV master BR`).
    public internal(set) var master: BridgeDevice? {
        get { masterRef?.object }
        set { masterRef = newValue.map(Unretained.init) }
    }
    var masterRef: Unretained<BridgeDevice>?
    /// Whether ARP is used to reach neighbours on this device (false for loopback).
    public var usesARP: Bool { true }
    /// Whether capture points see received frames. Loopback shows each frame once, as sent:
    /// `af_packet` skips frames looped back (`PACKET_LOOPBACK`).
    var tapsReceivedFrames: Bool { true }
    var taps: [FrameTap] = []
    private(set) var targetID = TargetID(rawValue: 0)

    /// Counters as `ip -s link` shows them.
    public internal(set) var rxPackets = 0
    public internal(set) var txPackets = 0
    public internal(set) var rxBytes = 0
    public internal(set) var txBytes = 0
    public internal(set) var txDropped = 0

    init(name: String, namespace: NetworkNamespace, mac: MACAddress, mtu: Int) {
        self.name = name
        namespaceRef = Unretained(namespace)
        self.mac = mac
        self.mtu = mtu
        worldRef = Unretained(namespace.world)
        ifindex = namespace.machine.allocateIfindex()
        super.init()
        targetID = namespace.world.simulation.register(self)
    }

    /// The world, kept here as well as on the namespace: used at every hop, borrowed
    /// through `worldRef` there.
    var world: World { worldRef.object }
    let worldRef: Unretained<World>

    /// Attaches a capture point: it sees every frame sent or received from now on.
    public func addTap(_ tap: FrameTap) {
        taps.append(tap)
    }

    /// Sends an Ethernet frame out of this device. Called by the IP stack, a bridge or a tunnel.
    final func transmit(_ packet: PacketBuffer) {
        guard isUp else {
            txDropped += 1
            world.countDrop(isDeleted ? "device \(name) deleted" : "device \(name) down")
            return
        }
        txPackets += 1
        txBytes += packet.length
        record(packet)
        packet.clearComment()
        deviceTransmit(packet)
    }

    /// What transmitting means for this kind of device.
    func deviceTransmit(_ packet: PacketBuffer) {
        preconditionFailure("\(type(of: self)) must override deviceTransmit")
    }

    /// A frame has arrived at this device from outside (a peer, a link, a tunnel).
    final func receive(_ packet: PacketBuffer) {
        guard isUp else {
            world.countDrop(isDeleted ? "device \(name) deleted" : "device \(name) down")
            return
        }
        rxPackets += 1
        rxBytes += packet.length
        if tapsReceivedFrames { record(packet) }
        packet.clearComment()
        packet.inputInterface = ifindex
        if let masterRef {
            masterRef.borrow { $0.handleFrame(packet, from: self) }
        } else {
            namespaceRef.borrow { $0.receiveFrame(packet, on: self) }
        }
    }

    /// Shows `packet` to the taps; inlined so that a device without taps pays one test.
    @inline(__always) final func record(_ packet: PacketBuffer) {
        if !taps.isEmpty { recordToTaps(packet) }
    }

    private func recordToTaps(_ packet: PacketBuffer) {
        let bytes = UnsafeRawBufferPointer(packet.bytes)
        for tap in taps { tap.record(bytes, at: world.now, comment: packet.comment) }
    }

    public override func handle(_ event: Event, in simulation: Simulation) {
        switch event.kind {
        case EventKind.frameArrival:
            worldRef.borrow { $0.arrive(Int(event.argument), at: self) }
        default: preconditionFailure("unknown device event \(event.kind)")
        }
    }

    /// Sets the device administratively up or down (`ip link set DEV up|down`). Routes through
    /// a down device stop matching at once: lookups ask `routeIsUsable`.
    public func setUp(_ up: Bool) {
        precondition(!isDeleted || !up, "\(qualifiedName) was deleted")
        isUp = up
    }

    /// The device's name as `ip` prints it, with the namespace for orientation in messages.
    public var qualifiedName: String {
        let ns = namespace.name.isEmpty ? "" : "\(namespace.name)/"
        return "\(namespace.machine.name):\(ns)\(name)"
    }
}
