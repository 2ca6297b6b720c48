import SwarmSimCore

/// `ping -c N [-i SECS] [-W SECS] [-s SIZE] HOST` over an ICMP echo socket, printed as busybox
/// or iputils prints it (see `PingFlavour`).
///
/// Timing follows the tools: a request every interval (1 s) until N are sent; each reply is
/// printed as it arrives, with the round trip measured in microseconds of simulated time; the
/// run ends as soon as N replies are in, or a while after the last request: busybox waits
/// max(1 s, ~2 RTT) if anything came back, else `-W` (10 s); iputils waits max(2 × the
/// largest RTT, the interval) if anything came back, else `-W` (10 s). Exit status 0 when any
/// reply arrived, 1 when none did; a name that does not resolve is busybox's
/// `ping: bad address 'NAME'` (exit 1) or iputils' `ping: NAME: Name or service not known`
/// (exit 2), both on stderr.
public enum Ping {
    struct Options {
        var count: Int?
        var interval = SimDuration.seconds(1)
        var wait = SimDuration.seconds(10)
        var size = 56
        var host = ""
    }

    struct UsageError: Error {
        var message: String
    }

    public static func run(
        arguments: [String], context: AppContext, flavour: PingFlavour = .busybox,
        completion: @escaping (CommandResult) -> Void
    ) {
        let options: Options
        do {
            options = try parse(arguments)
        } catch {
            completion(CommandResult(stdout: "", stderr: "ping: \(error.message)\n", exitCode: flavour == .busybox ? 1 : 2))
            return
        }
        context.resolver.resolve(options.host) { result in
            switch result {
            case .success(let addresses):
                guard let target = addresses.first else { preconditionFailure("a resolver succeeded with no address") }
                let run = PingRun(context: context, flavour: flavour, options: options, target: target, completion: completion)
                run.start()
            case .failure(let error):
                let message: String
                switch (flavour, error) {
                case (.busybox, _): message = "ping: bad address '\(options.host)'\n"
                case (.iputils, .notFound): message = "ping: \(options.host): Name or service not known\n"
                case (.iputils, _): message = "ping: \(options.host): Temporary failure in name resolution\n"
                }
                completion(CommandResult(stdout: "", stderr: message, exitCode: flavour == .busybox ? 1 : 2))
            }
        }
    }

    static func parse(_ arguments: [String]) throws(UsageError) -> Options {
        var options = Options()
        var operands: [String] = []
        var index = 0
        func value(_ flag: String, _ inline: Substring) throws(UsageError) -> String {
            if !inline.isEmpty { return String(inline) }
            guard index < arguments.count else { throw UsageError(message: "option requires an argument -- '\(flag)'") }
            index += 1
            return arguments[index - 1]
        }
        func seconds(_ text: String) throws(UsageError) -> SimDuration {
            guard let number = Double(text), number >= 0, number < 1e6 else {
                throw UsageError(message: "invalid number '\(text)'")
            }
            return .nanoseconds(Int64((number * 1e9).rounded()))
        }
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("-"), argument.count > 1 else {
                operands.append(argument)
                continue
            }
            let flag = argument.dropFirst().prefix(1)
            let inline = argument.dropFirst(2)
            switch flag {
            case "c":
                let text = try value("c", inline)
                guard let count = Int(text), count > 0 else { throw UsageError(message: "invalid number '\(text)'") }
                options.count = count
            case "i": options.interval = try seconds(try value("i", inline))
            case "W": options.wait = try seconds(try value("W", inline))
            case "s":
                let text = try value("s", inline)
                guard let size = Int(text), (0...65_507).contains(size) else {
                    throw UsageError(message: "invalid number '\(text)'")
                }
                options.size = size
            default:
                throw UsageError(message: "invalid option -- '\(flag)'")
            }
        }
        guard operands.count == 1 else { throw UsageError(message: "usage error: Destination address required") }
        options.host = operands[0]
        return options
    }
}

/// One ping run: its socket, the requests in flight and the output so far.
final class PingRun {
    let context: AppContext
    let flavour: PingFlavour
    let options: Ping.Options
    let target: IPv4Address
    var completion: ((CommandResult) -> Void)?
    var socket: PingSocket?
    var stats = PingStatistics()
    var errors = 0
    var sentAt: [UInt16: SimTime] = [:]
    var startedAt = SimTime.zero
    var lastSend = SimTime.zero
    var timer: AppTimers.Token?
    var out = ""
    var err = ""

    init(context: AppContext, flavour: PingFlavour, options: Ping.Options, target: IPv4Address,
         completion: @escaping (CommandResult) -> Void) {
        self.context = context
        self.flavour = flavour
        self.options = options
        self.target = target
        self.completion = completion
    }

    var timers: AppTimers { context.timers }
    /// The first sequence number: busybox counts from 0, iputils from 1.
    var firstSequence: Int { flavour == .busybox ? 0 : 1 }

    func start() {
        let header: String
        switch flavour {
        case .busybox: header = "PING \(options.host) (\(target)): \(options.size) data bytes\n"
        case .iputils: header = "PING \(options.host) (\(target)) \(options.size)(\(options.size + 28)) bytes of data.\n"
        }
        if flavour == .iputils && context.namespace.routeOutput(to: target) == nil {
            // iputils connects a probe socket before printing anything.
            completion?(CommandResult(stdout: "", stderr: "ping: connect: Network is unreachable\n", exitCode: 2))
            completion = nil
            return
        }
        do {
            let socket = try context.namespace.openPingSocket()
            // The socket and timer callbacks own the run until `finish` clears them.
            socket.onReply = { [self] _, reply in received(reply) }
            socket.onError = { [self] _, report, sequence in failed(report, sequence: sequence) }
            self.socket = socket
        } catch {
            completion?(CommandResult(stdout: "", stderr: "ping: socket: \(error)\n", exitCode: 2))
            completion = nil
            return
        }
        out = header
        startedAt = timers.now
        send()
    }

