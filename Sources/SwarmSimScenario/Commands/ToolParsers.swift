import SwarmSimCore

/// curl, dig, ping, nslookup, wget and sleep: the options scenarios use, with each tool's own
/// messages for what it refuses. The argv is kept so the application can print as the tool does.
enum ToolParsers {
    typealias Outcome = Result<Command, CommandError>

    // MARK: curl

    /// curl options that take a value (curl's tool_getparam.c), short and long.
    static let curlValueShort: Set<Character> = ["H", "o", "X", "d", "m", "A", "u", "w", "e", "x", "b", "c", "T"]
    static let curlValueLong: Set<String> = [
        "header", "output", "request", "data", "data-raw", "data-binary", "max-time", "user-agent", "user",
        "write-out", "referer", "proxy", "cookie", "cookie-jar", "connect-timeout", "retry", "resolve",
        "upload-file", "interface", "local-port",
    ]
    static let curlFlagShort: Set<Character> = ["s", "S", "v", "i", "I", "L", "f", "k", "4", "6", "N", "0", "g"]
    static let curlFlagLong: Set<String> = [
        "silent", "show-error", "verbose", "include", "head", "location", "fail", "insecure", "ipv4", "ipv6",
        "no-buffer", "http1.0", "http1.1", "no-keepalive", "compressed", "globoff", "tcp-nodelay",
    ]

    static func curlUnknown(_ option: String) -> CommandError {
        CommandError(message: "curl: option \(option): is unknown\ncurl: try 'curl --help' for more information")
    }

    static func curl(_ words: [String]) -> Outcome {
        var urls: [String] = []
        var silent = false
        var headers: [String] = []
        var i = 1
        while i < words.count {
            let word = words[i]
            i += 1
            if word.hasPrefix("--"), word.count > 2 {
                let name = String(word.dropFirst(2))
                if curlValueLong.contains(name) {
                    guard i < words.count else {
                        return .failure(CommandError(message: "curl: option \(word): requires parameter\ncurl: try 'curl --help' for more information"))
                    }
                    if name == "header" { headers.append(words[i]) }
                    i += 1
                } else if curlFlagLong.contains(name) {
                    if name == "silent" { silent = true }
                } else if name == "url" {
                    guard i < words.count else { return .failure(CommandError(message: "curl: option --url: requires parameter")) }
                    urls.append(words[i])
                    i += 1
                } else {
                    return .failure(curlUnknown(word))
                }
            } else if word.hasPrefix("-"), word.count > 1 {
                var rest = Substring(word.dropFirst())
                while let c = rest.first {
                    rest = rest.dropFirst()
                    if curlValueShort.contains(c) {
                        let value: String
                        if !rest.isEmpty {
                            value = String(rest)
                        } else if i < words.count {
                            value = words[i]
                            i += 1
                        } else {
                            return .failure(CommandError(message: "curl: option -\(c): requires parameter\ncurl: try 'curl --help' for more information"))
                        }
                        if c == "H" { headers.append(value) }
                        break
                    } else if curlFlagShort.contains(c) {
                        if c == "s" { silent = true }
                    } else {
                        return .failure(curlUnknown("-\(c)"))
                    }
                }
            } else {
                urls.append(word)
            }
        }
        guard !urls.isEmpty else {
            return .failure(CommandError(message: "curl: no URL specified\ncurl: try 'curl --help' for more information"))
        }
        return .success(.curl(Curl(argv: words, urls: urls, silent: silent, headers: headers)))
    }

    // MARK: dig

    static let dnsTypes: Set<String> = ["A", "AAAA", "SRV", "PTR", "ANY", "MX", "TXT", "CNAME", "NS", "SOA"]

