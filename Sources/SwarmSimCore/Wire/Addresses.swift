/// Link- and network-layer addresses as small values: a MAC in a `UInt64`, an IPv4 address in a
/// `UInt32` (host order), so that they hash, compare and copy as integers and never allocate.
///
/// Parsing from text is strict (see `Addresses+Parsing.swift`): scenario files are user input,
/// and "1.2.3" meaning 1.2.0.3, as `inet_aton` has it, is a surprise nobody wants in a report.

/// An IEEE 802 48-bit MAC address (EUI-48).
public struct MACAddress: PackedHashKey, Sendable, Comparable, CustomStringConvertible {
    /// The 48 bits, first octet (the one sent first) in bits 47...40; bits 63...48 are zero.
    public let value: UInt64

    /// The address as a hash key (the forwarding databases are looked up per frame).
    @inlinable public var packedWords: (UInt64, UInt64) { (value, 0) }

    /// The address with the 48 low bits of `value`; higher bits are ignored.
    @inlinable public init(value: UInt64) {
        self.value = value & 0xFFFF_FFFF_FFFF
    }

    /// The address with octets `bytes.0` (first on the wire) to `bytes.5`.
    @inlinable public init(bytes: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)) {
        value = UInt64(bytes.0) << 40 | UInt64(bytes.1) << 32 | UInt64(bytes.2) << 24
            | UInt64(bytes.3) << 16 | UInt64(bytes.4) << 8 | UInt64(bytes.5)
    }

    /// The address `b0:b1:b2:b3:b4:b5`.
    @inlinable public init(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8, _ b4: UInt8, _ b5: UInt8) {
        self.init(bytes: (b0, b1, b2, b3, b4, b5))
    }

    /// Reads the six octets at `offset`. The caller guarantees `offset + 6 <= bytes.count`.
    @inlinable public init(reading bytes: UnsafeRawBufferPointer, at offset: Int) {
        let high = UInt64(bytes.wireUInt16(at: offset))
        let low = UInt64(bytes.wireUInt32(at: offset + 2))
        value = high << 32 | low
    }

    /// Writes the six octets at `offset`. The caller guarantees `offset + 6 <= bytes.count`.
    @inlinable public func write(to bytes: UnsafeMutableRawBufferPointer, at offset: Int) {
        bytes.setWireUInt16(UInt16(truncatingIfNeeded: value >> 32), at: offset)
        bytes.setWireUInt32(UInt32(truncatingIfNeeded: value), at: offset + 2)
    }

    /// The octets, first on the wire first.
    public var bytes: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) {
        (
            UInt8(truncatingIfNeeded: value >> 40), UInt8(truncatingIfNeeded: value >> 32),
            UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
            UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)
        )
    }

    /// ff:ff:ff:ff:ff:ff, where ARP requests go.
    public static let broadcast = MACAddress(value: 0xFFFF_FFFF_FFFF)
    /// 00:00:00:00:00:00, the target hardware address of an ARP request.
    public static let zero = MACAddress(value: 0)

    @inlinable public var isBroadcast: Bool { value == 0xFFFF_FFFF_FFFF }
    /// The I/G bit (least significant bit of the first octet) is set; broadcast included.
    @inlinable public var isMulticast: Bool { value & 0x0100_0000_0000 != 0 }
    @inlinable public var isUnicast: Bool { !isMulticast }
    /// The U/L bit is set, as in every address Docker and the kernel generate (02:42:..., random veth).
    @inlinable public var isLocallyAdministered: Bool { value & 0x0200_0000_0000 != 0 }

    /// The MAC Docker gives a container endpoint: 02:42 then the four octets of its IPv4 address
    /// (libnetwork `netutils.GenerateMACFromIP`), so that ARP and FDB entries can be derived
    /// without asking the container.
    public static func docker(for ip: IPv4Address) -> MACAddress {
        MACAddress(value: 0x0242 << 32 | UInt64(ip.value))
    }

    @inlinable public static func < (lhs: MACAddress, rhs: MACAddress) -> Bool { lhs.value < rhs.value }

    /// Lowercase, colon-separated, as `ip link` prints it: "02:42:0a:00:00:02".
    public var description: String {
        var text = ""
        text.reserveCapacity(17)
        for shift in stride(from: 40, through: 0, by: -8) {
            if shift != 40 { text += ":" }
            text += wireHex((value >> UInt64(shift)) & 0xFF, digits: 2)
        }
        return text
    }
}

/// An IPv4 address (RFC 791).
public struct IPv4Address: PackedHashKey, Sendable, Comparable, CustomStringConvertible {
    /// The address in host order: 10.0.0.2 is 0x0A00_0002.
    public var value: UInt32

