import SwarmSimCore

/// The C library's resolver inside a container (glibc `res_send` through `getaddrinfo`), with
/// the resolv.conf Docker writes: `nameserver 127.0.0.11`, `options ndots:0`.
///
/// A dotted quad resolves locally. Any other name is sent as-is (ndots:0: no search list) in an
/// A query with RD set and no EDNS, from a fresh ephemeral port; each attempt waits `timeout`
/// (RES_TIMEOUT 5 s) and there are `attempts` of them (RES_DFLRETRY 2). A SERVFAIL or REFUSED
/// moves on to the next attempt at once (the next server, of which there is one). Query IDs
/// come from the seeded stream given, so runs repeat exactly.
///
/// Outcomes: addresses for a NOERROR answer with A records; `.notFound` for NXDOMAIN or an
/// answer without addresses (NODATA); `.serverFailure` for SERVFAIL/REFUSED on every attempt
/// or an unreadable reply; `.timedOut` when nothing came back.
public final class StubResolver: NameResolver {
    public let namespace: NetworkNamespace
    public let timers: AppTimers
    public let server: IPv4Address
    public let port: UInt16
    public let timeout: SimDuration
    public let attempts: Int
    private var ids: RandomStream

    /// The resolver of `namespace`, querying `server:port`, with query IDs from `ids`.
    public init(
        namespace: NetworkNamespace, timers: AppTimers, ids: RandomStream,
        server: IPv4Address = IPv4Address(127, 0, 0, 11), port: UInt16 = DNSMessage.port,
        timeout: SimDuration = .seconds(5), attempts: Int = 2
    ) {
        precondition(attempts > 0, "a resolver needs at least one attempt")
        self.namespace = namespace
        self.timers = timers
        self.ids = ids
        self.server = server
        self.port = port
        self.timeout = timeout
        self.attempts = attempts
    }

    public func resolve(_ name: String, completion: @escaping (Result<[IPv4Address], ResolveError>) -> Void) {
        if let literal = IPv4Address(name) {
            completion(.success([literal]))
            return
        }
        guard let qname = DNSName(name) else {
            completion(.failure(.notFound))
            return
        }
        let id = UInt16(truncatingIfNeeded: ids.next())
        let query = DNSMessage(id: id, flags: DNSFlags(rd: true), questions: [DNSQuestion(name: qname, type: .a)])
        DNSUDPExchange.start(
            namespace: namespace, timers: timers, server: server, port: port, query: query, timeout: timeout,
            attempts: attempts, retryOn: { [.servFail, .refused].contains($0.flags.rcode) }
        ) { outcome in
            switch outcome {
            case .reply(let reply, _, _, _):
                completion(StubResolver.addresses(in: reply))
            case .timedOut:
                completion(.failure(.timedOut))
            case .failed:
                completion(.failure(.serverFailure))
            }
        }
    }

    /// The A records of a reply, in order, or why there are none.
    static func addresses(in reply: DNSMessage) -> Result<[IPv4Address], ResolveError> {
        switch reply.flags.rcode {
        case .noError:
            let addresses = reply.answers.compactMap { record -> IPv4Address? in
                if case .a(let address) = record.data { return address }
                return nil
            }
            return addresses.isEmpty ? .failure(.notFound) : .success(addresses)
        case .nxDomain:
            return .failure(.notFound)
        default:
            return .failure(.serverFailure)
        }
    }
}
