/// Round-trip bookkeeping and the summary lines of both pings, with their integer arithmetic.
struct PingStatistics {
    var transmitted = 0
    var received = 0
    /// Round trips in microseconds, as both tools measure them.
    var tmin = Int64.max
    var tmax: Int64 = 0
    var tsum: Int64 = 0
    /// iputils keeps the sum of squares as a double.
    var tsum2: Double = 0

    mutating func add(_ triptime: Int64) {
        received += 1
        tsum += triptime
        tsum2 += Double(triptime * triptime)
        tmin = min(tmin, triptime)
        tmax = max(tmax, triptime)
    }

    /// "%u.%03u" of a microsecond count.
    static func millis(_ micros: Int64) -> String {
        let fraction = String(micros % 1000)
        return "\(micros / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// busybox `print_stats_and_exit`.
    func busyboxSummary(host: String) -> String {
        var out = "\n--- \(host) ping statistics ---\n"
        let loss = transmitted == 0 ? 0 : (transmitted - received) * 100 / transmitted
        out += "\(transmitted) packets transmitted, \(received) packets received, \(loss)% packet loss\n"
        if received > 0 {
            let avg = tsum / Int64(received)
            out += "round-trip min/avg/max = \(Self.millis(tmin))/\(Self.millis(avg))/\(Self.millis(tmax)) ms\n"
        }
        return out
    }

    /// iputils `finish`; `elapsed` is from the start to the last transmission, in nanoseconds.
    func iputilsSummary(host: String, elapsed: Int64, errors: Int) -> String {
        var out = "\n--- \(host) ping statistics ---\n"
        out += "\(transmitted) packets transmitted, \(received) received"
        if errors > 0 { out += ", +\(errors) errors" }
        if transmitted > 0 {
            let loss = Double(transmitted - received) * 100.0 / Double(transmitted)
            out += ", \(Self.percentG(loss))% packet loss, time \((elapsed + 500_000) / 1_000_000)ms"
        }
        out += "\n"
        if received > 0 {
            let total = Int64(received)
            let avg = tsum / total
            // The order of operations of ping_common.c, integer division included.
            let variance = Int64((tsum2 - Double((tsum * tsum) / total)) / Double(total))
            let mdev = Self.integerSquareRoot(variance)
            out += "rtt min/avg/max/mdev = \(Self.millis(tmin))/\(Self.millis(avg))/\(Self.millis(tmax))/"
                + "\(Self.millis(mdev)) ms"
        }
        return out + "\n"
    }

    /// iputils' `llsqrt`: the floor of the square root, 0 for negatives.
    static func integerSquareRoot(_ value: Int64) -> Int64 {
        guard value > 0 else { return 0 }
        var root = Int64(Double(value).squareRoot())
        while root * root > value { root -= 1 }
        while (root + 1) * (root + 1) <= value { root += 1 }
        return root
    }

    /// printf's "%g" for a percentage (0...100): six significant digits, trailing zeros dropped.
    static func percentG(_ value: Double) -> String {
        let integerDigits = value >= 100 ? 3 : value >= 10 ? 2 : 1
        let decimals = 6 - integerDigits
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int64((value * Double(scale)).rounded())
        let whole = scaled / scale
        var fraction = String(scaled % scale)
        fraction = String(repeating: "0", count: decimals - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? "\(whole)" : "\(whole).\(fraction)"
    }

    /// iputils' per-reply "time=" with its rounding to three significant figures.
    static func iputilsTime(_ triptime: Int64) -> String {
        if triptime >= 100_000 - 50 { return "\((triptime + 500) / 1000)" }
        if triptime >= 10_000 - 5 { return "\((triptime + 50) / 1000).\(((triptime + 50) % 1000) / 100)" }
        if triptime >= 1000 {
            let hundredths = ((triptime + 5) % 1000) / 10
            return "\((triptime + 5) / 1000)." + (hundredths < 10 ? "0" : "") + "\(hundredths)"
        }
        return millis(triptime)
    }
}
