import SwarmSimCore

/// dig's text layout, as BIND 9.10 prints a message (`bin/dig/dig.c` printmessage and
/// received, `lib/dns/message.c` sectiontotext, `lib/dns/masterdump.c` rdataset_totext).
enum DigFormat {
    /// The columns dig's default style uses (`dns_master_stylecreate2(..., 24, 32, 40, 48, 80, 8)`).
    static let ttlColumn = 24, classColumn = 32, typeColumn = 40, rdataColumn = 48, tabWidth = 8

    /// masterdump's `indent`: at least one blank, tabs to the last tab stop before `to`, then
    /// spaces (none with the default columns, which are multiples of 8).
    static func indent(_ line: inout String, column: inout Int, to target: Int) {
        let to = max(target, column + 1)
        let tabs = to / tabWidth - column / tabWidth
        var from = column
        if tabs > 0 {
            line += String(repeating: "\t", count: tabs)
            from = (to / tabWidth) * tabWidth
        }
        line += String(repeating: " ", count: max(0, to - from))
        column = to
    }

    /// A question line: ";NAME<tabs>CLASS<tab>TYPE". The leading ';' is not counted in the
    /// columns (sectiontotext writes it before calling questiontotext).
    static func question(_ question: DNSQuestion) -> String {
        var line = question.name.description
        var column = line.utf8.count
        indent(&line, column: &column, to: classColumn)
        let cls = question.class.description
        line += cls
        column += cls.utf8.count
        indent(&line, column: &column, to: typeColumn)
        line += question.type.description
        return ";" + line + "\n"
    }

    /// A record line: "NAME<tabs>TTL<tab>CLASS<tab>TYPE<tab>RDATA".
    static func record(_ record: DNSResourceRecord) -> String {
        var line = record.name.description
        var column = line.utf8.count
        for (target, text) in [
            (ttlColumn, String(record.ttl)), (classColumn, record.class.description),
            (typeColumn, record.type.description),
        ] {
            indent(&line, column: &column, to: target)
            line += text
            column += text.utf8.count
        }
        indent(&line, column: &column, to: rdataColumn)
        return line + rdata(record.data) + "\n"
    }

    /// RDATA in presentation format; types without a decoder as RFC 3597 `\# LEN HEX`.
    static func rdata(_ data: DNSRecordData) -> String {
        switch data {
        case .a(let address): return address.description
        case .ns(let name), .cname(let name), .ptr(let name): return name.description
        case .mx(let preference, let exchange): return "\(preference) \(exchange)"
        case .srv(let priority, let weight, let port, let target): return "\(priority) \(weight) \(port) \(target)"
        case .soa(let soa):
            return "\(soa.primaryServer) \(soa.responsibleMailbox) \(soa.serial) \(soa.refresh) \(soa.retry) "
                + "\(soa.expire) \(soa.minimum)"
        case .other(_, let bytes):
            let hex = bytes.map { byte -> String in
                let digits = String(byte, radix: 16, uppercase: true)
                return digits.count == 1 ? "0" + digits : digits
            }.joined()
            return bytes.isEmpty ? "\\# 0" : "\\# \(bytes.count) \(hex)"
        }
    }

    /// A section with its heading and trailing blank line; nothing for an empty section.
    static func section(_ title: String, _ lines: [String]) -> String {
        lines.isEmpty ? "" : ";; \(title) SECTION:\n" + lines.joined() + "\n"
    }

    /// `strftime("%a %b %d %H:%M:%S %Z %Y")` in UTC for a simulated instant, counted from the
    /// Unix epoch as the capture timestamps are.
    static func when(_ time: SimTime) -> String {
        let seconds = time.nanoseconds / 1_000_000_000
        let days = seconds / 86_400
        let secondOfDay = seconds % 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(weekdays[Int(days % 7)]) \(months[Int(month) - 1]) \(two(day)) "
            + "\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) UTC \(year)"
    }

    /// The proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's
    /// civil_from_days), for non-negative counts.
    static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = daysSinceEpoch + 719_468
        let era = z / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
