/// Go's `text/tabwriter` as docker/cli's formatter uses it (`NewWriter(out, 10, 1, 3, ' ', 0)`):
/// tab-terminated cells aligned in columns of max(minwidth, widest cell + padding); the text after
/// a line's last tab belongs to no column. Column blocks follow Go's recursive `format`.
struct DockerTabWriter {
    var minWidth = 10
    var padding = 3

    func render(_ lines: [[String]]) -> String {
        var out = ""
        var widths: [Int] = []
        format(lines, 0, lines.count, &widths, &out)
        return out
    }

    private func format(_ lines: [[String]], _ start: Int, _ end: Int, _ widths: inout [Int], _ out: inout String) {
        var line0 = start
        let column = widths.count
        var this = start
        while this < end {
            if column >= lines[this].count - 1 {
                this += 1
                continue
            }
            write(lines, line0, this, widths, &out)
            line0 = this
            var width = minWidth
            while this < end, column < lines[this].count - 1 {
                width = max(width, lines[this][column].count + padding)
                this += 1
            }
            widths.append(width)
            format(lines, line0, this, &widths, &out)
            widths.removeLast()
            line0 = this
        }
        write(lines, line0, end, widths, &out)
    }

    private func write(_ lines: [[String]], _ start: Int, _ end: Int, _ widths: [Int], _ out: inout String) {
        guard start < end else { return }
        for line in lines[start..<end] {
            for (index, cell) in line.enumerated() {
                out += cell
                if index < widths.count { out += String(repeating: " ", count: widths[index] - cell.count) }
            }
            out += "\n"
        }
    }
}

/// docker/cli's `formatter` helpers and go-units' `HumanDuration`.
enum DockerFormat {
    static func truncateID(_ id: String) -> String { String(id.prefix(12)) }

    /// `formatter.Ellipsis` for ASCII-width text.
    static func ellipsis(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }

    /// `formatter.PrettyPrint`: first letter upper case, the rest lower case.
    static func pretty(_ text: String) -> String {
        text.count <= 1 ? text.lowercased() : text.prefix(1).uppercased() + text.dropFirst().lowercased()
    }

    /// go-units `HumanDuration`.
    static func humanDuration(nanoseconds: Int64) -> String {
        let seconds = nanoseconds / 1_000_000_000
        if seconds < 1 { return "Less than a second" }
        if seconds == 1 { return "1 second" }
        if seconds < 60 { return "\(seconds) seconds" }
        let minutes = seconds / 60
        if minutes == 1 { return "About a minute" }
        if minutes < 60 { return "\(minutes) minutes" }
        let hours = Int64((Double(nanoseconds) / 3.6e12).rounded())
        if hours == 1 { return "About an hour" }
        if hours < 48 { return "\(hours) hours" }
        if hours < 24 * 7 * 2 { return "\(hours / 24) days" }
        if hours < 24 * 30 * 2 { return "\(hours / 24 / 7) weeks" }
        if hours < 24 * 365 * 2 { return "\(hours / 24 / 30) months" }
        return "\(nanoseconds / 3_600_000_000_000 / 24 / 365) years"
    }

    /// fvbommel/sortorder `NaturalLess`: digit runs compare as numbers.
    static func naturalLess(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var i = 0, j = 0
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        while i < x.count && j < y.count {
            if isDigit(x[i]) && isDigit(y[j]) {
                var ei = i, ej = j
                while ei < x.count && isDigit(x[ei]) { ei += 1 }
                while ej < y.count && isDigit(y[ej]) { ej += 1 }
                let na = Array(x[i..<ei].drop(while: { $0 == 48 })), nb = Array(y[j..<ej].drop(while: { $0 == 48 }))
                if na.count != nb.count { return na.count < nb.count }
                if na != nb { return na.lexicographicallyPrecedes(nb) }
                if ei - i != ej - j { return ei - i < ej - j }
                i = ei
                j = ej
            } else {
                if x[i] != y[j] { return x[i] < y[j] }
                i += 1
                j += 1
            }
        }
        return x.count - i < y.count - j
    }
}
