import SwarmSimCore

/// `curl` 8.5.0 (the curl of Ubuntu 24.04, the usual Docker host) for plain HTTP:
///
///     curl [-s] [-S] [-i] [-I] [-X METHOD] [-H 'Name: value']... [-m SECS] [--connect-timeout SECS] URL
///
/// The body goes to stdout exactly as received (no newline added; with `-i` the status line
/// and header fields as received come first). stdout is taken to be a terminal, so there is
/// no progress meter. Errors print `curl: (CODE) MESSAGE` on stderr, with curl 8.5.0's words
/// (lib/url.c, lib/connect.c, lib/multi.c, lib/cf-socket.c, lib/http.c, lib/strerror.c),
/// unless `-s` (and not `-S`):
///
/// | case | code | message |
/// | --- | --- | --- |
/// | name does not resolve | 6 | `Could not resolve host: NAME` |
/// | RST to the SYN, unreachable | 7 | `Failed to connect to NAME port P after N ms: Couldn't connect to server` |
/// | the kernel's SYN retries give up (ETIMEDOUT) | 28 | same message as 7; ETIMEDOUT maps the code to 28 |
/// | `--connect-timeout`/`-m` while connecting | 28 | `Failed to connect to NAME port P after N ms: Timeout was reached` |
/// | `-m` after connecting | 28 | `Operation timed out after N milliseconds with B bytes received` (`B out of T` when the length is known) |
/// | connection reset while receiving | 56 | `Recv failure: Connection reset by peer` |
/// | closed before any response byte | 52 | `Empty reply from server` |
/// | closed inside a body of known length | 18 | `transfer closed with R bytes remaining to read` |
///
/// N is the simulated time since the transfer started, in whole milliseconds. The request is
/// `GET TARGET HTTP/1.1`, `Host`, `User-Agent: curl/8.5.0`, `Accept: */*`, then the `-H`
/// headers (one naming `Host`, `User-Agent` or `Accept` replaces curl's; `Name:` with no value
/// removes it). curl closes the connection when it is done. Not modelled: `-v`, HTTPS, a body
/// cut short being printed partially.
public enum Curl {
    public static let version = "8.5.0"
    /// `DEFAULT_CONNECT_TIMEOUT`: the connect phase's limit without `--connect-timeout`.
    static let defaultConnectTimeout = SimDuration.seconds(300)

    struct Options {
        var silent = false
        var showError = false
        var include = false
        var headOnly = false
        var method: String?
        var headers: [String] = []
        var maxTime: SimDuration?
        var connectTimeout: SimDuration?
        var url: String?
    }

    struct UsageError: Error {
        var message: String
        var exitCode: Int32 = 2
    }

    public static func run(arguments: [String], context: AppContext, completion: @escaping (CommandResult) -> Void) {
        let options: Options
        switch parse(arguments) {
        case .success(let parsed): options = parsed
        case .failure(let error):
            completion(CommandResult(stderr: error.message, exitCode: error.exitCode))
            return
        }
        let url: HTTPURL
        do {
            url = try HTTPURL.parse(options.url!)
        } catch {
            let (code, message): (Int32, String) = switch error {
            case .unsupportedScheme(let scheme): (1, "Protocol \"\(scheme)\" not supported")
            case .badPort: (3, "URL rejected: Port number was not a decimal number between 0 and 65535")
            case .noHost: (3, "URL rejected: No host part in the URL")
            }
            completion(CommandResult(stderr: options.errorLine(code, message), exitCode: code))
            return
        }
        CurlTransfer(options: options, url: url, context: context, completion: completion).start()
    }

