/// A Linux bridge (`ip link add br0 type bridge`): a learning switch whose ports are devices
/// enslaved to it, and at the same time an L3 interface of its namespace (it may carry the
/// gateway address, as `br0` does in an overlay namespace and `docker_gwbridge` on a host).
///
/// Learning and forwarding follow `net/bridge/br_input.c`: learn the source MAC on the
/// ingress port; frames for the bridge's own MAC or a port's MAC (local FDB entries) go up to
/// the bridge device; broadcast and multicast are flooded to every other port and also passed
/// up; known unicast goes to its port (never back out of the ingress port); unknown unicast is
/// flooded. Learned entries age out after `ageingTime` (300 s, `ageing_time` default).
public final class BridgeDevice: NetDevice {
    public struct FDBEntry: Hashable, Sendable {
        /// The port the MAC was learned on (ifindex), or the bridge itself for local entries.
        public var port: Int32
        public var isLocal: Bool
        public var updated: SimTime
    }

    public private(set) var ports: [NetDevice] = [] {
        didSet { portRefs = ports.map { (ifindex: $0.ifindex, device: Unretained($0)) } }
    }
    /// `ports` as forwarding reads them: a unicast frame's egress port is borrowed from here,
    /// where taking it from `ports` cost a retain and a release per frame. `ports` keeps them.
    private var portRefs: [(ifindex: Int32, device: Unretained<NetDevice>)] = []
    public private(set) var fdb: [MACAddress: FDBEntry] = [:]
    public var ageingTime: SimDuration = .seconds(300)

    override init(name: String, namespace: NetworkNamespace, mac: MACAddress, mtu: Int) {
        super.init(name: name, namespace: namespace, mac: mac, mtu: mtu)
        fdb[mac] = FDBEntry(port: ifindex, isLocal: true, updated: .zero)
    }

    /// Enslaves `device` (`ip link set DEV master BR`). Its own MAC becomes a local entry.
    public func addPort(_ device: NetDevice) {
        precondition(device.namespace === namespace, "a bridge port must be in the bridge's namespace")
        precondition(device.master == nil && !(device is BridgeDevice), "\(device.name) cannot join \(name)")
        ports.append(device)
        device.master = self
        fdb[device.mac] = FDBEntry(port: device.ifindex, isLocal: true, updated: .zero)
    }

    /// Releases `device` from the bridge (`ip link set DEV nomaster`, `br_del_if`): the FDB
    /// entries on that port, learned and local, are flushed (`br_fdb_delete_by_port`).
    public func removePort(_ device: NetDevice) {
        guard device.master === self else { return }
        ports.removeAll { $0 === device }
        device.master = nil
        let port = device.ifindex
        fdb = fdb.filter { $0.value.port != port }
    }

    /// The live FDB entry for `mac`, ignoring aged-out learned entries (aged lazily on lookup).
    public func lookup(_ mac: MACAddress) -> FDBEntry? {
        lookup(mac, now: worldRef.borrow { $0.now })
    }

    private func lookup(_ mac: MACAddress, now: SimTime) -> FDBEntry? {
        guard let entry = fdb[mac] else { return nil }
        if !entry.isLocal && now - entry.updated > ageingTime { return nil }
        return entry
    }

    /// A frame received on port `ingress` (`br_handle_frame_finish`).
    func handleFrame(_ packet: PacketBuffer, from ingress: NetDevice) {
        guard let frame = try? EthernetFrame(packet.bytes) else {
            world.countDrop("bridge \(name): runt frame")
            return
        }
        let source = frame.source
        let destination = frame.destination
        let now = worldRef.borrow { $0.now }
        if source.isUnicast { learn(source, on: ingress.ifindex, now: now) }
        if destination.isMulticast {
            let local = packet.copy()
            flood(packet, except: ingress)
            passUp(local)
            return
        }
        guard let entry = lookup(destination, now: now) else {
            flood(packet, except: ingress)
            return
        }
        if entry.isLocal {
            passUp(packet)
        } else if entry.port == ingress.ifindex || !transmit(packet, toPort: entry.port) {
            world.countDrop("bridge \(name): destination behind ingress port")
        }
    }

    /// `br_fdb_update`: the source MAC is behind the ingress port as of now; local entries stay.
    /// An entry already there is updated in place (one hash lookup per frame, not two), and
    /// only where it changes, as the kernel writes `dst` and `updated` only when they differ.
    private func learn(_ mac: MACAddress, on port: Int32, now: SimTime) {
        if let index = fdb.index(forKey: mac) {
            let entry = fdb.values[index]
            if !entry.isLocal && (entry.port != port || entry.updated != now) {
                fdb.values[index].port = port
                fdb.values[index].updated = now
            }
        } else {
            fdb[mac] = FDBEntry(port: port, isLocal: false, updated: now)
        }
    }

    /// Sending from the bridge device itself (`br_dev_xmit`): to the learned port, else flooded.
    override func deviceTransmit(_ packet: PacketBuffer) {
        guard let frame = try? EthernetFrame(packet.bytes) else { return }
        let destination = frame.destination
        if !destination.isMulticast, let entry = lookup(destination), !entry.isLocal, transmit(packet, toPort: entry.port) {
            return
        }
        flood(packet, except: nil)
    }

    private func passUp(_ packet: PacketBuffer) {
        rxPackets += 1
        rxBytes += packet.length
        record(packet)
        packet.clearComment()
        packet.inputInterface = ifindex
        namespaceRef.borrow { $0.receiveFrame(packet, on: self) }
    }

    private func flood(_ packet: PacketBuffer, except ingress: NetDevice?) {
        let targets = ports.filter { $0 !== ingress && $0.isUp }
        for (i, port) in targets.enumerated() {
            // The last port may take the original; every other port gets its own copy.
            port.transmit(i == targets.count - 1 ? packet : packet.copy())
        }
    }

    /// Transmits on the port with `ifindex`; false if there is no such port.
    private func transmit(_ packet: PacketBuffer, toPort ifindex: Int32) -> Bool {
        for index in portRefs.indices where portRefs[index].ifindex == ifindex {
            portRefs[index].device.borrow { $0.transmit(packet) }
            return true
        }
        return false
    }
}
