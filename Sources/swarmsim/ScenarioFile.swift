import ArgumentParser
import SwarmSimScenario

/// Loads a scenario for a verb, printing every located error and exiting 2 when it is bad.
enum ScenarioFile {
    static func load(_ path: String) throws -> Scenario {
        do {
            return try ScenarioLoader.load(path: path)
        } catch {
            FileStream.standardError.write(error.description + "\n")
            throw ExitCode(2)
        }
    }
}
