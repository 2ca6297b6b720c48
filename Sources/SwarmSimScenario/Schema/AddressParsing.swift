import SwarmSimCore

/// Dotted-decimal IPv4 addresses and CIDR prefixes as users write them, read strictly: four
/// decimal octets 0...255 without leading zeros (Go's `net.ParseIP`, which Docker uses, rejects
/// them since they read as octal elsewhere).
public enum AddressParsing {
    public static func ipv4(_ text: String) -> IPv4Address? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCIIDigit),
                  part.count == 1 || part.first != "0", let octet = UInt32(part), octet <= 255
            else { return nil }
            value = value << 8 | octet
        }
        return IPv4Address(value: value)
    }

    public enum PrefixError: Error, Equatable {
        /// Not `a.b.c.d/n`.
        case malformed
        /// Host bits set: the prefix it should be.
        case hostBitsSet(IPv4Prefix)
    }

    /// `a.b.c.d/n` with no host bits set.
    public static func prefix(_ text: String) -> Result<IPv4Prefix, PrefixError> {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = ipv4(String(parts[0])), !parts[1].isEmpty, parts[1].count <= 2,
              parts[1].allSatisfy(\.isASCIIDigit), let length = Int(parts[1]), (0...32).contains(length)
        else { return .failure(.malformed) }
        let prefix = IPv4Prefix(address: address, length: length)
        return prefix.address == address ? .success(prefix) : .failure(.hostBitsSet(prefix))
    }

    /// Whether two prefixes share an address.
    public static func overlap(_ a: IPv4Prefix, _ b: IPv4Prefix) -> Bool { a.contains(b) || b.contains(a) }
}
