// A UDP echo across three routed hops (client - r1 - r2 - server, each link a veth pair, both
// routers forwarding): the shape of ns-3's classic echo example with routers in between.
// Reported: simulated packet-hops (frames delivered from one device to the next) per wall
// second, with captures off and with every capture point writing a classic pcap.
// Targets: 1,000,000 packet-hops/s with captures off, 500,000 with pcap on every point.
import Benchmark
import Foundation
import SwarmSimCapture
import SwarmSimCore

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.throughput, .wallClock, .mallocCountTotal, .instructions], scalingFactor: .kilo,
        maxDuration: .seconds(5))

    Benchmark("UDP echo over 3 routed hops, captures off (packet-hops)", configuration: configuration) { benchmark in
        let echo = RoutedEcho(captureDirectory: nil)
        echo.warmUp()
        benchmark.startMeasurement()
        echo.run(hops: benchmark.scaledIterations.count)
        benchmark.stopMeasurement()
    }

    Benchmark("UDP echo over 3 routed hops, pcap on every point (packet-hops)", configuration: configuration) { benchmark in
        let directory = NSTemporaryDirectory() + "/swarmsim-bench-\(getpid())"
        let echo = RoutedEcho(captureDirectory: directory)
        echo.warmUp()
        benchmark.startMeasurement()
        echo.run(hops: benchmark.scaledIterations.count)
        benchmark.stopMeasurement()
        echo.finish()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// client 10.0.1.2 - r1 (10.0.1.1, 10.0.2.1) - r2 (10.0.2.2, 10.0.3.1) - server 10.0.3.2.
final class RoutedEcho {
    let simulation = Simulation(seed: 1)
    let world: World
    let client: UDPSocket
    let server: UDPSocket
    var session: CaptureSession?
    /// Datagrams kept in flight at once, so the event queue is never trivially small.
    let window = 16

    init(captureDirectory: String?) {
        world = World(simulation: simulation)
        let machine = world.addMachine("bench")
        let names = ["client", "r1", "r2", "server"]
        let ns = names.map { machine.addNamespace($0) }
        ns[1].ipForward = true
        ns[2].ipForward = true
        var ends: [VethDevice] = []
        for link in 0..<3 {
            let (left, right) = ns[link].addVethPair(link == 0 ? "eth0" : "eth1", peerName: "eth0", peerNamespace: ns[link + 1])
            ns[link].addAddress(InterfaceAddress(IPv4Address(10, 0, UInt8(link + 1), link == 0 ? 2 : 1), prefixLength: 24), to: left)
            ns[link + 1].addAddress(InterfaceAddress(IPv4Address(10, 0, UInt8(link + 1), link == 0 ? 1 : 2), prefixLength: 24), to: right)
            ends += [left, right]
        }
        ns[0].addDefaultRoute(via: IPv4Address(10, 0, 1, 1))
        ns[1].addRoute(Route(destination: IPv4Prefix("10.0.3.0/24")!, device: ns[1].device(named: "eth1")!.ifindex, gateway: IPv4Address(10, 0, 2, 2)))
        ns[2].addRoute(Route(destination: IPv4Prefix("10.0.1.0/24")!, device: ns[2].device(named: "eth0")!.ifindex, gateway: IPv4Address(10, 0, 2, 1)))
        ns[3].addDefaultRoute(via: IPv4Address(10, 0, 3, 1))
        if let captureDirectory {
            let session = try! CaptureSession(directory: captureDirectory, name: "bench", filter: nil, pcapng: false)
            for (i, end) in ends.enumerated() {
                end.addTap(try! session.point(node: "bench", point: "\(end.namespace.name)-\(end.name)-\(i)", description: ""))
            }
            self.session = session
        }
        server = try! ns[3].openUDPSocket(port: 7)
        server.onReceive = { socket, d in try? socket.send(d.payload, to: d.source, port: d.sourcePort) }
        client = try! ns[0].openUDPSocket()
        // Veth hops take no simulated time, so the echo must stop by itself: the client sends
        // again only while the hop budget lasts.
        client.onReceive = { [unowned self] socket, d in
            if self.world.deliveredFrames < self.target {
                try? socket.send(d.payload, to: d.source, port: d.sourcePort)
            }
        }
    }

    /// The number of delivered frames at which the client stops echoing.
    var target = 0

    /// Resolves every neighbour once so the measured loop is steady-state forwarding.
    func warmUp() {
        target = 10_000
        start()
        simulation.runUntilIdle()
    }

    /// Runs until at least `hops` more frames have crossed a device boundary.
    func run(hops: Int) {
        target = world.deliveredFrames + hops
        start()
        simulation.runUntilIdle()
    }

    private func start() {
        for _ in 0..<window { try! client.send([UInt8](repeating: 0x55, count: 64), to: IPv4Address(10, 0, 3, 2), port: 7) }
    }

    func finish() {
        try? session?.close()
    }
}
