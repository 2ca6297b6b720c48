/// A value of the Redis serialization protocol, version 2
/// (https://redis.io/docs/latest/develop/reference/protocol-spec/).
///
/// ```text
/// +OK\r\n                      simple string
/// -ERR unknown command ...\r\n error
/// :42\r\n                      integer
/// $5\r\nhello\r\n              bulk string ($-1\r\n: the null bulk string)
/// *2\r\n$3\r\nGET\r\n$1\r\nk\r\n  array of values (*-1\r\n: the null array)
/// ```
public enum RESPValue: Equatable, Sendable {
    case simpleString(String)
    case error(String)
    case integer(Int64)
    /// nil is the null bulk string, GET's "no such key".
    case bulkString([UInt8]?)
    /// nil is the null array.
    case array([RESPValue]?)

    /// A bulk string from text.
    public static func bulk(_ text: String) -> RESPValue { .bulkString(Array(text.utf8)) }

    /// A command as clients send it: an array of bulk strings.
    public static func command(_ words: [String]) -> RESPValue { .array(words.map(bulk)) }

    /// The bytes on the wire.
    public func serialized() -> [UInt8] {
        var bytes: [UInt8] = []
        serialize(into: &bytes)
        return bytes
    }

    public func serialize(into bytes: inout [UInt8]) {
        func line(_ prefix: Character, _ text: String) {
            bytes.append(contentsOf: Array(String(prefix).utf8) + Array(text.utf8) + [13, 10])
        }
        switch self {
        case .simpleString(let text): line("+", text)
        case .error(let text): line("-", text)
        case .integer(let value): line(":", String(value))
        case .bulkString(nil): line("$", "-1")
        case .bulkString(let data?):
            line("$", String(data.count))
            bytes.append(contentsOf: data)
            bytes.append(contentsOf: [13, 10])
        case .array(nil): line("*", "-1")
        case .array(let values?):
            line("*", String(values.count))
            for value in values { value.serialize(into: &bytes) }
        }
    }

    /// The text of a string value (simple or bulk), for clients.
    public var text: String? {
        switch self {
        case .simpleString(let text): text
        case .bulkString(let data?): String(decoding: data, as: UTF8.self)
        default: nil
        }
    }
}
