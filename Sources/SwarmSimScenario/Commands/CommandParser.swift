import SwarmSimCore

/// Parses a step's command line into a `Command`, refusing what the real tool would refuse with
/// that tool's message.
public enum CommandParser {
    /// Splits `text` into shell words and parses them.
    public static func parse(_ text: String) -> Result<(words: [String], command: Command), CommandError> {
        switch ShellWords.split(text) {
        case .failure(let error):
            return .failure(CommandError(message: "bash: \(error.message)"))
        case .success(let words):
            return parse(words: words).map { (words, $0) }
        }
    }

    /// Parses shell words.
    public static func parse(words: [String]) -> Result<Command, CommandError> {
        guard let program = words.first else { return .failure(CommandError(message: "empty command line")) }
        let args = words.dropFirst()
        switch program {
        case "docker": return DockerParser.parse(args)
        case "curl": return ToolParsers.curl(words)
        case "dig": return ToolParsers.dig(words)
        case "ping": return ToolParsers.ping(words)
        case "nslookup": return ToolParsers.nslookup(words)
        case "wget": return ToolParsers.wget(words)
        case "sleep": return ToolParsers.sleep(words)
        default:
            return .failure(CommandError(
                message: "bash: \(program): command not found (swarmsim runs docker, curl, dig, ping, nslookup, wget and sleep)"
            ))
        }
    }
}

/// The docker CLI's commands, flags and argument checks (docker/cli cli/command/...).
enum DockerParser {
    typealias Outcome = Result<Command, CommandError>

    /// The usage line and short description docker prints after an argument-count error.
    static let usage: [String: (String, String)] = [
        "docker swarm init": ("docker swarm init [OPTIONS]", "Initialize a swarm"),
        "docker swarm join": ("docker swarm join [OPTIONS] HOST:PORT", "Join a swarm as a node and/or manager"),
        "docker swarm leave": ("docker swarm leave [OPTIONS]", "Leave the swarm"),
        "docker swarm join-token": ("docker swarm join-token [OPTIONS] (worker|manager)", "Manage join tokens"),
        "docker node ls": ("docker node ls [OPTIONS]", "List nodes in the swarm"),
        "docker node update": ("docker node update [OPTIONS] NODE", "Update a node"),
        "docker network create": ("docker network create [OPTIONS] NETWORK", "Create a network"),
        "docker network ls": ("docker network ls [OPTIONS]", "List networks"),
        "docker network inspect": ("docker network inspect [OPTIONS] NETWORK [NETWORK...]",
                                   "Display detailed information on one or more networks"),
        "docker network rm": ("docker network rm NETWORK [NETWORK...]", "Remove one or more networks"),
        "docker service create": ("docker service create [OPTIONS] IMAGE [COMMAND] [ARG...]", "Create a new service"),
        "docker service scale": ("docker service scale SERVICE=REPLICAS [SERVICE=REPLICAS...]",
                                 "Scale one or multiple replicated services"),
        "docker service update": ("docker service update [OPTIONS] SERVICE", "Update a service"),
        "docker service rm": ("docker service rm SERVICE [SERVICE...]", "Remove one or more services"),
        "docker service ls": ("docker service ls [OPTIONS]", "List services"),
        "docker service ps": ("docker service ps [OPTIONS] SERVICE [SERVICE...]",
                              "List the tasks of one or more services"),
        "docker service inspect": ("docker service inspect [OPTIONS] SERVICE [SERVICE...]",
                                   "Display detailed information on one or more services"),
        "docker run": ("docker run [OPTIONS] IMAGE [COMMAND] [ARG...]", "Create and run a new container from an image"),
        "docker ps": ("docker ps [OPTIONS]", "List containers"),
        "docker inspect": ("docker inspect [OPTIONS] NAME|ID [NAME|ID...]",
                           "Return low-level information on Docker objects"),
    ]

    enum Arity {
        case none, exactly(Int), atLeast(Int)
    }

    /// docker/cli's `cli.NoArgs`, `cli.ExactArgs`, `cli.RequiresMinArgs` messages.
    static func check(_ arguments: [String], _ arity: Arity, _ path: String) -> CommandError? {
        let problem: String
        switch arity {
        case .none:
            guard !arguments.isEmpty else { return nil }
            problem = "\"\(path)\" accepts no arguments."
        case .exactly(let n):
            guard arguments.count != n else { return nil }
            problem = "\"\(path)\" requires exactly \(n) argument\(n == 1 ? "" : "s")."
        case .atLeast(let n):
            guard arguments.count < n else { return nil }
            problem = "\"\(path)\" requires at least \(n) argument\(n == 1 ? "" : "s")."
        }
        let (line, short) = usage[path] ?? (path, "")
        return CommandError(message: "\(problem)\nSee '\(path) --help'.\n\nUsage:  \(line)\n\n\(short)")
    }

