/// The value syntaxes of iptables' options (numbers, ports, addresses, protocol and ICMP names),
/// read as libxtables reads them, so that what a real `iptables` accepts the model accepts and
/// means the same thing: numbers in C `strtoul` base 0 (`0x100` and `0400` are both 256),
/// addresses with the `10.1` shorthand and dotted or CIDR masks (`xtables_ipparse_any`), names
/// matched as `strncasecmp` prefixes where the extension does so.
///
/// Nothing here consults the host (`/etc/services`, `/etc/protocols`, DNS): where iptables would,
/// a fixed table of the usual names stands in, so a parse is the same on every machine.
enum IPTablesValues {
    /// `strtoumax(text, &end, 0)` on the start of `text`: the value and the number of bytes read,
    /// or nil when no digit is there or the value does not fit 64 bits (`ERANGE`). A leading `+`
    /// is allowed, a leading `-` is not (`xtables_strtoul_base`).
    static func scanUnsigned(_ text: Substring.UTF8View) -> (value: UInt64, length: Int)? {
        var index = text.startIndex
        var length = 0
        if index != text.endIndex, text[index] == UInt8(ascii: "+") {
            index = text.index(after: index)
            length += 1
        }
        guard index != text.endIndex else { return nil }
        var base: UInt64 = 10
        if text[index] == UInt8(ascii: "0") {
            let next = text.index(after: index)
            if next != text.endIndex, text[next] | 0x20 == UInt8(ascii: "x"), text.index(after: next) != text.endIndex,
                digit(text[text.index(after: next)], base: 16) != nil
            {
                base = 16
                index = text.index(after: next)
                length += 2
            } else {
                base = 8
            }
        }
        var value: UInt64 = 0
        var digits = 0
        while index != text.endIndex, let d = digit(text[index], base: base) {
            let (times, overflow1) = value.multipliedReportingOverflow(by: base)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(d))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
            digits += 1
            index = text.index(after: index)
        }
        guard digits > 0 else { return nil }
        return (value, length + digits)
    }

    private static func digit(_ byte: UInt8, base: UInt64) -> UInt8? {
        let value: UInt8
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): value = byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): value = byte - UInt8(ascii: "A") + 10
        default: return nil
        }
        return UInt64(value) < base ? value : nil
    }

    /// The whole of `text` as an unsigned number in base 0, at most `max` (`xtables_strtoul`).
    static func unsigned(_ text: Substring, max: UInt64) -> UInt64? {
        guard let (value, length) = scanUnsigned(text.utf8), length == text.utf8.count, value <= max else { return nil }
        return value
    }

    static func unsigned(_ text: String, max: UInt64) -> UInt64? { unsigned(text[...], max: max) }

    /// `lround` of a non-negative `value` below 2^53 (half away from zero), computed without
    /// libm: truncation and an exact fractional part.
    static func roundedHalfAway(_ value: Double) -> UInt64 {
        guard value > 0 else { return 0 }
        let whole = UInt64(value)
        return value - Double(whole) >= 0.5 ? whole + 1 : whole
    }

    // MARK: Ports

    /// Service names iptables would find in a stock `/etc/services` (netbase), for ports given by
    /// name. A fixed table so that parsing never depends on the host.
    static let services: [(String, UInt16)] = [
        ("ftp-data", 20), ("ftp", 21), ("ssh", 22), ("telnet", 23), ("smtp", 25), ("domain", 53), ("bootps", 67),
        ("bootpc", 68), ("tftp", 69), ("http", 80), ("www", 80), ("kerberos", 88), ("pop3", 110), ("ntp", 123),
        ("imap2", 143), ("imap", 143), ("snmp", 161), ("ldap", 389), ("https", 443), ("submission", 587),
        ("ldaps", 636), ("imaps", 993), ("pop3s", 995), ("mysql", 3306), ("postgresql", 5432), ("redis", 6379),
        ("vxlan", 4789),
    ]

    /// A port as `xtables_parse_port` reads it: a number 0...65535 in base 0 or a service name.
    static func port(_ text: Substring) -> UInt16? {
        if let value = unsigned(text, max: 65535) { return UInt16(value) }
        return services.first { $0.0 == text }?.1
    }

    /// `PORT`, `LOW:HIGH`, `:HIGH` (from 0) or `LOW:` (to 65535), as `--sport`/`--dport` take them;
    /// nil on anything else, including a range whose low port is above its high port.
    static func portRange(_ text: Substring) -> PortRange? {
        guard let colon = text.firstIndex(of: ":") else { return port(text).map { PortRange($0) } }
        let lowText = text[..<colon]
        let highText = text[text.index(after: colon)...]
        guard let low = lowText.isEmpty ? 0 : port(lowText), let high = highText.isEmpty ? 65535 : port(highText),
            low <= high
        else { return nil }
        return PortRange(low, high)
    }

    // MARK: Addresses

    /// A dotted address as `__numeric_to_ipaddr` reads it: one to four parts, each a base-0
    /// number 0...255; fewer than four parts complete a network address (`10.1` is 10.1.0.0),
    /// which a mask may not do.
    static func dottedAddress(_ text: Substring, isMask: Bool = false) -> IPv4Address? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count), isMask ? parts.count == 4 : true else { return nil }
        var value: UInt32 = 0
        for (i, part) in parts.enumerated() {
            guard let byte = unsigned(part, max: 255) else { return nil }
            value |= UInt32(byte) << UInt32(24 - 8 * i)
        }
        return IPv4Address(value: value)
    }

    enum AddressProblem: Error { case badAddress, badMask, nonContiguousMask }

    /// `ADDRESS[/MASK]` as `-s`/`-d` take it (`xtables_ipparse_any`): the mask a prefix length or
    /// a dotted netmask (contiguous only: the model keeps prefixes), no mask meaning /32, the host
    /// bits cleared; with a zero mask the address is ignored (`any/0`).
    static func prefix(_ text: Substring) -> Result<IPv4Prefix, AddressProblem> {
        var addressText = text
        var length = 32
        if let slash = text.lastIndex(of: "/") {
            addressText = text[..<slash]
            let maskText = text[text.index(after: slash)...]
            if let mask = dottedAddress(maskText, isMask: true) {
                let ones = mask.value.nonzeroBitCount
                guard mask.value == (ones == 0 ? 0 : UInt32.max << UInt32(32 - ones)) else {
                    return .failure(.nonContiguousMask)
                }
                length = ones
            } else if let bits = unsigned(maskText, max: 32) {
                length = Int(bits)
            } else {
                return .failure(.badMask)
            }
        }
        if length == 0 { return .success(IPv4Prefix(address: .any, length: 0)) }
        guard let address = dottedAddress(addressText) else { return .failure(.badAddress) }
        return .success(IPv4Prefix(address: address, length: length))
    }

    // MARK: Protocols

    /// `xtables_chain_protos`: the names iptables-save prints for `-p`, in its lookup order
    /// (the first name of a number is the one printed).
    static let chainProtocols: [(String, UInt8)] = [
        ("tcp", 6), ("sctp", 132), ("udp", 17), ("udplite", 136), ("icmp", 1), ("ipv6-icmp", 58), ("icmpv6", 58),
        ("esp", 50), ("ah", 51), ("mobility-header", 135), ("ipv6-mh", 135), ("mh", 135), ("dccp", 33),
        ("ipcomp", 108), ("all", 0),
    ]

    /// Other names of a stock `/etc/protocols`, accepted on input only (printed as numbers, as
    /// iptables-save does).
    static let otherProtocols: [(String, UInt8)] = [
        ("ip", 0), ("hopopt", 0), ("igmp", 2), ("ipencap", 4), ("ipip", 4), ("egp", 8), ("gre", 47), ("ipv6", 41),
        ("ospf", 89), ("pim", 103), ("vrrp", 112), ("l2tp", 115), ("ipv6-route", 43), ("ipv6-frag", 44),
        ("ipv6-nonxt", 59), ("ipv6-opts", 60), ("rsvp", 46),
    ]

    /// `xtables_parse_protocol`: a number 0...255 or a name (lowercased first, as `-p` does).
    static func protocolNumber(_ text: Substring) -> UInt8? {
        if let value = unsigned(text, max: 255) { return UInt8(value) }
        let name = text.lowercased()
        return (chainProtocols.first { $0.0 == name } ?? otherProtocols.first { $0.0 == name })?.1
    }

    /// The name iptables-save prints for a protocol number, or nil for a number.
    static func protocolName(_ number: UInt8) -> String? {
        chainProtocols.first { $0.1 == number }?.0
    }

    // MARK: Marks

    /// `VALUE[/MASK]`, both 32-bit base-0 numbers; no mask is 0xffffffff (`xtables_parse_mark_mask`).
    static func markAndMask(_ text: Substring) -> (value: UInt32, mask: UInt32)? {
        if let slash = text.firstIndex(of: "/") {
            guard let value = unsigned(text[..<slash], max: UInt64(UInt32.max)),
                let mask = unsigned(text[text.index(after: slash)...], max: UInt64(UInt32.max))
            else { return nil }
            return (UInt32(value), UInt32(mask))
        }
        guard let value = unsigned(text, max: UInt64(UInt32.max)) else { return nil }
        return (UInt32(value), .max)
    }

    // MARK: ICMP

    /// `icmp_codes` of libxt_icmp.h: names, type and code range (0...255 is any code).
    static let icmpNames: [(name: String, type: UInt8, low: UInt8, high: UInt8)] = [
        ("any", 255, 0, 255), ("echo-reply", 0, 0, 255), ("pong", 0, 0, 255),
        ("destination-unreachable", 3, 0, 255), ("network-unreachable", 3, 0, 0), ("host-unreachable", 3, 1, 1),
        ("protocol-unreachable", 3, 2, 2), ("port-unreachable", 3, 3, 3), ("fragmentation-needed", 3, 4, 4),
        ("source-route-failed", 3, 5, 5), ("network-unknown", 3, 6, 6), ("host-unknown", 3, 7, 7),
        ("network-prohibited", 3, 9, 9), ("host-prohibited", 3, 10, 10), ("TOS-network-unreachable", 3, 11, 11),
        ("TOS-host-unreachable", 3, 12, 12), ("communication-prohibited", 3, 13, 13),
        ("host-precedence-violation", 3, 14, 14), ("precedence-cutoff", 3, 15, 15), ("source-quench", 4, 0, 255),
        ("redirect", 5, 0, 255), ("network-redirect", 5, 0, 0), ("host-redirect", 5, 1, 1),
        ("TOS-network-redirect", 5, 2, 2), ("TOS-host-redirect", 5, 3, 3), ("echo-request", 8, 0, 255),
        ("ping", 8, 0, 255), ("router-advertisement", 9, 0, 255), ("router-solicitation", 10, 0, 255),
        ("time-exceeded", 11, 0, 255), ("ttl-exceeded", 11, 0, 255), ("ttl-zero-during-transit", 11, 0, 0),
        ("ttl-zero-during-reassembly", 11, 1, 1), ("parameter-problem", 12, 0, 255), ("ip-header-bad", 12, 0, 0),
        ("required-option-missing", 12, 1, 1), ("timestamp-request", 13, 0, 255), ("timestamp-reply", 14, 0, 255),
        ("address-mask-request", 17, 0, 255), ("address-mask-reply", 18, 0, 255),
    ]

    /// Whether `prefix` is a case-insensitive prefix of `name` (`strncasecmp(name, prefix, strlen(prefix))`).
    static func isCaseInsensitivePrefix(_ prefix: Substring, of name: String) -> Bool {
        let a = Array(prefix.utf8)
        let b = Array(name.utf8)
        guard a.count <= b.count else { return false }
        for i in 0..<a.count where lower(a[i]) != lower(b[i]) { return false }
        return true
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// Whether the bytes of `a` sort before those of `b` (`strcmp`), the order libiptc keeps
    /// user chains in.
    static func byteOrder(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
}
