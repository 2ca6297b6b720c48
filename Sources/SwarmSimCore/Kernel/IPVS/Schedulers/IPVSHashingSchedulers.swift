/// Destination hashing (`net/netfilter/ipvs/ip_vs_dh.c`).
///
/// A 256-bucket table (`IP_VS_DH_TAB_BITS` = 8) filled by walking the destinations in list
/// order, one bucket each, round and round (`ip_vs_dh_reassign`; weights play no part). The
/// packet's destination address picks the bucket with `hash_32(ntohl(daddr), 8)`; the bucket's
/// destination is used unless it is unavailable, weight <= 0 or overloaded (then no
/// destination). The table is rebuilt when a destination is added or deleted (dh has no
/// `upd_dest`).
final class IPVSDestinationHashing: IPVSScheduler {
    static let tableBits = 8
    static let tableSize = 1 << tableBits

    /// The bucket table (`s->buckets`), nil entries only when the service has no destinations.
    private(set) var buckets: [IPVSDestination?]

    init(service: IPVSService) {
        buckets = Self.reassign(service.destinations)
    }

    /// `ip_vs_dh_reassign`.
    static func reassign(_ dests: [IPVSDestination]) -> [IPVSDestination?] {
        guard !dests.isEmpty else { return Array(repeating: nil, count: tableSize) }
        return (0..<tableSize).map { dests[$0 % dests.count] }
    }

    /// `ip_vs_dh_hashkey`.
    static func bucket(for address: IPv4Address) -> Int {
        Int(IPVSHash.hash32(address.value, bits: tableBits))
    }

    func destinationAdded(_ dest: IPVSDestination, to service: IPVSService) {
        buckets = Self.reassign(service.destinations)
    }

    func destinationRemoved(_ dest: IPVSDestination, formerIndex: Int, from service: IPVSService) {
        buckets = Self.reassign(service.destinations)
    }

    func schedule(_ service: IPVSService, packet: IPVSSchedulingPacket, ipvs: IPVS, now: SimTime) -> IPVSDestination? {
        guard let dest = buckets[Self.bucket(for: packet.destinationAddress)],
            dest.isAvailable, dest.weight > 0, !dest.isOverloaded
        else { return nil }
        return dest
    }
}

/// Source hashing (`net/netfilter/ipvs/ip_vs_sh.c`), with the `sh-fallback` and `sh-port` flags.
///
/// A 256-bucket table (`IP_VS_SH_TAB_BITS` = 8) filled by walking the destinations in list
/// order, each taking `weight` consecutive buckets (at least one: `++d_count >= weight` is true
/// at once for weight 0), round and round (`ip_vs_sh_reassign`). The bucket is
/// `(offset + hash_32(ntohs(port) + ntohl(saddr), 8)) & 255`, the port being the source port
/// with `sh-port` and 0 otherwise. Without `sh-fallback` an unusable bucket (weight <= 0 or
/// overloaded) means no destination; with it, offsets 0...255 from the original bucket are
/// rehashed until a usable destination turns up (`ip_vs_sh_get_fallback`). Rebuilt on every
/// add, delete and edit of a destination.
final class IPVSSourceHashing: IPVSScheduler {
    static let tableBits = 8
    static let tableSize = 1 << tableBits
    static let tableMask = tableSize - 1

    private(set) var buckets: [IPVSDestination?]

    init(service: IPVSService) {
        buckets = Self.reassign(service.destinations)
    }

    /// `ip_vs_sh_reassign`.
    static func reassign(_ dests: [IPVSDestination]) -> [IPVSDestination?] {
        guard !dests.isEmpty else { return Array(repeating: nil, count: tableSize) }
        var table: [IPVSDestination?] = []
        table.reserveCapacity(tableSize)
        var position = 0
        var count = 0
        for _ in 0..<tableSize {
            let dest = dests[position]
            table.append(dest)
            count += 1
            if count >= Int(dest.weight) {  // don't move to the next dest until filling weight
                position = (position + 1) % dests.count
                count = 0
            }
        }
        return table
    }

    /// `ip_vs_sh_hashkey`.
    static func hashKey(address: IPv4Address, port: UInt16, offset: Int) -> Int {
        let hash = IPVSHash.hash32(UInt32(port) &+ address.value, bits: tableBits)
        return (offset + Int(hash)) & tableMask
    }

    private static func isUnavailable(_ dest: IPVSDestination) -> Bool { dest.weight <= 0 || dest.isOverloaded }

    func destinationAdded(_ dest: IPVSDestination, to service: IPVSService) {
        buckets = Self.reassign(service.destinations)
    }

    func destinationRemoved(_ dest: IPVSDestination, formerIndex: Int, from service: IPVSService) {
        buckets = Self.reassign(service.destinations)
    }

    func destinationUpdated(_ dest: IPVSDestination, in service: IPVSService) {
        buckets = Self.reassign(service.destinations)
    }

    func schedule(_ service: IPVSService, packet: IPVSSchedulingPacket, ipvs: IPVS, now: SimTime) -> IPVSDestination? {
        // ip_vs_sh_get_port: the source port for TCP, UDP and SCTP, 0 otherwise.
        var port: UInt16 = 0
        if service.flags.contains(.shPort),
            packet.protocolNumber == .tcp || packet.protocolNumber == .udp || packet.protocolNumber == .sctp
        {
            port = packet.sourcePort
        }
        let address = packet.sourceAddress
        if !service.flags.contains(.shFallback) {
            guard let dest = buckets[Self.hashKey(address: address, port: port, offset: 0)],
                !Self.isUnavailable(dest)
            else { return nil }
            return dest
        }
        // ip_vs_sh_get_fallback
        let original = Self.hashKey(address: address, port: port, offset: 0)
        guard let first = buckets[original] else { return nil }
        if !Self.isUnavailable(first) { return first }
        for offset in 0..<Self.tableSize {
            let rotated = (offset + original) % Self.tableSize
            guard let dest = buckets[Self.hashKey(address: address, port: port, offset: rotated)] else { break }
            if !Self.isUnavailable(dest) { return dest }
        }
        return nil
    }
}
