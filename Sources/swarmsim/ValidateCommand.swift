import ArgumentParser

/// `swarmsim validate FILE...`: read and check scenarios without running them.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Read and check scenarios without running them.",
        discussion: """
            Reports every error in each file as FILE:LINE:COL: error: ..., not just the first. \
            Exit code 0 when all files are valid, 2 otherwise.
            """
    )

    @Argument(help: ArgumentHelp("The scenario files.", valueName: "file"))
    var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("Give at least one scenario file.") }
    }

    func run() throws {
        try NotBuiltYet.exit("validate", arrivesWith: "the scenario loader")
    }
}