    static func dig(_ words: [String]) -> Outcome {
        var name: String?
        var type: String?
        var server: String?
        var options: [String] = []
        var i = 1
        while i < words.count {
            let word = words[i]
            i += 1
            if word.hasPrefix("@") {
                server = String(word.dropFirst())
            } else if word.hasPrefix("+") {
                options.append(word)
            } else if word == "-t" || word == "-p" || word == "-x" {
                guard i < words.count else {
                    return .failure(CommandError(message: "dig: option requires an argument -- '\(word.dropFirst())'"))
                }
                if word == "-t" { type = words[i].uppercased() }
                if word == "-x" { name = words[i] }
                i += 1
            } else if word.hasPrefix("-") {
                return .failure(CommandError(message: "Invalid option: \(word)\nUsage:  dig [@global-server] [domain] [q-type] [q-class] {q-opt}"))
            } else if name != nil, type == nil, dnsTypes.contains(word.uppercased()) {
                type = word.uppercased()
            } else if name == nil {
                name = word
            } else {
                // dig takes further names as further queries; scenarios ask one at a time.
                return .failure(CommandError(message: "dig: swarmsim runs one query per dig; found a second name '\(word)'"))
            }
        }
        return .success(.dig(Dig(
            argv: words, name: name ?? ".", type: type ?? (name == nil ? "NS" : "A"), server: server, queryOptions: options
        )))
    }

    // MARK: ping

    static func ping(_ words: [String]) -> Outcome {
        var host: String?
        var count: Int?
        var interval: SimDuration?
        var timeout: SimDuration?
        var deadline: SimDuration?
        var size: Int?
        var quiet = false
        var i = 1
        func seconds(_ text: String) -> SimDuration? {
            Units.duration(text + "s")
        }
        while i < words.count {
            let word = words[i]
            i += 1
            guard word.hasPrefix("-"), word.count > 1 else {
                guard host == nil else {
                    return .failure(CommandError(message: "ping: usage error: only one destination address is supported"))
                }
                host = word
                continue
            }
            var rest = Substring(word.dropFirst())
            while let c = rest.first {
                rest = rest.dropFirst()
                switch c {
                case "q": quiet = true
                case "4", "n", "v": break
                case "c", "i", "W", "w", "s", "t":
                    let value: String
                    if !rest.isEmpty {
                        value = String(rest)
                    } else if i < words.count {
                        value = words[i]
                        i += 1
                    } else {
                        return .failure(CommandError(message: "ping: option requires an argument -- '\(c)'"))
                    }
                    rest = ""
                    switch c {
                    case "c":
                        guard let n = Int(value), n > 0 else {
                            return .failure(CommandError(message: "ping: invalid argument: '\(value)': out of range: 1 <= value <= 9223372036854775807"))
                        }
                        count = n
                    case "s":
                        guard let n = Int(value), (0...65507).contains(n) else {
                            return .failure(CommandError(message: "ping: invalid argument: '\(value)': out of range: 0 <= value <= 65507"))
                        }
                        size = n
                    case "t":
                        guard let n = Int(value), (1...255).contains(n) else {
                            return .failure(CommandError(message: "ping: invalid argument: '\(value)': out of range: 1 <= value <= 255"))
                        }
                    default:
                        guard let d = seconds(value) else {
                            return .failure(CommandError(message: "ping: bad timing interval: \(value)"))
                        }
                        switch c {
                        case "i": interval = d
                        case "W": timeout = d
                        default: deadline = d
                        }
                    }
                default:
                    return .failure(CommandError(message: "ping: invalid option -- '\(c)'"))
                }
            }
        }
        guard let host else { return .failure(CommandError(message: "ping: usage error: Destination address required")) }
        return .success(.ping(Ping(
            argv: words, host: host, count: count, interval: interval, timeout: timeout, deadline: deadline,
            size: size, quiet: quiet
        )))
    }

    // MARK: nslookup

