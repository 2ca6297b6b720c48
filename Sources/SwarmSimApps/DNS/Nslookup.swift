import SwarmSimCore

/// `nslookup` as busybox builds it for the alpine and busybox images (`networking/nslookup.c`,
/// the resolver borrowed from musl's `res_msend`).
///
/// `nslookup HOST [SERVER]`: for a name, an A and an AAAA query (RD set, no EDNS) go out
/// together on one connected socket, with IDs from the clock (`tv_sec + tv_usec`, then +1);
/// for a dotted quad, one PTR query. Unanswered queries are resent every 2.5 s (timeout 5 s /
/// 2 retries) until 5 s have passed; a SERVFAIL is resent at once, up to twice per query.
/// Each reply is printed when it arrives, after a one-time `Server:`/`Address:` header:
/// `** server can't find NAME: RCODE` for an error (exit 1), else `Non-authoritative answer:`
/// (AA is never set by Docker) and the records, then a blank line. Nothing at all back is
/// `;; connection timed out; no servers could be reached` and exit 1.
public enum Nslookup {
    static let timeout = SimDuration.seconds(5)
    static let retries: Int64 = 2
    static let rcodeNames = [
        "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET",
        "NOTAUTH", "NOTZONE", "11", "12", "13", "14", "15",
    ]

    public static func run(arguments: [String], context: AppContext, completion: @escaping (CommandResult) -> Void) {
        let operands = arguments.filter { !$0.hasPrefix("-") }
        guard (1...2).contains(operands.count) else {
            completion(CommandResult(
                stdout: "", stderr: "BusyBox v1.36.1 multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] "
                    + "[-debug] HOST [DNS_SERVER]\n", exitCode: 1))
            return
        }
        let host = operands[0]
        let serverText = operands.count == 2 ? operands[1] : "127.0.0.11"
        guard let server = IPv4Address(serverText) else {
            completion(CommandResult(stdout: "", stderr: "nslookup: bad address '\(serverText)'\n", exitCode: 1))
            return
        }
        var queries: [(name: String, question: DNSQuestion)] = []
        if let address = IPv4Address(host) {
            let reverse = DNSName.reverse(address)
            var name = reverse.description
            name.removeLast()
            queries.append((name, DNSQuestion(name: reverse, type: .ptr)))
        } else if let qname = DNSName(host) {
            queries.append((host, DNSQuestion(name: qname, type: .a)))
            queries.append((host, DNSQuestion(name: qname, type: .aaaa)))
        } else {
            completion(CommandResult(stdout: "", stderr: "nslookup: can't resolve '\(host)'\n", exitCode: 1))
            return
        }
        let socket: UDPSocket
        do {
            socket = try context.namespace.openUDPSocket()
            try socket.connect(to: server, port: DNSMessage.port)
        } catch {
            completion(CommandResult(stdout: "", stderr: "nslookup: write to '\(serverText)': \(error)\n", exitCode: 1))
            return
        }
        let micros = context.timers.now.nanoseconds / 1000
        let firstID = UInt16(truncatingIfNeeded: micros / 1_000_000 + micros % 1_000_000)
        let session = Session(
            socket: socket, timers: context.timers, serverText: serverText, serverAddress: server,
            queries: queries.enumerated().map { index, query in
                (query.name, DNSMessage(
                    id: firstID &+ UInt16(index), flags: DNSFlags(rd: true), questions: [query.question]))
            }, completion: completion)
        session.start()
    }

    /// One run of `send_queries` against one server.
    final class Session {
        let socket: UDPSocket
        let timers: AppTimers
        let serverText: String
        let serverAddress: IPv4Address
        let names: [String]
        let queries: [DNSMessage]
        var answered: [Bool]
        var replies = 0
        var servfailRetries = 0
        var exitCode: Int32 = 0
        var out = ""
        var startedAt = SimTime.zero
        var timer: AppTimers.Token?
        var completion: ((CommandResult) -> Void)?

