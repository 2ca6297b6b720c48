import SwarmSimCore

/// BusyBox `wget` (the `alpine` and `busybox` images) as scenarios use it:
///
///     wget -q -O - [-T SEC] URL        (usually written wget -qO- URL)
///
/// It sends `GET TARGET HTTP/1.1`, `Host`, `User-Agent: Wget`, `Connection: close`, writes
/// the body to stdout and exits 0. Failures print BusyBox's message (networking/wget.c,
/// libbb/xconnect.c; `bb_perror_msg` appends `strerror(errno)` when errno is set) and exit 1:
///
///     wget: bad address 'NAME'
///     wget: can't connect to remote host (IP): Connection refused      (or Connection timed out, No route to host)
///     wget: error getting response: Connection reset by peer           (nothing of a status line yet)
///     wget: error getting response                                     (closed before the status line)
///     wget: server returned error: HTTP/1.1 404 Not Found              (any status but 2xx and redirects)
///     wget: connection closed prematurely                              (inside a body of known length)
///     wget: read error: Connection reset by peer                       (reset inside the body)
///     wget: download timed out                                         (-T, default 900 s: for the connect, then for the response)
///
/// Without `-q` BusyBox prints a progress bar on stderr; only quiet runs to stdout are modelled.
public enum Wget {
    struct UsageError: Error {
        var message: String
    }

    struct Options {
        var quiet = false
        var output: String?
        var timeout = SimDuration.seconds(900)
        var url: String?
    }

    public static func run(arguments: [String], context: AppContext, completion: @escaping (CommandResult) -> Void) {
        let options: Options
        switch parse(arguments) {
        case .success(let parsed): options = parsed
        case .failure(let error):
            completion(CommandResult(stderr: error.message, exitCode: 1))
            return
        }
        let url: HTTPURL
        do {
            url = try HTTPURL.parse(options.url!)
        } catch {
            let message = switch error {
            case .unsupportedScheme: "wget: not an http or ftp url: \(options.url!)\n"
            case .badPort: "wget: bad port spec '\(options.url!)'\n"
            case .noHost: "wget: bad address ''\n"
            }
            completion(CommandResult(stderr: message, exitCode: 1))
            return
        }
        WgetTransfer(options: options, url: url, context: context, completion: completion).start()
    }

    static func parse(_ arguments: [String]) -> Result<Options, UsageError> {
        var options = Options()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument.hasPrefix("-") && argument.count > 1 {
                var letters = Substring(argument.dropFirst())
                while let letter = letters.first {
                    letters = letters.dropFirst()
                    switch letter {
                    case "q": options.quiet = true
                    case "O", "T":
                        var value = String(letters)
                        if value.isEmpty {
                            index += 1
                            guard index < arguments.count else {
                                return .failure(UsageError(message: "wget: option requires an argument -- '\(letter)'\n"))
                            }
                            value = arguments[index]
                        }
                        letters = ""
                        if letter == "O" {
                            options.output = value
                        } else {
                            guard let seconds = UInt32(value) else { return .failure(UsageError(message: "wget: invalid number '\(value)'\n")) }
                            options.timeout = .seconds(Int64(seconds))
                        }
                    default:
                        return .failure(UsageError(message: "wget: unrecognized option: \(letter)\n"))
                    }
                }
            } else {
                options.url = argument
            }
            index += 1
        }
        guard options.url != nil else {
            return .failure(UsageError(message: "BusyBox v1.37.0 multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n"))
        }
        guard options.quiet, options.output == "-" else {
            return .failure(UsageError(message: "wget: only quiet downloads to stdout (wget -qO- URL) are modelled\n"))
        }
        return .success(options)
    }
}

final class WgetTransfer {
    let options: Wget.Options
    let url: HTTPURL
    let context: AppContext
    let completion: (CommandResult) -> Void
    private var client: HTTPClientConnection?
    private var address = IPv4Address.any
    private var alarm: AppTimers.Token?
    private var done = false

    init(options: Wget.Options, url: HTTPURL, context: AppContext, completion: @escaping (CommandResult) -> Void) {
        self.options = options
        self.url = url
        self.context = context
        self.completion = completion
    }

    func start() {
        context.resolver.resolve(url.host) { [self] result in
            switch result {
            case .success(let addresses) where !addresses.isEmpty: connect(to: addresses[0])
            default: fail("bad address '\(url.host)'")
            }
        }
    }

    /// BusyBox's `set_alarm`: a fresh -T period for the connect and for each read.
    private func setAlarm() {
        if let alarm { context.timers.cancel(alarm) }
        alarm = context.timers.after(options.timeout) { [unowned self] in
            alarm = nil
            fail("download timed out")
        }
    }

    private func connect(to address: IPv4Address) {
        self.address = address
        let client: HTTPClientConnection
        do {
            client = try HTTPClientConnection(namespace: context.namespace, address: address, port: url.port)
        } catch {
            let reason = switch error {
            case .noEphemeralPorts: "Cannot assign requested address"
            default: "Network is unreachable"
            }
            fail("can't connect to remote host (\(address)): \(reason)")
            return
        }
        self.client = client
        setAlarm()
        client.onConnected = { [unowned self] in setAlarm() }
        let request = HTTPRequest(target: url.target, headers: [
            "Host": url.port == 80 && !url.explicitPort ? url.host : "\(url.host):\(url.port)",
            "User-Agent": "Wget", "Connection": "close",
        ])
        client.send(request) { [self] result in finished(result) }
    }

    private func finished(_ result: Result<HTTPResponse, HTTPClientFailure>) {
        switch result {
        case .success(let response):
            guard (200..<300).contains(response.status) else {
                fail("server returned error: \(response.statusLine)")
                return
            }
            complete(CommandResult(stdout: String(decoding: response.body, as: UTF8.self), exitCode: 0))
        case .failure(.connect(let reason)):
            fail("can't connect to remote host (\(address)): \(CurlTransfer.strerror(reason))")
        case .failure(.receive(let reason)):
            if let client, client.expectedBodyLength != nil {
                fail("read error: \(CurlTransfer.strerror(reason))")
            } else {
                fail("error getting response: \(CurlTransfer.strerror(reason))")
            }
        case .failure(.closedEarly):
            if let client, client.expectedBodyLength != nil {
                fail("connection closed prematurely")
            } else {
                fail("error getting response")
            }
        case .failure(.badResponse(.badHeaderLine(let line))):
            fail("bad header line: \(line)")
        case .failure(.badResponse):
            fail("error getting response")
        }
    }

    private func fail(_ message: String) {
        complete(CommandResult(stderr: "wget: \(message)\n", exitCode: 1))
    }

    private func complete(_ result: CommandResult) {
        guard !done else { return }
        done = true
        if let alarm { context.timers.cancel(alarm) }
        alarm = nil
        client?.close()
        client = nil
        completion(result)
    }
}
