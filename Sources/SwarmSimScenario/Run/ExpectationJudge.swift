import SwarmSimCore

/// Evaluates a scenario's `expect:` entries against what the run measured.
///
/// One entry may assert several things (failed, distribution, latency, sequence); each gets its
/// own verdict with the value measured, so a failing CI run says which number was off and by how
/// much, not only that something failed.
struct ExpectationJudge {
    /// A task of the judged service, in `docker service ps` order, with its IPVS weight.
    struct TaskWeight {
        var name: String
        var weight: Int
    }

    let ledger: RequestLedger
    /// The tasks of a service (nil: the service does not exist).
    let tasks: (String) -> [TaskWeight]?

    func verdicts(for expectation: Expectation) -> [RunReport.Verdict] {
        let location = expectation.location.description
        let service = expectation.service
        guard let tasks = tasks(service) else {
            return [verdict("service \(service) exists", location, "no service named \(service) was created", false)]
        }
        var verdicts: [RunReport.Verdict] = []
        let clients = ledger.clientRecords(for: service)
        if let limit = expectation.failed {
            let failed = clients.filter { $0.failure != nil }
            var measured = "\(failed.count) of \(clients.count) requests failed"
            let reasons = Self.reasonCounts(failed.compactMap(\.failure))
            if !reasons.isEmpty { measured += " (" + reasons + ")" }
            verdicts.append(verdict("\(service): failed <= \(limit)", location, measured, failed.count <= limit))
        }
        if let distribution = expectation.distribution {
            verdicts.append(judgeDistribution(distribution, expectation, tasks, location))
        }
        if !expectation.latency.isEmpty {
            let latencies = Percentiles(clients.compactMap { $0.failure == nil ? $0.latency : nil })
            for bound in expectation.latency {
                let text = "\(service): latency \(bound.name) <= \(Self.format(bound.bound))"
                guard let value = latencies.value(at: bound.percentile) else {
                    verdicts.append(verdict(text, location, "no successful request to measure", false))
                    continue
                }
                verdicts.append(verdict(text, location, "\(bound.name) = \(Self.format(value))", value <= bound.bound))
            }
        }
        if !expectation.sequence.isEmpty {
            let measured = ledger.sequence(for: service)
            let prefix = measured.prefix(expectation.sequence.count + 3)
            let shown = prefix.joined(separator: ", ") + (measured.count > prefix.count ? ", ..." : "")
            verdicts.append(
                verdict(
                    "\(service): sequence \(expectation.sequence.joined(separator: ", "))", location,
                    "served in order: \(shown) (\(measured.count) requests)", measured == expectation.sequence))
        }
        return verdicts
    }

    private func judgeDistribution(
        _ distribution: Expectation.Distribution, _ expectation: Expectation, _ tasks: [TaskWeight], _ location: String
    ) -> RunReport.Verdict {
        let service = expectation.service
        let names = tasks.map(\.name)
        let served = ledger.servedCounts(for: service, order: names)
        let expected: [(task: String, share: Double)]
        let label: String
        switch distribution {
        case .uniform:
            expected = DistributionCheck.uniform(names)
            label = "uniform"
        case .weighted:
            expected = DistributionCheck.weighted(tasks.map { ($0.name, $0.weight) })
            label = "weighted"
        case .shares(let shares):
            expected = shares.map { ($0.task, $0.share) }
            label = shares.map { "\($0.task) \(Self.percent($0.share))" }.joined(separator: ", ")
        case .counts(let counts):
            let measured = counts.map { count in (count.task, served.first { $0.task == count.task }?.count ?? 0) }
            let passed = measured.elementsEqual(counts.map { ($0.task, $0.count) }) { $0 == $1 }
            let text = counts.map { "\($0.task) \($0.count)" }.joined(separator: ", ")
            let got = served.map { "\($0.task) \($0.count)" }.joined(separator: ", ")
            return verdict("\(service): distribution \(text)", location, "served: \(got)", passed)
        }
        let check = DistributionCheck(served: served, expected: expected)
        let got = check.rows.map { "\($0.task) \($0.served) (\(Self.percent($0.measuredShare)))" }.joined(separator: ", ")
        if check.total == 0 {
            return verdict("\(service): distribution \(label)", location, "no request was served", false)
        }
        if let minimum = expectation.chi2 {
            let p = check.chiSquarePValue
            return verdict(
                "\(service): distribution \(label), chi-square p >= \(minimum)", location,
                "p = \(Self.fixed(p, 4)); served: \(got)", p >= minimum)
        }
        let tolerance = expectation.tolerance ?? 0
        let worst = check.worst.map { " (\($0.task))" } ?? ""
        return verdict(
            "\(service): distribution \(label) within \(Self.percent(tolerance))", location,
            "largest difference \(Self.percent(check.largestDifference))\(worst); served: \(got)",
            check.largestDifference <= tolerance + 1e-12)
    }

    private func verdict(_ text: String, _ location: String, _ measured: String, _ passed: Bool) -> RunReport.Verdict {
        RunReport.Verdict(expectation: text, location: location, measured: measured, passed: passed)
    }

    static func reasonCounts(_ reasons: [String]) -> String {
        var order: [String] = []
        var counts: [String: Int] = [:]
        for reason in reasons {
            if counts[reason] == nil { order.append(reason) }
            counts[reason, default: 0] += 1
        }
        return order.map { "\(counts[$0]!) \($0)" }.joined(separator: ", ")
    }

    static func percent(_ fraction: Double) -> String {
        fixed(fraction * 100, 2) + "%"
    }

    static func fixed(_ value: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = String(rounded)
        if let dot = text.firstIndex(of: ".") {
            let decimals = text.distance(from: dot, to: text.endIndex) - 1
            if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
        } else if digits > 0 {
            text += "." + String(repeating: "0", count: digits)
        }
        return text
    }

    /// `1.5ms`, `250us`, `2s`: the largest unit that keeps the value readable.
    static func format(_ duration: SimDuration) -> String {
        let ns = duration.nanoseconds
        if ns >= 1_000_000_000 { return fixed(Double(ns) / 1e9, 3) + "s" }
        if ns >= 1_000_000 { return fixed(Double(ns) / 1e6, 3) + "ms" }
        if ns >= 1_000 { return fixed(Double(ns) / 1e3, 3) + "us" }
        return "\(ns)ns"
    }
}
