import SwarmSimApps
import SwarmSimCore
import SwarmSimSwarm

extension ScenarioRun {
    /// Runs one command line of a step on `node` (a swarm node or an outside host).
    func execute(_ line: ShellCommandLine, on node: String, step: Int, completion: @escaping (CommandOutcome) -> Void) {
        var command = line.command
        if line.words.contains(where: { $0.hasPrefix("$(") }) {
            switch expandSubstitutions(line.words, on: node) {
            case .success(let words):
                switch CommandParser.parse(words: words) {
                case .success(let parsed): command = parsed
                case .failure(let error):
                    return completion(CommandOutcome(stdout: "", stderr: error.message + "\n", exitCode: 1))
                }
            case .failure(let error):
                return completion(CommandOutcome(stdout: "", stderr: error.message + "\n", exitCode: 1))
            }
        }
        switch command {
        case .sleep(let duration):
            timers.after(duration) { completion(CommandOutcome(stdout: "")) }
        case .run(let run):
            dockerRun(run, on: node, step: step, completion: completion)
        case .curl, .dig, .ping, .nslookup, .wget:
            guard let machine = world.machine(named: node) else {
                return completion(CommandOutcome(stdout: "", stderr: "no machine \(node)\n", exitCode: 127))
            }
            let context = AppContext(namespace: machine.root, timers: timers, resolver: hostsTable, hostname: node)
            let argv = Self.argv(of: command)
            let start = simulation.now
            runTool(argv, context: context, flavour: .iputils) { [unowned self] result in
                recordClientRequest(command, result: result, step: step, start: start, from: context)
                completion(CommandOutcome(stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode))
            }
        default:
            let outcome = dockerCommand(command, on: node)
            timers.after(Self.dockerDuration(command)) { completion(outcome) }
        }
    }

    /// The argv of a tool command, program name first (as the parser kept it).
    static func argv(of command: Command) -> [String] {
        switch command {
        case .curl(let curl): curl.argv
        case .dig(let dig): dig.argv
        case .ping(let ping): ping.argv
        case .wget(let wget): wget.argv
        case .nslookup(let name, let server, let type):
            ["nslookup"] + (type.map { ["-type=\($0)"] } ?? []) + [name] + (server.map { [$0] } ?? [])
        default: []
        }
    }

    /// Runs a client tool by its argv (program name first) in `context`.
    func runTool(
        _ argv: [String], context: AppContext, flavour: PingFlavour, completion: @escaping (CommandResult) -> Void
    ) {
        guard let program = argv.first else { return completion(CommandResult(stdout: "", stderr: "", exitCode: 0)) }
        let arguments = Array(argv.dropFirst())
        switch program {
        case "curl": SwarmSimApps.Curl.run(arguments: arguments, context: context, completion: completion)
        case "wget": SwarmSimApps.Wget.run(arguments: arguments, context: context, completion: completion)
        case "dig": SwarmSimApps.Dig.run(arguments: arguments, context: context, completion: completion)
        case "nslookup": Nslookup.run(arguments: arguments, context: context, completion: completion)
        case "ping": SwarmSimApps.Ping.run(arguments: arguments, context: context, flavour: flavour, completion: completion)
        default:
            completion(CommandResult(stdout: "", stderr: "sh: \(program): not found\n", exitCode: 127))
        }
    }

    /// `docker run [--name N] --network NET IMAGE [CMD...]`: a container attached to the network
    /// on this node; its command runs in it and the container goes when the command ends (with
    /// `-d`, its application keeps running instead).
    func dockerRun(_ run: DockerRun, on node: String, step: Int, completion: @escaping (CommandOutcome) -> Void) {
        guard let network = run.network else {
            let message = "docker: swarmsim runs containers on attachable overlay networks only: give --network NET.\n"
            return completion(CommandOutcome(stdout: "", stderr: message, exitCode: 125))
        }
        let info: ContainerInfo
        do {
            info = try cluster.runContainer(name: run.name, network: network, image: run.image, node: node)
        } catch {
            return completion(CommandOutcome(stdout: "", stderr: "docker: " + error.description + ".\n", exitCode: 125))
        }
        guard let namespace = cluster.namespace(ofContainer: info.id) else {
            return completion(CommandOutcome(stdout: "", stderr: "docker: the container did not start.\n", exitCode: 125))
        }
        if run.detach {
            timers.after(Self.dockerRoundTrip) { completion(CommandOutcome(stdout: info.id + "\n")) }
            return
        }
        let started = StartedContainer(
            id: info.id, name: info.name, slotName: nil, serviceName: nil, image: info.image, arguments: run.args,
            node: node, namespace: namespace)
        let context = containerContext(started)
        let argv = run.args
        timers.after(.zero) { [unowned self] in
            guard !argv.isEmpty else {
                try? cluster.removeContainer(info.id)
                return completion(CommandOutcome(stdout: ""))
            }
            let start = simulation.now
            runTool(argv, context: context, flavour: .busybox) { [unowned self] result in
                if case .success(let command) = CommandParser.parse(words: argv) {
                    recordClientRequest(command, result: result, step: step, start: start, from: context)
                }
                timers.after(.zero) { [unowned self] in try? cluster.removeContainer(info.id) }
                completion(CommandOutcome(stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode))
            }
        }
    }
}
