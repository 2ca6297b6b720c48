import SwarmSimCore

/// The identifiers Docker and swarmkit mint, drawn from one seeded stream so a run is reproducible.
///
/// - Object IDs (nodes, services, tasks, swarm networks): swarmkit `identity.NewID`: 17 random
///   bytes with the top bit set, written in base 36, characters 1...25 (25 lowercase base-36 chars).
/// - Container, endpoint and local network IDs: 32 random bytes in hex (64 chars; the CLI shows 12).
/// - Join tokens: `SWMTKN-1-<CA digest, base 36, zero-padded to 50>-<16-byte secret, base 36, 25>`
///   (swarmkit `ca.GenerateJoinToken`).
struct SwarmIdentifiers {
    private var stream: RandomStream

    init(simulation: Simulation) {
        stream = simulation.randomStream(named: "swarm identifiers")
    }

    private mutating func bytes(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            var word = stream.next()
            for _ in 0..<8 where out.count < count {
                out.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return out
    }

    /// A 25-character swarmkit object ID.
    mutating func objectID() -> String {
        var raw = bytes(17)
        raw[0] |= 0x80
        let text = Self.base36(raw)
        return String(text.dropFirst().prefix(25))
    }

    /// A 64-hex-digit container or endpoint ID.
    mutating func hexID() -> String {
        bytes(32).map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
        }.joined()
    }

    /// The swarm's CA digest in base 36, zero-padded to 50 characters.
    mutating func caDigest() -> String {
        Self.padded(Self.base36(bytes(32)), to: 50)
    }

    /// A join token for a role, sharing the swarm's CA digest.
    mutating func joinToken(digest: String) -> String {
        "SWMTKN-1-\(digest)-\(Self.padded(Self.base36(bytes(16)), to: 25))"
    }

    private static func padded(_ text: String, to width: Int) -> String {
        String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// Big-endian bytes as a base-36 number (Go's `big.Int.Text(36)`: lowercase, no leading zeros).
    static func base36(_ bigEndian: [UInt8]) -> String {
        var number = bigEndian
        var digits: [UInt8] = []
        let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz".utf8)
        while number.contains(where: { $0 != 0 }) {
            var remainder = 0
            for index in number.indices {
                let value = remainder * 256 + Int(number[index])
                number[index] = UInt8(value / 36)
                remainder = value % 36
            }
            digits.append(alphabet[remainder])
        }
        if digits.isEmpty { return "0" }
        return String(decoding: digits.reversed(), as: UTF8.self)
    }
}