    static func parse(_ args: ArraySlice<String>) -> Outcome {
        guard let group = args.first else {
            return .failure(CommandError(message: "Usage:  docker [OPTIONS] COMMAND"))
        }
        let rest = args.dropFirst()
        switch group {
        case "swarm", "node", "network", "service":
            guard let verb = rest.first else {
                return .failure(CommandError(message: "Usage:  docker \(group) COMMAND\nSee 'docker \(group) --help'."))
            }
            let path = "docker \(group) \(verb)"
            guard let outcome = subcommand(path, rest.dropFirst()) else {
                return .failure(CommandError(
                    message: "docker: '\(group) \(verb)' is not a docker command.\nSee 'docker \(group) --help'"
                ))
            }
            return outcome
        case "run": return run(rest)
        case "ps": return ps(rest)
        case "inspect": return inspect(rest)
        default:
            return .failure(CommandError(message: "docker: '\(group)' is not a docker command.\nSee 'docker --help'"))
        }
    }

    /// The outcome of `docker GROUP VERB ARGS`, or nil for a subcommand swarmsim does not know.
    static func subcommand(_ path: String, _ args: ArraySlice<String>) -> Outcome? {
        switch path {
        case "docker swarm init": swarmInit(args)
        case "docker swarm join": swarmJoin(args)
        case "docker swarm leave": swarmLeave(args)
        case "docker swarm join-token": swarmJoinToken(args)
        case "docker node ls": nodeLs(args)
        case "docker node update": nodeUpdate(args)
        case "docker network create": networkCreate(args)
        case "docker network ls": networkLs(args)
        case "docker network inspect": networkInspect(args)
        case "docker network rm": networkRm(args)
        case "docker service create": serviceCreate(args)
        case "docker service scale": serviceScale(args)
        case "docker service update": serviceUpdate(args)
        case "docker service rm": serviceRm(args)
        case "docker service ls": serviceLs(args)
        case "docker service ps": servicePs(args)
        case "docker service inspect": serviceInspect(args)
        default: nil
        }
    }

    /// Parses flags and checks the argument count; `body` builds the command.
    static func command(
        _ args: ArraySlice<String>, _ flags: PFlags, _ arity: Arity,
        _ body: (PFlags.Parsed) -> Outcome
    ) -> Outcome {
        switch flags.parse(args) {
        case .failure(let error): return .failure(error)
        case .success(let parsed):
            if let error = check(parsed.arguments, arity, flags.commandPath) { return .failure(error) }
            return body(parsed)
        }
    }

    // MARK: docker swarm

    static func swarmInit(_ args: ArraySlice<String>) -> Outcome {
        let flags = PFlags("docker swarm init", [.value("advertise-addr"), .value("listen-addr"), .bool("force-new-cluster")])
        return command(args, flags, .none) { p in
            .success(.swarmInit(advertiseAddr: p.last("advertise-addr"), listenAddr: p.last("listen-addr")))
        }
    }

    static func swarmJoin(_ args: ArraySlice<String>) -> Outcome {
        let flags = PFlags("docker swarm join", [.value("token"), .value("advertise-addr"), .value("listen-addr")])
        return command(args, flags, .exactly(1)) { p in
            let remote = p.arguments[0]
            // docker accepts HOST or HOST:PORT; the port defaults to 2377.
            let parts = remote.split(separator: ":", omittingEmptySubsequences: false)
            guard !remote.isEmpty, parts.count <= 2, !parts[0].isEmpty else {
                return .failure(CommandError(message: "Error response from daemon: invalid remote address \(remote)"))
            }
            var port = 2377
            if parts.count == 2 {
                guard let p = Int(parts[1]), (1...65535).contains(p) else {
                    return .failure(CommandError(message: "Error response from daemon: invalid port in \(remote)"))
                }
                port = p
            }
            return .success(.swarmJoin(address: String(parts[0]), port: port, token: p.last("token")))
        }
    }

