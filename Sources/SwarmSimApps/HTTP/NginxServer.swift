import SwarmSimCore

/// The `nginx` image (nginx 1.27.5, the Docker library image's default configuration):
/// `/usr/share/nginx/html/index.html`, the 615-byte welcome page, on port 80.
///
/// - `GET` or `HEAD` of `/` or `/index.html`: 200 with `Server`, `Date`, `Content-Type:
///   text/html`, `Content-Length: 615`, `Last-Modified`, `Connection`, `ETag` (hex mtime -
///   hex length, as `ngx_http_set_etag` prints it) and `Accept-Ranges: bytes`, in the order
///   `ngx_http_header_filter` writes them.
/// - Other paths: 404 with nginx's error page; other methods: 405.
/// - nginx always answers `HTTP/1.1` and always sends `Connection: keep-alive` or `close`;
///   an HTTP/1.0 request is persistent only with `Connection: keep-alive`.
/// - `keepalive_timeout 65` (the image's nginx.conf) closes idle connections after 65 s;
///   `keepalive_requests 1000` closes a connection after its 1000th request.
/// - The page's modification time is the image's file date, a fixed instant.
public enum NginxServer {
    public static let version = "nginx/1.27.5"
    /// The welcome page, byte for byte (docs/html/index.html of the nginx sources).
    public static let indexHTML = """
        <!DOCTYPE html>
        <html>
        <head>
        <title>Welcome to nginx!</title>
        <style>
        html { color-scheme: light dark; }
        body { width: 35em; margin: 0 auto;
        font-family: Tahoma, Verdana, Arial, sans-serif; }
        </style>
        </head>
        <body>
        <h1>Welcome to nginx!</h1>
        <p>If you see this page, the nginx web server is successfully installed and
        working. Further configuration is required.</p>

        <p>For online documentation and support please refer to
        <a href="http://nginx.org/">nginx.org</a>.<br/>
        Commercial support is available at
        <a href="http://nginx.com/">nginx.com</a>.</p>

        <p><em>Thank you for using nginx.</em></p>
        </body>
        </html>

        """
    /// index.html's mtime in the image, seconds since the Unix epoch (Wed, 16 Apr 2025 12:55:34 GMT).
    public static let indexModified: Int64 = 1_744_808_134

    public static func start(context: AppContext, port: UInt16 = 80) throws(SocketError) -> HTTPServer {
        try HTTPServer(context: context, port: port, behaviour: NginxBehaviour())
    }

    /// nginx's built-in error page for a status (`ngx_http_error_pages` + the tail with the version).
    public static func errorPage(_ status: Int, _ reason: String) -> String {
        "<html>\r\n<head><title>\(status) \(reason)</title></head>\r\n<body>\r\n<center><h1>\(status) \(reason)</h1></center>\r\n"
            + "<hr><center>\(version)</center>\r\n</body>\r\n</html>\r\n"
    }
}

final class NginxBehaviour: HTTPServerBehaviour {
    private let index = Array(NginxServer.indexHTML.utf8)
    private let lastModified = HTTPDate.imfFixdate(unixSeconds: NginxServer.indexModified)
    private let etag: String
    private var dateCache = DateCache()
    let keepaliveRequests = 1000

    init() {
        etag = "\"\(String(NginxServer.indexModified, radix: 16))-\(String(index.count, radix: 16))\""
    }

    var idleTimeout: SimDuration? { .seconds(65) }

    func respond(to request: HTTPRequest, sequence: Int, now: SimTime) -> (bytes: [UInt8], keepAlive: Bool) {
        let keepAlive = request.wantsKeepAlive && sequence < keepaliveRequests
        let path = request.target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        var headers = HTTPHeaders()
        headers.append("Server", NginxServer.version)
        headers.append("Date", dateCache.date(now))
        headers.append("Content-Type", "text/html")
        let body: [UInt8]
        let status: (Int, String)
        if request.method != "GET" && request.method != "HEAD" {
            status = (405, "Not Allowed")
            body = Array(NginxServer.errorPage(405, "Not Allowed").utf8)
        } else if path == "/" || path == "/index.html" {
            status = (200, "OK")
            body = index
        } else {
            status = (404, "Not Found")
            body = Array(NginxServer.errorPage(404, "Not Found").utf8)
        }
        headers.append("Content-Length", String(body.count))
        if status.0 == 200 { headers.append("Last-Modified", lastModified) }
        headers.append("Connection", keepAlive ? "keep-alive" : "close")
        if status.0 == 200 {
            headers.append("ETag", etag)
            headers.append("Accept-Ranges", "bytes")
        }
        let response = HTTPResponse(status: status.0, reason: status.1, headers: headers, body: body)
        return (response.serialized(includeBody: request.method != "HEAD"), keepAlive)
    }

    func badRequest(now: SimTime) -> [UInt8] {
        let body = Array(NginxServer.errorPage(400, "Bad Request").utf8)
        var headers = HTTPHeaders()
        headers.append("Server", NginxServer.version)
        headers.append("Date", dateCache.date(now))
        headers.append("Content-Type", "text/html")
        headers.append("Content-Length", String(body.count))
        headers.append("Connection", "close")
        return HTTPResponse(status: 400, reason: "Bad Request", headers: headers, body: body).serialized()
    }
}
