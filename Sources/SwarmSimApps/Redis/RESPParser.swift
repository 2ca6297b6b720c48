/// What is wrong with bytes that claim to be RESP, in the words redis uses for a request
/// (`networking.c` processMultibulkBuffer / processInlineBuffer).
public enum RESPError: Error, Equatable, Sendable {
    case protocolError(String)

    public var message: String {
        switch self {
        case .protocolError(let what): "Protocol error: \(what)"
        }
    }
}

/// An incremental RESP2 reader: bytes go in as they arrive from TCP, complete values come
/// out; a value split across segments waits until the rest arrives.
public struct RESPParser: Sendable {
    private var buffer: [UInt8] = []
    private var offset = 0

    /// redis' limits on what a client may send (`proto-max-bulk-len`, the multibulk cap).
    static let maximumBulkLength = 512 * 1024 * 1024
    static let maximumMultibulkLength = 1024 * 1024

    public init() {}

    public mutating func append(_ bytes: [UInt8]) {
        if offset > 0 && offset == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            offset = 0
        }
        buffer += bytes
    }

    /// Bytes received and not yet consumed.
    public var pendingCount: Int { buffer.count - offset }

    /// The next complete value, or nil if more bytes are needed. O(n) in the value's size.
    public mutating func next() throws(RESPError) -> RESPValue? {
        var cursor = offset
        guard let value = try value(at: &cursor) else { return nil }
        offset = cursor
        return value
    }

    /// The next request as redis reads one: a multibulk array of bulk strings, or an inline
    /// command (words separated by blanks, ended by "\n"). Empty requests are skipped.
    public mutating func nextRequest() throws(RESPError) -> [[UInt8]]? {
        while offset < buffer.count {
            if buffer[offset] == UInt8(ascii: "*") {
                var cursor = offset + 1
                guard let header = line(from: &cursor) else { return nil }
                guard let count = Int(header), count <= RESPParser.maximumMultibulkLength else {
                    throw .protocolError("invalid multibulk length")
                }
                var words: [[UInt8]] = []
                for _ in 0..<max(count, 0) {
                    guard cursor < buffer.count else { return nil }
                    guard buffer[cursor] == UInt8(ascii: "$") else {
                        throw .protocolError("expected '$', got '\(Character(UnicodeScalar(buffer[cursor])))'")
                    }
                    cursor += 1
                    guard let lengthText = line(from: &cursor) else { return nil }
                    guard let length = Int(lengthText), length >= 0, length <= RESPParser.maximumBulkLength else {
                        throw .protocolError("invalid bulk length")
                    }
                    guard cursor + length + 2 <= buffer.count else { return nil }
                    words.append(Array(buffer[cursor..<(cursor + length)]))
                    cursor += length + 2
                }
                offset = cursor
                if count <= 0 { continue }
                return words
            }
            var cursor = offset
            guard let newline = buffer[cursor...].firstIndex(of: 10) else { return nil }
            var end = newline
            if end > cursor && buffer[end - 1] == 13 { end -= 1 }
            let words = buffer[cursor..<end].split(whereSeparator: { $0 == 32 || $0 == 9 }).map { Array($0) }
            cursor = newline + 1
            offset = cursor
            if words.isEmpty { continue }
            return words
        }
        return nil
    }

    /// A "\r\n"-terminated line starting at `cursor`, moving past it; nil if incomplete.
    private func line(from cursor: inout Int) -> String? {
        var index = cursor
        while index + 1 < buffer.count {
            if buffer[index] == 13 && buffer[index + 1] == 10 {
                let text = String(decoding: buffer[cursor..<index], as: UTF8.self)
                cursor = index + 2
                return text
            }
            index += 1
        }
        return nil
    }

    private func value(at cursor: inout Int) throws(RESPError) -> RESPValue? {
        guard cursor < buffer.count else { return nil }
        let type = buffer[cursor]
        cursor += 1
        guard let text = line(from: &cursor) else { return nil }
        switch type {
        case UInt8(ascii: "+"): return .simpleString(text)
        case UInt8(ascii: "-"): return .error(text)
        case UInt8(ascii: ":"):
            guard let value = Int64(text) else { throw .protocolError("invalid integer '\(text)'") }
            return .integer(value)
        case UInt8(ascii: "$"):
            guard let length = Int(text), length >= -1 else { throw .protocolError("invalid bulk length") }
            if length == -1 { return .bulkString(nil) }
            guard cursor + length + 2 <= buffer.count else { return nil }
            let data = Array(buffer[cursor..<(cursor + length)])
            cursor += length + 2
            return .bulkString(data)
        case UInt8(ascii: "*"):
            guard let count = Int(text), count >= -1 else { throw .protocolError("invalid multibulk length") }
            if count == -1 { return .array(nil) }
            var values: [RESPValue] = []
            for _ in 0..<count {
                guard let value = try value(at: &cursor) else { return nil }
                values.append(value)
            }
            return .array(values)
        default:
            throw .protocolError("unexpected type byte '\(Character(UnicodeScalar(type)))'")
        }
    }
}