    static func swarmLeave(_ args: ArraySlice<String>) -> Outcome {
        command(args, PFlags("docker swarm leave", [.bool("force", "f")]), .none) { p in
            .success(.swarmLeave(force: p.bool("force")))
        }
    }

    static func swarmJoinToken(_ args: ArraySlice<String>) -> Outcome {
        let flags = PFlags("docker swarm join-token", [.bool("quiet", "q"), .bool("rotate")])
        return command(args, flags, .exactly(1)) { p in
            switch p.arguments[0] {
            case "worker": return .success(.swarmJoinToken(role: .worker, quiet: p.bool("quiet"), rotate: p.bool("rotate")))
            case "manager":
                return .success(.swarmJoinToken(role: .manager, quiet: p.bool("quiet"), rotate: p.bool("rotate")))
            default: return .failure(CommandError(message: "unknown role \(p.arguments[0])"))
            }
        }
    }

    // MARK: docker node

    static func nodeLs(_ args: ArraySlice<String>) -> Outcome {
        command(args, PFlags("docker node ls", [.bool("quiet", "q")]), .none) { p in .success(.nodeLs(quiet: p.bool("quiet"))) }
    }

    static func nodeUpdate(_ args: ArraySlice<String>) -> Outcome {
        let flags = PFlags("docker node update", [.value("availability"), .value("role"), .value("label-add")])
        return command(args, flags, .exactly(1)) { p in
            var availability: NodeSpec.Availability?
            if let text = p.last("availability") {
                guard let value = NodeSpec.Availability(rawValue: text.lowercased()) else {
                    return .failure(flags.invalid(text, "availability", "invalid availability: \(text)"))
                }
                availability = value
            }
            var role: NodeSpec.Role?
            if let text = p.last("role") {
                guard let value = NodeSpec.Role(rawValue: text.lowercased()), value != .none else {
                    return .failure(flags.invalid(text, "role", "invalid role: \(text)"))
                }
                role = value
            }
            let labels = p.values("label-add").map { text -> NodeSpec.Label in
                let parts = text.split(separator: "=", maxSplits: 1)
                return NodeSpec.Label(key: String(parts.first ?? ""), value: parts.count == 2 ? String(parts[1]) : "")
            }
            return .success(.nodeUpdate(node: p.arguments[0], availability: availability, role: role, labelAdd: labels))
        }
    }

    // MARK: docker network

    static func networkCreate(_ args: ArraySlice<String>) -> Outcome {
        let flags = PFlags("docker network create", [
            .value("driver", "d"), .bool("attachable"), .value("subnet"), .value("gateway"), .value("opt", "o"),
            .bool("internal"), .value("label"),
        ])
        return command(args, flags, .exactly(1)) { p in
            var driver = NetworkSpec.Driver.bridge
            if let text = p.last("driver") {
                guard let value = NetworkSpec.Driver(rawValue: text) else {
                    return .failure(CommandError(
                        message: "Error response from daemon: plugin \"\(text)\" not found (swarmsim models the overlay and bridge drivers)"
                    ))
                }
                driver = value
            }
            var subnet: IPv4Prefix?
            if let text = p.last("subnet") {
                switch AddressParsing.prefix(text) {
                case .success(let prefix): subnet = prefix
                case .failure(.hostBitsSet(let prefix)):
                    return .failure(CommandError(
                        message: "Error response from daemon: invalid subnet \(text) : it should be \(prefix)"
                    ))
                case .failure(.malformed):
                    return .failure(flags.invalid(text, "subnet", "invalid CIDR address: \(text)"))
                }
            }
            var gateway: IPv4Address?
            if let text = p.last("gateway") {
                guard let address = AddressParsing.ipv4(text) else {
                    return .failure(flags.invalid(text, "gateway", "invalid string being converted to IP address: \(text)"))
                }
                guard let subnet else {
                    return .failure(CommandError(message: "every ip-range or gateway must have a corresponding subnet"))
                }
                guard subnet.contains(address) else {
                    return .failure(CommandError(
                        message: "Error response from daemon: gateway \(address) is not in the subnet \(subnet)"
                    ))
                }
                gateway = address
            }
            let encrypted = p.values("opt").contains { $0 == "encrypted" || $0.hasPrefix("encrypted=") }
            return .success(.networkCreate(NetworkCreate(
                name: p.arguments[0], driver: driver, attachable: p.bool("attachable"), subnet: subnet,
                gateway: gateway, encrypted: encrypted
            )))
        }
    }

