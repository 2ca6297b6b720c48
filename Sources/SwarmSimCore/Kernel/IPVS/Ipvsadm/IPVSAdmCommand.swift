/// A user-input error in an `ipvsadm` command line or `ipvsadm -Sn` dump, located at the token
/// that caused it: "file:line:column: error: message".
public struct IPVSAdmError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    /// 1-based line number.
    public var line: Int
    /// 1-based column (in characters) of the offending token.
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(file):\(line):\(column): error: \(message)" }
}

/// One `ipvsadm` command that programs IPVS, parsed the way `ipvsadm.c`'s `parse_options` and
/// `process_options` parse it (popt short options that can be clustered and take their
/// argument attached or as the next word, long options with `--name value` or `--name=value`),
/// with ipvsadm's defaults: scheduler wlc, weight 1, forwarding "-g" (direct routing), a real
/// server without a port inheriting the service's port.
public struct IPVSAdmCommand: Hashable, Sendable {
    /// The programming commands (`CMD_*`).
    public enum Kind: String, Hashable, Sendable {
        case addService = "add-service"
        case editService = "edit-service"
        case deleteService = "delete-service"
        case flush = "flush"
        case addServer = "add-server"
        case editServer = "edit-server"
        case deleteServer = "delete-server"
        case setTimeouts = "set"
        case zero = "zero"
    }

    public var kind: Kind
    /// The virtual service (`-t`, `-u`, `--sctp-service`, `-f`); nil for `-C`, `--set` and a
    /// bare `-Z`.
    public var service: IPVSServiceKey?
    /// `-s` (default "wlc" for `-A`/`-E`).
    public var scheduler: String
    /// `-b`.
    public var schedulerFlags: IPVSServiceFlags
    /// `-r` with `-m|-g|-i`, `-w`, `-x`, `-y`; nil for service commands.
    public var destination: IPVSDestinationSpec?
    /// `--set tcp tcpfin udp`.
    public var timeouts: [Int]?
    /// 1-based column of the command option, where control-plane errors are reported.
    public var commandColumn: Int
}

extension IPVSAdmCommand {
    /// ipvsadm's `optnames` (the `OPTC_*` indices).
    static let optionNames = [
        "numeric", "connection", "service-address", "scheduler", "persistent", "netmask", "real-server",
        "forwarding-method", "weight", "u-threshold", "l-threshold", "mcast-interface", "timeout", "daemon", "stats",
        "rate", "thresholds", "persistent-conn", "nosort", "syncid", "exact", "ops", "pe", "sched-flags",
        "mcast-group", "mcast-port", "mcast-ttl", "sync-maxlen", "tun-info", "tun-type", "tun-port", "tun-nocsum",
        "tun-csum", "tun-remcsum",
    ]

