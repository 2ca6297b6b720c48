/// TCP flags and the TCP options the simulation speaks: MSS and window scale
/// ([RFC 7323](https://www.rfc-editor.org/rfc/rfc7323) for scale and timestamps), SACK
/// ([RFC 2018](https://www.rfc-editor.org/rfc/rfc2018)).
///
/// ```text
/// Kind  Length  Meaning                 Linux layout (tcp_options_write, net/ipv4/tcp_output.c)
///  0     -      End of option list      SYN:     02 04 <mss>  04 02 08 0a <tsval> <tsecr>  01 03 03 <ws>
///  1     -      No-operation (pad)      SYN without timestamps: 02 04 <mss>  01 01 04 02  01 03 03 <ws>
///  2     4      Maximum segment size    data:    01 01 08 0a <tsval> <tsecr>
///  3     3      Window scale            SACK:    01 01 05 <2+8n> <left right>...
///  4     2      SACK permitted
///  5   2+8n     SACK blocks (n = 1...4)
///  8    10      Timestamps
/// ```
///
/// Options are stored as optional fixed fields, not a list: parsing and emitting them never
/// allocates. `emit` always lays them out as Linux does, so a Linux-built segment survives
/// a parse/emit round trip byte for byte; unknown options are skipped on parse and lost.

/// The TCP control bits of byte 13 (RFC 9293; ECE and CWR from RFC 3168).
public struct TCPFlags: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8

    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    @inlinable public static var fin: TCPFlags { TCPFlags(rawValue: 0x01) }
    @inlinable public static var syn: TCPFlags { TCPFlags(rawValue: 0x02) }
    @inlinable public static var rst: TCPFlags { TCPFlags(rawValue: 0x04) }
    @inlinable public static var psh: TCPFlags { TCPFlags(rawValue: 0x08) }
    @inlinable public static var ack: TCPFlags { TCPFlags(rawValue: 0x10) }
    @inlinable public static var urg: TCPFlags { TCPFlags(rawValue: 0x20) }
    @inlinable public static var ece: TCPFlags { TCPFlags(rawValue: 0x40) }
    @inlinable public static var cwr: TCPFlags { TCPFlags(rawValue: 0x80) }

    /// The set flags in bit order, e.g. "SYN,ACK"; "none" when empty.
    public var description: String {
        let names = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"]
        var parts: [String] = []
        for bit in 0..<8 where rawValue & (1 << bit) != 0 { parts.append(names[bit]) }
        return parts.isEmpty ? "none" : parts.joined(separator: ",")
    }
}

/// The TSval and TSecr of a timestamps option (RFC 7323 section 3).
public struct TCPTimestamps: Hashable, Sendable {
    /// TSval: the sender's timestamp clock.
    public var value: UInt32
    /// TSecr: the most recent TSval received from the peer.
    public var echo: UInt32

    @inlinable public init(value: UInt32, echo: UInt32) {
        self.value = value
        self.echo = echo
    }
}

/// One SACK block: the received sequence range `left..<right` (RFC 2018 section 3).
public struct TCPSackBlock: Hashable, Sendable {
    public var left: UInt32
    public var right: UInt32

    @inlinable public init(left: UInt32, right: UInt32) {
        self.left = left
        self.right = right
    }
}

/// Up to four SACK blocks, stored inline (no heap allocation). A random-access collection.
public struct TCPSackBlocks: RandomAccessCollection, Hashable, Sendable, ExpressibleByArrayLiteral {
    /// A SACK option holds at most 4 blocks (34 of the 40 option bytes); 3 with timestamps.
    public static let capacity = 4

    @usableFromInline var block0 = TCPSackBlock(left: 0, right: 0)
    @usableFromInline var block1 = TCPSackBlock(left: 0, right: 0)
    @usableFromInline var block2 = TCPSackBlock(left: 0, right: 0)
    @usableFromInline var block3 = TCPSackBlock(left: 0, right: 0)
    @usableFromInline var storedCount = 0

    /// No blocks.
    @inlinable public init() {}

