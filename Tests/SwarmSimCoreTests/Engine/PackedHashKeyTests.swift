import Testing
@testable import SwarmSimCore

@Suite struct PackedHashKeyTests {
    /// Equal keys hash equally under every seed, and keys that differ in one field do not
    /// collide in practice: 65,536 distinct tuples give 65,536 distinct hashes.
    @Test func equalKeysHashEquallyAndDistinctKeysSpread() {
        let a = TCPFourTuple(local: IPv4Address(10, 0, 0, 1), localPort: 80, remote: IPv4Address(10, 0, 0, 2), remotePort: 40000)
        let b = TCPFourTuple(local: IPv4Address(10, 0, 0, 1), localPort: 80, remote: IPv4Address(10, 0, 0, 2), remotePort: 40000)
        for seed in [0, 1, -7, Int.max] { #expect(a._rawHashValue(seed: seed) == b._rawHashValue(seed: seed)) }
        var hashes = Set<Int>()
        for port in 0...UInt16.max {
            let key = TCPFourTuple(local: IPv4Address(10, 0, 0, 1), localPort: 80, remote: IPv4Address(10, 0, 0, 2), remotePort: port)
            hashes.insert(key._rawHashValue(seed: 42))
        }
        #expect(hashes.count == 65_536)
    }

    /// The mixer's low bits, which a power-of-two table indexes by, spread consecutive addresses
    /// evenly over 256 buckets (a plain identity hash would too, but a shifted one would not).
    @Test func lowBitsSpreadOverBuckets() {
        var buckets = [Int](repeating: 0, count: 256)
        for host in 0..<(1 << 16) {
            buckets[IPv4Address(value: 0x0A00_0000 | UInt32(host) << 8)._rawHashValue(seed: 0) & 0xFF] += 1
        }
        #expect(buckets.min()! > 180 && buckets.max()! < 340)
    }

    /// Dictionaries keyed by these types still find what they hold.
    @Test func dictionariesFindTheirKeys() {
        var table: [ConntrackTuple: Int] = [:]
        for port in 1...2_000 {
            table[ConntrackTuple(source: IPv4Address(10, 0, 0, 3), destination: IPv4Address(10, 0, 0, 4), proto: .tcp,
                sourcePort: UInt16(port), destinationPort: 80)] = port
        }
        let found = table[ConntrackTuple(source: IPv4Address(10, 0, 0, 3), destination: IPv4Address(10, 0, 0, 4), proto: .tcp,
            sourcePort: 1_234, destinationPort: 80)]
        #expect(found == 1_234)
        let missing = table[ConntrackTuple(source: IPv4Address(10, 0, 0, 3), destination: IPv4Address(10, 0, 0, 4), proto: .udp,
            sourcePort: 1_234, destinationPort: 80)]
        #expect(missing == nil)
    }
}
