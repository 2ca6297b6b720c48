import Foundation
import SwarmSimScenario
import Testing

/// The repository root, from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// Runs a scenario of Scenarios/ without captures and returns what `swarmsim run` prints.
func replay(_ name: String, seed: UInt64? = nil, directory: String) -> (text: String, outcome: RunOutcome) {
    var lines: [String] = []
    let outcome = ScenarioRunner.run(
        path: repositoryRoot + "/Scenarios/\(name).yaml",
        settings: RunSettings(seed: seed, outputDirectory: directory, capture: false),
        out: { lines.append($0) }, err: { lines.append("stderr: " + $0) })
    return (lines.joined(separator: "\n") + "\n", outcome)
}

/// Every scenario in Scenarios/ is a golden test: its printed run is compared with the committed
/// snapshot in Golden/NAME.txt. Set SWARMSIM_UPDATE_GOLDEN=1 to rewrite the snapshots after a
/// deliberate change, and review the diff.
@Suite struct ScenarioGoldenTests {
    @Test(arguments: ["lbapp1", "service-discovery", "multi-host-redis", "weighted-failover"])
    func replayMatchesTheSnapshot(name: String) throws {
        let directory = NSTemporaryDirectory() + "swarmsim-golden-\(name)-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (text, outcome) = replay(name, directory: directory)
        #expect(outcome.exitCode == 0, "\(text)")
        let golden = repositoryRoot + "/Tests/SwarmSimScenarioTests/Golden/\(name).txt"
        if ProcessInfo.processInfo.environment["SWARMSIM_UPDATE_GOLDEN"] != nil {
            try text.write(toFile: golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: golden, encoding: .utf8)
        #expect(text == expected)
        let report = try #require(outcome.report)
        #expect(report.passed)
        #expect(FileManager.default.fileExists(atPath: directory + "/report.json"))
    }

    /// lbapp1: rr alternates between the two tasks' containers for successive curls.
    @Test func lbapp1CurlsAlternateBetweenTheTasks() throws {
        let directory = NSTemporaryDirectory() + "swarmsim-alternate-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (text, outcome) = replay("lbapp1", directory: directory)
        let hosts = text.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("<h1>This request was processed by host: ") else { return nil }
            return String(line.dropFirst("<h1>This request was processed by host: ".count).prefix(12))
        }
        #expect(hosts.count == 3)
        #expect(hosts[0] != hosts[1] && hosts[1] != hosts[2])
        let tasks = try #require(outcome.report?.services.first { $0.name == "lbapp1" }?.tasks)
        #expect(Set(hosts) == Set(tasks.map { String($0.containerID.prefix(12)) }))
    }

    /// Another seed changes the random choices (IDs, ports) but not the distribution.
    @Test func anotherSeedKeepsTheDistribution() throws {
        let directory = NSTemporaryDirectory() + "swarmsim-seed2-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let one = replay("service-discovery", directory: directory)
        let two = replay("service-discovery", seed: 2, directory: directory)
        #expect(one.text != two.text)
        #expect(two.outcome.exitCode == 0)
        #expect(one.outcome.report?.services.map { $0.tasks.map(\.served) } == two.outcome.report?.services.map { $0.tasks.map(\.served) })
    }
}