    /// The given blocks. - Precondition: at most 4.
    public init(arrayLiteral elements: TCPSackBlock...) {
        for element in elements { append(element) }
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { storedCount }

    @inlinable public subscript(position: Int) -> TCPSackBlock {
        get {
            precondition(position >= 0 && position < storedCount, "SACK block index out of range")
            switch position {
            case 0: return block0
            case 1: return block1
            case 2: return block2
            default: return block3
            }
        }
        set {
            precondition(position >= 0 && position < storedCount, "SACK block index out of range")
            switch position {
            case 0: block0 = newValue
            case 1: block1 = newValue
            case 2: block2 = newValue
            default: block3 = newValue
            }
        }
    }

    /// Appends a block. - Precondition: fewer than 4 blocks.
    @inlinable public mutating func append(_ block: TCPSackBlock) {
        precondition(storedCount < TCPSackBlocks.capacity, "a TCP SACK option holds at most 4 blocks")
        storedCount += 1
        self[storedCount - 1] = block
    }

    /// Removes every block.
    @inlinable public mutating func removeAll() { storedCount = 0 }

    @inlinable public static func == (lhs: TCPSackBlocks, rhs: TCPSackBlocks) -> Bool {
        lhs.elementsEqual(rhs)
    }

    @inlinable public func hash(into hasher: inout Hasher) {
        hasher.combine(storedCount)
        for block in self { hasher.combine(block) }
    }
}

/// The options of a TCP header, as fixed optional fields.
public struct TCPOptions: Hashable, Sendable {
    public var mss: UInt16?
    /// The shift count (RFC 7323 caps it at 14; Linux clamps larger values on receive).
    public var windowScale: UInt8?
    public var sackPermitted: Bool
    public var timestamps: TCPTimestamps?
    public var sackBlocks: TCPSackBlocks

    @usableFromInline enum Kind {
        @usableFromInline static let end: UInt8 = 0
        @usableFromInline static let nop: UInt8 = 1
        @usableFromInline static let mss: UInt8 = 2
        @usableFromInline static let windowScale: UInt8 = 3
        @usableFromInline static let sackPermitted: UInt8 = 4
        @usableFromInline static let sack: UInt8 = 5
        @usableFromInline static let timestamps: UInt8 = 8
    }

    /// No options.
    public static let none = TCPOptions()

    /// NOP, NOP, kind 8, length 10: the first word of Linux's timestamps option layout.
    @inlinable static var alignedTimestampsWord: UInt32 {
        UInt32(Kind.nop) << 24 | UInt32(Kind.nop) << 16 | UInt32(Kind.timestamps) << 8 | 10
    }

    @inlinable public init(
        mss: UInt16? = nil, windowScale: UInt8? = nil, sackPermitted: Bool = false,
        timestamps: TCPTimestamps? = nil, sackBlocks: TCPSackBlocks = TCPSackBlocks()
    ) {
        self.mss = mss
        self.windowScale = windowScale
        self.sackPermitted = sackPermitted
        self.timestamps = timestamps
        self.sackBlocks = sackBlocks
    }

    /// The bytes `emit` writes, always a multiple of 4 (Linux pads every option to 32 bits).
    @inlinable @inline(__always) public var encodedLength: Int {
        var length = 0
        if mss != nil { length += 4 }
        if timestamps != nil { length += 12 }  // SACK permitted rides in the timestamp word's padding
        if sackPermitted && timestamps == nil { length += 4 }
        if windowScale != nil { length += 4 }
        if !sackBlocks.isEmpty { length += 4 + 8 * sackBlocks.count }
        return length
    }

