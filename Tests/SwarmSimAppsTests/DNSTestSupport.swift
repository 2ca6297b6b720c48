import SwarmSimApps
import SwarmSimCore
import TestSupport

/// A record source for tests: a few names as Docker's embedded DNS would hold them.
final class DNSTestRecords: DNSRecordSource {
    var addresses: [String: [IPv4Address]] = [
        "http": [Topologies.ip("10.0.1.2")],
        "tasks.http": [Topologies.ip("10.0.1.3"), Topologies.ip("10.0.1.4")],
        "big": (1...40).map { IPv4Address(10, 0, 2, UInt8($0)) },
    ]
    var lookups: [(String, DNSType)] = []

    func lookup(name: String, type: DNSType, client: IPv4Address) -> DNSLookupResult {
        lookups.append((name, type))
        let key = name.lowercased()
        if key == "servfail" { return .notHandled }
        if key == "2.1.0.10.in-addr.arpa", type == .ptr {
            return .records([DNSResourceRecord(name: DNSName(name)!, ttl: 600, data: .ptr(DNSName("http.eg1")!))])
        }
        if key == "_http._tcp.http", type == .srv {
            return .answer(
                [DNSResourceRecord(name: DNSName(name)!, ttl: 600, data: .srv(priority: 0, weight: 0, port: 80,
                    target: DNSName("http.1.abc.eg1")!))],
                additional: [DNSResourceRecord(name: DNSName("http.1.abc.eg1")!, ttl: 600, data: .a(Topologies.ip("10.0.1.3")))])
        }
        guard let found = addresses[key] else { return .nxDomain }
        switch type {
        case .a: return .records(found.map { DNSResourceRecord(name: DNSName(name)!, ttl: 600, data: .a($0)) })
        default: return .records([])
        }
    }
}

/// Runs a client command to completion in `simulation` and returns what it printed.
func runCommand(
    _ simulation: Simulation, _ body: (@escaping (CommandResult) -> Void) -> Void
) -> (result: CommandResult?, finishedAt: SimTime) {
    var result: CommandResult?
    var finishedAt = SimTime.zero
    body { outcome in
        result = outcome
        finishedAt = simulation.now
    }
    simulation.runUntilIdle()
    return (result, finishedAt)
}

/// dig's query ID for a run started at `time` in `hostname`: the first number of the stream
/// dig seeds from them.
func digID(_ simulation: Simulation, hostname: String, at time: SimTime) -> UInt16 {
    var stream = simulation.randomStream(named: "dig:\(hostname):\(time.nanoseconds)")
    return UInt16(truncatingIfNeeded: stream.next())
}

/// A UDP socket that takes datagrams and never answers: a name server that is down.
final class SilentServer {
    let socket: UDPSocket
    var received: [SimTime] = []

    init(_ namespace: NetworkNamespace, address: IPv4Address, timers: AppTimers) throws {
        socket = try namespace.openUDPSocket(address: address, port: 53)
        socket.onReceive = { [unowned self] _, _ in received.append(timers.now) }
    }
}
