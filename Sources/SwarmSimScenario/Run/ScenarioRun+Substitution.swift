import SwarmSimCore

extension ScenarioRun {
    /// Expands the `$(...)` words of a command line, as the shell would before running it.
    ///
    /// Tutorials use two shapes, and both are run for real: `$(ssh [-o OPT]... HOST "docker ...")`
    /// runs the docker command on the node with that name or address (the join token), and
    /// `$(docker ps | grep IMAGE | head -n1 | awk '{print $1}')` pipes a docker listing through
    /// text filters (`TextFilter`). The output, without its trailing newlines, replaces the word.
    func expandSubstitutions(_ words: [String], on node: String) -> Result<[String], SubstitutionError> {
        var expanded: [String] = []
        for word in words {
            guard word.hasPrefix("$("), word.hasSuffix(")") else {
                expanded.append(word)
                continue
            }
            let inner = String(word.dropFirst(2).dropLast())
            switch evaluatePipeline(inner, on: node) {
            case .success(let output):
                var text = output
                while text.hasSuffix("\n") { text.removeLast() }
                expanded.append(text)
            case .failure(let error):
                return .failure(error)
            }
        }
        return .success(expanded)
    }

    private func evaluatePipeline(_ text: String, on node: String) -> Result<String, SubstitutionError> {
        let segments = Self.splitPipeline(text)
        var output = ""
        for (index, segment) in segments.enumerated() {
            guard case .success(let argv) = ShellWords.split(segment), !argv.isEmpty else {
                return .failure(SubstitutionError(message: "cannot read the command '\(segment)' in $(\(text))"))
            }
            if index == 0 {
                switch substitutionSource(argv, on: node) {
                case .success(let text): output = text
                case .failure(let error): return .failure(error)
                }
            } else {
                do {
                    output = try TextFilter.apply(argv, to: output)
                } catch {
                    return .failure(SubstitutionError(message: error.message))
                }
            }
        }
        return .success(output)
    }

    /// The first command of a substitution: a docker command (here or over ssh), run at once.
    private func substitutionSource(_ argv: [String], on node: String) -> Result<String, SubstitutionError> {
        var argv = argv
        var where_ = node
        if argv.first == "ssh" {
            argv.removeFirst()
            while let option = argv.first, option.hasPrefix("-") {
                argv.removeFirst()
                if ["-o", "-p", "-i", "-l", "-F"].contains(option), !argv.isEmpty { argv.removeFirst() }
            }
            guard !argv.isEmpty else { return .failure(SubstitutionError(message: "ssh: no host given")) }
            let host = argv.removeFirst()
            let target = host.split(separator: "@").last.map(String.init) ?? host
            guard let name = machineName(for: target) else {
                return .failure(SubstitutionError(message: "ssh: Could not resolve hostname \(target): Name or service not known"))
            }
            where_ = name
            if argv.count == 1, case .success(let words) = ShellWords.split(argv[0]) { argv = words }
        }
        guard argv.first == "docker" else {
            return .failure(SubstitutionError(message: "only docker commands can run inside $(...), not '\(argv.first ?? "")'"))
        }
        switch CommandParser.parse(words: argv) {
        case .success(let command):
            let outcome = dockerCommand(command, on: where_)
            return .success(outcome.stdout)
        case .failure(let error):
            return .failure(SubstitutionError(message: error.message))
        }
    }

    /// The machine a name or underlay address refers to.
    func machineName(for target: String) -> String? {
        if world.machine(named: target) != nil { return target }
        if let address = IPv4Address(target) {
            if let node = scenario.swarm.nodes.first(where: { $0.address == address }) { return node.name }
            if let host = scenario.swarm.hosts.first(where: { $0.address == address }) { return host.name }
        }
        return nil
    }

    /// Splits on `|` outside quotes.
    static func splitPipeline(_ text: String) -> [String] {
        var segments: [String] = []
        var current = ""
        var quote: Character?
        for c in text {
            if let q = quote {
                if c == q { quote = nil }
                current.append(c)
            } else if c == "'" || c == "\"" {
                quote = c
                current.append(c)
            } else if c == "|" {
                segments.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        segments.append(current)
        return segments.map { $0.trimmingCharacters(in: .whitespaces) }
    }
}

/// A `$(...)` that could not be evaluated.
struct SubstitutionError: Error {
    var message: String
}
