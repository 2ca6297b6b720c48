import ArgumentParser
import SwarmSimScenario

/// `swarmsim check FILE...`: run several scenarios, one verdict line each.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run several scenarios and print one verdict line each.",
        discussion: "Exit code 0 when every scenario passes, 1 when one fails, 2 when one is bad input."
    )

    @Argument(help: ArgumentHelp("The scenario files.", valueName: "file"))
    var files: [String]

    @Option(name: .long, help: ArgumentHelp("Write a JUnit XML report (one test case per expectation) to this file.", valueName: "file"))
    var junit: String?

    @Option(name: .long, help: ArgumentHelp("Seed every scenario with N instead of its own seed.", valueName: "n"))
    var seed: UInt64?

    @Flag(name: .customLong("no-capture"), help: "Write no captures.")
    var noCapture = false

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("Give at least one scenario file.") }
    }

    func run() throws {
        var worst: Int32 = 0
        var reports: [(String, RunReport)] = []
        for file in files {
            let outcome = ScenarioRunner.run(
                path: file, settings: RunSettings(seed: seed, capture: !noCapture), quiet: true, out: { _ in },
                err: { FileStream.standardError.write($0 + "\n") })
            let verdict: String
            switch outcome.exitCode {
            case 0: verdict = "PASS"
            case 1: verdict = "FAIL"
            default: verdict = "ERROR"
            }
            var line = "\(verdict)  \(file)"
            if let report = outcome.report {
                let failed = report.expectations.filter { !$0.passed }
                line += "  (\(report.expectations.count - failed.count)/\(report.expectations.count) expectations hold)"
                for verdict in failed { line += "\n      FAIL  \(verdict.expectation): \(verdict.measured)" }
                reports.append((file, report))
            }
            FileStream.standardOutput.write(line + "\n")
            worst = max(worst, outcome.exitCode)
        }
        if let junit { try JUnitReport.write(reports, to: junit) }
        if worst != 0 { throw ExitCode(worst) }
    }
}
