/// TCP in one network namespace (`net/ipv4/tcp_ipv4.c`): the table of connections and
/// listeners, demultiplexing of arriving segments, RSTs for segments no socket wants, ICMP
/// errors, the connections' timers, and the per-namespace secrets and sysctls.
///
/// Created and registered for protocol 6 the first time a TCP socket is made in the namespace
/// (`namespace.tcp`). Demultiplexing follows `__inet_lookup`: an exact 4-tuple match first
/// (connections in every state from SYN-SENT to TIME-WAIT, and half-open requests), then a
/// listener on the destination address, then one on the wildcard address.
///
/// Randomness is drawn from seeded streams named after the namespace: the secrets of the ISN,
/// timestamp-offset and ephemeral-port hashes, and the per-connection transmit hashes and IP IDs.
public final class TCPProtocol: EventTarget, IPErrorHandler {
    /// Owns this protocol; `Unretained` as `TCPConnection.namespace` (used on every segment).
    public var namespace: NetworkNamespace { namespaceRef.object }
    let namespaceRef: Unretained<NetworkNamespace>
    /// The simulation keeps every event target, this protocol and its namespace included.
    var simulation: Simulation { simulationRef.object }
    let simulationRef: Unretained<Simulation>
    /// The world, for its packet pool.
    let worldRef: Unretained<World>
    /// The namespace's TCP sysctls; changes apply to connections made afterwards (and the
    /// timers of existing ones where Linux reads them at expiry).
    public var settings = TCPSettings()
    public internal(set) var counters = TCPCounters()

    var connections: [TCPFourTuple: TCPConnection] = [:]
    var listeners: [UInt16: [TCPListener]] = [:]
    /// Connections by timer slot: an event's argument names a slot and its generation, so a
    /// timer event for a connection that has since been freed is recognised and ignored.
    var slots: [TCPConnection?] = []
    var slotGenerations: [UInt32] = []
    var freeSlots: [Int] = []
    private(set) var targetID = TargetID(rawValue: 0)

    /// Notifications waiting for delivery to applications, in order.
    var pending = TCPNotificationQueue()
    private var flushing = false
    /// Connections in TIME-WAIT now (`tw_count`).
    public internal(set) var timeWaitCount = 0

    /// Emptied retransmit-queue blocks of connections that ended, for new connections' SYNs
    /// (as the kernel's slab caches keep freed objects for the next allocation): a connection
    /// per request otherwise allocates and frees one block on each side.
    var spareSegmentBlocks: [[TCPSentSegment]] = []

    /// Keeps an emptied retransmit-queue block for reuse, unless enough are kept or it is large
    /// (a bulk transfer's block is not held for the short connections after it).
    func recycle(_ block: [TCPSentSegment]) {
        guard block.capacity > 0, block.capacity <= 64, spareSegmentBlocks.count < 64 else { return }
        spareSegmentBlocks.append(block)
    }

    /// Path MTUs learned from ICMP fragmentation-needed, by destination (route exceptions).
    var pathMTU: [IPv4Address: Int] = [:]

    let isnSecret: UInt64
    /// ISNs drawn so far (see `initialSequenceNumber`).
    var isnDraws: UInt32 = 0
    let timestampSecret: UInt64
    let portSecret: UInt64
    let perturbSecret: UInt64
    /// `table_perturb` of `__inet_hash_connect`, filled lazily from `perturbSecret`.
    var portPerturbation: [PerturbationIndex: UInt32] = [:]

    /// An index of `table_perturb`, hashed as the packet path's keys are (one connect looks it
    /// up and stores it again; SipHash on a plain integer cost more than the rest of both).
    struct PerturbationIndex: PackedHashKey {
        var value: UInt32
        var packedWords: (UInt64, UInt64) { (UInt64(value), 0) }
    }
    var portRandom: RandomStream
    var hashes: RandomStream

    enum TimerKind {
        static let retransmit: UInt32 = 1
        static let delayedAck: UInt32 = 2
        static let lifetime: UInt32 = 3
    }

