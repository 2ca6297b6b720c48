import ArgumentParser

/// Says plainly that a verb is not built yet and exits with 2, the bad-input code, so that no CI
/// pipeline mistakes a verb that did nothing for a passing run.
enum NotBuiltYet {
    static func exit(_ verb: String, arrivesWith feature: String) throws -> Never {
        var stderr = StandardError()
        print("swarmsim \(verb): not built yet (arrives with \(feature)); nothing was run.", to: &stderr)
        throw ExitCode(2)
    }
}

/// Standard error as a `TextOutputStream`, for messages that must not mix with command output.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileStream.standardError.write(string)
    }
}