    /// Parses an options area (the bytes between the fixed header and the data offset).
    ///
    /// EOL ends the list, NOP is skipped, unknown kinds are skipped by their length. A length
    /// below 2 or past the area, or a known option with the wrong length, is malformed
    /// (Linux `tcp_parse_options` stops at the former and ignores the latter; the simulation
    /// builds no such segments, so here they are errors to surface). O(n), no allocation.
    @inlinable public static func parse(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> TCPOptions {
        var options = TCPOptions()
        try options.read(bytes)
        return options
    }

    /// `parse` into these options, which must be empty: fills the fields in place.
    @inlinable mutating func read(_ bytes: UnsafeRawBufferPointer) throws(WireError) {
        // The layout Linux sends on every segment after the handshake, NOP NOP TS, is
        // recognised by its first word, as `tcp_fast_parse_options` does.
        if bytes.count == 12 && bytes.wireUInt32(at: 0) == TCPOptions.alignedTimestampsWord {
            timestamps = TCPTimestamps(value: bytes.wireUInt32(at: 4), echo: bytes.wireUInt32(at: 8))
            return
        }
        var offset = 0
        let count = bytes.count
        while offset < count {
            let kind = bytes[offset]
            if kind == Kind.end { break }
            if kind == Kind.nop {
                offset += 1
                continue
            }
            let length = offset + 1 < count ? Int(bytes[offset + 1]) : 0
            if length < 2 || offset + length > count {
                throw .invalidField(layer: .tcp, field: "option length", value: length)
            }
            let value = offset + 2
            switch kind {
            case Kind.mss:
                guard length == 4 else { throw .invalidField(layer: .tcp, field: "MSS option length", value: length) }
                mss = bytes.wireUInt16(at: value)
            case Kind.windowScale:
                guard length == 3 else {
                    throw .invalidField(layer: .tcp, field: "window scale option length", value: length)
                }
                windowScale = bytes[value]
            case Kind.sackPermitted:
                guard length == 2 else {
                    throw .invalidField(layer: .tcp, field: "SACK permitted option length", value: length)
                }
                sackPermitted = true
            case Kind.sack:
                guard length >= 10, (length - 2) % 8 == 0 else {
                    throw .invalidField(layer: .tcp, field: "SACK option length", value: length)
                }
                sackBlocks.removeAll()
                for block in stride(from: value, to: offset + length, by: 8) {
                    sackBlocks.append(
                        TCPSackBlock(left: bytes.wireUInt32(at: block), right: bytes.wireUInt32(at: block + 4)))
                }
            case Kind.timestamps:
                guard length == 10 else {
                    throw .invalidField(layer: .tcp, field: "timestamps option length", value: length)
                }
                timestamps = TCPTimestamps(value: bytes.wireUInt32(at: value), echo: bytes.wireUInt32(at: value + 4))
            default:
                break
            }
            offset += length
        }
    }

    /// Writes the options in Linux's layout: exactly `encodedLength` bytes at the start of
    /// `bytes`, and returns their partial Internet checksum sum, taken from the values written
    /// (a TCP header's checksum covers them). - Precondition: `encodedLength <= min(40, bytes.count)`.
    @discardableResult
    @inlinable @inline(__always) public func emit(into bytes: UnsafeMutableRawBufferPointer) -> UInt32 {
        let length = encodedLength
        precondition(length <= 40, "TCP options need \(length) bytes, more than 40")
        precondition(bytes.count >= length, "TCP options buffer too short")
        var offset = 0
        var sum: UInt32 = 0
        if let mss {
            TCPOptions.put(Kind.mss, 4, UInt8(mss >> 8), UInt8(truncatingIfNeeded: mss), into: bytes, at: &offset, sum: &sum)
        }
        if let timestamps {
            if sackPermitted {
                TCPOptions.put(Kind.sackPermitted, 2, Kind.timestamps, 10, into: bytes, at: &offset, sum: &sum)
            } else {
                TCPOptions.put(Kind.nop, Kind.nop, Kind.timestamps, 10, into: bytes, at: &offset, sum: &sum)
            }
            TCPOptions.put(timestamps.value, into: bytes, at: &offset, sum: &sum)
            TCPOptions.put(timestamps.echo, into: bytes, at: &offset, sum: &sum)
        } else if sackPermitted {
            TCPOptions.put(Kind.nop, Kind.nop, Kind.sackPermitted, 2, into: bytes, at: &offset, sum: &sum)
        }
        if let windowScale {
            TCPOptions.put(Kind.nop, Kind.windowScale, 3, windowScale, into: bytes, at: &offset, sum: &sum)
        }
        if !sackBlocks.isEmpty {
            TCPOptions.put(Kind.nop, Kind.nop, Kind.sack, UInt8(2 + 8 * sackBlocks.count), into: bytes, at: &offset, sum: &sum)
            for block in sackBlocks {
                TCPOptions.put(block.left, into: bytes, at: &offset, sum: &sum)
                TCPOptions.put(block.right, into: bytes, at: &offset, sum: &sum)
            }
        }
        return sum
    }

    /// Writes the 32-bit option word `a b c d` at `offset`, advances it and adds the word to `sum`.
    @inlinable @inline(__always)
    static func put(
        _ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, into bytes: UnsafeMutableRawBufferPointer, at offset: inout Int,
        sum: inout UInt32
    ) {
        put(UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d), into: bytes, at: &offset, sum: &sum)
    }

    /// Writes `word` at `offset` in network order, advances it and adds the word to `sum`.
    @inlinable @inline(__always)
    static func put(_ word: UInt32, into bytes: UnsafeMutableRawBufferPointer, at offset: inout Int, sum: inout UInt32) {
        bytes.setWireUInt32(word, at: offset)
        offset += 4
        sum &+= InternetChecksum.sum(word: word)
    }
}