    init(namespace: NetworkNamespace) {
        namespaceRef = Unretained(namespace)
        worldRef = Unretained(namespace.world)
        let simulation = namespace.world.simulation
        simulationRef = Unretained(simulation)
        let label = "netns \(namespace.machine.name)/\(namespace.name.isEmpty ? "root" : namespace.name) tcp"
        var secrets = simulation.randomStream(named: "\(label) secrets")
        isnSecret = secrets.next()
        timestampSecret = secrets.next()
        portSecret = secrets.next()
        perturbSecret = secrets.next()
        portRandom = simulation.randomStream(named: "\(label) port perturbation")
        hashes = simulation.randomStream(named: "\(label) transmit hashes")
        super.init()
        targetID = simulation.register(self)
    }

    var now: SimTime { simulationRef.borrow { $0.now } }

    // MARK: input

    /// `tcp_v4_rcv`: checksum, lookup, then the connection's or listener's state machine, or a RST.
    public func receive(_ packet: PacketBuffer, in namespace: NetworkNamespace) {
        counters.inSegments += 1
        let ip = IPv4Packet(unchecked: packet.bytes)
        let source = ip.source
        let destination = ip.destination
        guard let segment = try? TCPSegment(ip.payload) else {
            counters.inErrors += 1
            namespace.world.countDrop("tcp: truncated segment")
            return
        }
        guard segment.verifyChecksum(source: source, destination: destination) else {
            counters.inErrors += 1
            namespace.world.countDrop("tcp: bad checksum")
            return
        }
        // PACKET_HOST only: TCP to a broadcast or multicast address is discarded.
        guard !destination.isBroadcast, !destination.isMulticast, !source.isBroadcast, !source.isMulticast else {
            namespace.world.countDrop("tcp: broadcast or multicast")
            return
        }
        // A malformed option list is ignored as Linux's tcp_parse_options stops at it.
        let options = (try? TCPOptions.parse(UnsafeRawBufferPointer(segment.options))) ?? TCPOptions()
        let incoming = TCPIncoming(
            source: source, destination: destination, sourcePort: segment.sourcePort,
            destinationPort: segment.destinationPort, seq: segment.sequenceNumber,
            ack: segment.acknowledgmentNumber, flags: segment.flags, window: segment.window, options: options,
            payload: UnsafeRawBufferPointer(segment.payload), headerLength: segment.headerLength)
        let key = TCPFourTuple(
            local: destination, localPort: incoming.destinationPort, remote: source, remotePort: incoming.sourcePort)
        if let connection = connections[key] {
            if connection.state == .timeWait {
                if let isn = connection.timeWaitArrives(incoming) {
                    // A new SYN for a 4-tuple in TIME-WAIT: the old incarnation goes, the listener
                    // answers with an ISN above its last sequence number (TCP_TW_SYN).
                    connection.finish(notify: nil)
                    if let listener = listener(for: destination, port: incoming.destinationPort) {
                        listener.synArrives(incoming, packet: packet, isn: isn)
                    } else {
                        sendResetForNoSocket(packet, incoming)
                    }
                }
            } else {
                connection.segmentArrives(incoming, packet: packet)
            }
        } else if let listener = listener(for: destination, port: incoming.destinationPort) {
            listener.segmentArrives(incoming, packet: packet)
        } else {
            sendResetForNoSocket(packet, incoming)
        }
        flush()
    }

    /// `tcp_v4_send_reset` without a socket: answers anything but a RST.
    func sendResetForNoSocket(_ packet: PacketBuffer, _ incoming: TCPIncoming) {
        guard !incoming.flags.contains(.rst) else { return }
        counters.outResets += 1
        counters.resetsForNoSocket += 1
        namespace.world.countDrop("tcp port \(incoming.destinationPort) closed in \(namespace.qualifiedName)")
        namespace.sendTCPReset(answering: packet)
    }

    /// The listener for a segment to `address:port`: one bound to that address first, then a wildcard one.
    func listener(for address: IPv4Address, port: UInt16) -> TCPListener? {
        guard let bound = listeners[port] else { return nil }
        return bound.first { $0.address == address } ?? bound.first { $0.address.isUnspecified }
    }

