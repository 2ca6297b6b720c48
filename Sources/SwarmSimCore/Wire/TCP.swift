/// The Transmission Control Protocol header ([RFC 9293](https://www.rfc-editor.org/rfc/rfc9293)
/// section 3.1); options in `TCPOptions.swift`.
///
/// ```text
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |          Source Port          |       Destination Port        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                        Sequence Number                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Acknowledgment Number                      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Data |       |C|E|U|A|P|R|S|F|                               |
/// | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
/// |       |       |R|E|G|K|H|T|N|N|                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |           Checksum            |         Urgent Pointer        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Options (data offset > 5)                  |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                             data ...                          |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
///
/// The checksum covers the same IPv4 pseudo-header as UDP (protocol 6, length = TCP header
/// plus data), and TCP has no length field: a segment ends where its IPv4 payload ends, so a
/// `TCPSegment`'s `bytes` must be exactly that payload.

/// A zero-copy view of a TCP segment; `bytes` is the whole segment, header and data.
public struct TCPSegment {
    @usableFromInline enum Field {
        @usableFromInline static let sourcePort = 0
        @usableFromInline static let destinationPort = 2
        @usableFromInline static let sequenceNumber = 4
        @usableFromInline static let acknowledgmentNumber = 8
        @usableFromInline static let dataOffset = 12
        @usableFromInline static let flags = 13
        @usableFromInline static let window = 14
        @usableFromInline static let checksum = 16
        @usableFromInline static let urgentPointer = 18
        @usableFromInline static let options = 20
    }

    /// The whole segment.
    public let bytes: UnsafeMutableRawBufferPointer

    /// A view without any check, for emitting into a buffer the caller sized.
    @inlinable public init(unchecked bytes: UnsafeMutableRawBufferPointer) {
        self.bytes = bytes
    }

    /// A view of `bytes` whose data offset is at least 5 and within the buffer.
    @inlinable @inline(__always) public init(_ bytes: UnsafeMutableRawBufferPointer) throws(WireError) {
        self.bytes = bytes
        try checkLength()
    }

    /// Throws unless the buffer holds the fixed header and `headerLength` bytes, with a data
    /// offset of at least 5 (the checks of Linux `tcp_v4_rcv`).
    @inlinable @inline(__always) public func checkLength() throws(WireError) {
        // One inlined test for the usual, valid case; the error path is out of line.
        if _fastPath(bytes.count >= TCPHeader.minimumLength && dataOffset >= 5 && bytes.count >= headerLength) { return }
        try lengthError()
    }

    /// The checks of `checkLength` one by one, for the error that names the first to fail.
    @usableFromInline @inline(never) func lengthError() throws(WireError) {
        if bytes.count < TCPHeader.minimumLength {
            throw .truncated(layer: .tcp, needed: TCPHeader.minimumLength, available: bytes.count)
        }
        if dataOffset < 5 { throw .invalidField(layer: .tcp, field: "data offset", value: Int(dataOffset)) }
        if bytes.count < headerLength { throw .truncated(layer: .tcp, needed: headerLength, available: bytes.count) }
    }

    @inlinable public var sourcePort: UInt16 {
        get { bytes.wireUInt16(at: Field.sourcePort) }
        nonmutating set { bytes.setWireUInt16(newValue, at: Field.sourcePort) }
    }

    @inlinable public var destinationPort: UInt16 {
        get { bytes.wireUInt16(at: Field.destinationPort) }
        nonmutating set { bytes.setWireUInt16(newValue, at: Field.destinationPort) }
    }

    @inlinable public var sequenceNumber: UInt32 {
        get { bytes.wireUInt32(at: Field.sequenceNumber) }
        nonmutating set { bytes.setWireUInt32(newValue, at: Field.sequenceNumber) }
    }

    @inlinable public var acknowledgmentNumber: UInt32 {
        get { bytes.wireUInt32(at: Field.acknowledgmentNumber) }
        nonmutating set { bytes.setWireUInt32(newValue, at: Field.acknowledgmentNumber) }
    }

    /// The header length in 32-bit words (5...15).
    @inlinable public var dataOffset: UInt8 {
        get { bytes.wireUInt8(at: Field.dataOffset) >> 4 }
        nonmutating set {
            bytes.setWireUInt8(newValue << 4 | (bytes.wireUInt8(at: Field.dataOffset) & 0x0F), at: Field.dataOffset)
        }
    }

    /// The header length in bytes, `dataOffset * 4`.
    @inlinable @inline(__always) public var headerLength: Int { Int(dataOffset) * 4 }