    static func parse(_ arguments: [String]) -> Result<Options, UsageError> {
        var options = Options()
        var index = 0
        func usage(_ text: String) -> UsageError {
            UsageError(message: "curl: \(text)\ncurl: try 'curl --help' or 'curl --manual' for more information\n")
        }
        func value(_ option: String, inline: Substring?) -> Result<String, UsageError> {
            if let inline, !inline.isEmpty { return .success(String(inline)) }
            index += 1
            guard index < arguments.count else { return .failure(usage("option \(option): requires parameter")) }
            return .success(arguments[index])
        }
        func seconds(_ option: String, _ text: String) -> Result<SimDuration, UsageError> {
            guard let number = Double(text), number.isFinite, !text.hasPrefix("+") else {
                return .failure(usage("option \(option): expected a proper numerical parameter"))
            }
            guard number >= 0 else { return .failure(usage("option \(option): expected a positive numerical parameter")) }
            return .success(.nanoseconds(Int64((number * 1000).rounded(.down)) * 1_000_000))
        }
        func apply(_ option: String, inline: Substring?) -> UsageError? {
            do {
                switch option {
                case "-s", "--silent": options.silent = true
                case "-S", "--show-error": options.showError = true
                case "-i", "--include": options.include = true
                case "-I", "--head": options.headOnly = true
                case "-X", "--request": options.method = try value(option, inline: inline).get()
                case "-H", "--header": options.headers.append(try value(option, inline: inline).get())
                case "-m", "--max-time": options.maxTime = try seconds(option, try value(option, inline: inline).get()).get()
                case "--connect-timeout":
                    options.connectTimeout = try seconds(option, try value(option, inline: inline).get()).get()
                case "--url": options.url = try value(option, inline: inline).get()
                case "-v", "--verbose": return UsageError(message: "curl: option \(option): is not modelled by swarmsim\n")
                default: return usage("option \(option): is unknown")
                }
            } catch {
                return error
            }
            return nil
        }
        while index < arguments.count {
            let argument = arguments[index]
            if argument.hasPrefix("--") && argument.count > 2 {
                if let error = apply(argument, inline: nil) { return .failure(error) }
            } else if argument.hasPrefix("-") && argument.count > 1 {
                var letters = Substring(argument.dropFirst())
                while let letter = letters.first {
                    letters = letters.dropFirst()
                    let option = "-\(letter)"
                    let takesValue = "HXm".contains(letter)
                    if let error = apply(option, inline: takesValue ? letters : nil) { return .failure(error) }
                    if takesValue { break }
                }
            } else if options.url == nil {
                options.url = argument
            } else {
                return .failure(UsageError(message: "curl: only one URL per command is modelled\n"))
            }
            index += 1
        }
        guard options.url != nil else {
            return .failure(usage("(2) no URL specified"))
        }
        return .success(options)
    }
}

extension Curl.Options {
    /// Whether error messages are printed: always, unless `-s` without `-S`.
    var showsErrors: Bool { !silent || showError }

    func errorLine(_ code: Int32, _ message: String) -> String {
        showsErrors ? "curl: (\(code)) \(message)\n" : ""
    }
}

/// One curl run: resolve, connect, request, response, with curl's timers.
final class CurlTransfer {
    let options: Curl.Options
    let url: HTTPURL
    let context: AppContext
    let completion: (CommandResult) -> Void
    private var startTime = SimTime.zero
    private var client: HTTPClientConnection?
    private var connectTimer: AppTimers.Token?
    private var maxTimer: AppTimers.Token?
    private var done = false

    init(options: Curl.Options, url: HTTPURL, context: AppContext, completion: @escaping (CommandResult) -> Void) {
        self.options = options
        self.url = url
        self.context = context
        self.completion = completion
    }

    func start() {
        startTime = context.timers.now
        let connectLimit = min(options.connectTimeout ?? Curl.defaultConnectTimeout, options.maxTime ?? .seconds(Int64.max / 2_000_000_000))
        connectTimer = context.timers.after(connectLimit) { [self] in
            connectTimer = nil
            fail(28, "Failed to connect to \(url.host) port \(url.port) after \(elapsedMilliseconds) ms: Timeout was reached")
        }
        if let maxTime = options.maxTime {
            maxTimer = context.timers.after(maxTime) { [self] in
                maxTimer = nil
                guard let client, client.isEstablished else { return }  // the connect timer reports it
                let received = client.bodyBytesReceived
                let of = client.expectedBodyLength.map { " out of \($0)" } ?? ""
                fail(28, "Operation timed out after \(elapsedMilliseconds) milliseconds with \(received)\(of) bytes received")
            }
        }
        context.resolver.resolve(url.host) { [self] result in
            guard !done else { return }
            switch result {
            case .success(let addresses) where !addresses.isEmpty: connect(to: addresses[0])
            default: fail(6, "Could not resolve host: \(url.host)")
            }
        }
    }

