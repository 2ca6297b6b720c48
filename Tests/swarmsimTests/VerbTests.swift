import ArgumentParser
import Foundation
import Testing
@testable import swarmsim

/// The verbs end to end, as the command line runs them: exit codes and what they leave behind.
@Suite struct VerbTests {
    let directory = NSTemporaryDirectory() + "swarmsim-verbs-\(getpid())-\(UUID().uuidString)"

    func write(_ name: String, _ text: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func exitCode(_ arguments: [String]) -> ExitCode {
        do {
            var command = try SwarmSim.parseAsRoot(arguments)
            try command.run()
            return .success
        } catch {
            return SwarmSim.exitCode(mapping: error)
        }
    }

    static let small = """
        name: small
        swarm:
          nodes:
            - { name: host01, role: manager, address: 172.17.0.6 }
            - { name: host02, role: worker, address: 172.17.0.7 }
        steps:
          - docker service create --name web --replicas 2 -p 81:80 katacoda/docker-http-server
          - load: { target: host01:81, requests: 20 }
        expect:
          - { service: web, failed: 0, sequence: [web.2, web.1, web.2, web.1, web.2, web.1, web.2, web.1, web.2, web.1, web.2, web.1, web.2, web.1, web.2, web.1, web.2, web.1, web.2, web.1] }

        """

    @Test func runPassesAndWritesTheReport() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = try write("small.yaml", Self.small)
        let out = directory + "/out"
        #expect(exitCode(["run", file, "--out", out, "--quiet", "--junit", directory + "/j.xml"]) == .success)
        let report = try String(contentsOfFile: out + "/report.json", encoding: .utf8)
        #expect(report.contains("\"passed\" : true"))
        #expect(FileManager.default.fileExists(atPath: out + "/host01-eth0.pcap"))
        #expect(FileManager.default.fileExists(atPath: out + "/small.pcapng"))
        #expect(try String(contentsOfFile: directory + "/j.xml", encoding: .utf8).contains("failures=\"0\""))
    }

    @Test func aFailedExpectationExitsOne() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = try write("fails.yaml", Self.small.replacingOccurrences(of: "failed: 0, sequence: [web.2, web.1,", with: "failed: 0, sequence: [web.1, web.2,"))
        #expect(exitCode(["run", file, "--out", directory + "/out", "--no-capture", "--quiet"]) == ExitCode(1))
    }

    @Test func badInputExitsTwoAndWritesNothing() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = try write("bad.yaml", Self.small.replacingOccurrences(of: "172.17.0.7", with: "172.17.0.300"))
        let out = directory + "/out"
        #expect(exitCode(["run", file, "--out", out]) == ExitCode(2))
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(exitCode(["validate", file]) == ExitCode(2))
        #expect(exitCode(["run", try write("filter.yaml", Self.small), "--out", out, "--filter", "tcp port nonsense"]) == ExitCode(2))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func showAndTraceAnswer() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = try write("small.yaml", Self.small)
        #expect(exitCode(["show", file, "ipvs", "--after", "1"]) == .success)
        #expect(exitCode(["show", file, "routes", "--netns", "nosuch"]) == ExitCode(2))
        #expect(exitCode(["trace", file, "--from", "host02", "--to", "host01:81", "--after", "1"]) == .success)
        #expect(exitCode(["check", file, "--no-capture"]) == .success)
    }
}
