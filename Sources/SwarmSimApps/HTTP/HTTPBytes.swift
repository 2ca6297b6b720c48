/// Byte comparisons for the per-message paths, as plain loops over contiguous storage: the
/// generic `starts(with:)` cost several times as much per byte (callgrind, HTTP benchmark).
enum HTTPBytes {
    /// Whether `bytes` begins with `prefix`.
    static func hasPrefix(_ bytes: [UInt8], _ prefix: [UInt8]) -> Bool {
        guard bytes.count >= prefix.count else { return false }
        return bytes.withUnsafeBufferPointer { bytes in
            prefix.withUnsafeBufferPointer { prefix in
                for index in 0..<prefix.count where bytes[index] != prefix[index] { return false }
                return true
            }
        }
    }
}

extension HTTPBytes {
    /// The index of the first LF in `bytes[start..<end]`, or `end` if there is none.
    ///
    /// Eight bytes per step: a word XORed with eight LFs has a zero byte where an LF was, and
    /// `(w - 0x01..01) & ~w & 0x80..80` flags zero bytes; a borrow can only flag bytes above a
    /// real zero, so the lowest flag is the first LF (Hacker's Delight 6-1; glibc's generic
    /// `memchr`). Heads are scanned twice per message (for their end, then line by line).
    static func firstNewline(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        var index = start
        if end - start >= 8, let base = UnsafeRawPointer(bytes.baseAddress) {
            while index + 8 <= end {
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                    ^ 0x0A0A_0A0A_0A0A_0A0A
                let zeros = (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
                if zeros != 0 { return index + zeros.trailingZeroBitCount >> 3 }
                index += 8
            }
        }
        while index < end && bytes[index] != 0x0A { index += 1 }
        return index
    }
}
