// IPVS: new connections scheduled per second for every scheduler with 10 and 1,000 real
// servers (each operation schedules one new TCP connection from a new client port and inserts
// it in the connection table), and connection-table lookups with 1,000,000 connections.
import Benchmark
import SwarmSimCore

let schedulers = ["rr", "wrr", "lc", "wlc", "sed", "nq", "dh", "sh", "lblc", "lblcr", "mh", "fo", "ovf", "twos"]

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.throughput, .wallClock, .mallocCountTotal], scalingFactor: .kilo, maxDuration: .seconds(2),
        maxIterations: 200)

    for scheduler in schedulers {
        for servers in [10, 1_000] {
            Benchmark("schedule new connection, \(scheduler), \(servers) servers", configuration: configuration) { benchmark in
                let ipvs = IPVS(seed: 1, name: "bench")
                let key = IPVSServiceKey.fwmark(256)
                guard let service = try? ipvs.addService(key, scheduler: scheduler, now: .zero) else {
                    fatalError("cannot add a \(scheduler) service")
                }
                for i in 0..<servers {
                    _ = try? ipvs.addDestination(
                        to: key, IPVSDestinationSpec(address: IPv4Address(value: 0x0A00_0000 + UInt32(i) + 2), weight: Int32(1 + i % 3)),
                        now: .zero)
                }
                var client: UInt32 = 0
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations {
                    client &+= 1
                    let connection = ipvs.schedule(
                        service, client: (IPv4Address(value: 0xAC11_0000 | (client >> 16)), UInt16(truncatingIfNeeded: client)),
                        virtual: (IPv4Address(10, 0, 0, 1), 80), protocol: .tcp, fwmark: 256, now: .zero)
                    blackHole(connection)
                }
                benchmark.stopMeasurement()
            }
        }
    }

    Benchmark(
        "connection lookup, 1,000,000 connections",
        configuration: .init(metrics: [.throughput, .wallClock, .mallocCountTotal], scalingFactor: .mega, maxDuration: .seconds(5), maxIterations: 20)
    ) { benchmark in
        let ipvs = IPVS(seed: 1, name: "bench")
        let key = IPVSServiceKey.fwmark(256)
        guard let service = try? ipvs.addService(key, scheduler: "rr", now: .zero) else { fatalError("no service") }
        for i in 0..<10 {
            _ = try? ipvs.addDestination(to: key, IPVSDestinationSpec(address: IPv4Address(value: 0x0A00_0002 + UInt32(i))), now: .zero)
        }
        let total: UInt32 = 1_000_000
        for client in 0..<total {
            _ = ipvs.schedule(
                service, client: (IPv4Address(value: 0xAC11_0000 | (client >> 16)), UInt16(truncatingIfNeeded: client)),
                virtual: (IPv4Address(10, 0, 0, 1), 80), protocol: .tcp, fwmark: 256, now: .zero)
        }
        var random = RandomStream(seed: 1, name: "lookups")
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let client = UInt32(random.next(below: UInt64(total)))
            blackHole(ipvs.connection(
                protocol: .tcp, client: (IPv4Address(value: 0xAC11_0000 | (client >> 16)), UInt16(truncatingIfNeeded: client)),
                virtual: (IPv4Address(10, 0, 0, 1), 80), now: .zero))
        }
        benchmark.stopMeasurement()
    }
}
