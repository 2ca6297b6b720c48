/// `[packets:bytes]`: what `iptables-save -c` prints before a rule and after a policy
/// (`struct xt_counters`).
public struct IPTablesCounters: Hashable, Sendable {
    public var packets: UInt64
    public var bytes: UInt64

    public init(packets: UInt64 = 0, bytes: UInt64 = 0) {
        self.packets = packets
        self.bytes = bytes
    }

    public static let zero = IPTablesCounters()

    /// `[packets:bytes]`.
    var bracketed: String { "[\(packets):\(bytes)]" }

    /// Parses `[packets:bytes]` (`parse_counters`: two decimal numbers); nil otherwise.
    init?(bracketed text: Substring) {
        guard text.hasPrefix("["), text.hasSuffix("]"), text.count >= 5 else { return nil }
        let inner = text.dropFirst().dropLast()
        let parts = inner.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let packets = IPTablesCounters.decimal(parts[0]),
            let bytes = IPTablesCounters.decimal(parts[1])
        else { return nil }
        self.init(packets: packets, bytes: bytes)
    }

    static func decimal(_ text: Substring) -> UInt64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        return UInt64(text)
    }
}

/// The counters of one chain, kept beside the rules rather than in them, so that two rules
/// compare equal whatever they have counted (as `iptables -D` finds a rule by its spec alone).
public struct IPTablesChainCounters: Hashable, Sendable {
    /// The policy's counters (built-in chains only).
    public var policy: IPTablesCounters
    /// One entry per rule of the chain, in order.
    public var rules: [IPTablesCounters]

    public init(policy: IPTablesCounters = .zero, rules: [IPTablesCounters] = []) {
        self.policy = policy
        self.rules = rules
    }
}
