/// The numbers of the DNS header and resource records (RFC 1035 section 4.1.1 and 3.2; IANA
/// "dns-parameters"). Open sets: an unknown type or class is a value, and its record is
/// carried as opaque bytes (RFC 3597).

/// A resource record TYPE (or QTYPE).
public struct DNSType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let a = DNSType(rawValue: 1)
    public static let ns = DNSType(rawValue: 2)
    public static let cname = DNSType(rawValue: 5)
    public static let soa = DNSType(rawValue: 6)
    public static let ptr = DNSType(rawValue: 12)
    public static let mx = DNSType(rawValue: 15)
    public static let txt = DNSType(rawValue: 16)
    public static let aaaa = DNSType(rawValue: 28)
    /// Service location (RFC 2782); Docker's embedded DNS answers `_port._proto.service` queries.
    public static let srv = DNSType(rawValue: 33)
    /// The EDNS(0) pseudo-record (RFC 6891) that dig adds to every query.
    public static let opt = DNSType(rawValue: 41)
    /// QTYPE "*" (RFC 8482 restricts what it returns).
    public static let any = DNSType(rawValue: 255)

    /// The mnemonic as dig prints it; unknown types as "TYPE123" (RFC 3597 section 5).
    public var description: String {
        switch self {
        case .a: "A"
        case .ns: "NS"
        case .cname: "CNAME"
        case .soa: "SOA"
        case .ptr: "PTR"
        case .mx: "MX"
        case .txt: "TXT"
        case .aaaa: "AAAA"
        case .srv: "SRV"
        case .opt: "OPT"
        case .any: "ANY"
        default: "TYPE\(rawValue)"
        }
    }
}

/// A resource record CLASS (or QCLASS). In an OPT record this field is the UDP payload size.
public struct DNSClass: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// The Internet class, the only one Docker uses.
    public static let `in` = DNSClass(rawValue: 1)
    public static let chaos = DNSClass(rawValue: 3)
    public static let any = DNSClass(rawValue: 255)

    /// "IN", "CH", "ANY"; others as "CLASS5" (RFC 3597 section 5).
    public var description: String {
        switch self {
        case .in: "IN"
        case .chaos: "CH"
        case .any: "ANY"
        default: "CLASS\(rawValue)"
        }
    }
}

/// The 4-bit OPCODE of the header.
public struct DNSOpcode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8

    /// - Precondition: `rawValue < 16`.
    @inlinable public init(rawValue: UInt8) {
        precondition(rawValue < 16, "DNS opcode \(rawValue) does not fit in 4 bits")
        self.rawValue = rawValue
    }

    public static let query = DNSOpcode(rawValue: 0)
    public static let status = DNSOpcode(rawValue: 2)
    public static let notify = DNSOpcode(rawValue: 4)
    public static let update = DNSOpcode(rawValue: 5)

    /// As dig prints it: "QUERY"; others as the number.
    public var description: String {
        switch self {
        case .query: "QUERY"
        case .status: "STATUS"
        case .notify: "NOTIFY"
        case .update: "UPDATE"
        default: String(rawValue)
        }
    }
}

/// The 4-bit RCODE of the header (the EDNS extended bits are not combined in).
public struct DNSRCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8

    /// - Precondition: `rawValue < 16`.
    @inlinable public init(rawValue: UInt8) {
        precondition(rawValue < 16, "DNS rcode \(rawValue) does not fit in 4 bits")
        self.rawValue = rawValue
    }

    public static let noError = DNSRCode(rawValue: 0)
    public static let formErr = DNSRCode(rawValue: 1)
    public static let servFail = DNSRCode(rawValue: 2)
    /// The name does not exist; what Docker's embedded DNS says for an unknown service when it
    /// has no upstream to forward to.
    public static let nxDomain = DNSRCode(rawValue: 3)
    public static let notImp = DNSRCode(rawValue: 4)
    public static let refused = DNSRCode(rawValue: 5)

    /// As dig prints it in "status:": "NOERROR", "NXDOMAIN", ...; others as "RCODE6".
    public var description: String {
        switch self {
        case .noError: "NOERROR"
        case .formErr: "FORMERR"
        case .servFail: "SERVFAIL"
        case .nxDomain: "NXDOMAIN"
        case .notImp: "NOTIMP"
        case .refused: "REFUSED"
        default: "RCODE\(rawValue)"
        }
    }
}

/// The second 16-bit word of the DNS header.
///
/// ```text
///   0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15
/// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// |QR|   Opcode  |AA|TC|RD|RA| Z|AD|CD|   RCODE   |
/// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// ```
/// AD and CD are from RFC 4035 section 3.2; Z must be zero.
public struct DNSFlags: Hashable, Sendable, CustomStringConvertible {
    /// Response (true) or query (false).
    public var qr: Bool
    public var opcode: DNSOpcode
    /// Authoritative answer.
    public var aa: Bool
    /// Truncated: the answer did not fit (512 bytes over UDP without EDNS).
    public var tc: Bool
    /// Recursion desired.
    public var rd: Bool
    /// Recursion available.
    public var ra: Bool
    /// The reserved Z bit.
    public var z: Bool
    /// Authentic data.
    public var ad: Bool
    /// Checking disabled.
    public var cd: Bool
    public var rcode: DNSRCode

    public init(
        qr: Bool = false, opcode: DNSOpcode = .query, aa: Bool = false, tc: Bool = false, rd: Bool = false,
        ra: Bool = false, z: Bool = false, ad: Bool = false, cd: Bool = false, rcode: DNSRCode = .noError
    ) {
        self.qr = qr
        self.opcode = opcode
        self.aa = aa
        self.tc = tc
        self.rd = rd
        self.ra = ra
        self.z = z
        self.ad = ad
        self.cd = cd
        self.rcode = rcode
    }

    /// The flags of the 16-bit word.
    public init(rawValue: UInt16) {
        func bit(_ n: Int) -> Bool { rawValue & (1 << (15 - n)) != 0 }
        self.init(
            qr: bit(0), opcode: DNSOpcode(rawValue: UInt8((rawValue >> 11) & 0xF)), aa: bit(5), tc: bit(6),
            rd: bit(7), ra: bit(8), z: bit(9), ad: bit(10), cd: bit(11), rcode: DNSRCode(rawValue: UInt8(rawValue & 0xF)))
    }

    /// The 16-bit word.
    public var rawValue: UInt16 {
        func bit(_ on: Bool, _ n: Int) -> UInt16 { on ? 1 << (15 - n) : 0 }
        return bit(qr, 0) | UInt16(opcode.rawValue) << 11 | bit(aa, 5) | bit(tc, 6) | bit(rd, 7) | bit(ra, 8)
            | bit(z, 9) | bit(ad, 10) | bit(cd, 11) | UInt16(rcode.rawValue)
    }

    /// The set flags as dig lists them: "qr aa rd ra".
    public var description: String {
        let flags = [(qr, "qr"), (aa, "aa"), (tc, "tc"), (rd, "rd"), (ra, "ra"), (ad, "ad"), (cd, "cd")]
        return flags.filter(\.0).map(\.1).joined(separator: " ")
    }
}
