import ArgumentParser
import SwarmSimScenario

/// Options that change how a scenario runs and where its results go, shared by `run` and `check`.
struct RunOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Write captures and the report here instead of out/NAME.", valueName: "dir"))
    var out: String?

    @Option(name: .long, help: ArgumentHelp("Seed every random choice with N instead of the scenario's seed.", valueName: "n"))
    var seed: UInt64?

    @Flag(name: .customLong("no-capture"), help: "Write no pcap or pcapng files (the report is still written).")
    var noCapture = false

    @Option(name: .long, help: ArgumentHelp("A capture filter in tcpdump (BPF) syntax, applied at every capture point.", valueName: "bpf"))
    var filter: String?

    @Option(name: .long, help: ArgumentHelp("Also write the report as JSON to this file.", valueName: "file"))
    var json: String?

    @Option(name: .long, help: ArgumentHelp("Write a JUnit XML report of the expectations to this file.", valueName: "file"))
    var junit: String?

    @Flag(name: .long, help: "Print only the distribution and the verdicts, not each step.")
    var quiet = false

    /// The options as the runner takes them.
    var settings: RunSettings {
        RunSettings(seed: seed, outputDirectory: out, capture: !noCapture, filter: filter, jsonPath: json)
    }
}
