import SwarmSimApps
import SwarmSimCore
import TestSupport

/// A client namespace (10.0.0.1, host name `client01`) and a server namespace (10.0.0.2, a
/// container `cbc4fa365043`) on a veth pair; the name `server` resolves to the server.
final class AppTestBed {
    let topology = Topologies.VethPair()
    let timers: AppTimers
    let hosts = HostsTable(["server": Topologies.ip("10.0.0.2")])
    let client: AppContext
    let server: AppContext

    init() {
        timers = AppTimers(simulation: topology.simulation)
        client = AppContext(namespace: topology.a, timers: timers, resolver: hosts, hostname: "client01")
        server = AppContext(namespace: topology.b, timers: timers, resolver: hosts, hostname: "cbc4fa365043")
    }

    var simulation: Simulation { topology.simulation }

    /// Runs `command` in the client namespace until it completes (or the simulation idles).
    func run(_ command: (_ completion: @escaping (CommandResult) -> Void) -> Void) -> CommandResult? {
        var result: CommandResult?
        command { result = $0 }
        simulation.runUntilIdle()
        return result
    }

    func curl(_ arguments: String...) -> CommandResult? {
        run { Curl.run(arguments: arguments, context: client, completion: $0) }
    }

    func wget(_ arguments: String...) -> CommandResult? {
        run { Wget.run(arguments: arguments, context: client, completion: $0) }
    }
}

/// A TCP server misbehaving on purpose: it accepts and then does what `onRequest` says with
/// the first bytes it receives (or at once, when `immediately`).
final class RawTCPServer {
    let listener: TCPListener
    var connections: [TCPConnection] = []

    init(_ namespace: NetworkNamespace, port: UInt16, immediately: Bool = false, onRequest: @escaping (TCPConnection) -> Void) throws {
        listener = try namespace.listenTCP(port: port)
        listener.onAccept = { [unowned self] connection in
            connections.append(connection)
            if immediately {
                onRequest(connection)
            } else {
                connection.onData = { _ in onRequest(connection) }
            }
        }
    }
}
