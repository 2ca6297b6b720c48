/// Flag parsing as the docker CLI does it (spf13/pflag under cobra): `--name value`,
/// `--name=value`, `-n value`, `-nvalue`, `-n=value`, grouped booleans `-it`, `--` ends flags,
/// and either interspersed flags (`docker service inspect http --format F`) or flags only before
/// the first argument (`docker run`, `docker service create`, whose trailing words belong to the
/// container's command).
struct PFlags {
    struct Flag {
        var long: String
        var short: Character?
        var takesValue: Bool
    }

    struct Parsed {
        /// Flags in command-line order, by long name; booleans have the value "true"/"false".
        var flags: [(name: String, value: String)] = []
        var arguments: [String] = []

        func values(_ name: String) -> [String] { flags.filter { $0.name == name }.map(\.value) }
        func last(_ name: String) -> String? { values(name).last }
        func bool(_ name: String) -> Bool { last(name) == "true" }
    }

    let flags: [Flag]
    let interspersed: Bool
    /// `docker service create`, for `See 'docker service create --help'.`
    let commandPath: String

    init(_ commandPath: String, interspersed: Bool = true, _ flags: [Flag]) {
        self.commandPath = commandPath
        self.interspersed = interspersed
        self.flags = flags
    }


    /// `unknown flag: --x` followed by docker's pointer to the help.
    func failure(_ message: String) -> CommandError {
        CommandError(message: "\(message)\nSee '\(commandPath) --help'.")
    }

    func parse(_ words: ArraySlice<String>) -> Result<Parsed, CommandError> {
        var parsed = Parsed()
        var i = words.startIndex
        var onlyArguments = false
        while i < words.endIndex {
            let word = words[i]
            i += 1
            if onlyArguments || word == "-" || !word.hasPrefix("-") {
                parsed.arguments.append(word)
                if !interspersed { onlyArguments = true }
                continue
            }
            if word == "--" {
                onlyArguments = true
                continue
            }
            if word.hasPrefix("--") {
                let body = word.dropFirst(2)
                let name = body.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
                let inline = body.firstIndex(of: "=").map { String(body[body.index(after: $0)...]) }
                guard let flag = flags.first(where: { $0.long == name }) else {
                    return .failure(failure("unknown flag: --\(name)"))
                }
                if flag.takesValue {
                    if let inline {
                        parsed.flags.append((flag.long, inline))
                    } else if i < words.endIndex {
                        parsed.flags.append((flag.long, words[i]))
                        i += 1
                    } else {
                        return .failure(failure("flag needs an argument: --\(name)"))
                    }
                } else {
                    let value = inline ?? "true"
                    guard value == "true" || value == "false" else {
                        return .failure(failure(
                            "invalid argument \"\(value)\" for \"\(display(flag))\" flag: strconv.ParseBool: parsing \"\(value)\": invalid syntax"
                        ))
                    }
                    parsed.flags.append((flag.long, value))
                }
                continue
            }
            // Shorthand group: -it, -p81:80, -p=81:80.
            var rest = Substring(word.dropFirst())
            while let c = rest.first {
                rest = rest.dropFirst()
                guard let flag = flags.first(where: { $0.short == c }) else {
                    return .failure(failure("unknown shorthand flag: '\(c)' in \(word)"))
                }
                if flag.takesValue {
                    if !rest.isEmpty {
                        parsed.flags.append((flag.long, String(rest.hasPrefix("=") ? rest.dropFirst() : rest)))
                    } else if i < words.endIndex {
                        parsed.flags.append((flag.long, words[i]))
                        i += 1
                    } else {
                        return .failure(failure("flag needs an argument: '\(c)' in \(word)"))
                    }
                    break
                }
                parsed.flags.append((flag.long, "true"))
            }
        }
        return .success(parsed)
    }

    /// pflag's spelling of a flag in messages: `-r, --replicas` or `--replicas`.
    func display(_ flag: Flag) -> String {
        flag.short.map { "-\($0), --\(flag.long)" } ?? "--\(flag.long)"
    }

    func display(_ long: String) -> String {
        flags.first { $0.long == long }.map(display) ?? "--\(long)"
    }

    /// `invalid argument "x" for "--replicas" flag: why`.
    func invalid(_ value: String, _ long: String, _ why: String) -> CommandError {
        failure("invalid argument \"\(value)\" for \"\(display(long))\" flag: \(why)")
    }
}

extension PFlags.Flag {
    /// A boolean flag.
    static func bool(_ long: String, _ short: Character? = nil) -> Self { Self(long: long, short: short, takesValue: false) }
    /// A flag with a value.
    static func value(_ long: String, _ short: Character? = nil) -> Self { Self(long: long, short: short, takesValue: true) }
}

/// A command line that the real tool would refuse, with the tool's message.
public struct CommandError: Error, Equatable, Sendable {
    public var message: String
    public init(message: String) { self.message = message }
}
