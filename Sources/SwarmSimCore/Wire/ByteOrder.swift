/// Big-endian ("network order", RFC 1700) loads and stores at byte offsets, for the views.
///
/// The views check their lengths once, when they are made (`init(_:)`), so these helpers do
/// not check bounds again outside debug builds: `loadUnaligned` and `storeBytes` only
/// debug-precondition the range. Packet fields are rarely aligned (an IPv4 header starts at
/// byte 14 of an Ethernet frame), hence the unaligned forms.
extension UnsafeMutableRawBufferPointer {
    @inlinable @inline(__always)
    func wireUInt8(at offset: Int) -> UInt8 {
        self[offset]
    }

    @inlinable @inline(__always)
    func setWireUInt8(_ value: UInt8, at offset: Int) {
        self[offset] = value
    }

    @inlinable @inline(__always)
    func wireUInt16(at offset: Int) -> UInt16 {
        UInt16(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inlinable @inline(__always)
    func setWireUInt16(_ value: UInt16, at offset: Int) {
        storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt16.self)
    }

    @inlinable @inline(__always)
    func wireUInt32(at offset: Int) -> UInt32 {
        UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inlinable @inline(__always)
    func setWireUInt32(_ value: UInt32, at offset: Int) {
        storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt32.self)
    }

    /// The bytes in `range` as a buffer of their own (offset 0 is `range.lowerBound`).
    @inlinable @inline(__always)
    func wireSlice(_ range: Range<Int>) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(rebasing: self[range])
    }

    /// The bytes from `offset` to the end as a buffer of their own.
    @inlinable @inline(__always)
    func wireSlice(from offset: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(rebasing: self[offset...])
    }
}

extension UnsafeRawBufferPointer {
    @inlinable @inline(__always)
    func wireUInt16(at offset: Int) -> UInt16 {
        UInt16(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inlinable @inline(__always)
    func wireUInt32(at offset: Int) -> UInt32 {
        UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
}