    static func networkLs(_ args: ArraySlice<String>) -> Outcome {
        command(args, PFlags("docker network ls", [.bool("quiet", "q")]), .none) { p in
            .success(.networkLs(quiet: p.bool("quiet")))
        }
    }

    static func networkInspect(_ args: ArraySlice<String>) -> Outcome {
        command(args, PFlags("docker network inspect", [.value("format", "f")]), .atLeast(1)) { p in
            .success(.networkInspect(names: p.arguments, format: p.last("format")))
        }
    }

    static func networkRm(_ args: ArraySlice<String>) -> Outcome {
        command(args, PFlags("docker network rm", []), .atLeast(1)) { p in .success(.networkRm(names: p.arguments)) }
    }

    // MARK: docker service

    static func replicas(_ text: String, _ flags: PFlags) -> Result<Int, CommandError> {
        guard let value = UInt64(text), value <= UInt64(Int.max) else {
            return .failure(flags.invalid(text, "replicas", "strconv.ParseUint: parsing \"\(text)\": invalid syntax"))
        }
        return .success(Int(value))
    }

    static func publishes(_ values: [String], _ long: String, _ flags: PFlags) -> Result<[Publish], CommandError> {
        var result: [Publish] = []
        for text in values {
            switch PublishParsing.parse(text) {
            case .success(let publish): result.append(publish)
            case .failure(let why): return .failure(flags.invalid(text, long, why.message))
            }
        }
        return .success(result)
    }

    static func serviceCreate(_ args: ArraySlice<String>) -> Outcome {
        let flags = PFlags("docker service create", interspersed: false, [
            .value("name"), .value("replicas"), .value("mode"), .value("publish", "p"), .value("network"),
            .value("endpoint-mode"), .value("constraint"), .value("env", "e"), .bool("detach", "d"),
            .bool("quiet", "q"), .bool("with-registry-auth"),
        ])
        return command(args, flags, .atLeast(1)) { p in
            var global = false
            if let mode = p.last("mode") {
                switch mode {
                case "replicated": global = false
                case "global": global = true
                default:
                    return .failure(flags.invalid(mode, "mode", "swarmsim models replicated and global services, not \(mode)"))
                }
            }
            var count: Int?
            if let text = p.last("replicas") {
                switch replicas(text, flags) {
                case .success(let n): count = n
                case .failure(let error): return .failure(error)
                }
                if global {
                    return .failure(CommandError(message: "replicas can only be used with replicated or replicated-job mode"))
                }
            }
            let publish: [Publish]
            switch publishes(p.values("publish"), "publish", flags) {
            case .success(let list): publish = list
            case .failure(let error): return .failure(error)
            }
            var endpointMode = ServiceSpecYAML.EndpointMode.vip
            if let text = p.last("endpoint-mode") {
                guard let mode = ServiceSpecYAML.EndpointMode(rawValue: text.lowercased()) else {
                    return .failure(CommandError(message: "Error response from daemon: rpc error: code = InvalidArgument desc = EndpointSpec: invalid endpoint mode \(text)"))
                }
                endpointMode = mode
            }
            if endpointMode == .dnsrr, publish.contains(where: { $0.mode == .ingress }) {
                return .failure(CommandError(
                    message: "Error response from daemon: rpc error: code = InvalidArgument desc = EndpointSpec: port published with ingress mode can't be used with dnsrr mode"
                ))
            }
            var constraints: [PlacementConstraint] = []
            for text in p.values("constraint") {
                switch PlacementConstraint.parse(text) {
                case .success(let c): constraints.append(c)
                case .failure(let error):
                    return .failure(CommandError(
                        message: "Error response from daemon: rpc error: code = InvalidArgument desc = ContainerSpec: \(error.message)"
                    ))
                }
            }
            return .success(.serviceCreate(ServiceCreate(
                name: p.last("name"), image: p.arguments[0], replicas: count, global: global, publish: publish,
                networks: p.values("network"), endpointMode: endpointMode, constraints: constraints,
                env: p.values("env"), detach: p.bool("detach"), quiet: p.bool("quiet"),
                args: Array(p.arguments.dropFirst())
            )))
        }
    }