    func send() {
        guard let socket, completion != nil else { return }
        let sequence = UInt16(truncatingIfNeeded: stats.transmitted + firstSequence)
        let now = timers.now
        do {
            try socket.sendEcho(to: target, sequence: sequence, payload: payload(at: now))
        } catch {
            if flavour == .busybox {
                err += "ping: sendto: \(PingRun.text(error))\n"
                finish(exitCode: 1, summary: false)
                return
            }
            err += "ping: sendmsg: \(PingRun.text(error))\n"
        }
        sentAt[sequence] = now
        stats.transmitted += 1
        lastSend = now
        if let count = options.count, stats.transmitted >= count {
            armExitTimer()
        } else {
            timer = timers.after(options.interval) { [self] in
                timer = nil
                send()
            }
        }
    }

    /// The echo data: busybox puts a 32-bit microsecond clock first and zeros after; iputils a
    /// `struct timeval` (two 64-bit little-endian words) and then bytes counting up from 0x10.
    func payload(at time: SimTime) -> [UInt8] {
        let micros = UInt64(time.nanoseconds / 1000)
        var data: [UInt8]
        switch flavour {
        case .busybox:
            data = Array(repeating: 0, count: options.size)
            for i in 0..<min(4, options.size) { data[i] = UInt8(truncatingIfNeeded: micros >> (8 * UInt64(i))) }
        case .iputils:
            data = (0..<options.size).map { UInt8(truncatingIfNeeded: $0) }
            if options.size >= 16 {
                let seconds = micros / 1_000_000, usec = micros % 1_000_000
                for i in 0..<8 {
                    data[i] = UInt8(truncatingIfNeeded: seconds >> (8 * UInt64(i)))
                    data[8 + i] = UInt8(truncatingIfNeeded: usec >> (8 * UInt64(i)))
                }
            }
        }
        return data
    }

    func armExitTimer() {
        let wait: SimDuration
        switch flavour {
        case .busybox:
            // alarm(tmax / (512 * 1024)), at least one second; -W if nothing came back.
            wait = stats.received > 0 ? .seconds(max(1, stats.tmax / (512 * 1024))) : options.wait
        case .iputils:
            wait = stats.received > 0 ? max(.microseconds(2 * stats.tmax), options.interval) : options.wait
        }
        timer = timers.after(wait) { [self] in
            timer = nil
            finish(exitCode: stats.received > 0 ? 0 : 1, summary: true)
        }
    }

    func received(_ reply: EchoReply) {
        guard completion != nil, let sent = sentAt.removeValue(forKey: reply.sequence) else { return }
        let triptime = (timers.now - sent).nanoseconds / 1000
        stats.add(triptime)
        switch flavour {
        case .busybox:
            out += "\(reply.length) bytes from \(reply.from): seq=\(reply.sequence) ttl=\(reply.ttl) "
                + "time=\(PingStatistics.millis(triptime)) ms\n"
        case .iputils:
            out += "\(reply.length) bytes from \(fromText(reply.from)): icmp_seq=\(reply.sequence) ttl=\(reply.ttl) "
                + "time=\(PingStatistics.iputilsTime(triptime)) ms\n"
        }
        if let count = options.count, stats.received + errors >= count { finish(exitCode: 0, summary: true) }
    }

    func failed(_ report: ICMPErrorReport, sequence: UInt16) {
        guard completion != nil, sentAt.removeValue(forKey: sequence) != nil else { return }
        errors += 1
        let what: String
        switch report.message {
        case .destinationUnreachable(.portUnreachable, _): what = "Destination Port Unreachable"
        case .destinationUnreachable(.networkUnreachable, _): what = "Destination Net Unreachable"
        case .timeExceeded: what = "Time to live exceeded"
        default: what = "Destination Host Unreachable"
        }
        if flavour == .iputils { out += "From \(report.reporter) icmp_seq=\(sequence) \(what)\n" }
        if let count = options.count, flavour == .iputils, stats.received + errors >= count {
            finish(exitCode: stats.received > 0 ? 0 : 1, summary: true)
        }
    }

    /// iputils names the replier as "NAME (ADDRESS)" when it was given a name (it looks the
    /// address up again; for a name from the hosts table or DNS that is the same name).
    func fromText(_ address: IPv4Address) -> String {
        IPv4Address(options.host) == nil && address == target ? "\(options.host) (\(address))" : address.description
    }

    func finish(exitCode: Int32, summary: Bool) {
        if let timer { timers.cancel(timer) }
        timer = nil
        socket?.onReply = nil
        socket?.onError = nil
        socket?.close()
        socket = nil
        guard let completion else { return }
        self.completion = nil
        if summary {
            switch flavour {
            case .busybox: out += stats.busyboxSummary(host: options.host)
            case .iputils:
                out += stats.iputilsSummary(host: options.host, elapsed: (lastSend - startedAt).nanoseconds, errors: errors)
            }
        }
        completion(CommandResult(stdout: out, stderr: err, exitCode: exitCode))
    }

    static func text(_ error: SocketError) -> String {
        switch error {
        case .networkUnreachable: "Network is unreachable"
        case .hostUnreachable: "No route to host"
        case .messageTooLong: "Message too long"
        case .notPermitted: "Operation not permitted"
        default: "\(error)"
        }
    }
}
