/// Maglev hashing (`net/netfilter/ipvs/ip_vs_mh.c`), with the `mh-fallback` and `mh-port` flags.
///
/// A lookup table of M = 4093 slots (`CONFIG_IP_VS_MH_TAB_INDEX` = 12 → `primes[4]`). Each
/// destination's permutation is `offset + j * skip (mod M)` with
/// `offset = hsiphash(port + addr, k1) % M` and `skip = hsiphash(port + addr, k2) % (M - 1) + 1`
/// under the fixed keys k1 = {2654435761, 2654435761}, k2 = {2654446892, 2654446892}
/// (`generate_hash_secret`), so every host computes the same table for the same destination
/// list. `ip_vs_mh_populate` walks the destinations in list order; each claims its next free
/// preferred slot `turns` times per round, `turns = ((last_weight / gcd) >> rshift)` (at least 1
/// for a non-zero weight), `rshift = max(0, fls(max_last_weight / gcd) - 6)`, until every slot
/// is taken. Because the table is built from `last_weight`, quiescing a server (weight 0)
/// keeps its slots: lookups that land there find no destination unless `mh-fallback` walks on.
/// Note the table depends on the list order where two servers prefer the same free slot in the
/// same round, so hosts agree only if they added the servers in the same order.
final class IPVSMaglevHashing: IPVSScheduler {
    /// `primes[]` of `ip_vs_mh.c`.
    static let primes = [251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071]
    /// `CONFIG_IP_VS_MH_TAB_INDEX` (default 12).
    static let tableIndexConfig = 12
    /// `IP_VS_MH_TAB_BITS` = `CONFIG_IP_VS_MH_TAB_INDEX / 2`.
    static let tableBits = tableIndexConfig / 2
    /// `IP_VS_MH_TAB_SIZE`: 4093.
    static let tableSize = primes[tableIndexConfig - 8]

    static let key1 = IPVSHash.SipKey(k0: 2_654_435_761, k1: 2_654_435_761)
    static let key2 = IPVSHash.SipKey(k0: 2_654_446_892, k1: 2_654_446_892)

    /// `s->lookup`.
    private(set) var lookup: [IPVSDestination?]
    private(set) var gcd = 0
    private(set) var rshift = 0

    init(service: IPVSService) {
        lookup = Array(repeating: nil, count: Self.tableSize)
        rebuild(service)
    }

    /// `ip_vs_mh_hashkey`: `hsiphash` of the u32 `offset + ntohs(port) + ntohl(addr)`.
    static func hashKey(address: IPv4Address, port: UInt16, key: IPVSHash.SipKey, offset: UInt32) -> UInt32 {
        IPVSHash.hsiphash(uint32: offset &+ UInt32(port) &+ address.value, key: key)
    }

    private static func isUnavailable(_ dest: IPVSDestination) -> Bool { dest.weight <= 0 || dest.isOverloaded }

    /// `ip_vs_mh_dest_changed`: recompute gcd and shift, then `ip_vs_mh_reassign`.
    private func rebuild(_ service: IPVSService) {
        let dests = service.destinations
        // ip_vs_mh_gcd_weight over last_weight > 0.
        var g = 0
        for dest in dests where dest.lastWeight > 0 {
            g = g > 0 ? IPVSHash.gcd(Int(dest.lastWeight), g) : Int(dest.lastWeight)
        }
        gcd = g
        // ip_vs_mh_shift_weight
        if g < 1 {
            rshift = 0
        } else {
            let maxWeight = dests.reduce(0) { max($0, Int($1.lastWeight)) }
            rshift = max(0, IPVSHash.fls(maxWeight / g) - Self.tableBits)
        }
        populate(dests)
    }

    /// `ip_vs_mh_permutate` + `ip_vs_mh_populate`. O(M + destinations).
    private func populate(_ dests: [IPVSDestination]) {
        let size = Self.tableSize
        guard gcd >= 1 else {
            // ip_vs_mh_reset: no weights, no table.
            lookup = Array(repeating: nil, count: size)
            return
        }
        var perm = [Int]()
        var skip = [Int]()
        var turns = [Int]()
        perm.reserveCapacity(dests.count)
        skip.reserveCapacity(dests.count)
        turns.reserveCapacity(dests.count)
        for dest in dests {
            let offset = Int(Self.hashKey(address: dest.address, port: dest.port, key: Self.key1, offset: 0)) % size
            let step = Int(Self.hashKey(address: dest.address, port: dest.port, key: Self.key2, offset: 0)) % (size - 1) + 1
            perm.append(offset)
            skip.append(step)
            let lw = Int(dest.lastWeight)
            let t = (lw / gcd) >> rshift
            turns.append(t != 0 ? t : (lw != 0 ? 1 : 0))
        }
        var taken = [Bool](repeating: false, count: size)
        var filled = 0
        var turnCount = 0
        var index = 0
        while filled < size {
            if index == dests.count { index = 0 }  // `if (p == &svc->destinations) p = p->next`
            while index < dests.count {
                if turns[index] < 1 {  // ignore added server with zero weight
                    index += 1
                    continue
                }
                var c = perm[index]
                while taken[c] {
                    perm[index] += skip[index]
                    if perm[index] >= size { perm[index] -= size }
                    c = perm[index]
                }
                taken[c] = true
                lookup[c] = dests[index]
                filled += 1
                if filled == size { return }
                turnCount += 1
                if turnCount >= turns[index] {
                    turnCount = 0
                    index += 1
                }
            }
        }
    }

    func destinationAdded(_ dest: IPVSDestination, to service: IPVSService) { rebuild(service) }
    func destinationRemoved(_ dest: IPVSDestination, formerIndex: Int, from service: IPVSService) {
        rebuild(service)
    }
    func destinationUpdated(_ dest: IPVSDestination, in service: IPVSService) { rebuild(service) }

    func schedule(_ service: IPVSService, packet: IPVSSchedulingPacket, ipvs: IPVS, now: SimTime) -> IPVSDestination? {
        var port: UInt16 = 0
        if service.flags.contains(.mhPort),
            packet.protocolNumber == .tcp || packet.protocolNumber == .udp || packet.protocolNumber == .sctp
        {
            port = packet.sourcePort
        }
        let address = packet.sourceAddress
        let size = UInt32(Self.tableSize)
        let original = Int(Self.hashKey(address: address, port: port, key: Self.key1, offset: 0) % size)
        if !service.flags.contains(.mhFallback) {
            guard let dest = lookup[original], !Self.isUnavailable(dest) else { return nil }
            return dest
        }
        // ip_vs_mh_get_fallback
        guard let first = lookup[original] else { return nil }
        if !Self.isUnavailable(first) { return first }
        for offset in 0..<size {
            let rotated = (offset + UInt32(original)) % size
            let hash = Int(Self.hashKey(address: address, port: port, key: Self.key1, offset: rotated) % size)
            guard let dest = lookup[hash] else { break }
            if !Self.isUnavailable(dest) { return dest }
        }
        return nil
    }
}
