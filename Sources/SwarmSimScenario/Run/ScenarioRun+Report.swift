import SwarmSimCore
import SwarmSimSwarm

extension ScenarioRun {
    /// The tasks of a service as the report lists them: per slot the newest task, by slot.
    func reportTasks(_ service: String) -> [TaskInfo] {
        var latest: [TaskInfo] = []
        for task in cluster.tasks(of: service) {
            if let index = latest.firstIndex(where: { $0.slotName == task.slotName }) {
                latest[index] = task
            } else {
                latest.append(task)
            }
        }
        return latest
    }

    /// Every service the run created, in creation order.
    var serviceNames: [String] { cluster.serviceList.map(\.spec.name) }

    /// The verdicts of the step expectations (`expect:` of a step) and of the scenario's.
    func verdicts() -> [RunReport.Verdict] {
        var verdicts: [RunReport.Verdict] = []
        for (index, step) in scenario.steps.enumerated() {
            guard let expect = step.expect else { continue }
            let location = expect.location.description
            guard let result = stepResults[index] else {
                verdicts.append(.init(expectation: "step \(index + 1) finishes", location: location, measured: "it did not finish", passed: false))
                continue
            }
            if let pattern = expect.output {
                let matched = (try? Regex(pattern).anchorsMatchLineEndings()).map { result.output.contains($0) } ?? false
                verdicts.append(
                    .init(
                        expectation: "step \(index + 1): output matches /\(pattern)/", location: location,
                        measured: matched ? "matched" : "output was: " + Self.abbreviate(result.output), passed: matched))
            }
            if let exit = expect.exit {
                verdicts.append(
                    .init(
                        expectation: "step \(index + 1): exit \(exit)", location: location,
                        measured: "exit \(result.exitCode)", passed: result.exitCode == exit))
            }
        }
        let judge = ExpectationJudge(ledger: ledger) { [unowned self] service in
            guard cluster.serviceInfo(service) != nil else { return nil }
            let weights = cluster.serviceInfo(service)?.spec.weights ?? [:]
            return reportTasks(service).map { .init(name: $0.slotName, weight: weights[$0.slotName] ?? 1) }
        }
        for expectation in scenario.expectations { verdicts += judge.verdicts(for: expectation) }
        return verdicts
    }

    static func abbreviate(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: "\\n")
        return flat.count > 200 ? String(flat.prefix(200)) + "..." : flat
    }

    /// The report of the run.
    func report(verdicts: [RunReport.Verdict]) -> RunReport {
        var services: [RunReport.Service] = []
        for name in serviceNames {
            guard let info = cluster.serviceInfo(name) else { continue }
            let tasks = reportTasks(name)
            let served = ledger.servedCounts(for: name, order: tasks.map(\.slotName))
            let clients = ledger.clientRecords(for: name)
            let failed = clients.filter { $0.failure != nil }
            let latencies = Percentiles(clients.compactMap { $0.failure == nil ? $0.latency : nil })
            let latency = latencies.value(at: 50).map { p50 in
                RunReport.Latency(
                    count: latencies.count, p50: Self.milliseconds(p50), p90: Self.milliseconds(latencies.value(at: 90)!),
                    p99: Self.milliseconds(latencies.value(at: 99)!), max: Self.milliseconds(latencies.maximum!))
            }
            services.append(
                RunReport.Service(
                    name: name, id: info.id, requests: clients.count, failed: failed.count,
                    tasks: tasks.map { task in
                        RunReport.Task(
                            name: task.slotName, node: task.node ?? "", containerID: task.containerID ?? "",
                            addresses: Dictionary(
                                task.addresses.map { ($0.network, $0.address.description) }, uniquingKeysWith: { a, _ in a }),
                            served: served.first { $0.task == task.slotName }?.count ?? 0)
                    },
                    failures: failed.map {
                        RunReport.Failure(
                            step: $0.step + 1, time: Self.seconds($0.start), target: $0.target, reason: $0.failure ?? "")
                    },
                    latency: latency))
        }
        let captures = (capture?.capturePoints ?? []).map {
            RunReport.CaptureCount(point: $0.name, packets: $0.packetCount, file: $0.pcapPath.map(Self.fileName))
        }
        return RunReport(
            scenario: scenario.name, seed: seed, simulatedSeconds: Self.seconds(endTime), services: services,
            captures: captures, expectations: verdicts, passed: verdicts.allSatisfy(\.passed))
    }

    static func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    static func milliseconds(_ d: SimDuration) -> Double { Double(d.nanoseconds) / 1e6 }
    static func seconds(_ t: SimTime) -> Double { Double(t.nanoseconds) / 1e9 }

    /// The distribution table: per service and task, who served how many requests.
    func distributionTable() -> [String] {
        var rows: [[String]] = [["SERVICE", "TASK", "NODE", "CONTAINER", "SERVED", "SHARE"]]
        for name in serviceNames {
            let tasks = reportTasks(name)
            let served = ledger.servedCounts(for: name, order: tasks.map(\.slotName))
            let total = served.reduce(0) { $0 + $1.count }
            guard total > 0 else { continue }
            for (task, count) in served {
                let info = tasks.first { $0.slotName == task }
                rows.append([
                    name, task, info?.node ?? "", String((info?.containerID ?? "").prefix(12)), String(count),
                    ExpectationJudge.percent(Double(count) / Double(total)),
                ])
            }
        }
        guard rows.count > 1 else { return [] }
        var widths = Array(repeating: 0, count: rows[0].count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i >= 4 ? pad + cell : cell + pad
            }.joined(separator: "  ").replacing(/\s+$/, with: "")
        }
    }
}
