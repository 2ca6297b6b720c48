/// The keyspace and the commands the simulated redis knows, with redis 7's replies and error
/// texts (`server.c` commandCheckExistence / commandCheckArity, `t_string.c`, `db.c`).
///
/// Strings and hashes exist, with no expiry: SET's options (EX, PX, NX, XX, GET, ...) are
/// refused with `-ERR syntax error` rather than half-modelled. Hashes are what the redis-node
/// example app keeps its per-client counts in (HINCRBY, HGETALL); their fields keep insertion
/// order, as redis' listpack encoding of small hashes does.
public final class RedisKeyspace {
    private var values: [[UInt8]: [UInt8]] = [:]
    private var hashes: [[UInt8]: [(field: [UInt8], value: [UInt8])]] = [:]

    public init() {}

    /// The number of keys.
    public var count: Int { values.count }

    /// The value of `key`, as GET would return it.
    public func value(_ key: String) -> String? {
        values[Array(key.utf8)].map { String(decoding: $0, as: UTF8.self) }
    }

    /// The commands, with redis' arity (negative: at least that many words).
    static let arity: [String: Int] = [
        "ping": -1, "echo": 2, "get": 2, "set": -3, "incr": 2, "del": -2, "quit": -1,
        "hincrby": 4, "hget": 3, "hgetall": 2,
    ]

    static let wrongType = "WRONGTYPE Operation against a key holding the wrong kind of value"

    /// Runs one request (command and arguments) and returns its reply.
    public func execute(_ words: [[UInt8]]) -> RESPValue {
        precondition(!words.isEmpty, "an empty request has no command")
        let name = String(decoding: words[0], as: UTF8.self)
        let command = name.lowercased()
        guard let arity = RedisKeyspace.arity[command] else { return .error(RedisKeyspace.unknownCommand(words)) }
        if (arity > 0 && words.count != arity) || (arity < 0 && words.count < -arity) {
            return .error("ERR wrong number of arguments for '\(command)' command")
        }
        let arguments = Array(words.dropFirst())
        switch command {
        case "ping":
            switch arguments.count {
            case 0: return .simpleString("PONG")
            case 1: return .bulkString(arguments[0])
            default: return .error("ERR wrong number of arguments for 'ping' command")
            }
        case "echo":
            return .bulkString(arguments[0])
        case "get":
            if hashes[arguments[0]] != nil { return .error(RedisKeyspace.wrongType) }
            return .bulkString(values[arguments[0]])
        case "set":
            guard arguments.count == 2 else { return .error("ERR syntax error") }
            hashes[arguments[0]] = nil
            values[arguments[0]] = arguments[1]
            return .simpleString("OK")
        case "incr":
            if hashes[arguments[0]] != nil { return .error(RedisKeyspace.wrongType) }
            let current: Int64
            if let stored = values[arguments[0]] {
                guard let parsed = RedisKeyspace.integer(stored) else {
                    return .error("ERR value is not an integer or out of range")
                }
                current = parsed
            } else {
                current = 0
            }
            guard current < Int64.max else { return .error("ERR increment or decrement would overflow") }
            values[arguments[0]] = Array(String(current + 1).utf8)
            return .integer(current + 1)
        case "del":
            var removed: Int64 = 0
            for key in arguments {
                if values.removeValue(forKey: key) != nil || hashes.removeValue(forKey: key) != nil { removed += 1 }
            }
            return .integer(removed)
        case "hincrby":
            return hashIncrement(key: arguments[0], field: arguments[1], by: arguments[2])
        case "hget":
            if values[arguments[0]] != nil { return .error(RedisKeyspace.wrongType) }
            return .bulkString(hashes[arguments[0]]?.first { $0.field == arguments[1] }?.value)
        case "hgetall":
            if values[arguments[0]] != nil { return .error(RedisKeyspace.wrongType) }
            let fields = hashes[arguments[0]] ?? []
            return .array(fields.flatMap { [RESPValue.bulkString($0.field), .bulkString($0.value)] })
        case "quit":
            return .simpleString("OK")
        default:
            preconditionFailure("command \(command) has an arity but no implementation")
        }
    }

    /// HINCRBY (`t_hash.c` hincrbyCommand): the increment must be an integer, the stored value
    /// too, and the sum must not overflow.
    private func hashIncrement(key: [UInt8], field: [UInt8], by increment: [UInt8]) -> RESPValue {
        guard let delta = RedisKeyspace.integer(increment) else {
            return .error("ERR value is not an integer or out of range")
        }
        if values[key] != nil { return .error(RedisKeyspace.wrongType) }
        var fields = hashes[key] ?? []
        let index = fields.firstIndex { $0.field == field }
        var current: Int64 = 0
        if let index {
            guard let parsed = RedisKeyspace.integer(fields[index].value) else {
                return .error("ERR hash value is not an integer")
            }
            current = parsed
        }
        let (sum, overflow) = current.addingReportingOverflow(delta)
        guard !overflow else { return .error("ERR increment or decrement would overflow") }
        let stored = Array(String(sum).utf8)
        if let index { fields[index].value = stored } else { fields.append((field, stored)) }
        hashes[key] = fields
        return .integer(sum)
    }

    /// `commandCheckExistence`: the name as sent (at most 128 bytes) and the first arguments,
    /// each quoted and followed by a blank, until 128 bytes of them have been listed; CR and
    /// LF become blanks.
    static func unknownCommand(_ words: [[UInt8]]) -> String {
        var args: [UInt8] = []
        for word in words.dropFirst() where args.count < 128 {
            args += Array("'".utf8) + word.prefix(128 - args.count) + Array("' ".utf8)
        }
        let text = Array("ERR unknown command '".utf8) + words[0].prefix(128)
            + Array("', with args beginning with: ".utf8) + args
        return String(decoding: text.map { $0 == 13 || $0 == 10 ? 32 : $0 }, as: UTF8.self)
    }

    /// redis' `string2ll`: an optional '-', digits without leading zeros (bar "0"), no blanks,
    /// within 64 bits.
    static func integer(_ bytes: [UInt8]) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 20 else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        guard let first = digits.first, first.isASCII, first.isNumber,
            digits.allSatisfy({ $0.isASCII && $0.isNumber }), first != "0" || digits.count == 1,
            text != "-0"
        else { return nil }
        return Int64(text)
    }
}
