import ArgumentParser
import SwarmSimScenario

/// `swarmsim run FILE`: replay one scenario, print each step, the distribution and the verdicts.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario: print each step and its output, the distribution and the verdicts.",
        discussion: """
            Prints each step as it runs with the simulated time and the node it runs on, then a \
            table of the load-balancing distribution per service and task, then the verdict of \
            each expectation. Captures (one pcap per capture point and one merged pcapng) and \
            report.json are written under out/NAME unless --out is given.

            Exit codes: 0 every expectation holds, 1 an expectation failed, 2 bad input \
            (nothing is written then).
            """
    )

    @Argument(help: ArgumentHelp("The scenario file (YAML).", valueName: "file"))
    var file: String

    @OptionGroup var options: RunOptions

    func run() throws {
        let outcome = ScenarioRunner.run(
            path: file, settings: options.settings, quiet: options.quiet,
            out: { FileStream.standardOutput.write($0 + "\n") }, err: { FileStream.standardError.write($0 + "\n") })
        if let junit = options.junit, let report = outcome.report {
            try JUnitReport.write([(file, report)], to: junit)
        }
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}