    static func nslookup(_ words: [String]) -> Outcome {
        var type: String?
        var positional: [String] = []
        for word in words.dropFirst() {
            if word.hasPrefix("-type=") || word.hasPrefix("-query=") || word.hasPrefix("-q=") {
                type = String(word.split(separator: "=", maxSplits: 1)[1]).uppercased()
            } else if word.hasPrefix("-") {
                return .failure(CommandError(message: "nslookup: unrecognized option '\(word)'\n\(nslookupUsage)"))
            } else {
                positional.append(word)
            }
        }
        guard (1...2).contains(positional.count) else { return .failure(CommandError(message: nslookupUsage)) }
        return .success(.nslookup(name: positional[0], server: positional.count == 2 ? positional[1] : nil, type: type))
    }

    static let nslookupUsage = "Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]"

    // MARK: wget

    static func wget(_ words: [String]) -> Outcome {
        var url: String?
        var quiet = false
        var output: String?
        var i = 1
        while i < words.count {
            let word = words[i]
            i += 1
            if word.hasPrefix("--"), word.count > 2 {
                let body = word.dropFirst(2)
                let name = body.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
                switch name {
                case "quiet": quiet = true
                case "spider", "server-response": break
                case "output-document", "timeout", "header", "user-agent":
                    if body.contains("=") {
                        if name == "output-document" { output = String(body.split(separator: "=", maxSplits: 1)[1]) }
                    } else {
                        guard i < words.count else {
                            return .failure(CommandError(message: "wget: option '--\(name)' requires an argument"))
                        }
                        if name == "output-document" { output = words[i] }
                        i += 1
                    }
                default:
                    return .failure(CommandError(message: "wget: unrecognized option '\(word)'\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR] [--post-data STR | --post-file FILE] [-Y on/off] [-P DIR] [-S] [-U AGENT] [-T SEC] URL..."))
                }
            } else if word.hasPrefix("-"), word.count > 1 {
                var rest = Substring(word.dropFirst())
                while let c = rest.first {
                    rest = rest.dropFirst()
                    switch c {
                    case "q": quiet = true
                    case "S", "c": break
                    case "O", "T", "U", "P", "o":
                        let value: String
                        if !rest.isEmpty {
                            value = String(rest)
                        } else if i < words.count {
                            value = words[i]
                            i += 1
                        } else {
                            return .failure(CommandError(message: "wget: option requires an argument -- '\(c)'"))
                        }
                        if c == "O" { output = value }
                        rest = ""
                    default:
                        return .failure(CommandError(message: "wget: invalid option -- '\(c)'"))
                    }
                }
            } else {
                guard url == nil else {
                    return .failure(CommandError(message: "wget: swarmsim fetches one URL per wget; found a second '\(word)'"))
                }
                url = word
            }
        }
        guard let url else {
            return .failure(CommandError(message: "wget: missing URL\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR] [--post-data STR | --post-file FILE] [-Y on/off] [-P DIR] [-S] [-U AGENT] [-T SEC] URL..."))
        }
        return .success(.wget(Wget(argv: words, url: url, quiet: quiet, output: output)))
    }

    // MARK: sleep

    /// coreutils `sleep NUMBER[SUFFIX]`: a bare number is seconds; `s`, `m`, `h`, `d`; and, as a
    /// swarmsim extension, the scenario format's `ms`, `us` and `ns`. Several operands add up.
    static func sleep(_ words: [String]) -> Outcome {
        guard words.count >= 2 else {
            return .failure(CommandError(message: "sleep: missing operand\nTry 'sleep --help' for more information."))
        }
        var total = SimDuration.zero
        for word in words.dropFirst() {
            var text = word
            if let last = text.last, last.isASCIIDigit { text += "s" }
            if text.hasSuffix("d"), let days = Units.duration(String(text.dropLast()) + "h") {
                total = total + days * 24
                continue
            }
            guard let d = Units.duration(text) else {
                return .failure(CommandError(message: "sleep: invalid time interval '\(word)'\nTry 'sleep --help' for more information."))
            }
            total = total + d
        }
        return .success(.sleep(total))
    }
}
