/// The ARP table of a namespace (`ip neigh`), with the states of `include/net/neighbour.h`.
///
/// Resolution follows `net/core/neighbour.c` with the default `neigh` sysctls: a miss sends a
/// broadcast ARP request and queues the packet (INCOMPLETE); requests are retried every
/// `retransTime` (1 s) up to `multicastProbes` (3) times, then the entry FAILS and its queue is
/// dropped with ICMP host unreachable for forwarded packets. A reply makes the entry REACHABLE
/// for a random time in [base/2, 3·base/2) with base 30 s; after that it is STALE, still used,
/// and the first use of a STALE entry starts DELAY (5 s) and then unicast PROBEs (3 at 1 s).
/// Upper-layer confirmation (TCP ACKs keeping an entry REACHABLE) is not modelled.
public struct NeighbourTable {
    public enum State: String, Sendable {
        case incomplete = "INCOMPLETE"
        case reachable = "REACHABLE"
        case stale = "STALE"
        case delay = "DELAY"
        case probe = "PROBE"
        case failed = "FAILED"
        case permanent = "PERMANENT"
    }

    public struct Entry {
        public var address: IPv4Address
        public var device: Int32
        public var mac: MACAddress?
        public var state: State
        /// When REACHABLE ends, or when the next probe or timeout is due.
        var deadline: SimTime = .zero
        var probesSent = 0

        /// NUD_CONNECTED: usable without confirmation (PERMANENT, NOARP, REACHABLE).
        public var isConnected: Bool { state == .permanent || state == .reachable }
    }

    struct Key: PackedHashKey {
        let device: Int32
        let address: UInt32

        var packedWords: (UInt64, UInt64) { (UInt64(UInt32(bitPattern: device)) << 32 | UInt64(address), 0) }
    }

    var entries: [Key: Entry] = [:]
    /// Packets waiting for resolution (`unres_qlen`), per entry; kept apart so that entries are
    /// plain values and the per-packet lookup copies no references.
    var queues: [Key: [PacketBuffer]] = [:]
    /// Insertion order, so listings and timers never depend on dictionary order.
    var order: [Key] = []

    public static let retransTime = SimDuration.seconds(1)
    public static let baseReachableTime = SimDuration.seconds(30)
    public static let delayFirstProbeTime = SimDuration.seconds(5)
    public static let multicastProbes = 3
    public static let unicastProbes = 3
    /// `unres_qlen_bytes` (`SK_WMEM_MAX`): the bytes of packets queued per unresolved entry,
    /// counted by truesize; older packets are dropped first.
    public static let unresolvedQueueBytes = 212_992
    /// The model's `skb->truesize`: the data plus the kernel's per-skb overhead (`struct
    /// sk_buff` and `skb_shared_info`, about 704 bytes on x86-64). An approximation.
    static func truesize(_ packet: PacketBuffer) -> Int { packet.length + 704 }

    public func entry(for address: IPv4Address, on device: Int32) -> Entry? {
        entries[Key(device: device, address: address.value)]
    }

    mutating func set(_ entry: Entry) {
        let key = Key(device: entry.device, address: entry.address.value)
        if entries.updateValue(entry, forKey: key) == nil { order.append(key) }
    }

    /// Adds a permanent entry (`ip neigh add IP lladdr MAC dev DEV nud permanent`), as Docker does for remote peers.
    public mutating func addPermanent(_ address: IPv4Address, mac: MACAddress, device: Int32) {
        set(Entry(address: address, device: device, mac: mac, state: .permanent))
    }

    public mutating func remove(_ address: IPv4Address, device: Int32) {
        let key = Key(device: device, address: address.value)
        queues[key] = nil
        if entries.removeValue(forKey: key) != nil { order.removeAll { $0 == key } }
    }

    /// Appends a packet to the queue of an unresolved entry, dropping the oldest when full.
    mutating func enqueue(_ packet: PacketBuffer, for address: IPv4Address, on device: Int32) {
        let key = Key(device: device, address: address.value)
        var queue = queues.removeValue(forKey: key) ?? []
        queue.append(packet)
        var bytes = queue.reduce(0) { $0 + NeighbourTable.truesize($1) }
        while bytes > NeighbourTable.unresolvedQueueBytes, let oldest = queue.first {
            bytes -= NeighbourTable.truesize(oldest)
            queue.removeFirst()
        }
        queues[key] = queue
    }

    /// Takes every packet waiting for an entry.
    mutating func takeQueue(for address: IPv4Address, on device: Int32) -> [PacketBuffer] {
        queues.removeValue(forKey: Key(device: device, address: address.value)) ?? []
    }

    /// The first packet waiting for an entry, if any.
    func firstQueued(for address: IPv4Address, on device: Int32) -> PacketBuffer? {
        queues[Key(device: device, address: address.value)]?.first
    }

    /// Entries in the order they were created, as `ip neigh` lists them.
    public var all: [Entry] { order.compactMap { entries[$0] } }
}