    /// The rows of ipvsadm's `commands_v_options` for the programming commands: '+' compulsory,
    /// 'x' illegal, ' ' optional.
    static let legalOptions: [Kind: String] = [
        .addService: "xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx",
        .editService: "xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx",
        .deleteService: "xx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        .flush: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        .addServer: "xx+xxx+    xxxxxxxxxxxxxxxxxx     ",
        .deleteServer: "xx+xxx+xxxxxxxxxxxxxxxxxxxxxxxxxxx",
        .editServer: "xx+xxx+    xxxxxxxxxxxxxxxxxx     ",
        .setTimeouts: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        .zero: "xx xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    ]

    /// How an option is spelled and what it is.
    enum Option {
        case command(Kind)
        case otherCommand(String)
        case withArgument(Character?, String)
        case flag(Character?, String)
    }

    /// popt's table (`parse_options`), keyed by short and long name.
    static let options: [(short: Character?, long: String, kind: Option)] = [
        ("A", "add-service", .command(.addService)),
        ("E", "edit-service", .command(.editService)),
        ("D", "delete-service", .command(.deleteService)),
        ("C", "clear", .command(.flush)),
        ("a", "add-server", .command(.addServer)),
        ("e", "edit-server", .command(.editServer)),
        ("d", "delete-server", .command(.deleteServer)),
        ("Z", "zero", .command(.zero)),
        (nil, "set", .command(.setTimeouts)),
        ("L", "list", .otherCommand("list")),
        ("l", "list", .otherCommand("list")),
        ("R", "restore", .otherCommand("restore")),
        ("S", "save", .otherCommand("save")),
        ("h", "help", .otherCommand("help")),
        ("v", "version", .otherCommand("version")),
        (nil, "start-daemon", .otherCommand("start-daemon")),
        (nil, "stop-daemon", .otherCommand("stop-daemon")),
        ("t", "tcp-service", .withArgument("t", "tcp-service")),
        ("u", "udp-service", .withArgument("u", "udp-service")),
        (nil, "sctp-service", .withArgument(nil, "sctp-service")),
        ("f", "fwmark-service", .withArgument("f", "fwmark-service")),
        ("s", "scheduler", .withArgument("s", "scheduler")),
        ("p", "persistent", .withArgument("p", "persistent")),
        ("M", "netmask", .withArgument("M", "netmask")),
        ("r", "real-server", .withArgument("r", "real-server")),
        ("m", "masquerading", .flag("m", "masquerading")),
        ("i", "ipip", .flag("i", "ipip")),
        ("g", "gatewaying", .flag("g", "gatewaying")),
        ("w", "weight", .withArgument("w", "weight")),
        ("x", "u-threshold", .withArgument("x", "u-threshold")),
        ("y", "l-threshold", .withArgument("y", "l-threshold")),
        ("n", "numeric", .flag("n", "numeric")),
        ("c", "connection", .flag("c", "connection")),
        (nil, "mcast-interface", .withArgument(nil, "mcast-interface")),
        (nil, "syncid", .withArgument(nil, "syncid")),
        (nil, "timeout", .flag(nil, "timeout")),
        (nil, "daemon", .flag(nil, "daemon")),
        (nil, "stats", .flag(nil, "stats")),
        (nil, "rate", .flag(nil, "rate")),
        (nil, "thresholds", .flag(nil, "thresholds")),
        (nil, "persistent-conn", .flag(nil, "persistent-conn")),
        (nil, "nosort", .flag(nil, "nosort")),
        (nil, "sort", .flag(nil, "sort")),
        ("X", "exact", .flag("X", "exact")),
        ("6", "ipv6", .flag("6", "ipv6")),
        ("o", "ops", .flag("o", "ops")),
        (nil, "pe", .withArgument(nil, "pe")),
        ("b", "sched-flags", .withArgument("b", "sched-flags")),
        (nil, "mcast-group", .withArgument(nil, "mcast-group")),
        (nil, "mcast-port", .withArgument(nil, "mcast-port")),
        (nil, "mcast-ttl", .withArgument(nil, "mcast-ttl")),
        (nil, "sync-maxlen", .withArgument(nil, "sync-maxlen")),
        (nil, "tun-info", .flag(nil, "tun-info")),
        (nil, "tun-type", .withArgument(nil, "tun-type")),
        (nil, "tun-port", .withArgument(nil, "tun-port")),
        (nil, "tun-nocsum", .flag(nil, "tun-nocsum")),
        (nil, "tun-csum", .flag(nil, "tun-csum")),
        (nil, "tun-remcsum", .flag(nil, "tun-remcsum")),
    ]

    /// The `OPTC_*` index an option sets (popt's `set_option`).
    static let optionIndex: [String: Int] = [
        "numeric": 0, "connection": 1, "tcp-service": 2, "udp-service": 2, "sctp-service": 2, "fwmark-service": 2,
        "scheduler": 3, "persistent": 4, "netmask": 5, "real-server": 6, "masquerading": 7, "ipip": 7,
        "gatewaying": 7, "weight": 8, "u-threshold": 9, "l-threshold": 10, "mcast-interface": 11, "timeout": 12,
        "daemon": 13, "stats": 14, "rate": 15, "thresholds": 16, "persistent-conn": 17, "nosort": 18, "syncid": 19,
        "exact": 20, "ops": 21, "pe": 22, "sched-flags": 23, "mcast-group": 24, "mcast-port": 25, "mcast-ttl": 26,
        "sync-maxlen": 27, "tun-info": 28, "tun-type": 29, "tun-port": 30, "tun-nocsum": 31, "tun-csum": 32,
        "tun-remcsum": 33,
    ]

    static let commandList = "-A, -E, -D, -C, -a, -e, -d, -Z or --set"

    /// A whitespace-separated word and its 1-based column.
    struct Word {
        var text: Substring
        var column: Int
    }

    /// Splits on spaces and tabs, keeping columns. A trailing "\r" is ignored.
    static func words(_ line: String) -> [Word] {
        var result: [Word] = []
        var start: String.Index?
        var startColumn = 0
        var column = 0
        for index in line.indices {
            column += 1
            let ch = line[index]
            if ch == " " || ch == "\t" || ch == "\r" || ch == "\n" {
                if let s = start {
                    result.append(Word(text: line[s..<index], column: startColumn))
                    start = nil
                }
            } else if start == nil {
                start = index
                startColumn = column
            }
        }
        if let s = start { result.append(Word(text: line[s...], column: startColumn)) }
        return result
    }

    /// Parses one line. nil for a blank line or a `#` comment. A leading "ipvsadm" word is
    /// skipped, so both `ipvsadm -A -f 256 -s rr` and the `-Sn` form `-A -f 256 -s rr` work.
    public static func parse(
        _ line: String, lineNumber: Int = 1, file: String = "<ipvsadm>"
    ) throws(IPVSAdmError) -> IPVSAdmCommand? {
        var parser = Parser(file: file, line: lineNumber, words: words(line))
        return try parser.run()
    }

    /// The state `parse_options` fills (`struct ipvs_command_entry`).
    struct Parser {
        let file: String
        let line: Int
        var words: [Word]
        var position = 0

        var kind: Kind?
        var commandColumn = 1
        var seen: [Int: Int] = [:]  // OPTC index → column
        var service: IPVSServiceKey?
        var serviceProtocol: IPProtocol = .tcp
        var scheduler = ""
        var schedulerFlagsArgument: (text: String, column: Int)?
        var destinationAddress: IPv4Address?
        var destinationPort: UInt16 = 0
        var destinationHasPort = false
        var forwarding: IPVSForwardingMethod = .directRoute
        var weight: Int32 = 1
        var upperThreshold: UInt32 = 0
        var lowerThreshold: UInt32 = 0
        var positional: [Word] = []

        init(file: String, line: Int, words: [Word]) {
            self.file = file
            self.line = line
            self.words = words
        }

        func error(_ column: Int, _ message: String) -> IPVSAdmError {
            IPVSAdmError(file: file, line: line, column: column, message: message)
        }

        mutating func run() throws(IPVSAdmError) -> IPVSAdmCommand? {
            if words.first?.text.hasPrefix("#") ?? true { return nil }
            if words.first?.text == "ipvsadm" { words.removeFirst() }
            guard !words.isEmpty else { return nil }
            try readOptions()
            return try finish()
        }

        /// popt's option loop.
        mutating func readOptions() throws(IPVSAdmError) {
            var index = 0
            while index < words.count {
                let word = words[index]
                index += 1
                let text = word.text
                if text.hasPrefix("--") && text.count > 2 {
                    var name = String(text.dropFirst(2))
                    var attached: Word?
                    if let eq = name.firstIndex(of: "=") {
                        let argumentText = name[name.index(after: eq)...]
                        attached = Word(text: Substring(argumentText), column: word.column + 2 + name.distance(
                            from: name.startIndex, to: eq) + 1)
                        name = String(name[..<eq])
                    }
                    guard let entry = IPVSAdmCommand.options.first(where: { $0.long == name }) else {
                        throw error(word.column, "unknown option `--\(name)'; expected an ipvsadm option")
                    }
                    var argument: Word?
                    if case .withArgument = entry.kind {
                        if let attached {
                            argument = attached
                        } else if name == "persistent" {
                            argument = nil  // optional argument: not modelled anyway
                        } else if index < words.count {
                            argument = words[index]
                            index += 1
                        } else {
                            throw error(word.column, "option `--\(name)' requires an argument")
                        }
                    } else if attached != nil {
                        throw error(word.column, "option `--\(name)' does not take an argument")
                    }
                    try apply(entry.kind, argument: argument, column: word.column, spelled: "--\(name)")
                } else if text.hasPrefix("-") && text.count > 1 {
                    // A cluster of short options: "-Ln", "-srr".
                    var offset = 1
                    let characters = Array(text)
                    while offset < characters.count {
                        let letter = characters[offset]
                        // The first letter is reported at the dash, later ones at themselves.
                        let column = offset == 1 ? word.column : word.column + offset
                        guard let entry = IPVSAdmCommand.options.first(where: { $0.short == letter }) else {
                            throw error(column, "unknown option `-\(letter)'; expected an ipvsadm option")
                        }
                        if case .withArgument = entry.kind {
                            var argument: Word?
                            if offset + 1 < characters.count {
                                let rest = text[text.index(text.startIndex, offsetBy: offset + 1)...]
                                argument = Word(text: rest, column: word.column + offset + 1)
                            } else if letter == "p" {
                                argument = nil
                            } else if index < words.count {
                                argument = words[index]
                                index += 1
                            } else {
                                throw error(column, "option `-\(letter)' requires an argument")
                            }
                            try apply(entry.kind, argument: argument, column: column, spelled: "-\(letter)")
                            break
                        }
                        try apply(entry.kind, argument: nil, column: column, spelled: "-\(letter)")
                        offset += 1
                    }
                } else {
                    if kind == nil {
                        throw error(word.column, "expected a command (\(IPVSAdmCommand.commandList)), found `\(text)'")
                    }
                    positional.append(word)
                }
            }
        }

        /// `set_option`: an option may appear once.
        mutating func set(_ name: String, column: Int) throws(IPVSAdmError) {
            guard let index = IPVSAdmCommand.optionIndex[name] else { return }
            if seen[index] != nil {
                throw error(column, "multiple '\(IPVSAdmCommand.optionNames[index])' options specified")
            }
            seen[index] = column
        }

        /// One option of `parse_options`' switch.
        mutating func apply(_ option: Option, argument: Word?, column: Int, spelled: String) throws(IPVSAdmError) {
            switch option {
            case .command(let newKind):
                if kind != nil { throw error(column, "multiple commands specified") }
                kind = newKind
                commandColumn = column
                return
            case .otherCommand(let name):
                throw error(
                    column,
                    "`\(spelled)' (\(name)) does not program IPVS; expected one of \(IPVSAdmCommand.commandList)")
            case .flag(_, let name), .withArgument(_, let name):
                guard kind != nil else {
                    throw error(column, "expected a command (\(IPVSAdmCommand.commandList)) first, found `\(spelled)'")
                }
                try set(name, column: column)
                try value(name, argument: argument, column: column)
            }
        }

        /// The per-option parsing of `parse_options`.
        mutating func value(_ name: String, argument: Word?, column: Int) throws(IPVSAdmError) {
            let text = argument.map { String($0.text) } ?? ""
            let argumentColumn = argument?.column ?? column
            switch name {
            case "tcp-service", "udp-service", "sctp-service":
                serviceProtocol = name == "tcp-service" ? .tcp : name == "udp-service" ? .udp : .sctp
                guard let parsed = IPVSAdmCommand.parseService(text) else {
                    throw error(
                        argumentColumn,
                        "illegal virtual server address[:port] specified: `\(text)'; expected IPv4-address[:port]")
                }
                service = .address(serviceProtocol, parsed.address, parsed.port ?? 0)
            case "fwmark-service":
                guard let mark = IPVSAdmCommand.number(text, min: 1, max: Int(UInt32.max)) else {
                    throw error(argumentColumn, "invalid fwmark value `\(text)' specified; expected 1...4294967295")
                }
                service = .fwmark(UInt32(mark))
            case "scheduler":
                scheduler = String(text.prefix(15))  // IP_VS_SCHEDNAME_MAXLEN - 1
            case "persistent":
                throw error(column, "persistent services are not modelled by swarmsim (Docker never uses -p)")
            case "netmask":
                // Only meaningful with persistence; validated and otherwise ignored.
                guard IPv4Address(text) != nil else {
                    throw error(argumentColumn, "illegal virtual server persistent mask specified: `\(text)'")
                }
            case "real-server":
                guard let parsed = IPVSAdmCommand.parseService(text) else {
                    throw error(
                        argumentColumn,
                        "illegal real server address[:port] specified: `\(text)'; expected IPv4-address[:port]")
                }
                destinationAddress = parsed.address
                destinationPort = parsed.port ?? 0
                destinationHasPort = parsed.port != nil
            case "masquerading": forwarding = .masquerade
            case "gatewaying": forwarding = .directRoute
            case "ipip": forwarding = .tunnel
            case "weight":
                guard let w = IPVSAdmCommand.number(text, min: 0, max: 65535) else {
                    throw error(argumentColumn, "illegal weight specified: `\(text)'; expected 0...65535")
                }
                weight = Int32(w)
            case "u-threshold":
                guard let u = IPVSAdmCommand.number(text, min: 0, max: Int(Int32.max)) else {
                    throw error(argumentColumn, "illegal u_threshold specified: `\(text)'; expected 0...2147483647")
                }
                upperThreshold = UInt32(u)
            case "l-threshold":
                guard let l = IPVSAdmCommand.number(text, min: 0, max: Int(Int32.max)) else {
                    throw error(argumentColumn, "illegal l_threshold specified: `\(text)'; expected 0...2147483647")
                }
                lowerThreshold = UInt32(l)
            case "sched-flags":
                schedulerFlagsArgument = (text, argumentColumn)
            case "ops":
                throw error(column, "one-packet scheduling (-o) is not modelled by swarmsim")
            case "pe":
                throw error(column, "persistence engines (--pe) are not modelled by swarmsim")
            case "ipv6":
                throw error(column, "IPv6 services (-6) are not modelled by swarmsim")
            case "tun-type":
                // ipip, the default, is what the model's tunnel method means; ipvsadm -S prints it.
                guard text == "ipip" else {
                    throw error(argumentColumn, "tunnel type `\(text)' is not modelled by swarmsim; expected ipip")
                }
            case "tun-port", "tun-nocsum", "tun-csum", "tun-remcsum":
                throw error(column, "tunnel options (--\(name)) are not modelled by swarmsim")
            default:
                break  // options illegal for every programming command; generic_opt_check reports them
            }
        }

        /// `generic_opt_check`, the `--set` arguments, `parse_sched_flags` and
        /// `process_options`' defaults and checks.
        mutating func finish() throws(IPVSAdmError) -> IPVSAdmCommand {
            guard let kind else {
                throw error(words.first?.column ?? 1, "expected a command (\(IPVSAdmCommand.commandList))")
            }
            let row = Array(IPVSAdmCommand.legalOptions[kind] ?? "")
            for (j, legality) in row.enumerated() {
                if let column = seen[j] {
                    if legality == "x" {
                        throw error(
                            column,
                            "Illegal '\(IPVSAdmCommand.optionNames[j])' option with the '\(kind.rawValue)' command")
                    }
                } else if legality == "+" {
                    throw error(
                        commandColumn,
                        "You need to supply the '\(IPVSAdmCommand.optionNames[j])' option for the '\(kind.rawValue)' command"
                    )
                }
            }
            var timeouts: [Int]?
            if kind == .setTimeouts {
                guard positional.count >= 3 else {
                    throw error(commandColumn, "--set option requires 3 timeout values (tcp tcpfin udp)")
                }
                var values: [Int] = []
                for word in positional.prefix(3) {
                    guard let value = IPVSAdmCommand.number(String(word.text), min: 0, max: 86400 * 31) else {
                        throw error(word.column, "invalid timeout value `\(word.text)' specified; expected 0...2678400")
                    }
                    values.append(value)
                }
                timeouts = values
                positional.removeFirst(3)
            }
            if let extra = positional.first { throw error(extra.column, "unexpected argument \(extra.text)") }

            var flags: IPVSServiceFlags = []
            if let (text, column) = schedulerFlagsArgument {
                flags = try schedulerFlags(text, column: column)
            }
            if kind == .addService || kind == .editService {
                if service?.fwmark == 0 && service?.port == 0 {
                    throw error(commandColumn, "Zero port specified for non-persistent service")
                }
                if scheduler.isEmpty { scheduler = "wlc" }
            }
            if let column = seen[29], forwarding != .tunnel {
                throw error(column, "Tunnel options conflict with forward method")
            }
            var destination: IPVSDestinationSpec?
            if let address = destinationAddress {
                var port = destinationHasPort ? destinationPort : (service?.port ?? 0)
                // DR and tunnel real servers must use the service port (unless fwmark).
                if kind == .addServer || kind == .editServer, service?.fwmark == 0,
                    forwarding == .tunnel || forwarding == .directRoute
                {
                    port = service?.port ?? 0
                }
                destination = IPVSDestinationSpec(
                    address: address, port: port, weight: weight, forwarding: forwarding,
                    upperThreshold: upperThreshold, lowerThreshold: lowerThreshold)
            }
            return IPVSAdmCommand(
                kind: kind, service: service, scheduler: scheduler, schedulerFlags: flags, destination: destination,
                timeouts: timeouts, commandColumn: commandColumn)
        }

        /// `parse_sched_flags`, checked against the scheduler (wlc when none was given).
        func schedulerFlags(_ text: String, column: Int) throws(IPVSAdmError) -> IPVSServiceFlags {
            let sched = scheduler.isEmpty ? "wlc" : scheduler
            var flags: IPVSServiceFlags = []
            for name in text.split(separator: ",") {
                let flag: IPVSServiceFlags
                var requires: String?
                switch name {
                case "flag-1": flag = .scheduler1
                case "flag-2": flag = .scheduler2
                case "flag-3": flag = .scheduler3
                case "sh-fallback": (flag, requires) = (.shFallback, "sh")
                case "sh-port": (flag, requires) = (.shPort, "sh")
                case "mh-fallback": (flag, requires) = (.mhFallback, "mh")
                case "mh-port": (flag, requires) = (.mhPort, "mh")
                default:
                    throw error(
                        column,
                        "invalid scheduler flag `\(name)'; expected flag-1, flag-2, flag-3, sh-fallback, sh-port, mh-fallback or mh-port"
                    )
                }
                if let requires, requires != sched {
                    throw error(column, "incompatible scheduler flag `\(name)' (it needs -s \(requires))")
                }
                flags.insert(flag)
            }
            return flags
        }
    }

    /// `string_to_number`: a decimal (`strtol`, optional sign) within `min...max`.
    static func number(_ text: String, min: Int, max: Int) -> Int? {
        var digits = Substring(text)
        var negative = false
        if let first = digits.first, first == "+" || first == "-" {
            negative = first == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            let magnitude = Int(digits)
        else { return nil }
        let value = negative ? -magnitude : magnitude
        return (min...max).contains(value) ? value : nil
    }

    /// `parse_service` for IPv4: "address[:port]" (the last ':' splits off the port). A word of
    /// digits only is refused, as ipvsadm refuses it. Host and service names are not resolved.
    static func parseService(_ text: String) -> (address: IPv4Address, port: UInt16?)? {
        guard !text.isEmpty, !text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        var host = Substring(text)
        var port: UInt16?
        if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            guard let p = number(String(text[text.index(after: colon)...]), min: 0, max: 65535) else { return nil }
            port = UInt16(p)
        }
        guard let address = IPv4Address(String(host)) else { return nil }
        return (address, port)
    }
}

extension IPVS {
    /// Runs one `ipvsadm` programming command (`-A -E -D -C -a -e -d -Z --set`), given as a
    /// command line with or without the leading "ipvsadm": `ipvsadm -A -f 256 -s rr`,
    /// `-a -f 256 -r 10.0.0.3:0 -m -w 1`. Parse errors point at the offending word; the
    /// kernel's refusals ("Service already exists", ...) at the command.
    public func apply(ipvsadm line: String, now: SimTime, file: String = "<ipvsadm>", lineNumber: Int = 1) throws(IPVSAdmError) {
        guard let command = try IPVSAdmCommand.parse(line, lineNumber: lineNumber, file: file) else { return }
        try apply(command, now: now, file: file, lineNumber: lineNumber)
    }

