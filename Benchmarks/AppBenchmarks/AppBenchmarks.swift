// HTTP requests through the whole stack: a load generator in one namespace, katacoda's
// docker-http-server in another, both on one bridge; a new TCP connection per request
// (handshake, request, response, FINs), 32 in flight, no captures.
// Reported: simulated HTTP requests per wall second. Target: 100,000.
import Benchmark
import SwarmSimApps
import SwarmSimCore

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.throughput, .wallClock, .mallocCountTotal, .instructions], scalingFactor: .kilo,
        maxDuration: .seconds(5))

    Benchmark("HTTP GET, one connection per request, 32 in flight (requests)", configuration: configuration) { benchmark in
        let bench = HTTPLoadBench()
        bench.run(requests: 200)
        benchmark.startMeasurement()
        let served = bench.run(requests: benchmark.scaledIterations.count)
        benchmark.stopMeasurement()
        precondition(served == benchmark.scaledIterations.count, "every request must succeed")
    }
}

/// br0 in the root namespace with two namespaces on it: client 10.0.0.1, server 10.0.0.2.
final class HTTPLoadBench {
    let simulation = Simulation(seed: 1)
    let world: World
    let timers: AppTimers
    let client: AppContext
    let server: HTTPServer

    init() {
        world = World(simulation: simulation)
        let machine = world.addMachine("bench")
        let bridge = machine.root.addBridge("br0")
        var namespaces: [NetworkNamespace] = []
        for i in 1...2 {
            let ns = machine.addNamespace("ns\(i)")
            let (port, eth) = machine.root.addVethPair("veth\(i)", peerName: "eth0", peerNamespace: ns)
            bridge.addPort(port)
            ns.addAddress(InterfaceAddress(IPv4Address(10, 0, 0, UInt8(i)), prefixLength: 24), to: eth)
            namespaces.append(ns)
        }
        // Runs here reach hundreds of thousands of connections in a few simulated seconds; a
        // short TIME-WAIT keeps the client's source ports from running out (the benchmark
        // measures request throughput, not port exhaustion).
        namespaces[0].tcp.settings.timeWaitLength = .milliseconds(100)
        timers = AppTimers(simulation: simulation)
        let hosts = HostsTable(["web": IPv4Address(10, 0, 0, 2)])
        client = AppContext(namespace: namespaces[0], timers: timers, resolver: hosts, hostname: "client")
        let serverContext = AppContext(namespace: namespaces[1], timers: timers, resolver: hosts, hostname: "cbc4fa365043")
        server = try! DockerHTTPServer.start(context: serverContext)
    }

    /// Runs `requests` requests to completion; returns how many succeeded.
    func run(requests: Int) -> Int {
        var succeeded = 0
        LoadGenerator.start(LoadSpec(host: "web", port: 80, requests: requests, concurrency: 32), context: client) { records in
            succeeded = records.reduce(0) { $0 + ($1.succeeded ? 1 : 0) }
        }
        simulation.runUntilIdle()
        return succeeded
    }
}
