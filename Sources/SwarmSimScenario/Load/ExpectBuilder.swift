import Yams

/// `expect:`. A distribution map is shares when its values are written `75%` or `0.75` (with a
/// `%` or a decimal point), counts when they are whole numbers (`3`).
struct ExpectBuilder {
    let reader: YAMLReader

    static let keys = ["service", "failed", "distribution", "tolerance", "chi2", "latency", "sequence"]

    func expectations(_ node: Node) -> [Expectation]? {
        reader.sequence(node, "expect")?.compactMap(expectation)
    }

    func expectation(_ node: Node) -> Expectation? {
        guard let f = reader.mapping(node, "an expectation", allowed: Self.keys, required: ["service"]) else { return nil }
        guard let service = f["service"].flatMap({ reader.string($0, "service") }) else { return nil }
        var distribution: Expectation.Distribution?
        if let d = f["distribution"] {
            if case .scalar = d {
                distribution = reader.value(d, "distribution", "uniform, weighted, or a map task -> share or count") {
                    $0 == "uniform" ? .uniform : $0 == "weighted" ? .weighted : nil
                }
            } else if let entries = reader.freeMapping(d, "distribution") {
                distribution = map(entries, service: service)
            }
        }
        if let t = f.entries.first(where: { $0.key == "chi2" }), f.has("tolerance") {
            reader.fail(t.keyNode, "chi2 is instead of tolerance: give one of them")
        }
        var latency: [Expectation.LatencyBound] = []
        if let l = f["latency"], let entries = reader.freeMapping(l, "latency") {
            for (key, keyNode, value) in entries {
                guard key.hasPrefix("p"), let p = Double(key.dropFirst()), p > 0, p <= 100 else {
                    reader.fail(keyNode, "expected a percentile such as p50, p99 or p99.9 in latency, found '\(key)'")
                    continue
                }
                if let bound = reader.duration(value, key) {
                    latency.append(.init(name: key, percentile: p, bound: bound))
                }
            }
        }
        var sequence: [String] = []
        if let s = f["sequence"], let items = reader.strings(s, "sequence") {
            for (task, item) in items where checkTask(task, item, service) { sequence.append(task) }
        }
        return Expectation(
            location: f.location, service: service, failed: f["failed"].flatMap { reader.int($0, "failed", 0...Int.max) },
            distribution: distribution, tolerance: f["tolerance"].flatMap { reader.fraction($0, "tolerance") },
            chi2: f["chi2"].flatMap { reader.fraction($0, "chi2") }, latency: latency, sequence: sequence
        )
    }

    func checkTask(_ task: String, _ node: Node, _ service: String) -> Bool {
        guard task.hasPrefix(service + "."), task.count > service.count + 1 else {
            reader.fail(node, "expected a task of \(service) named \(service).SLOT or \(service).NODE, found '\(task)'")
            return false
        }
        return true
    }

    func map(_ entries: [(key: String, keyNode: Node, value: Node)], service: String) -> Expectation.Distribution? {
        let isShare = entries.map { entry -> Bool in
            let text = entry.value.scalar?.string ?? ""
            return text.hasSuffix("%") || text.contains(".")
        }
        if isShare.contains(true) && isShare.contains(false) {
            reader.fail(entries[isShare.firstIndex(of: !isShare[0])!].value,
                        "a distribution is all shares (75%, 0.75) or all counts (3), not both")
            return nil
        }
        if isShare.first ?? true {
            var shares: [Expectation.TaskShare] = []
            for (task, keyNode, value) in entries where checkTask(task, keyNode, service) {
                if let s = reader.fraction(value, "the share of \(task)") { shares.append(.init(task: task, share: s)) }
            }
            if shares.map(\.share).reduce(0, +) > 1.000001 {
                reader.fail(entries[0].keyNode, "the shares of the distribution add up to more than 100%")
            }
            return .shares(shares)
        }
        var counts: [Expectation.TaskCount] = []
        for (task, keyNode, value) in entries where checkTask(task, keyNode, service) {
            if let c = reader.int(value, "the count of \(task)", 0...Int.max) { counts.append(.init(task: task, count: c)) }
        }
        return .counts(counts)
    }
}