    /// The address as a hash key.
    @inlinable public var packedWords: (UInt64, UInt64) { (UInt64(value), 0) }

    @inlinable public init(value: UInt32) { self.value = value }

    /// The address `a.b.c.d`.
    @inlinable public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        value = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// Reads the four octets at `offset`. The caller guarantees `offset + 4 <= bytes.count`.
    @inlinable public init(reading bytes: UnsafeRawBufferPointer, at offset: Int) {
        value = bytes.wireUInt32(at: offset)
    }

    /// Writes the four octets at `offset`. The caller guarantees `offset + 4 <= bytes.count`.
    @inlinable public func write(to bytes: UnsafeMutableRawBufferPointer, at offset: Int) {
        bytes.setWireUInt32(value, at: offset)
    }

    /// 0.0.0.0, "this host" as a source and "any address" in a bind or a route.
    public static let any = IPv4Address(value: 0)
    /// 255.255.255.255, the limited broadcast address.
    public static let broadcast = IPv4Address(value: 0xFFFF_FFFF)
    /// 127.0.0.1.
    public static let loopback = IPv4Address(127, 0, 0, 1)

    /// In 127.0.0.0/8 (RFC 1122 section 3.2.1.3).
    @inlinable public var isLoopback: Bool { value >> 24 == 127 }
    /// In 224.0.0.0/4 (RFC 5771).
    @inlinable public var isMulticast: Bool { value >> 28 == 0xE }
    /// The limited broadcast 255.255.255.255 (a subnet's broadcast is `IPv4Prefix.broadcast`).
    @inlinable public var isBroadcast: Bool { value == 0xFFFF_FFFF }
    /// 0.0.0.0.
    @inlinable public var isUnspecified: Bool { value == 0 }

    /// The four octets, first on the wire first.
    @inlinable public var octets: (UInt8, UInt8, UInt8, UInt8) {
        (
            UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
            UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)
        )
    }

    @inlinable public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.value < rhs.value }

    /// Dotted decimal: "10.0.0.2".
    public var description: String {
        let o = octets
        return "\(o.0).\(o.1).\(o.2).\(o.3)"
    }
}

/// An IPv4 network: an address with its host bits clear and a prefix length (RFC 4632).
public struct IPv4Prefix: Hashable, Sendable, CustomStringConvertible {
    /// The network address: host bits are always zero.
    public let address: IPv4Address
    /// The prefix length, 0...32.
    public let length: Int

    /// The prefix of `length` bits containing `address`; the host bits of `address` are cleared,
    /// so `init(address: 10.0.0.7, length: 24)` is 10.0.0.0/24.
    /// - Precondition: `0 <= length <= 32` (a programmer error otherwise).
    @inlinable public init(address: IPv4Address, length: Int) {
        precondition((0...32).contains(length), "IPv4 prefix length \(length) is not in 0...32")
        self.length = length
        self.address = IPv4Address(value: address.value & IPv4Prefix.mask(length))
    }

    @inlinable static func mask(_ length: Int) -> UInt32 {
        length == 0 ? 0 : UInt32.max << UInt32(32 - length)
    }

    /// The netmask, e.g. 255.255.255.0 for a /24.
    @inlinable public var netmask: IPv4Address { IPv4Address(value: IPv4Prefix.mask(length)) }

    /// The directed broadcast address: all host bits set (10.0.0.255 for 10.0.0.0/24).
    @inlinable public var broadcast: IPv4Address { IPv4Address(value: address.value | ~IPv4Prefix.mask(length)) }

    /// The number of addresses in the prefix, 2^(32 - length).
    @inlinable public var size: UInt64 { 1 << UInt64(32 - length) }

    /// Whether `ip` is inside the prefix. O(1).
    @inlinable public func contains(_ ip: IPv4Address) -> Bool {
        ip.value & IPv4Prefix.mask(length) == address.value
    }

    /// Whether every address of `other` is inside this prefix.
    @inlinable public func contains(_ other: IPv4Prefix) -> Bool {
        other.length >= length && contains(other.address)
    }

    /// The `n`th address of the prefix: `host(0)` is the network address, `host(1)` the first
    /// host (Docker's gateway), e.g. 10.0.0.0/24 `host(2)` is 10.0.0.2.
    /// - Precondition: `n < size` (a programmer error otherwise).
    @inlinable public func host(_ n: UInt32) -> IPv4Address {
        precondition(UInt64(n) < size, "host \(n) is outside a /\(length)")
        return IPv4Address(value: address.value | n)
    }

    /// "10.0.0.0/24".
    public var description: String { "\(address)/\(length)" }
}
