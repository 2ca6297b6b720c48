import SwarmSimCore

/// Why a name did not resolve, in the words the client tools print.
public enum ResolveError: Error, Equatable, Sendable {
    /// The name does not exist (DNS NXDOMAIN, or not in the hosts table).
    case notFound
    /// No answer from the name server before the resolver gave up.
    case timedOut
    /// The server answered with an error (SERVFAIL, REFUSED) or something unreadable.
    case serverFailure
}

/// Turns a host name into addresses, as `getaddrinfo` does for the client tools.
///
/// Where a command runs decides how names resolve: on a node or an outside host, from the
/// scenario's machine names (an /etc/hosts); inside a container, by DNS queries to the embedded
/// server at 127.0.0.11 (real packets on the container's loopback). The completion may be called
/// synchronously (hosts table) or later (DNS).
public protocol NameResolver: AnyObject {
    func resolve(_ name: String, completion: @escaping (Result<[IPv4Address], ResolveError>) -> Void)
}

/// A fixed table of names, like /etc/hosts. Dotted-quad names resolve to themselves.
public final class HostsTable: NameResolver {
    private var entries: [String: IPv4Address]

    public init(_ entries: [String: IPv4Address] = [:]) {
        self.entries = entries
    }

    public func add(_ name: String, _ address: IPv4Address) {
        entries[name] = address
    }

    public func resolve(_ name: String, completion: @escaping (Result<[IPv4Address], ResolveError>) -> Void) {
        if let literal = IPv4Address(name) {
            completion(.success([literal]))
        } else if let address = entries[name] {
            completion(.success([address]))
        } else {
            completion(.failure(.notFound))
        }
    }
}
