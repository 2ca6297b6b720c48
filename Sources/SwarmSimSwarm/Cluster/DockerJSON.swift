import SwarmSimCore

/// A JSON document as the docker CLI prints an inspect result: the daemon's compact JSON
/// re-indented by `json.Indent(prefix "", indent "    ")`, so objects keep the daemon's field
/// order (Go struct declaration order) and maps come out with sorted keys (encoding/json sorts
/// map keys). The same tree feeds `--format` templates, where a struct and a map print
/// differently (`{a b}` vs `map[k:v]`).
indirect enum DockerJSON {
    case string(String)
    case bool(Bool)
    case null
    /// A Go struct: fields in declaration order.
    case object([(String, DockerJSON)])
    /// A Go map: keys sorted when printed, as encoding/json and fmt both do.
    case map([(String, DockerJSON)])
    case array([DockerJSON])

    /// The indented text, without a trailing newline.
    func indented(level: Int = 0) -> String {
        let pad = String(repeating: "    ", count: level + 1)
        let close = String(repeating: "    ", count: level)
        switch self {
        case .string(let text): return Self.quoted(text)
        case .bool(let value): return value ? "true" : "false"
        case .null: return "null"
        case .object(let fields), .map(let fields):
            let entries = isMap ? fields.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) } : fields
            guard !entries.isEmpty else { return "{}" }
            let body = entries.map { pad + Self.quoted($0.0) + ": " + $0.1.indented(level: level + 1) }
            return "{\n" + body.joined(separator: ",\n") + "\n" + close + "}"
        case .array(let items):
            guard !items.isEmpty else { return "[]" }
            return "[\n" + items.map { pad + $0.indented(level: level + 1) }.joined(separator: ",\n") + "\n" + close + "]"
        }
    }

    private var isMap: Bool {
        if case .map = self { return true }
        return false
    }

    /// The value as a template sees it: a nil map prints `map[]`, a bool `true`/`false`.
    var goValue: GoValue {
        switch self {
        case .string(let text): return .string(text)
        case .bool(let value): return .string(value ? "true" : "false")
        case .null: return .map([])
        case .object(let fields): return .structure(fields.map { ($0.0, $0.1.goValue) })
        case .map(let entries): return .map(entries.map { ($0.0, $0.1.goValue) })
        case .array(let items): return .slice(items.map(\.goValue))
        }
    }

    /// encoding/json string escaping, including its HTML-safe `\u003c`, `\u003e`, `\u0026`.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                out += "\\u" + Self.hex4(scalar.value)
            default:
                if scalar.value < 0x20 { out += "\\u" + Self.hex4(scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

/// Go's `time.Time` JSON form (RFC 3339 with nanoseconds, trailing zeros trimmed, `Z` for UTC) of
/// a simulated instant, the simulated wall clock being the Unix epoch plus simulated time.
enum GoTimeFormat {
    static func rfc3339Nano(_ time: SimTime) -> String {
        let total = time.nanoseconds
        let seconds = total >= 0 ? total / 1_000_000_000 : (total - 999_999_999) / 1_000_000_000
        let nanos = total - seconds * 1_000_000_000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T"
            + "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        if nanos != 0 {
            var fraction = pad(nanos, 9)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        return text + "Z"
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `civil_from_days`).
    static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
