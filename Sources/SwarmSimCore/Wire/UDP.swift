/// The User Datagram Protocol ([RFC 768](https://www.rfc-editor.org/rfc/rfc768)).
///
/// ```text
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |          Source Port          |       Destination Port        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |            Length             |           Checksum            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                          data ...                             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///
/// Pseudo-header covered by the checksum:
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                       Source Address                          |
/// |                     Destination Address                       |
/// |     zero      |  Protocol 17  |          UDP Length           |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
///
/// Checksum 0 means "not computed" and is accepted on IPv4; a computed 0 is sent as 0xFFFF.
/// A Linux VXLAN device computes the outer checksum unless it was created with `noudpcsum`
/// (`VXLAN_F_UDP_ZERO_CSUM_TX` in drivers/net/vxlan/vxlan_core.c); for one that does not,
/// emit with `includeChecksum: false`.

/// A zero-copy view of a UDP datagram. `bytes` may extend past `length`; `payload` stops there.
public struct UDPDatagram {
    @usableFromInline enum Field {
        @usableFromInline static let sourcePort = 0
        @usableFromInline static let destinationPort = 2
        @usableFromInline static let length = 4
        @usableFromInline static let checksum = 6
        @usableFromInline static let payload = 8
    }

    /// The datagram and anything after it in the buffer.
    public let bytes: UnsafeMutableRawBufferPointer

    /// A view without any check, for emitting into a buffer the caller sized.
    @inlinable public init(unchecked bytes: UnsafeMutableRawBufferPointer) {
        self.bytes = bytes
    }

    /// A view of `bytes` whose length field is at least 8 and within the buffer.
    @inlinable @inline(__always) public init(_ bytes: UnsafeMutableRawBufferPointer) throws(WireError) {
        self.bytes = bytes
        try checkLength()
    }

    /// Throws unless the buffer holds the header and `length` bytes, and `length >= 8` (the
    /// checks of Linux `__udp4_lib_rcv`).
    @inlinable @inline(__always) public func checkLength() throws(WireError) {
        // One inlined test for the usual, valid case; the error path is out of line.
        if _fastPath(bytes.count >= UDPHeader.minimumLength && length >= 8 && bytes.count >= Int(length)) { return }
        try lengthError()
    }

    /// The checks of `checkLength` one by one, for the error that names the first to fail.
    @usableFromInline @inline(never) func lengthError() throws(WireError) {
        if bytes.count < UDPHeader.minimumLength {
            throw .truncated(layer: .udp, needed: UDPHeader.minimumLength, available: bytes.count)
        }
        let length = Int(self.length)
        if length < UDPHeader.minimumLength { throw .invalidField(layer: .udp, field: "length", value: length) }
        if bytes.count < length { throw .truncated(layer: .udp, needed: length, available: bytes.count) }
    }

    @inlinable public var sourcePort: UInt16 {
        get { bytes.wireUInt16(at: Field.sourcePort) }
        nonmutating set { bytes.setWireUInt16(newValue, at: Field.sourcePort) }
    }

    @inlinable public var destinationPort: UInt16 {
        get { bytes.wireUInt16(at: Field.destinationPort) }
        nonmutating set { bytes.setWireUInt16(newValue, at: Field.destinationPort) }
    }

    /// Header plus data, in bytes.
    @inlinable public var length: UInt16 {
        get { bytes.wireUInt16(at: Field.length) }
        nonmutating set { bytes.setWireUInt16(newValue, at: Field.length) }
    }

    @inlinable public var checksum: UInt16 {
        get { bytes.wireUInt16(at: Field.checksum) }
        nonmutating set { bytes.setWireUInt16(newValue, at: Field.checksum) }
    }

    /// The data, `8..<length`.
    @inlinable @inline(__always) public var payload: UnsafeMutableRawBufferPointer { bytes.wireSlice(Field.payload..<Int(length)) }

    /// The checksum field for a partial sum covering pseudo-header, header and data: folded
    /// and complemented, with a computed 0 sent as 0xFFFF (0 means "no checksum", RFC 768).
    @inlinable @inline(__always) static func transmittedChecksum(_ sum: UInt32) -> UInt16 {
        let checksum = InternetChecksum.fold(sum)
        return checksum == 0 ? 0xFFFF : checksum
    }