    private var elapsedMilliseconds: Int64 { (context.timers.now - startTime).nanoseconds / 1_000_000 }

    private func connectFailed(timedOut: Bool) {
        fail(timedOut ? 28 : 7, "Failed to connect to \(url.host) port \(url.port) after \(elapsedMilliseconds) ms: Couldn't connect to server")
    }

    private func connect(to address: IPv4Address) {
        let client: HTTPClientConnection
        do {
            client = try HTTPClientConnection(namespace: context.namespace, address: address, port: url.port)
        } catch {
            connectFailed(timedOut: false)
            return
        }
        self.client = client
        client.onConnected = { [unowned self] in
            guard let token = connectTimer else { return }
            context.timers.cancel(token)
            connectTimer = nil
        }
        client.send(request()) { [self] result in finished(result) }
    }

    func request() -> HTTPRequest {
        let method = options.method ?? (options.headOnly ? "HEAD" : "GET")
        var builtIn: [(String, String)] = [("Host", url.hostHeader), ("User-Agent", "curl/\(Curl.version)"), ("Accept", "*/*")]
        var custom: [(String, String)] = []
        for line in options.headers {
            // "Name: value" sets, "Name:" removes curl's own, "Name;" sends an empty header.
            if let colon = line.firstIndex(of: ":") {
                let name = String(line[..<colon])
                let value = String(Substring(line[line.index(after: colon)...]).trimmingSpaces)
                if let i = builtIn.firstIndex(where: { $0.0.lowercased() == name.lowercased() }) {
                    if value.isEmpty || name.lowercased() != "host" { builtIn.remove(at: i) }
                    if !value.isEmpty && name.lowercased() == "host" { builtIn[i] = (name, value); continue }
                }
                if !value.isEmpty { custom.append((name, value)) }
            } else if line.hasSuffix(";") {
                custom.append((String(line.dropLast()), ""))
            }
        }
        return HTTPRequest(method: method, target: url.target, headers: HTTPHeaders(builtIn + custom))
    }

    private func finished(_ result: Result<HTTPResponse, HTTPClientFailure>) {
        switch result {
        case .success(let response):
            var output = options.include || options.headOnly ? Array(response.head) : []
            if !options.headOnly { output += response.body }
            complete(CommandResult(stdout: String(decoding: output, as: UTF8.self), exitCode: 0))
        case .failure(.connect(let reason)):
            connectFailed(timedOut: reason == .timedOut)
        case .failure(.receive(let reason)):
            fail(56, "Recv failure: \(Self.strerror(reason))")
        case .failure(.closedEarly):
            guard let client, client.expectedBodyLength != nil || client.bodyBytesReceived > 0 else {
                fail(52, "Empty reply from server")
                return
            }
            if let expected = client.expectedBodyLength {
                fail(18, "transfer closed with \(expected - client.bodyBytesReceived) bytes remaining to read")
            } else {
                fail(18, "transfer closed with outstanding read data remaining")
            }
        case .failure(.badResponse(.badStartLine)):
            fail(1, "Received HTTP/0.9 when not allowed")
        case .failure(.badResponse):
            fail(8, "Weird server reply")
        }
    }

    /// glibc's `strerror` for the errno behind each close reason.
    static func strerror(_ reason: TCPCloseReason) -> String {
        switch reason {
        case .normal: "Success"
        case .refused: "Connection refused"
        case .reset: "Connection reset by peer"
        case .timedOut: "Connection timed out"
        case .hostUnreachable: "No route to host"
        case .networkUnreachable: "Network is unreachable"
        }
    }

    private func fail(_ code: Int32, _ message: String) {
        complete(CommandResult(stderr: options.errorLine(code, message), exitCode: code))
    }

    private func complete(_ result: CommandResult) {
        guard !done else { return }
        done = true
        if let token = connectTimer { context.timers.cancel(token) }
        if let token = maxTimer { context.timers.cancel(token) }
        connectTimer = nil
        maxTimer = nil
        client?.close()
        client = nil
        completion(result)
    }
}
