/// The simulated world below Docker: machines (swarm nodes and outside hosts), their network
/// namespaces and devices, and the underlay segment that joins their NICs.
///
/// The world owns the frames in flight between devices: a frame crossing a veth, a link or a
/// VXLAN tunnel is parked in a slot table, and the event that delivers it carries only the slot
/// index, so events stay plain data.
public final class World {
    public let simulation: Simulation
    public private(set) var machines: [Machine] = []
    /// The underlay segments, owned here like the machines (their NICs point back unowned).
    public private(set) var segments: [UnderlaySegment] = []
    /// Frames between devices, parked until their arrival event (slot index = event argument).
    var inFlight = InFlightTable()
    /// Packets that reached the end of their journey, for sockets to reuse.
    var packetPool = PacketPool()
    /// Frames handed from one device to the next (veth, link, tunnel, loopback): the packet-hops
    /// the benchmarks count.
    public private(set) var deliveredFrames = 0
    /// Packets dropped anywhere, by reason, for reports and tests (`ip -s` style counters live on devices).
    public private(set) var drops: [String: Int] = [:]

    /// Called for every device created anywhere in the world, right after it joins its namespace
    /// (before it can send or receive), so an observer such as a capture plan can tap devices the
    /// control plane creates while the simulation runs.
    public var onDeviceAdded: ((NetDevice) -> Void)?

    public init(simulation: Simulation) {
        self.simulation = simulation
    }

    /// The current simulated time.
    @inlinable public var now: SimTime { simulation.now }

    /// Adds a machine with its root namespace and loopback device.
    @discardableResult
    public func addMachine(_ name: String) -> Machine {
        precondition(machine(named: name) == nil, "duplicate machine name \(name)")
        let machine = Machine(name: name, world: self)
        machines.append(machine)
        return machine
    }

    func adopt(_ segment: UnderlaySegment) {
        segments.append(segment)
    }

    public func machine(named name: String) -> Machine? {
        machines.first { $0.name == name }
    }

    /// Schedules the arrival of `packet` at `device` after `delay` (zero for a veth or a local
    /// re-injection, the link's delay on the underlay).
    func deliver(_ packet: PacketBuffer, to device: NetDevice, after delay: SimDuration) {
        let slot = inFlight.park(packet)
        // Frames in flight are never cancelled (a device that goes away drops them on arrival).
        simulation.post(Event(target: device.targetID, kind: NetDevice.EventKind.frameArrival, argument: UInt64(slot)), after: delay)
    }

    /// The arrival of the frame parked in `slot` at `device`: out of the table, received, and
    /// into the packet pool unless something kept it (a queue, the next hop). Here rather than in
    /// the device, so the packet moves into the pool without a retain.
    func arrive(_ slot: Int, at device: NetDevice) {
        deliveredFrames += 1
        let packet = inFlight.take(slot)
        device.receive(packet)
        packetPool.recycle(consume packet)
    }

    /// Counts a dropped packet under `reason` (e.g. `"ttl exceeded"`, `"no route"`).
    func countDrop(_ reason: String) {
        drops[reason, default: 0] += 1
    }
}
