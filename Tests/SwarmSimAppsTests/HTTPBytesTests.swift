import Testing
@testable import SwarmSimApps
import SwarmSimCore

@Suite struct HTTPBytesTests {
    /// Against a byte-by-byte search: every start and end over buffers with LFs at random places,
    /// bytes just below and above LF (0x09, 0x0B) and 0x8A (LF with the high bit) around them.
    @Test func firstNewlineMatchesAByteLoop() {
        var random = RandomStream(seed: 3, name: "first newline")
        let alphabet: [UInt8] = [0x0A, 0x09, 0x0B, 0x8A, 0x00, 0xFF, 0x41, 0x0D]
        for _ in 0..<100 {
            let count = Int(random.next(below: 40))
            let bytes = (0..<count).map { _ in random.next(below: 4) == 0 ? alphabet[Int(random.next(below: 8))] : 0x61 }
            bytes.withUnsafeBufferPointer { buffer in
                for start in 0...count {
                    for end in start...count {
                        let expected = (start..<end).first { buffer[$0] == 0x0A } ?? end
                        #expect(HTTPBytes.firstNewline(buffer, from: start, to: end) == expected)
                    }
                }
            }
        }
    }

    @Test func hasPrefixComparesEveryByte() {
        let prefix = Array("<h1>This".utf8)
        #expect(HTTPBytes.hasPrefix(Array("<h1>This request".utf8), prefix))
        #expect(HTTPBytes.hasPrefix(prefix, prefix))
        #expect(!HTTPBytes.hasPrefix(Array("<h1>Thi".utf8), prefix), "shorter than the prefix")
        #expect(!HTTPBytes.hasPrefix(Array("<h1>Thix".utf8), prefix), "last byte differs")
        #expect(!HTTPBytes.hasPrefix(Array("x<h1>This".utf8), prefix), "first byte differs")
    }

    /// Start-line parts against the standard library's split (empty parts kept), for lines of
    /// spaces and letters at every offset of a larger buffer and every split limit.
    @Test func startLinePartsMatchSplit() {
        var random = RandomStream(seed: 4, name: "start line parts")
        for _ in 0..<300 {
            let count = Int(random.next(below: 12))
            let line = (0..<count).map { _ in random.next(below: 3) == 0 ? UInt8(0x20) : UInt8(0x61 + random.next(below: 3)) }
            let buffer = [0x41, 0x20] + line + [0x20, 0x42]
            let slice = buffer[2..<2 + count]
            for maxSplits in [1, 2, 3, Int.max] {
                let parts = StartLineParts(slice, maxSplits: maxSplits)
                let expected = slice.split(separator: 0x20, maxSplits: maxSplits, omittingEmptySubsequences: false)
                #expect(parts.count == expected.count)
                for index in 0..<min(3, expected.count) {
                    let kept = expected[index]
                    #expect(parts[index] == kept.startIndex..<kept.endIndex, "line \(line) part \(index) splits \(maxSplits)")
                }
            }
        }
    }
}
