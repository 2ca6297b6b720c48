import ArgumentParser

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
        try NotBuiltYet.exit("check", arrivesWith: "the scenario loader and the swarm control plane")
    }
}
