import SwarmSimCore

/// `katacoda/docker-http-server`: a Go program whose one handler, registered for `/` (so for
/// every path and method), writes
///
///     fmt.Fprintf(w, "<h1>This request was processed by host: %s</h1>\n", name)
///
/// with `name` from `os.Hostname()` (the container id's first 12 hex digits), and serves it
/// with `http.ListenAndServe(":80", nil)`. Go adds the header (see `GoNetHTTPBehaviour`):
/// `Content-Length: 58` for a 12-character host name, `Content-Type: text/html; charset=utf-8`.
public enum DockerHTTPServer {
    /// The body answering every request on a host called `hostname`.
    public static func body(hostname: String) -> String {
        "<h1>This request was processed by host: \(hostname)</h1>\n"
    }

    /// Starts the server listening on `port` (the image's is 80).
    public static func start(context: AppContext, port: UInt16 = 80) throws(SocketError) -> HTTPServer {
        let bytes = Array(body(hostname: context.hostname).utf8)
        return try HTTPServer(context: context, port: port, behaviour: GoNetHTTPBehaviour { _ in bytes })
    }

    private static let bodyPrefix = Array("<h1>This request was processed by host: ".utf8)

    /// The host name a body of this server names, nil for any other body.
    public static func hostname(inBody body: [UInt8]) -> String? {
        // Plain byte loops: a load run calls this once per response.
        let prefix = bodyPrefix
        guard body.count >= prefix.count + 5, HTTPBytes.hasPrefix(body, prefix) else { return nil }
        var i = prefix.count
        while i + 5 <= body.count {
            if body[i] == 0x3C && body[i + 1] == 0x2F && body[i + 2] == 0x68 && body[i + 3] == 0x31 && body[i + 4] == 0x3E {
                return String(decoding: body[prefix.count..<i], as: UTF8.self)
            }
            i += 1
        }
        return nil
    }
}

/// The `http-echo` application for images declared in a scenario as
/// `{app: http-echo, port: 8080}`: a Go `net/http` server answering every request with
/// `200 OK` and the body `HOSTNAME\n` (the container's host name and a newline), so
/// `Content-Type: text/plain; charset=utf-8` by Go's sniffing and `Content-Length` = the
/// name's length + 1.
public enum HTTPEchoServer {
    public static func body(hostname: String) -> String { "\(hostname)\n" }

    public static func start(context: AppContext, port: UInt16) throws(SocketError) -> HTTPServer {
        let bytes = Array(body(hostname: context.hostname).utf8)
        return try HTTPServer(context: context, port: port, behaviour: GoNetHTTPBehaviour { _ in bytes })
    }
}