    /// `tcp_v4_err`: an ICMP error quoting one of our segments.
    public func receiveError(_ report: ICMPErrorReport, quoted: UnsafeRawBufferPointer, in namespace: NetworkNamespace) {
        let inner = IPv4Packet(unchecked: UnsafeMutableRawBufferPointer(mutating: quoted))
        let headerLength = inner.headerLength
        guard quoted.count >= headerLength + 8 else { return }
        let sourcePort = quoted.wireUInt16(at: headerLength)
        let destinationPort = quoted.wireUInt16(at: headerLength + 2)
        let seq = quoted.wireUInt32(at: headerLength + 4)
        if case .destinationUnreachable(.fragmentationNeeded, let mtu) = report.message {
            learnPathMTU(Int(mtu), for: inner.destination)
        }
        let key = TCPFourTuple(
            local: inner.source, localPort: sourcePort, remote: inner.destination, remotePort: destinationPort)
        guard let connection = connections[key] else { return }
        connection.icmpErrorArrives(report, seq: seq)
        flush()
    }

    /// Records a path MTU from frag-needed (`ip_rt_update_pmtu`, at least `ip_rt_min_pmtu` 552).
    func learnPathMTU(_ mtu: Int, for destination: IPv4Address) {
        guard mtu > 0 else { return }
        let clamped = max(mtu, 552)
        if let known = pathMTU[destination], known <= clamped { return }
        pathMTU[destination] = clamped
    }

    /// The MTU toward `destination`: the output device's, lowered by a learned path MTU.
    func routeMTU(device: NetDevice, destination: IPv4Address) -> Int {
        if let learned = pathMTU[destination] { return min(device.mtu, learned) }
        return device.mtu
    }

    // MARK: tables

    func insert(_ connection: TCPConnection) {
        let key = connection.fourTuple
        // One hash lookup: the insertion reports what it replaced.
        let replaced = connections.updateValue(connection, forKey: key)
        precondition(replaced == nil, "4-tuple \(key) already in use")
        if let slot = freeSlots.popLast() {
            slots[slot] = connection
            connection.slot = slot
            connection.generation = slotGenerations[slot]
        } else {
            slots.append(connection)
            slotGenerations.append(0)
            connection.slot = slots.count - 1
            connection.generation = 0
        }
    }

    func remove(_ connection: TCPConnection) {
        if let index = connections.index(forKey: connection.fourTuple), connections.values[index] === connection {
            connections.remove(at: index)
        }
        let slot = connection.slot
        if slot >= 0 && slot < slots.count && slots[slot] === connection {
            slots[slot] = nil
            slotGenerations[slot] &+= 1
            freeSlots.append(slot)
        }
        connection.slot = -1
    }

    /// Every connection of the namespace (TIME-WAIT and half-open ones included), ordered by
    /// local then remote address and port, as `ss -tan` would list them.
    public var allConnections: [TCPConnection] {
        slots.compactMap { $0 }.sorted { a, b in
            (a.localAddress.value, a.localPort, a.remoteAddress.value, a.remotePort)
                < (b.localAddress.value, b.localPort, b.remoteAddress.value, b.remotePort)
        }
    }

    /// The listeners of the namespace, by port then address.
    public var allListeners: [TCPListener] {
        listeners.values.flatMap { $0 }.sorted { ($0.port, $0.address.value) < ($1.port, $1.address.value) }
    }

    // MARK: timers

    func event(for connection: TCPConnection, kind: UInt32) -> Event {
        Event(target: targetID, kind: kind, argument: UInt64(connection.generation) << 32 | UInt64(connection.slot))
    }

    public override func handle(_ event: Event, in simulation: Simulation) {
        let slot = Int(event.argument & 0xFFFF_FFFF)
        let generation = UInt32(truncatingIfNeeded: event.argument >> 32)
        guard slot < slots.count, slotGenerations[slot] == generation, let connection = slots[slot] else { return }
        connection.timerEventFired(kind: event.kind)
        flush()
    }

    // MARK: notifications

