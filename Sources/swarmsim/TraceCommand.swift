import ArgumentParser
import SwarmSimScenario

/// `swarmsim trace`: follow one packet through every hop, in the spirit of `iptables -j TRACE`.
struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Follow one packet through every netns, hook, table, chain, rule, IPVS decision, route, bridge and VXLAN hop.",
        discussion: "Prints each verdict on the way, in the spirit of iptables -j TRACE, then the reply's way back."
    )

    @Argument(help: ArgumentHelp("The scenario file.", valueName: "file"))
    var file: String

    @Option(name: .long, help: ArgumentHelp("The node or host the packet starts from.", valueName: "node"))
    var from: String

    @Option(name: .long, help: ArgumentHelp("Where it goes: HOST:PORT (a node, host, service or address).", valueName: "host:port"))
    var to: String

    @Option(name: .long, help: ArgumentHelp("tcp, udp or icmp.", valueName: "proto"))
    var proto: TraceProtocol = .tcp

    @Option(name: .long, help: ArgumentHelp("Trace the state after this step (1-based) instead of after all steps.", valueName: "step"))
    var after: Int?

    func validate() throws {
        guard let colon = to.lastIndex(of: ":"), UInt16(to[to.index(after: colon)...]) != nil, colon != to.startIndex else {
            throw ValidationError("--to must be HOST:PORT with a port from 0 to 65535, got '\(to)'.")
        }
        if let after, after < 1 { throw ValidationError("--after counts steps from 1.") }
    }

    func run() throws {
        let scenario = try ScenarioFile.load(file)
        guard proto == .tcp else {
            FileStream.standardError.write("swarmsim trace: only --proto tcp is traced (a connection's first round trip)\n")
            throw ExitCode(2)
        }
        do {
            FileStream.standardOutput.write(try ScenarioInspection.trace(scenario, from: from, to: to, after: after))
        } catch {
            FileStream.standardError.write("swarmsim trace: \(error.description)\n")
            throw ExitCode(2)
        }
    }
}

enum TraceProtocol: String, ExpressibleByArgument, CaseIterable {
    case tcp, udp, icmp
}