    /// The four reserved bits after the data offset (bit 0 was the historic ECN nonce, RFC 3540).
    @inlinable public var reservedBits: UInt8 {
        get { bytes.wireUInt8(at: Field.dataOffset) & 0x0F }
        nonmutating set {
            bytes.setWireUInt8((bytes.wireUInt8(at: Field.dataOffset) & 0xF0) | (newValue & 0x0F), at: Field.dataOffset)
        }
    }

    @inlinable public var flags: TCPFlags {
        get { TCPFlags(rawValue: bytes.wireUInt8(at: Field.flags)) }
        nonmutating set { bytes.setWireUInt8(newValue.rawValue, at: Field.flags) }
    }

    /// The receive window, before window scaling.
    @inlinable public var window: UInt16 {
        get { bytes.wireUInt16(at: Field.window) }
        nonmutating set { bytes.setWireUInt16(newValue, at: Field.window) }
    }

    @inlinable public var checksum: UInt16 {
        get { bytes.wireUInt16(at: Field.checksum) }
        nonmutating set { bytes.setWireUInt16(newValue, at: Field.checksum) }
    }

    @inlinable public var urgentPointer: UInt16 {
        get { bytes.wireUInt16(at: Field.urgentPointer) }
        nonmutating set { bytes.setWireUInt16(newValue, at: Field.urgentPointer) }
    }

    /// The option bytes, `20..<headerLength`.
    @inlinable public var options: UnsafeMutableRawBufferPointer { bytes.wireSlice(Field.options..<headerLength) }

    /// The data, from `headerLength` to the end of the segment.
    @inlinable @inline(__always) public var payload: UnsafeMutableRawBufferPointer { bytes.wireSlice(from: headerLength) }

    /// The partial sum of the pseudo-header this segment's checksum covers (protocol 6, the
    /// segment's length).
    @inlinable @inline(__always) func pseudoHeaderSum(source: IPv4Address, destination: IPv4Address) -> UInt32 {
        InternetChecksum.pseudoHeaderSum(source: source, destination: destination, protocol: .tcp, length: bytes.count)
    }

    /// Computes the checksum over pseudo-header, header and data, and stores it. O(n).
    @inlinable public func fillChecksum(source: IPv4Address, destination: IPv4Address) {
        // Over the stale value plus its complement: see `IPv4Packet.fillChecksum`.
        let stale = checksum
        checksum = InternetChecksum.checksum(
            UnsafeRawBufferPointer(bytes),
            initial: pseudoHeaderSum(source: source, destination: destination) &+ UInt32(~stale))
    }

    /// Whether the checksum verifies. O(n).
    @inlinable @inline(__always) public func verifyChecksum(source: IPv4Address, destination: IPv4Address) -> Bool {
        verifyChecksum(source: source, destination: destination, complete: InternetChecksum.sum(UnsafeRawBufferPointer(bytes)))
    }

    /// `verifyChecksum(source:destination:)` given `complete`, the partial sum of the whole
    /// segment taken beforehand (Linux `CHECKSUM_COMPLETE`, e.g. an outer UDP datagram's sum
    /// with the headers before this segment pulled off). O(1).
    @inlinable @inline(__always) public func verifyChecksum(source: IPv4Address, destination: IPv4Address, complete: UInt32) -> Bool {
        InternetChecksum.verifies(complete: complete, pseudoHeaderSum: pseudoHeaderSum(source: source, destination: destination))
    }
}

