/// The applications swarmsim models; an image runs one of them.
public enum ImageApplication: String, Equatable, Sendable, CaseIterable {
    /// katacoda/docker-http-server: `<h1>This request was processed by host: CONTAINER_ID</h1>` on :80.
    case httpServer = "http-server"
    /// Answers every HTTP request with the container's hostname (for `images:` entries).
    case httpEcho = "http-echo"
    /// Answers each line on a TCP connection with the container's hostname (load `protocol: tcp`).
    case tcpEcho = "tcp-echo"
    /// Answers each UDP datagram with the container's hostname (load `protocol: udp`).
    case udpEcho = "udp-echo"
    /// Redis on :6379 (RESP: PING, GET, SET, INCR, DEL).
    case redis
    /// katacoda/redis-node-docker-example: HTTP on :3000, INCRs a counter in the service `redis`.
    case redisNode = "redis-node"
    /// benhall/dig: `dig NAME` against the embedded DNS.
    case dig
    /// alpine, busybox: a shell with ping, wget and nslookup.
    case shell
    /// nginx: HTTP server on :80.
    case nginx
}

/// The images swarmsim knows, and how an image reference (`nginx:latest`) finds its application.
///
/// A reference is `[REGISTRY/]NAME[:TAG][@DIGEST]`. `docker.io/` and `docker.io/library/` are
/// dropped, as Docker normalises them. A reference matches an `images:` entry written exactly so
/// first, then one written without tag; then a known image by its exact spelling (`redis:alpine`),
/// then by its name without tag: `nginx:latest`, `nginx:1.25` and `redis:7` are the known
/// applications, because swarmsim models what an image does, not its version.
public enum KnownImages {
    /// The known images in the order the documentation lists them (error messages name them so).
    public static let all: [(name: String, app: ImageApplication, port: Int?)] = [
        ("katacoda/docker-http-server", .httpServer, 80),
        ("redis", .redis, 6379),
        ("redis:alpine", .redis, 6379),
        ("katacoda/redis-node-docker-example", .redisNode, 3000),
        ("benhall/dig", .dig, nil),
        ("alpine", .shell, nil),
        ("busybox", .shell, nil),
        ("nginx", .nginx, 80),
    ]

    /// The reference without registry `docker.io/` or `library/` prefix.
    public static func normalized(_ reference: String) -> String {
        var name = reference
        for prefix in ["docker.io/library/", "docker.io/", "library/"] where name.hasPrefix(prefix) {
            name.removeFirst(prefix.count)
            break
        }
        return name
    }

    /// The reference without `:TAG` and `@DIGEST` (a `:` after the last `/` is a tag; one before
    /// it is a registry port).
    public static func withoutTag(_ reference: String) -> String {
        var name = Substring(reference)
        if let at = name.firstIndex(of: "@") { name = name[..<at] }
        let lastSlash = name.lastIndex(of: "/")
        if let colon = name.lastIndex(of: ":"), lastSlash.map({ colon > $0 }) ?? true { name = name[..<colon] }
        return String(name)
    }

    /// The application of `reference`, looking at the scenario's `images:` first.
    public static func application(of reference: String, images: [ImageSpec]) -> (app: ImageApplication, port: Int?)? {
        let name = normalized(reference)
        let bare = withoutTag(name)
        if let spec = images.first(where: { normalized($0.name) == name }) ?? images.first(where: {
            normalized($0.name) == bare
        }) {
            return (spec.app, spec.port)
        }
        if let known = all.first(where: { $0.name == name }) ?? all.first(where: { $0.name == bare }) {
            return (known.app, known.port)
        }
        return nil
    }

    /// The names an unknown-image error lists: the known ones, then the scenario's `images:`.
    public static func knownNames(images: [ImageSpec]) -> [String] {
        all.map(\.name) + images.map(\.name)
    }
}
