import SwarmSimCore

/// `dig` as the `benhall/dig` image ships it: BIND 9.10.2 (its banner reads
/// `; <<>> DiG 9.10.2 <<>> http`).
///
/// Supported: `dig [@SERVER] NAME [TYPE] [+short]` in any order, `-x ADDR` for a reverse
/// lookup; TYPE is A, AAAA, PTR, SRV, MX, NS, CNAME, SOA, TXT or ANY. The query is what 9.10
/// sends by default: RD and AD set, an EDNS(0) OPT record advertising 4096 bytes, the ID from
/// a seeded stream; to the resolv.conf server 127.0.0.11 port 53 unless `@SERVER` is given,
/// 3 tries 5 s apart (`tries = 3`, `UDP_TIMEOUT`). Output and exit codes follow
/// `bin/dig/dig.c` and `dighost.c`: the reply printed in full (or its RDATA only with
/// `+short`), exit 0 whatever its rcode; `;; connection timed out; no servers could be
/// reached` and exit 9 when nothing answers. A truncated reply is printed as received (dig
/// would retry over TCP; with 4096 bytes advertised Docker's replies do not get there).
public enum Dig {
    /// The version in the banner.
    public static let version = "9.10.2"
    static let tries = 3
    static let timeout = SimDuration.seconds(5)

    struct Options {
        var name = "."
        var type = DNSType.a
        var server: IPv4Address?
        var serverText: String?
        var short = false
    }

    enum UsageError: Error {
        case invalidOption(String)
        case badServer(String)
        case badName(String)
    }

    public static func run(arguments: [String], context: AppContext, completion: @escaping (CommandResult) -> Void) {
        let options: Options
        switch Result(catching: { () throws(UsageError) -> Options in try parse(arguments) }) {
        case .success(let parsed):
            options = parsed
        case .failure(.invalidOption(let option)):
            completion(CommandResult(stdout: "", stderr: "Invalid option: \(option)\n", exitCode: 1))
            return
        case .failure(.badServer(let server)):
            completion(CommandResult(
                stdout: "", stderr: "dig: couldn't get address for '\(server)': not found\n", exitCode: 10))
            return
        case .failure(.badName(let name)):
            completion(CommandResult(stdout: "", stderr: "dig: '\(name)' is not a legal name\n", exitCode: 10))
            return
        }
        guard let qname = DNSName(options.name) else {
            completion(CommandResult(stdout: "", stderr: "dig: '\(options.name)' is not a legal name\n", exitCode: 10))
            return
        }
        var cmdline = ""
        if !options.short {
            cmdline = "\n; <<>> DiG \(version) <<>>" + arguments.map { " " + $0 }.joined() + "\n"
            if options.server != nil { cmdline += "; (1 server found)\n" }
            cmdline += ";; global options: +cmd\n"
        }
        let server = options.server ?? IPv4Address(127, 0, 0, 11)
        let serverName = options.serverText ?? server.description
        var ids = context.timers.simulation.randomStream(
            named: "dig:\(context.hostname):\(context.timers.now.nanoseconds)")
        let opt = DNSResourceRecord(name: .root, class: DNSClass(rawValue: 4096), ttl: 0, data: .other(.opt, []))
        let query = DNSMessage(
            id: UInt16(truncatingIfNeeded: ids.next()), flags: DNSFlags(rd: true, ad: true),
            questions: [DNSQuestion(name: qname, type: options.type)], additional: [opt])
        DNSUDPExchange.start(
            namespace: context.namespace, timers: context.timers, server: server, port: DNSMessage.port, query: query,
            timeout: timeout, attempts: tries
        ) { outcome in
            switch outcome {
            case .reply(let reply, let size, let sentAt, let receivedAt):
                var out = ""
                if options.short {
                    out = reply.answers.map { DigFormat.rdata($0.data) + "\n" }.joined()
                } else {
                    out = cmdline + message(reply)
                    out += ";; Query time: \((receivedAt - sentAt).nanoseconds / 1_000_000) msec\n"
                    out += ";; SERVER: \(server)#\(DNSMessage.port)(\(serverName))\n"
                    out += ";; WHEN: \(DigFormat.when(receivedAt))\n"
                    out += ";; MSG SIZE  rcvd: \(size)\n\n"
                }
                completion(CommandResult(stdout: out, stderr: "", exitCode: 0))
            case .timedOut, .failed:
                completion(CommandResult(
                    stdout: cmdline + ";; connection timed out; no servers could be reached\n", stderr: "",
                    exitCode: 9))
            }
        }
    }

    /// The "Got answer" part of dig's output for a reply.
    static func message(_ reply: DNSMessage) -> String {
        let flags = reply.flags
        var out = ";; Got answer:\n"
        out += ";; ->>HEADER<<- opcode: \(flags.opcode), status: \(flags.rcode), id: \(reply.id)\n"
        out += ";; flags:" + (flags.description.isEmpty ? "" : " " + flags.description)
        if flags.z { out += "; MBZ: 0x4" }
        out += "; QUERY: \(reply.questions.count), ANSWER: \(reply.answers.count), "
        out += "AUTHORITY: \(reply.authority.count), ADDITIONAL: \(reply.additional.count)\n"
        if flags.rd && !flags.ra { out += ";; WARNING: recursion requested but not available\n" }
        out += "\n"
        if let opt = reply.additional.first(where: { $0.type == .opt }) {
            let version = (opt.ttl >> 16) & 0xFF
            let dnssecOK = opt.ttl & 0x8000 != 0
            out += ";; OPT PSEUDOSECTION:\n; EDNS: version: \(version), flags:\(dnssecOK ? " do" : ""); "
            out += "udp: \(opt.class.rawValue)\n"
        }
        out += DigFormat.section("QUESTION", reply.questions.map(DigFormat.question))
        out += DigFormat.section("ANSWER", reply.answers.map(DigFormat.record))
        out += DigFormat.section("AUTHORITY", reply.authority.map(DigFormat.record))
        out += DigFormat.section("ADDITIONAL", reply.additional.filter { $0.type != .opt }.map(DigFormat.record))
        return out
    }

    static func parse(_ arguments: [String]) throws(UsageError) -> Options {
        var options = Options()
        var index = 0
        var nameSet = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument.hasPrefix("@") {
                let text = String(argument.dropFirst())
                guard let address = IPv4Address(text) else { throw .badServer(text) }
                options.server = address
                options.serverText = text
            } else if argument.hasPrefix("+") {
                switch argument.lowercased() {
                case "+short": options.short = true
                case "+noshort": options.short = false
                default: throw .invalidOption(argument)
                }
            } else if argument == "-x" {
                guard index < arguments.count, let address = IPv4Address(arguments[index]) else {
                    throw .invalidOption(argument)
                }
                index += 1
                options.name = DNSName.reverse(address).description
                options.type = .ptr
                nameSet = true
            } else if argument.hasPrefix("-") {
                throw .invalidOption(argument)
            } else if nameSet, let type = queryType(argument) {
                options.type = type
            } else if !nameSet {
                guard DNSName(argument) != nil else { throw .badName(argument) }
                options.name = argument
                nameSet = true
            } else if let type = queryType(argument) {
                options.type = type
            } else {
                // dig takes a second bare word as another lookup; one lookup is modelled.
                throw .invalidOption(argument)
            }
        }
        return options
    }

    static func queryType(_ text: String) -> DNSType? {
        let types: [DNSType] = [.a, .aaaa, .ptr, .srv, .mx, .ns, .cname, .soa, .txt, .any]
        return types.first { $0.description == text.uppercased() }
    }
}
