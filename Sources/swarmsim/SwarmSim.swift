import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

/// The `swarmsim` command: a root with one subcommand per verb of scenario-format.md.
@main
struct SwarmSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swarmsim",
        abstract: "A packet-level simulator of Docker Swarm's routing mesh, VIP load balancing and overlays.",
        discussion: """
            swarmsim replays scenario files that read like the Docker tutorials against a simulated \
            cluster whose data plane is modelled packet by packet as Linux and libnetwork build it: \
            host iptables NAT, the ingress_sbox namespace, IPVS, docker_gwbridge, overlay bridges \
            and VXLAN over an underlay. Captures open in Wireshark; expectations make a run a CI test.

            Exit codes: 0 every expectation holds, 1 an expectation failed, 2 bad input.
            """,
        subcommands: [RunCommand.self, CheckCommand.self, ValidateCommand.self, TraceCommand.self, ShowCommand.self]
    )

    /// Parses and runs like ArgumentParser's default `main`, except that a bad command line exits
    /// with 2, the code scenario-format.md gives every kind of bad input (ArgumentParser's own
    /// default is 64, EX_USAGE).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(mapping: error)
            if code != exitCode(for: error) {
                var stderr = StandardError()
                print(fullMessage(for: error), to: &stderr)
                Glibc.exit(code.rawValue)
            }
            exit(withError: error)
        }
    }

    /// The exit code for `error`: ArgumentParser's, with usage errors turned into 2.
    static func exitCode(mapping error: any Error) -> ExitCode {
        let code = exitCode(for: error)
        return code == .validationFailure ? ExitCode(2) : code
    }
}