    /// The partial sum of the pseudo-header this datagram's checksum covers (protocol 17, the
    /// length field).
    @inlinable @inline(__always) func pseudoHeaderSum(source: IPv4Address, destination: IPv4Address) -> UInt32 {
        InternetChecksum.pseudoHeaderSum(source: source, destination: destination, protocol: .udp, length: Int(length))
    }

    /// Computes the checksum over pseudo-header, header and the first `length` bytes, and
    /// stores it. O(n).
    @inlinable public func fillChecksum(source: IPv4Address, destination: IPv4Address) {
        // Over the stale value plus its complement: see `IPv4Packet.fillChecksum`.
        let stale = checksum
        let datagram = UnsafeRawBufferPointer(bytes.wireSlice(0..<Int(length)))
        checksum = UDPDatagram.transmittedChecksum(
            InternetChecksum.sum(datagram, initial: pseudoHeaderSum(source: source, destination: destination) &+ UInt32(~stale)))
    }

    /// Whether the checksum verifies; a zero checksum ("none") counts as verified. O(n).
    @inlinable @inline(__always) public func verifyChecksum(source: IPv4Address, destination: IPv4Address) -> Bool {
        if checksum == 0 { return true }
        let datagram = UnsafeRawBufferPointer(bytes.wireSlice(0..<Int(length)))
        return verifyChecksum(source: source, destination: destination, complete: InternetChecksum.sum(datagram))
    }

    /// `verifyChecksum(source:destination:)` given `complete`, the partial sum of the first
    /// `length` bytes taken beforehand (Linux `CHECKSUM_COMPLETE`). O(1).
    @inlinable @inline(__always) public func verifyChecksum(source: IPv4Address, destination: IPv4Address, complete: UInt32) -> Bool {
        if checksum == 0 { return true }
        return InternetChecksum.verifies(complete: complete, pseudoHeaderSum: pseudoHeaderSum(source: source, destination: destination))
    }

    /// The partial sum of pseudo-header and header, with a zero checksum field, taken from the
    /// values `emit` writes rather than read back after the stores (see `IPv4Header.emit`).
    @inlinable @inline(__always) static func headerSum(
        ports: UInt32, length: UInt16, source: IPv4Address, destination: IPv4Address
    ) -> UInt32 {
        InternetChecksum.pseudoHeaderSum(source: source, destination: destination, protocol: .udp, length: Int(length))
            &+ InternetChecksum.sum(word: ports) &+ UInt32(length)
    }

    /// Writes the header as two 32-bit words: ports, then length and checksum.
    @inlinable @inline(__always) func writeHeader(ports: UInt32, length: UInt16, checksum: UInt16) {
        bytes.setWireUInt32(ports, at: Field.sourcePort)
        bytes.setWireUInt32(UInt32(length) << 16 | UInt32(checksum), at: Field.length)
    }
}

