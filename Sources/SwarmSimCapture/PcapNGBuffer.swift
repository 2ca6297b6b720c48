/// The pcapng blocks swarmsim writes, encoded little-endian into a byte buffer.
///
/// Format: draft-ietf-opsawg-pcapng ("PCAP Now Generic"). Every block is
///
/// ```
///     0                   1                   2                   3
///     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///    +---------------------------------------------------------------+
///  0 |                          Block Type                           |
///    +---------------------------------------------------------------+
///  4 |                      Block Total Length                       |
///    +---------------------------------------------------------------+
///  8 /                          Block Body                           /
///    /              variable length, padded to 32 bits               /
///    +---------------------------------------------------------------+
///    |                      Block Total Length                       |
///    +---------------------------------------------------------------+
/// ```
///
/// and ends with options, each `code:u16 length:u16 value` padded to 32 bits, closed by
/// `opt_endofopt` (code 0, length 0). Only three block types are needed: one Section Header
/// Block, one Interface Description Block per capture point, one Enhanced Packet Block per
/// frame. The byte order is the writer's choice (readers follow the byte-order magic); it is
/// fixed to little-endian so the file does not depend on the host.
struct PcapNGBuffer {
    /// Block types (spec section 10.1).
    enum BlockType {
        static let sectionHeader: UInt32 = 0x0A0D_0D0A
        static let interfaceDescription: UInt32 = 0x0000_0001
        static let enhancedPacket: UInt32 = 0x0000_0006
    }

    /// Option codes used here (spec sections 3.5, 4.1, 4.2, 4.3).
    enum OptionCode {
        static let endOfOptions: UInt16 = 0
        /// `opt_comment`, valid in every block; UTF-8.
        static let comment: UInt16 = 1
        /// `shb_userappl`: the application that wrote the section.
        static let userApplication: UInt16 = 4
        /// `if_name`: Wireshark shows it as `frame.interface_name`.
        static let interfaceName: UInt16 = 2
        /// `if_description`: `frame.interface_description`.
        static let interfaceDescription: UInt16 = 3
        /// `if_tsresol`: timestamp units as a power of ten (high bit clear); 9 means nanoseconds.
        static let timestampResolution: UInt16 = 9
    }

    /// Written as 0x1A2B3C4D in the writer's byte order; readers detect endianness from it.
    static let byteOrderMagic: UInt32 = 0x1A2B_3C4D
    /// LINKTYPE_ETHERNET.
    static let linkTypeEthernet: UInt16 = 1
    /// Option values carry a 16-bit length.
    static let maximumOptionLength = Int(UInt16.max)

    /// The encoded bytes not yet written to the file.
    var bytes: [UInt8] = []

    /// Appends a Section Header Block, version 1.0, section length -1 (unknown: the file is
    /// written in one pass), with `shb_userappl`. Deliberately no `shb_os` or `shb_hardware`:
    /// they would make files differ between hosts.
    mutating func appendSectionHeader(userApplication: String) {
        let options = Self.optionLength(userApplication) + 4
        let total = 28 + options
        append(BlockType.sectionHeader)
        append(UInt32(total))
        append(Self.byteOrderMagic)
        append(UInt16(1))  // major version
        append(UInt16(0))  // minor version
        append(Int64(-1))  // section length: not specified
        appendOption(OptionCode.userApplication, userApplication)
        appendEndOfOptions()
        append(UInt32(total))
    }

    /// Appends an Interface Description Block for an Ethernet capture point, with `if_name`,
    /// `if_description` and `if_tsresol` = 9 (nanosecond timestamps in every EPB).
    mutating func appendInterfaceDescription(name: String, description: String, snaplen: Int) {
        let options = Self.optionLength(name) + Self.optionLength(description) + 8 + 4
        let total = 20 + options
        append(BlockType.interfaceDescription)
        append(UInt32(total))
        append(Self.linkTypeEthernet)
        append(UInt16(0))  // reserved
        append(UInt32(snaplen))
        appendOption(OptionCode.interfaceName, name)
        appendOption(OptionCode.interfaceDescription, description)
        append(OptionCode.timestampResolution)
        append(UInt16(1))
        bytes.append(contentsOf: [9, 0, 0, 0])  // 10^-9 s, padded to 32 bits
        appendEndOfOptions()
        append(UInt32(total))
    }

    /// Appends an Enhanced Packet Block: `captured` (already cut to snaplen) of a frame that was
    /// `originalLength` bytes on the wire, at `timestamp` units of the interface's `if_tsresol`,
    /// with an optional `opt_comment`. Complexity: O(captured + comment); no allocation once the
    /// buffer has grown.
    mutating func appendEnhancedPacket(
        interface: UInt32, timestamp: UInt64, captured: UnsafeRawBufferPointer, originalLength: Int,
        comment: String?
    ) {
        let padded = Self.padded(captured.count)
        let options = comment.map { Self.optionLength($0) + 4 } ?? 0
        let total = 32 + padded + options
        append(BlockType.enhancedPacket)
        append(UInt32(total))
        append(interface)
        append(UInt32(truncatingIfNeeded: timestamp >> 32))
        append(UInt32(truncatingIfNeeded: timestamp))
        append(UInt32(captured.count))
        append(UInt32(truncatingIfNeeded: originalLength))
        bytes.append(contentsOf: captured)
        appendPadding(padded - captured.count)
        if let comment {
            appendOption(OptionCode.comment, comment)
            appendEndOfOptions()
        }
        append(UInt32(total))
    }

    // MARK: - Encoding helpers

    /// `n` rounded up to a multiple of 4.
    static func padded(_ n: Int) -> Int { (n + 3) & ~3 }

    /// How many UTF-8 bytes of `text` fit in one option: all of them, or the longest prefix of
    /// at most 65535 bytes that ends on a character boundary. O(1) unless it must cut.
    static func optionValueLength(_ text: String) -> Int {
        let utf8 = text.utf8
        if utf8.count <= maximumOptionLength { return utf8.count }
        var cut = utf8.index(utf8.startIndex, offsetBy: maximumOptionLength)
        // Back up over UTF-8 continuation bytes (10xxxxxx) so no character is split.
        while cut > utf8.startIndex && utf8[cut] & 0xC0 == 0x80 { cut = utf8.index(before: cut) }
        return utf8.distance(from: utf8.startIndex, to: cut)
    }

    /// The encoded size of a string option: header plus padded value.
    static func optionLength(_ text: String) -> Int { 4 + padded(optionValueLength(text)) }

    mutating func appendOption(_ code: UInt16, _ text: String) {
        let length = Self.optionValueLength(text)
        append(code)
        append(UInt16(length))
        bytes.append(contentsOf: text.utf8.prefix(length))
        appendPadding(Self.padded(length) - length)
    }

    mutating func appendEndOfOptions() {
        append(OptionCode.endOfOptions)
        append(UInt16(0))
    }

    mutating func appendPadding(_ count: Int) {
        for _ in 0..<count { bytes.append(0) }
    }

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
