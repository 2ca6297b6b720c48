import ArgumentParser
import Testing
@testable import swarmsim

@Suite struct CommandLineTests {
    @Test func runParsesEveryOptionOfTheScenarioFormat() throws {
        let command = try SwarmSim.parseAsRoot([
            "run", "scenarios/lbapp1.yaml", "--out", "o", "--seed", "2", "--no-capture", "--filter", "tcp port 81",
            "--json", "r.json", "--junit", "j.xml", "--quiet",
        ])
        let run = try #require(command as? RunCommand)
        #expect(run.file == "scenarios/lbapp1.yaml")
        #expect(run.options.out == "o")
        #expect(run.options.seed == 2)
        #expect(run.options.noCapture)
        #expect(run.options.filter == "tcp port 81")
        #expect(run.options.json == "r.json")
        #expect(run.options.junit == "j.xml")
        #expect(run.options.quiet)
    }

    @Test func runHelpDescribesTheOptions() {
        let help = SwarmSim.helpMessage(for: RunCommand.self)
        for option in ["--out", "--seed", "--no-capture", "--filter", "--json", "--junit", "--quiet", "Exit codes"] {
            #expect(help.contains(option), "run --help lacks \(option)")
        }
    }

    @Test func showTakesAKindAndANamespace() throws {
        let command = try SwarmSim.parseAsRoot([
            "show", "scenarios/lbapp1.yaml", "iptables", "--node", "host01", "--netns", "ingress_sbox",
        ])
        let show = try #require(command as? ShowCommand)
        #expect(show.what == .iptables)
        #expect(show.node == "host01")
        #expect(show.netns == "ingress_sbox")
    }

    @Test(arguments: [
        ["show", "f.yaml", "firewall"],
        ["trace", "f.yaml", "--from", "client", "--to", "host01"],
        ["trace", "f.yaml", "--from", "client", "--to", "host01:99999"],
        ["check"],
        ["run"],
        ["run", "f.yaml", "--seed", "minus-one"],
    ])
    func badCommandLinesAreRejected(arguments: [String]) {
        #expect(throws: (any Error).self) { try SwarmSim.parseAsRoot(arguments) }
    }

    @Test func badUsageExitsWithCodeTwo() throws {
        // ArgumentParser's usage errors exit with EX_USAGE (64); scenario-format.md promises 2 for
        // every kind of bad input.
        do {
            _ = try SwarmSim.parseAsRoot(["trace", "f.yaml", "--from", "a", "--to", "nowhere"])
            Issue.record("a bad --to was accepted")
        } catch {
            #expect(SwarmSim.exitCode(for: error) == .validationFailure)
            #expect(SwarmSim.exitCode(mapping: error) == ExitCode(2))
        }
        #expect(SwarmSim.exitCode(mapping: ExitCode(1)) == ExitCode(1))
        #expect(SwarmSim.exitCode(mapping: CleanExit.helpRequest()) == .success)
    }

    @Test func traceParsesItsTarget() throws {
        let command = try SwarmSim.parseAsRoot([
            "trace", "f.yaml", "--from", "client", "--to", "host01:81", "--proto", "udp", "--after", "3",
        ])
        let trace = try #require(command as? TraceCommand)
        #expect(trace.to == "host01:81")
        #expect(trace.proto == .udp)
        #expect(trace.after == 3)
    }
}