    static func serviceScale(_ args: ArraySlice<String>) -> Outcome {
        let flags = PFlags("docker service scale", [.bool("detach", "d")])
        return command(args, flags, .atLeast(1)) { p in
            var scales: [ServiceScale] = []
            for text in p.arguments {
                let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty else {
                    let (line, short) = usage["docker service scale"]!
                    return .failure(CommandError(
                        message: "Invalid scale specifier '\(text)'.\nSee 'docker service scale --help'.\n\nUsage:  \(line)\n\n\(short)"
                    ))
                }
                guard let n = UInt64(parts[1]), n <= UInt64(Int.max) else {
                    return .failure(CommandError(message: "invalid replicas value \(parts[1]): strconv.ParseUint: parsing \"\(parts[1])\": invalid syntax"))
                }
                scales.append(ServiceScale(service: String(parts[0]), replicas: Int(n)))
            }
            return .success(.serviceScale(scales))
        }
    }

    static func serviceUpdate(_ args: ArraySlice<String>) -> Outcome {
        let flags = PFlags("docker service update", [
            .value("replicas"), .value("publish-add"), .value("publish-rm"), .value("image"), .bool("force"),
            .bool("detach", "d"), .bool("quiet", "q"),
        ])
        return command(args, flags, .exactly(1)) { p in
            var count: Int?
            if let text = p.last("replicas") {
                switch replicas(text, flags) {
                case .success(let n): count = n
                case .failure(let error): return .failure(error)
                }
            }
            let add: [Publish]
            switch publishes(p.values("publish-add"), "publish-add", flags) {
            case .success(let list): add = list
            case .failure(let error): return .failure(error)
            }
            let remove: [Publish]
            switch publishes(p.values("publish-rm"), "publish-rm", flags) {
            case .success(let list): remove = list
            case .failure(let error): return .failure(error)
            }
            return .success(.serviceUpdate(ServiceUpdate(
                service: p.arguments[0], replicas: count, publishAdd: add, publishRemove: remove,
                image: p.last("image"), force: p.bool("force"), detach: p.bool("detach"), quiet: p.bool("quiet")
            )))
        }
    }

    static func serviceRm(_ args: ArraySlice<String>) -> Outcome {
        command(args, PFlags("docker service rm", []), .atLeast(1)) { p in .success(.serviceRm(names: p.arguments)) }
    }

    static func serviceLs(_ args: ArraySlice<String>) -> Outcome {
        command(args, PFlags("docker service ls", [.bool("quiet", "q")]), .none) { p in
            .success(.serviceLs(quiet: p.bool("quiet")))
        }
    }

    static func servicePs(_ args: ArraySlice<String>) -> Outcome {
        command(args, PFlags("docker service ps", [.bool("quiet", "q"), .bool("no-trunc")]), .atLeast(1)) { p in
            .success(.servicePs(names: p.arguments, quiet: p.bool("quiet"), noTrunc: p.bool("no-trunc")))
        }
    }

    static func serviceInspect(_ args: ArraySlice<String>) -> Outcome {
        command(args, PFlags("docker service inspect", [.value("format", "f"), .bool("pretty")]), .atLeast(1)) { p in
            .success(.serviceInspect(names: p.arguments, format: p.last("format"), pretty: p.bool("pretty")))
        }
    }

    // MARK: containers

    static func run(_ args: ArraySlice<String>) -> Outcome {
        let flags = PFlags("docker run", interspersed: false, [
            .value("name"), .value("network"), .value("net"), .bool("detach", "d"), .bool("rm"),
            .bool("interactive", "i"), .bool("tty", "t"), .value("env", "e"),
        ])
        return command(args, flags, .atLeast(1)) { p in
            let network = p.flags.last { $0.name == "network" || $0.name == "net" }?.value
            return .success(.run(DockerRun(
                name: p.last("name"), network: network, detach: p.bool("detach"), remove: p.bool("rm"),
                interactive: p.bool("interactive"), tty: p.bool("tty"), env: p.values("env"), image: p.arguments[0],
                args: Array(p.arguments.dropFirst())
            )))
        }
    }

    static func ps(_ args: ArraySlice<String>) -> Outcome {
        command(args, PFlags("docker ps", [.bool("all", "a"), .bool("quiet", "q")]), .none) { p in
            .success(.ps(all: p.bool("all"), quiet: p.bool("quiet")))
        }
    }

    static func inspect(_ args: ArraySlice<String>) -> Outcome {
        command(args, PFlags("docker inspect", [.value("format", "f")]), .atLeast(1)) { p in
            .success(.inspect(names: p.arguments, format: p.last("format")))
        }
    }
}
