import Foundation
import SwarmSimCapture
import SwarmSimCore
import SwarmSimSwarm

/// What a run of `swarmsim run` ends with.
public struct RunOutcome: Sendable {
    /// 0: every expectation held; 1: one failed; 2: bad input.
    public var exitCode: Int32
    public var report: RunReport?
    /// Where the captures and report.json went.
    public var directory: String?
}

/// `swarmsim run FILE`: load, check, run, write the outputs, judge.
///
/// Bad input (the file, the capture filter, a cluster the control plane refuses) is found
/// before anything is written, so a refused scenario leaves no half-written folder behind.
public enum ScenarioRunner {
    public static func run(
        path: String, settings: RunSettings, quiet: Bool = false, out: @escaping (String) -> Void,
        err: @escaping (String) -> Void
    ) -> RunOutcome {
        let scenario: Scenario
        do {
            scenario = try ScenarioLoader.load(path: path)
        } catch {
            err(error.description)
            return RunOutcome(exitCode: 2)
        }
        return run(scenario, settings: settings, quiet: quiet, out: out, err: err)
    }

    public static func run(
        _ scenario: Scenario, settings: RunSettings, quiet: Bool = false, out: @escaping (String) -> Void,
        err: @escaping (String) -> Void
    ) -> RunOutcome {
        let location = scenario.capture.location ?? scenario.location
        if let filter = settings.filter ?? scenario.capture.filter, settings.capture {
            do {
                _ = try CaptureFilter(expression: filter, snaplen: scenario.capture.snaplen)
            } catch {
                err("\(location): error: bad capture filter: \(error)")
                return RunOutcome(exitCode: 2)
            }
        }
        let run = ScenarioRun(scenario: scenario, settings: settings)
        if !quiet { run.echo = out }
        run.world.onDeviceAdded = { [unowned run] device in run.deviceAdded(device) }
        do {
            try run.buildWorld()
        } catch {
            err("\(scenario.swarm.location): error: \(error.description)")
            return RunOutcome(exitCode: 2)
        }
        let directory = settings.outputDirectory ?? scenario.capture.dir
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try run.openCapture(directory: directory)
        } catch {
            err("\(location): error: cannot write captures to \(directory): \(error)")
            return RunOutcome(exitCode: 2)
        }
        run.runTimeline()
        if let failure = run.captureFailure {
            run.capture?.abandon()
            err("error: a capture point could not be written: \(failure)")
            return RunOutcome(exitCode: 2)
        }
        do {
            try run.capture?.close()
        } catch {
            err("error: writing the captures failed: \(error)")
            return RunOutcome(exitCode: 2)
        }
        let verdicts = run.verdicts()
        let report = run.report(verdicts: verdicts)
        let table = run.distributionTable()
        if !table.isEmpty {
            out("")
            for line in table { out(line) }
        }
        if !verdicts.isEmpty { out("") }
        for verdict in verdicts {
            out("\(verdict.passed ? "PASS" : "FAIL")  \(verdict.expectation): \(verdict.measured)")
        }
        do {
            let data = try report.encoded()
            try write(data, to: (directory as NSString).appendingPathComponent("report.json"))
            if let json = settings.jsonPath { try write(data, to: json) }
        } catch {
            err("error: writing the report failed: \(error)")
            return RunOutcome(exitCode: 2)
        }
        return RunOutcome(exitCode: report.passed ? 0 : 1, report: report, directory: directory)
    }

    /// Writes through a temporary file and a rename, so a reader never sees half a report.
    static func write(_ data: Data, to path: String) throws {
        let temporary = path + ".tmp"
        try data.write(to: URL(fileURLWithPath: temporary))
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }
}