    /// Programs the lines of an `ipvsadm -Sn` dump (what `ipvsadm -R` reads), in order; blank
    /// lines and `#` comments are skipped. Stops at the first error.
    public func restore(ipvsadmSave text: String, now: SimTime, file: String = "<ipvsadm-save>") throws(IPVSAdmError) {
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            try apply(ipvsadm: String(line), now: now, file: file, lineNumber: number)
        }
    }

    /// Runs a parsed command.
    public func apply(_ command: IPVSAdmCommand, now: SimTime, file: String = "<ipvsadm>", lineNumber: Int = 1) throws(IPVSAdmError) {
        do {
            switch command.kind {
            case .addService:
                if let key = command.service {
                    try addService(key, scheduler: command.scheduler, flags: command.schedulerFlags, now: now)
                }
            case .editService:
                if let key = command.service {
                    try editService(key, scheduler: command.scheduler, flags: command.schedulerFlags, now: now)
                }
            case .deleteService:
                if let key = command.service { try deleteService(key, now: now) }
            case .flush:
                flush(now: now)
            case .addServer:
                if let key = command.service, let spec = command.destination {
                    try addDestination(to: key, spec, now: now)
                }
            case .editServer:
                if let key = command.service, let spec = command.destination {
                    try editDestination(in: key, spec, now: now)
                }
            case .deleteServer:
                if let key = command.service, let spec = command.destination {
                    try deleteDestination(from: key, address: spec.address, port: spec.port, now: now)
                }
            case .setTimeouts:
                if let t = command.timeouts, t.count == 3 { setTimeouts(tcp: t[0], tcpFin: t[1], udp: t[2]) }
            case .zero:
                try zero(command.service)
            }
        } catch {
            throw IPVSAdmError(file: file, line: lineNumber, column: command.commandColumn, message: error.description)
        }
    }
}
