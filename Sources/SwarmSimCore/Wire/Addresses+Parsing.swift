/// Strict text forms of addresses, for scenario files and CLI flags (user input: `nil`, never a
/// trap, on anything odd). No Foundation: the bytes are scanned by hand.

extension MACAddress {
    /// Parses six two-digit hex octets separated by ':' (or all by '-'), in either case:
    /// "02:42:0a:00:00:02". Anything else is `nil`.
    public init?(_ string: String) {
        let utf8 = Array(string.utf8)
        guard utf8.count == 17 else { return nil }
        let separator = utf8[2]
        guard separator == UInt8(ascii: ":") || separator == UInt8(ascii: "-") else { return nil }
        var value: UInt64 = 0
        for group in 0..<6 {
            let start = group * 3
            if group > 0 && utf8[start - 1] != separator { return nil }
            guard let high = hexDigitValue(utf8[start]), let low = hexDigitValue(utf8[start + 1]) else { return nil }
            value = value << 8 | UInt64(high << 4 | low)
        }
        self.init(value: value)
    }
}

extension IPv4Address {
    /// Parses a strict dotted quad: exactly four decimal octets 0...255 without leading zeros
    /// ("010" would be octal to `inet_aton`), no spaces, no shorthand ("1.2.3" is `nil`).
    public init?(_ string: String) {
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        var leadingZero = false
        for byte in string.utf8 {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, dots < 3 else { return nil }
                value = value << 8 | octet
                dots += 1
                octet = 0
                digits = 0
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            guard !leadingZero || digits == 0 else { return nil }
            if digits == 0 { leadingZero = byte == UInt8(ascii: "0") }
            octet = octet * 10 + UInt32(byte - UInt8(ascii: "0"))
            digits += 1
            guard digits <= 3, octet <= 255 else { return nil }
        }
        guard digits > 0, dots == 3 else { return nil }
        self.init(value: value << 8 | octet)
    }
}

extension IPv4Prefix {
    /// Parses CIDR notation, "10.0.0.0/24": a strict dotted quad, '/', a length 0...32 in
    /// decimal without leading zeros.
    ///
    /// With `strict` (the default) an address with host bits set ("10.0.0.1/24") is `nil`, as
    /// `docker network create --subnet` rejects it; with `strict: false` the host bits are
    /// cleared instead, as `ip route` does.
    public init?(_ string: String, strict: Bool = true) {
        let utf8 = Array(string.utf8)
        guard let slash = utf8.firstIndex(of: UInt8(ascii: "/")) else { return nil }
        guard let address = IPv4Address(String(decoding: utf8[..<slash], as: UTF8.self)) else { return nil }
        let digits = utf8[(slash + 1)...]
        guard (1...2).contains(digits.count), digits.first != UInt8(ascii: "0") || digits.count == 1 else { return nil }
        var length = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            length = length * 10 + Int(byte - UInt8(ascii: "0"))
        }
        guard length <= 32 else { return nil }
        let prefix = IPv4Prefix(address: address, length: length)
        if strict && prefix.address != address { return nil }
        self = prefix
    }
}

/// The value of an ASCII hex digit, or `nil`.
private func hexDigitValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}
