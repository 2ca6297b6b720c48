import Foundation

/// The output of an external tool run by a test.
public struct ToolResult {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs Wireshark's command-line tools. A missing tool fails the test (it does not skip it):
/// capture files are only trusted once Wireshark has read them.
public enum Tool {
    public static let tsharkPath = "/usr/bin/tshark"
    public static let capinfosPath = "/usr/bin/capinfos"

    public static var hasCapinfos: Bool { FileManager.default.isExecutableFile(atPath: capinfosPath) }

    /// `tshark ARGS`; throws (failing the test) when tshark is not installed.
    public static func tshark(_ arguments: [String]) throws -> ToolResult {
        guard FileManager.default.isExecutableFile(atPath: tsharkPath) else {
            throw TestFailure(
                "tshark is required to check capture files but is not installed at \(tsharkPath) "
                    + "(apt-get install tshark)")
        }
        return try run(tsharkPath, arguments)
    }

    /// `tshark ARGS`, which must exit 0; returns its standard output.
    public static func tsharkOutput(_ arguments: [String]) throws -> String {
        let result = try tshark(arguments)
        guard result.status == 0 else {
            throw TestFailure("tshark \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result.stdout
    }

    /// Runs `executable` to completion. Output goes through temporary files rather than pipes so
    /// a chatty tool can never block on a full pipe while we wait for it.
    public static func run(_ executable: String, _ arguments: [String]) throws -> ToolResult {
        try withTemporaryDirectory { scratch in
            let outPath = scratch + "/stdout"
            let errPath = scratch + "/stderr"
            guard FileManager.default.createFile(atPath: outPath, contents: nil),
                FileManager.default.createFile(atPath: errPath, contents: nil)
            else { throw TestFailure("cannot create output files for \(executable)") }
            guard let out = FileHandle(forWritingAtPath: outPath), let err = FileHandle(forWritingAtPath: errPath)
            else {
                throw TestFailure("cannot create output files for \(executable)")
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.standardOutput = out
            process.standardError = err
            process.standardInput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            try out.close()
            try err.close()
            return ToolResult(
                status: process.terminationStatus,
                stdout: String(decoding: try fileBytes(outPath), as: UTF8.self),
                stderr: String(decoding: try fileBytes(errPath), as: UTF8.self))
        }
    }
}