        init(
            socket: UDPSocket, timers: AppTimers, serverText: String, serverAddress: IPv4Address,
            queries: [(String, DNSMessage)], completion: @escaping (CommandResult) -> Void
        ) {
            self.socket = socket
            self.timers = timers
            self.serverText = serverText
            self.serverAddress = serverAddress
            names = queries.map(\.0)
            self.queries = queries.map(\.1)
            answered = Array(repeating: false, count: queries.count)
            self.completion = completion
        }

        func start() {
            startedAt = timers.now
            // The socket and timer callbacks own the session until `finish` clears them.
            socket.onReceive = { [self] _, datagram in received(datagram.payload) }
            sendUnanswered()
        }

        /// Sends every unanswered query, then waits a retry interval (or what is left of 5 s).
        func sendUnanswered() {
            for (index, query) in queries.enumerated() where !answered[index] { try? socket.send(query.emit()) }
            servfailRetries = 2 * queries.count
            let interval = timeout / retries
            let left = timeout - (timers.now - startedAt)
            timer = timers.after(min(interval, left)) { [self] in
                timer = nil
                if timers.now - startedAt >= timeout { finish() } else { sendUnanswered() }
            }
        }

        func received(_ payload: [UInt8]) {
            guard completion != nil, payload.count >= 4 else { return }
            if replies == 0 { out += "Server:\t\t\(serverText)\nAddress:\t\(serverAddress):\(DNSMessage.port)\n\n" }
            replies += 1
            let id = UInt16(payload[0]) << 8 | UInt16(payload[1])
            guard let index = queries.firstIndex(where: { $0.id == id }), !answered[index] else { return }
            let rcode = Int(payload[3] & 0x0F)
            if rcode == 2 && servfailRetries > 0 {
                servfailRetries -= 1
                try? socket.send(queries[index].emit())
                return
            }
            answered[index] = true
            if rcode != 0 {
                out += "** server can't find \(names[index]): \(rcodeNames[rcode])\n"
                exitCode = 1
            } else if let reply = try? DNSMessage.parse(payload) {
                out += Nslookup.answer(reply)
            } else {
                out += "*** Can't find \(names[index]): Parse error\n"
                exitCode = 1
            }
            out += "\n"
            if !answered.contains(false) { finish() }
        }

        func finish() {
            if let timer { timers.cancel(timer) }
            timer = nil
            socket.onReceive = nil
            socket.close()
            guard let completion else { return }
            self.completion = nil
            if !answered.contains(true) {
                completion(CommandResult(
                    stdout: out + ";; connection timed out; no servers could be reached\n\n", stderr: "", exitCode: 1))
                return
            }
            var missing = false
            for (index, done) in answered.enumerated() where !done {
                out += "*** Can't find \(names[index]): No answer\n"
                missing = true
            }
            if missing { out += "\n" }
            completion(CommandResult(stdout: out, stderr: "", exitCode: exitCode))
        }
    }

    /// `parse_reply`: the answer records of a NOERROR reply.
    static func answer(_ reply: DNSMessage) -> String {
        var out = reply.flags.aa ? "" : "Non-authoritative answer:\n"
        func bare(_ name: DNSName) -> String {
            var text = name.description
            if text.count > 1 { text.removeLast() }
            return text
        }
        for record in reply.answers {
            let owner = bare(record.name)
            switch record.data {
            case .a(let address): out += "Name:\t\(owner)\nAddress: \(address)\n"
            case .ns(let name): out += "\(owner)\tnameserver = \(bare(name))\n"
            case .cname(let name): out += "\(owner)\tcanonical name = \(bare(name))\n"
            case .ptr(let name): out += "\(owner)\tname = \(bare(name))\n"
            case .mx(let preference, let exchange): out += "\(owner)\tmail exchanger = \(preference) \(bare(exchange))\n"
            case .srv(let priority, let weight, let port, let target):
                out += "\(owner)\tservice = \(priority) \(weight) \(port) \(bare(target))\n"
            case .soa, .other: break
            }
        }
        return out
    }
}
