import Foundation
import Testing

@testable import SwarmSimCore

/// The printer against the real thing. Where this machine has iptables-legacy (Debian package
/// `iptables`) and may create network namespaces (root, `unshare -n`), each fixture is restored
/// into a throwaway namespace and saved back by the real iptables-legacy-save, each libnetwork
/// command sequence is run by the real iptables, each spelling is added by the real iptables:
/// the real output must be what our printer prints. Elsewhere the suite is skipped; the other
/// suites carry the same expectations as literals.
///
/// `-m ipvs` lines are left out here: they need the kernel's ip_vs module, which not every
/// kernel has (their spelling follows libxt_ipvs.c).
@Suite(.enabled(if: RealIPTables.available, "needs root, unshare -n and iptables-legacy"))
struct IPTablesLinuxTests {
    /// What iptables-legacy-save prints for each table present, in our table order, without its
    /// dated comment lines.
    static let saveAll = """
        for t in raw mangle nat filter; do
          if grep -qx $t /proc/net/ip_tables_names; then iptables-legacy-save -t $t | grep -v '^#'; fi
        done
        """

    static func withoutIPVS(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("-m ipvs") }
            .joined(separator: "\n")
    }

    @Test(arguments: IPTablesFixtures.canonical.map(\.name))
    func realIPTablesRestoreAndSaveGiveTheFixtureBack(_ name: String) throws {
        let fixture = try #require(IPTablesFixtures.canonical.first { $0.name == name })
        let text = IPTablesLinuxTests.withoutIPVS(fixture.text)
        let real = try #require(
            RealIPTables.run("iptables-legacy-restore && " + IPTablesLinuxTests.saveAll, input: text))
        #expect(real == text)
        #expect(IPTablesSave.print(try IPTablesSave.parse(text)) == real)
    }

    @Test func realIPTablesSaveWithCountersMatches() throws {
        let text = IPTablesFixtures.host2019Counters
        let real = try #require(
            RealIPTables.run("iptables-legacy-restore -c && iptables-legacy-save -c | grep -v '^#'", input: text))
        #expect(IPTablesSave.print(try IPTablesSave.parse(text), counters: true) == real)
    }

    @Test(arguments: IPTablesCommandTests.programs.map(\.name))
    func realIPTablesRunsLibnetworkCommandsToTheSameDump(_ name: String) throws {
        let program = try #require(IPTablesCommandTests.programs.first { $0.name == name })
        let commands = program.commands.filter { !$0.contains("-m ipvs") }
        let script = commands.map { "iptables-legacy " + $0.dropFirst("iptables ".count) }.joined(separator: " && ")
        let real = try #require(RealIPTables.run(script + " && " + IPTablesLinuxTests.saveAll, input: ""))
        #expect(IPTablesSave.print(try IPTablesCommandTests.program(commands)) == real)
    }

    @Test func realIPTablesSpellsEveryRuleAsWeDo() throws {
        // One namespace for all: flush the table, add the rule, print its first -A line.
        var script = "iptables-legacy -N DOCKER-USER\n"
        for (table, chain, input, _) in IPTablesSaveRoundTripTests.spellings {
            script += "iptables-legacy -t \(table.rawValue) -F\n"
            script += "iptables-legacy -t \(table.rawValue) -A \(chain) \(input) || echo FAILED\n"
            script += "iptables-legacy-save -t \(table.rawValue) | grep '^-A' | grep -v 'DOCKER-USER -' | head -n 1\n"
        }
        let real = try #require(RealIPTables.run(script, input: ""))
        let ours = IPTablesSaveRoundTripTests.spellings.map { table, chain, input, _ in
            (try? IPTablesSave.parseRule(input)).map { IPTablesSave.print(rule: $0, chain: chain) } ?? "FAILED"
        }
        #expect(real.split(separator: "\n").map(String.init) == ours)
    }
}

/// Runs shell scripts in a fresh network namespace.
enum RealIPTables {
    static let available: Bool = {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/iptables-legacy-restore"),
            FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")
        else { return false }
        return run("iptables-legacy -S >/dev/null", input: "") != nil
    }()

    /// The standard output of `sh -c script` in a new network namespace with `input` on its
    /// standard input, or nil when it fails.
    static func run(_ script: String, input: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = ["-n", "sh", "-c", "set -e\n" + script]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try? stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: output, as: UTF8.self)
    }
}
