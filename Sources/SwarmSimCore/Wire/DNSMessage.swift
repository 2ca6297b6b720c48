/// A DNS message ([RFC 1035](https://www.rfc-editor.org/rfc/rfc1035) section 4), as Docker's
/// embedded DNS server (127.0.0.11 in every container) and `dig` exchange them.
///
/// ```text
///                                 1  1  1  1  1  1
///   0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
/// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// |                      ID                       |
/// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// |QR|   Opcode  |AA|TC|RD|RA| Z|AD|CD|   RCODE   |
/// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// |                    QDCOUNT                    |
/// |                    ANCOUNT                    |
/// |                    NSCOUNT                    |
/// |                    ARCOUNT                    |
/// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// | Question: QNAME, QTYPE, QCLASS                | × QDCOUNT
/// | Answer, Authority, Additional records:        |
/// |   NAME, TYPE, CLASS, TTL (32), RDLENGTH, RDATA| × AN/NS/ARCOUNT
/// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// ```
///
/// Unlike the packet headers, a DNS message is a value of arrays: it is parsed at the edges
/// (the embedded server, dig), not per hop, so allocation is fine here. Parsing follows
/// compression pointers only backwards, so a crafted message cannot loop; `emit` compresses
/// names the way real servers do (see `DNSMessage+Emit.swift`).
public struct DNSMessage: Hashable, Sendable {
    public var id: UInt16
    public var flags: DNSFlags
    public var questions: [DNSQuestion]
    public var answers: [DNSResourceRecord]
    public var authority: [DNSResourceRecord]
    public var additional: [DNSResourceRecord]

    /// The 12-byte header.
    public static let headerLength = 12
    /// The classic limit of a DNS message over UDP without EDNS (RFC 1035 section 4.2.1).
    public static let maximumUDPLength = 512
    /// The UDP (and TCP) port of DNS.
    public static let port: UInt16 = 53

    public init(
        id: UInt16, flags: DNSFlags = DNSFlags(), questions: [DNSQuestion] = [], answers: [DNSResourceRecord] = [],
        authority: [DNSResourceRecord] = [], additional: [DNSResourceRecord] = []
    ) {
        self.id = id
        self.flags = flags
        self.questions = questions
        self.answers = answers
        self.authority = authority
        self.additional = additional
    }
}

/// An entry of the question section.
public struct DNSQuestion: Hashable, Sendable {
    public var name: DNSName
    public var type: DNSType
    public var `class`: DNSClass

    public init(name: DNSName, type: DNSType, class: DNSClass = .in) {
        self.name = name
        self.type = type
        self.class = `class`
    }
}

/// A resource record. Its TYPE is implied by `data`, so the two cannot disagree.
public struct DNSResourceRecord: Hashable, Sendable {
    public var name: DNSName
    public var `class`: DNSClass
    /// Seconds the record may be cached. Docker's embedded DNS answers with 600.
    public var ttl: UInt32
    public var data: DNSRecordData

    public init(name: DNSName, class: DNSClass = .in, ttl: UInt32, data: DNSRecordData) {
        self.name = name
        self.class = `class`
        self.ttl = ttl
        self.data = data
    }

    /// The TYPE, from `data`.
    public var type: DNSType { data.type }
}

/// The RDATA of a record, decoded for the types the simulation answers or follows; any other
/// type is kept as opaque bytes (RFC 3597), which is safe because those types carry no
/// compressed names.
public enum DNSRecordData: Hashable, Sendable {
    /// An IPv4 address (class IN only: in other classes A has other formats).
    case a(IPv4Address)
    case ns(DNSName)
    case cname(DNSName)
    case soa(DNSStartOfAuthority)
    case ptr(DNSName)
    case mx(preference: UInt16, exchange: DNSName)
    /// RFC 2782.
    case srv(priority: UInt16, weight: UInt16, port: UInt16, target: DNSName)
    /// Any other type (AAAA, TXT, OPT, ...), or A outside class IN, as raw RDATA.
    case other(DNSType, [UInt8])

    /// The record TYPE this data is for.
    public var type: DNSType {
        switch self {
        case .a: .a
        case .ns: .ns
        case .cname: .cname
        case .soa: .soa
        case .ptr: .ptr
        case .mx: .mx
        case .srv: .srv
        case .other(let type, _): type
        }
    }
}

/// The RDATA of an SOA record (RFC 1035 section 3.3.13); resolvers put it in the authority
/// section of a negative answer, and its `minimum` is the negative-caching TTL (RFC 2308).
public struct DNSStartOfAuthority: Hashable, Sendable {
    public var primaryServer: DNSName
    public var responsibleMailbox: DNSName
    public var serial: UInt32
    public var refresh: UInt32
    public var retry: UInt32
    public var expire: UInt32
    public var minimum: UInt32

    public init(
        primaryServer: DNSName, responsibleMailbox: DNSName, serial: UInt32, refresh: UInt32, retry: UInt32,
        expire: UInt32, minimum: UInt32
    ) {
        self.primaryServer = primaryServer
        self.responsibleMailbox = responsibleMailbox
        self.serial = serial
        self.refresh = refresh
        self.retry = retry
        self.expire = expire
        self.minimum = minimum
    }
}