    func notify(_ connection: TCPConnection, _ notification: TCPNotification) {
        pending.append(connection, notification)
    }

    /// Delivers queued notifications to the applications, in order; what the callbacks cause
    /// (more notifications) is delivered in the same pass.
    func flush() {
        guard !flushing else { return }
        flushing = true
        while let (connection, notification) = pending.next() {
            connection.deliver(notification)
        }
        flushing = false
    }

    // MARK: hashes

    /// A keyed 64-bit hash of up to four 32-bit words: our own mixer (splitmix64's finaliser over
    /// a multiply-xor chain), standing in for the kernel's siphash with a boot-time secret.
    static func keyedHash(_ secret: UInt64, _ a: UInt32, _ b: UInt32, _ c: UInt32 = 0, _ d: UInt32 = 0) -> UInt64 {
        @inline(__always) func mix(_ h: UInt64, _ word: UInt32) -> UInt64 {
            var h = h ^ UInt64(word)
            h = (h ^ (h >> 30)) &* 0xBF58_476D_1CE4_E5B9
            h = (h ^ (h >> 27)) &* 0x94D0_49BB_1331_11EB
            return h ^ (h >> 31)
        }
        return mix(mix(mix(mix(secret ^ 0x9E37_79B9_7F4A_7C15, a), b), c), d)
    }

    /// `secure_tcp_seq`: a keyed hash of the 4-tuple plus a 64 ns clock, so a new incarnation of a
    /// 4-tuple starts above the old one (which TIME-WAIT relies on to accept its SYN).
    ///
    /// Simulated time need not advance at all between two connections (veths have no delay),
    /// while a kernel's clock always does; so each ISN drawn also advances the clock term by
    /// 4096 ticks (262 µs), standing in for the time that passes between connects.
    func initialSequenceNumber(local: IPv4Address, localPort: UInt16, remote: IPv4Address, remotePort: UInt16) -> UInt32 {
        let hash = TCPProtocol.keyedHash(
            isnSecret, local.value, remote.value, UInt32(localPort) << 16 | UInt32(remotePort))
        isnDraws &+= 1
        let clock = UInt32(truncatingIfNeeded: UInt64(max(0, now.nanoseconds)) >> 6) &+ isnDraws &* 4096
        return UInt32(truncatingIfNeeded: hash) &+ clock
    }

    /// `secure_tcp_ts_off`: the timestamp offset of an address pair.
    func timestampOffset(local: IPv4Address, remote: IPv4Address) -> UInt32 {
        UInt32(truncatingIfNeeded: TCPProtocol.keyedHash(timestampSecret, local.value, remote.value))
    }

    /// `net_tx_rndhash`: a random non-zero transmit hash for a socket (`sk_txhash`).
    func randomTransmitHash() -> UInt32 {
        let value = UInt32(truncatingIfNeeded: hashes.next())
        return value == 0 ? 1 : value
    }

    /// A random 16-bit start for a socket's IP ID counter (`inet_id = get_random_u16()`).
    func randomIPID() -> UInt16 {
        UInt16(truncatingIfNeeded: hashes.next())
    }
}

/// A segment as the state machine reads it: header fields, parsed options and the data, which
/// points into the packet and is valid only while the segment is processed.
struct TCPIncoming {
    var source: IPv4Address
    var destination: IPv4Address
    var sourcePort: UInt16
    var destinationPort: UInt16
    var seq: UInt32
    var ack: UInt32
    var flags: TCPFlags
    var window: UInt16
    var options: TCPOptions
    var payload: UnsafeRawBufferPointer
    var headerLength: Int

    var length: Int { payload.count }
    var syn: Bool { flags.contains(.syn) }
    var fin: Bool { flags.contains(.fin) }
    var rst: Bool { flags.contains(.rst) }
    var hasAck: Bool { flags.contains(.ack) }
    /// `end_seq`: data plus one for SYN and one for FIN.
    var endSeq: UInt32 { seq &+ UInt32(payload.count) &+ (syn ? 1 : 0) &+ (fin ? 1 : 0) }
}
