/// One tracked connection (`struct nf_conn`): its two tuples, status bits, protocol state and
/// the time it expires.
public final class ConntrackEntry {
    /// Status bits of `enum ip_conntrack_status` that the model uses.
    public struct Status: OptionSet, Hashable, Sendable {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let seenReply = Status(rawValue: 1 << 1)
        public static let assured = Status(rawValue: 1 << 2)
        public static let confirmed = Status(rawValue: 1 << 3)
        public static let srcNAT = Status(rawValue: 1 << 4)
        public static let dstNAT = Status(rawValue: 1 << 5)
        public static let srcNATDone = Status(rawValue: 1 << 7)
        public static let dstNATDone = Status(rawValue: 1 << 8)
        public static let dying = Status(rawValue: 1 << 9)
    }

    /// The TCP states of `nf_conntrack_proto_tcp.c`, in the kernel's order (the state table's columns).
    public enum TCPState: Int, Sendable, CaseIterable {
        case none, synSent, synRecv, established, finWait, closeWait, lastAck, timeWait, close, synSent2

        public var name: String {
            ["NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE",
             "SYN_SENT2"][rawValue]
        }

        /// `tcp_timeouts`: SYN_SENT 2 min, SYN_RECV 60 s, ESTABLISHED 5 days, FIN_WAIT 2 min,
        /// CLOSE_WAIT 60 s, LAST_ACK 30 s, TIME_WAIT 2 min, CLOSE 10 s, SYN_SENT2 2 min.
        public var timeout: SimDuration {
            switch self {
            case .none, .synSent, .finWait, .timeWait, .synSent2: .seconds(120)
            case .synRecv, .closeWait: .seconds(60)
            case .established: .seconds(432_000)
            case .lastAck: .seconds(30)
            case .close: .seconds(10)
            }
        }
    }

    /// A number that only grows, for stable listings.
    public let id: UInt64
    public internal(set) var original: ConntrackTuple
    public internal(set) var reply: ConntrackTuple
    public internal(set) var status: Status = []
    public internal(set) var tcpState: TCPState = .none
    public internal(set) var deadline: SimTime
    /// When the first packet was seen.
    public let created: SimTime
    /// `ct->mark` (`CONNMARK`); not set by the rules the model supports, kept for listings.
    public var mark: UInt32 = 0

    init(id: UInt64, original: ConntrackTuple, reply: ConntrackTuple, deadline: SimTime) {
        self.id = id
        self.original = original
        self.reply = reply
        self.deadline = deadline
        created = deadline
    }

    /// Whether NAT of `kind` has been decided for this connection (`nf_nat_initialized`).
    func natInitialized(_ kind: NATManipulation) -> Bool {
        status.contains(kind == .source ? .srcNATDone : .dstNATDone)
    }
}

/// Which end of a packet NAT rewrites (`enum nf_nat_manip_type`).
public enum NATManipulation: Sendable {
    case source, destination
}