/// A UDP header as a value.
public struct UDPHeader: Hashable, Sendable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    /// Header plus data, in bytes.
    public var length: UInt16
    /// The checksum as read by `parse`; `emit` computes its own and ignores this.
    public var checksum: UInt16

    /// The 8-byte header.
    public static let minimumLength = 8

    @inlinable public init(sourcePort: UInt16, destinationPort: UInt16, length: UInt16, checksum: UInt16 = 0) {
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.length = length
        self.checksum = checksum
    }

    /// A header for `payloadLength` bytes of data.
    @inlinable public init(sourcePort: UInt16, destinationPort: UInt16, payloadLength: Int) {
        self.init(sourcePort: sourcePort, destinationPort: destinationPort, length: UInt16(8 + payloadLength))
    }

    /// Always 8.
    @inlinable @inline(__always) public var headerLength: Int { UDPHeader.minimumLength }

    /// `length - 8`.
    @inlinable @inline(__always) public var payloadLength: Int { Int(length) - UDPHeader.minimumLength }

    /// Reads and validates a header; unless `verifyChecksum` is false, a non-zero checksum
    /// must verify against the pseudo-header of `source` and `destination`.
    @inlinable @inline(__always) public static func parse(
        _ datagram: UDPDatagram, source: IPv4Address, destination: IPv4Address, verifyChecksum: Bool = true
    ) throws(WireError) -> UDPHeader {
        try datagram.checkLength()
        if verifyChecksum && !datagram.verifyChecksum(source: source, destination: destination) {
            throw .badChecksum(layer: .udp)
        }
        return UDPHeader(datagram)
    }

    /// `parse(_:source:destination:)` with the checksum verified against `complete`, the
    /// partial sum of the datagram's `length` bytes taken beforehand (Linux `CHECKSUM_COMPLETE`):
    /// O(1) instead of a pass over the data.
    @inlinable @inline(__always) public static func parse(
        _ datagram: UDPDatagram, source: IPv4Address, destination: IPv4Address, complete: UInt32
    ) throws(WireError) -> UDPHeader {
        try datagram.checkLength()
        if !datagram.verifyChecksum(source: source, destination: destination, complete: complete) {
            throw .badChecksum(layer: .udp)
        }
        return UDPHeader(datagram)
    }

    /// The fields of a checked view.
    @inlinable @inline(__always) init(_ datagram: UDPDatagram) {
        self.init(
            sourcePort: datagram.sourcePort, destinationPort: datagram.destinationPort,
            length: datagram.length, checksum: datagram.checksum)
    }

    /// Writes the header and, if `includeChecksum`, the checksum over pseudo-header, header and
    /// data (else 0, as a `noudpcsum` VXLAN device sends). The data must already be in place in the
    /// first `length` bytes of `datagram.bytes`.
    @inlinable public func emit(
        into datagram: UDPDatagram, source: IPv4Address, destination: IPv4Address, includeChecksum: Bool = true
    ) {
        precondition(length >= 8 && datagram.bytes.count >= Int(length), "UDP buffer shorter than the length field")
        let ports = UInt32(sourcePort) << 16 | UInt32(destinationPort)
        var checksum: UInt16 = 0
        if includeChecksum {
            let data = UnsafeRawBufferPointer(datagram.bytes.wireSlice(UDPDatagram.Field.payload..<Int(length)))
            let headerSum = UDPDatagram.headerSum(ports: ports, length: length, source: source, destination: destination)
            checksum = UDPDatagram.transmittedChecksum(InternetChecksum.sum(data, initial: headerSum))
        }
        datagram.writeHeader(ports: ports, length: length, checksum: checksum)
    }

    /// Writes the header of a tunnel datagram whose inner transport checksum, at
    /// `innerTransportOffset` bytes into the datagram, is already correct, with the outer
    /// checksum computed as Linux's local checksum offload does (`lco_csum` from `udp_set_csum`,
    /// Documentation/networking/checksum-offloads.rst): a correct inner segment sums to the
    /// complement of its pseudo-header's sum, so only the bytes before it are read. The result
    /// equals the full computation whenever the inner checksum verifies. O(innerTransportOffset).
    @inlinable public func emit(
        into datagram: UDPDatagram, source: IPv4Address, destination: IPv4Address, innerTransportOffset: Int,
        innerPseudoHeaderSum: UInt32
    ) {
        precondition(length >= 8 && datagram.bytes.count >= Int(length), "UDP buffer shorter than the length field")
        precondition(innerTransportOffset >= 8 && innerTransportOffset <= Int(length) && innerTransportOffset % 2 == 0,
            "inner transport offset outside the datagram")
        let ports = UInt32(sourcePort) << 16 | UInt32(destinationPort)
        let headerSum = UDPDatagram.headerSum(ports: ports, length: length, source: source, destination: destination)
        let headers = UnsafeRawBufferPointer(
            datagram.bytes.wireSlice(UDPDatagram.Field.payload..<innerTransportOffset))
        let inner = UInt32(~InternetChecksum.foldedSum(innerPseudoHeaderSum))
        let checksum = UDPDatagram.transmittedChecksum(InternetChecksum.sum(headers, initial: headerSum &+ inner))
        datagram.writeHeader(ports: ports, length: length, checksum: checksum)
    }

    /// Writes the header and checksum into `bytes`; see `emit(into:source:destination:includeChecksum:)`.
    @inlinable public func emit(
        into bytes: UnsafeMutableRawBufferPointer, source: IPv4Address, destination: IPv4Address,
        includeChecksum: Bool = true
    ) {
        emit(into: UDPDatagram(unchecked: bytes), source: source, destination: destination, includeChecksum: includeChecksum)
    }
}
