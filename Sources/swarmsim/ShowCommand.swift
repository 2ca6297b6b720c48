import ArgumentParser
import SwarmSimScenario

/// `swarmsim show`: the state swarmsim programmed, in the real tools' formats.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the state swarmsim programmed, in the real tools' formats.",
        discussion: """
            iptables: iptables-save; ipvs: ipvsadm -Ln; routes: ip route; dns: the embedded DNS \
            records; services: docker service ls. --node picks the node (default: the first \
            manager), --netns a namespace on it (ingress_sbox, lb_<id>, a task's name).
            """
    )

    @Argument(help: ArgumentHelp("The scenario file.", valueName: "file"))
    var file: String

    @Argument(help: ArgumentHelp("What to show.", valueName: "what"))
    var what: ShowWhat

    @Option(name: .long, help: ArgumentHelp("Show the state after this step (1-based).", valueName: "step"))
    var after: Int?

    @Option(name: .long, help: ArgumentHelp("The node to show.", valueName: "node"))
    var node: String?

    @Option(name: .long, help: ArgumentHelp("The network namespace on that node.", valueName: "netns"))
    var netns: String?

    func validate() throws {
        if let after, after < 1 { throw ValidationError("--after counts steps from 1.") }
    }

    func run() throws {
        let scenario = try ScenarioFile.load(file)
        do {
            let text = try ScenarioInspection.show(
                scenario, topic: ScenarioInspection.Topic(rawValue: what.rawValue)!, node: node, netns: netns,
                after: after)
            FileStream.standardOutput.write(text)
        } catch {
            FileStream.standardError.write("swarmsim show: \(error.description)\n")
            throw ExitCode(2)
        }
    }
}

enum ShowWhat: String, ExpressibleByArgument, CaseIterable {
    case iptables, ipvs, routes, dns, services
}
