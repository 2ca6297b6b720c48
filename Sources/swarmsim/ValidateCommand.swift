import ArgumentParser
import SwarmSimScenario

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
        var failed = false
        for file in files {
            do {
                let scenario = try ScenarioLoader.load(path: file)
                FileStream.standardOutput.write("\(file): ok (\(scenario.name), \(scenario.steps.count) steps)\n")
            } catch {
                failed = true
                FileStream.standardError.write(error.description + "\n")
            }
        }
        if failed { throw ExitCode(2) }
    }
}