/// A TCP header as a value, options included.
public struct TCPHeader: Hashable, Sendable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var sequenceNumber: UInt32
    public var acknowledgmentNumber: UInt32
    public var flags: TCPFlags
    public var window: UInt16
    public var urgentPointer: UInt16
    public var options: TCPOptions

    /// The fixed header without options.
    public static let minimumLength = 20
    /// Data offset 15: 60 bytes.
    public static let maximumLength = 60

    @inlinable public init(
        sourcePort: UInt16, destinationPort: UInt16, sequenceNumber: UInt32, acknowledgmentNumber: UInt32 = 0,
        flags: TCPFlags, window: UInt16, urgentPointer: UInt16 = 0, options: TCPOptions = TCPOptions()
    ) {
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.sequenceNumber = sequenceNumber
        self.acknowledgmentNumber = acknowledgmentNumber
        self.flags = flags
        self.window = window
        self.urgentPointer = urgentPointer
        self.options = options
    }

    /// `20 + options.encodedLength`.
    @inlinable @inline(__always) public var headerLength: Int { TCPHeader.minimumLength + options.encodedLength }

    /// Reads and validates a header: data offset 5...15 within the buffer, well-formed options
    /// and, unless `verifyChecksum` is false, the checksum against the pseudo-header of
    /// `source` and `destination`.
    @inlinable @inline(__always) public static func parse(
        _ segment: TCPSegment, source: IPv4Address, destination: IPv4Address, verifyChecksum: Bool = true
    ) throws(WireError) -> TCPHeader {
        try segment.checkLength()
        if verifyChecksum && !segment.verifyChecksum(source: source, destination: destination) {
            throw .badChecksum(layer: .tcp)
        }
        return try TCPHeader(segment)
    }

    /// `parse(_:source:destination:)` with the checksum verified against `complete`, the
    /// partial sum of the whole segment taken beforehand (Linux `CHECKSUM_COMPLETE`): O(header)
    /// instead of a pass over the data.
    @inlinable @inline(__always) public static func parse(
        _ segment: TCPSegment, source: IPv4Address, destination: IPv4Address, complete: UInt32
    ) throws(WireError) -> TCPHeader {
        try segment.checkLength()
        if !segment.verifyChecksum(source: source, destination: destination, complete: complete) {
            throw .badChecksum(layer: .tcp)
        }
        return try TCPHeader(segment)
    }

    /// The fields and options of a length-checked view.
    @inlinable @inline(__always) init(_ segment: TCPSegment) throws(WireError) {
        // Field by field into the result and the options parsed in place: a header assembled
        // in a temporary with narrow stores and then copied out in wide loads stalls on every
        // load (no store-to-load forwarding across sizes).
        sourcePort = segment.sourcePort
        destinationPort = segment.destinationPort
        sequenceNumber = segment.sequenceNumber
        acknowledgmentNumber = segment.acknowledgmentNumber
        flags = segment.flags
        window = segment.window
        urgentPointer = segment.urgentPointer
        options = TCPOptions()
        try options.read(UnsafeRawBufferPointer(segment.options))
    }

    /// Writes the header and options (Linux layout), then the checksum over pseudo-header,
    /// header and data: `segment.bytes` must be exactly the segment with its data in place
    /// after `headerLength` bytes.
    @inlinable @inline(__always) public func emit(into segment: TCPSegment, source: IPv4Address, destination: IPv4Address) {
        let headerLength = self.headerLength
        precondition(segment.bytes.count >= headerLength, "TCP buffer too short for the header")
        // Written as whole 32-bit words and summed from the values, not read back after the
        // stores (see `IPv4Header.emit`); only the data is read.
        let bytes = segment.bytes
        let ports = UInt32(sourcePort) << 16 | UInt32(destinationPort)
        let offsetFlagsWindow = UInt32(headerLength / 4) << 28 | UInt32(flags.rawValue) << 16 | UInt32(window)
        bytes.setWireUInt32(ports, at: TCPSegment.Field.sourcePort)
        bytes.setWireUInt32(sequenceNumber, at: TCPSegment.Field.sequenceNumber)
        bytes.setWireUInt32(acknowledgmentNumber, at: TCPSegment.Field.acknowledgmentNumber)
        bytes.setWireUInt32(offsetFlagsWindow, at: TCPSegment.Field.dataOffset)
        let optionsSum = options.emit(into: segment.options)
        var sum = segment.pseudoHeaderSum(source: source, destination: destination)
        sum &+= InternetChecksum.sum(word: ports) &+ InternetChecksum.sum(word: sequenceNumber)
            &+ InternetChecksum.sum(word: acknowledgmentNumber) &+ InternetChecksum.sum(word: offsetFlagsWindow)
            &+ UInt32(urgentPointer) &+ optionsSum
        let data = UnsafeRawBufferPointer(bytes.wireSlice(from: headerLength))
        let checksum = InternetChecksum.fold(InternetChecksum.sum(data, initial: sum))
        bytes.setWireUInt32(UInt32(checksum) << 16 | UInt32(urgentPointer), at: TCPSegment.Field.checksum)
    }

    /// Writes header, options and checksum into `bytes`, the whole segment; see
    /// `emit(into:source:destination:)`.
    @inlinable @inline(__always) public func emit(into bytes: UnsafeMutableRawBufferPointer, source: IPv4Address, destination: IPv4Address) {
        emit(into: TCPSegment(unchecked: bytes), source: source, destination: destination)
    }
}
