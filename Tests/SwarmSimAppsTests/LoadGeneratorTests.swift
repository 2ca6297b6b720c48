import SwarmSimApps
import SwarmSimCore
import TestSupport
import Testing

/// Three namespaces on a bridge: the load runs in ns1, servers in ns2 (`a1b2c3d4e5f6`) and ns3.
final class LoadBed {
    let topology = Topologies.BridgeOfThree()
    let timers: AppTimers
    let hosts = HostsTable(["web": Topologies.ip("10.0.0.2")])

    init() { timers = AppTimers(simulation: topology.simulation) }

    func context(_ index: Int, _ hostname: String) -> AppContext {
        AppContext(namespace: topology.namespaces[index], timers: timers, resolver: hosts, hostname: hostname)
    }

    func run(_ spec: LoadSpec) -> [RequestRecord] {
        var records: [RequestRecord]?
        LoadGenerator.start(spec, context: context(0, "loader")) { records = $0 }
        topology.simulation.runUntilIdle()
        return records ?? []
    }
}

@Suite struct LoadGeneratorTests {
    static func checkInvariant(_ records: [RequestRecord], requests: Int) {
        #expect(records.count == requests)
        #expect(records.map(\.index) == Array(0..<requests))
        let successes = records.filter(\.succeeded)
        let failures = records.filter { $0.failure != nil }
        #expect(successes.count + failures.count == requests)
        #expect(successes.allSatisfy { $0.servedBy != nil && $0.latency != nil && $0.failure == nil })
        #expect(records.allSatisfy { $0.end != nil })
    }

    @Test(arguments: [LoadProtocol.http, .tcp, .udp], [false, true])
    func closedLoopNamesTheServer(_ proto: LoadProtocol, _ keepAlive: Bool) throws {
        let bed = LoadBed()
        let server = bed.context(1, "a1b2c3d4e5f6")
        let port: UInt16 = proto == .http ? 80 : 9000
        var servers: [AnyObject] = []
        switch proto {
        case .http: servers.append(try DockerHTTPServer.start(context: server))
        case .tcp: servers.append(try TCPEchoServer.start(context: server, port: port))
        case .udp: servers.append(try UDPEchoServer.start(context: server, port: port))
        }
        let records = bed.run(LoadSpec(host: "web", port: port, requests: 300, concurrency: 8, protocol: proto, keepAlive: keepAlive))
        Self.checkInvariant(records, requests: 300)
        #expect(records.allSatisfy { $0.servedBy == "a1b2c3d4e5f6" && $0.peer == "10.0.0.2:\(port)" })
        if proto != .udp {
            let opens = bed.topology.namespaces[0].tcp.counters.activeOpens
            #expect(keepAlive ? opens == 8 : opens == 300)
        }
    }

    @Test(arguments: [LoadProtocol.http, .tcp, .udp])
    func openLoopArrivesOnSchedule(_ proto: LoadProtocol) throws {
        let bed = LoadBed()
        let server = bed.context(2, "0f9e8d7c6b5a")
        bed.hosts.add("web3", Topologies.ip("10.0.0.3"))
        let port: UInt16 = 7000
        var servers: [AnyObject] = []
        switch proto {
        case .http: servers.append(try HTTPEchoServer.start(context: server, port: port))
        case .tcp: servers.append(try TCPEchoServer.start(context: server, port: port))
        case .udp: servers.append(try UDPEchoServer.start(context: server, port: port))
        }
        let records = bed.run(LoadSpec(host: "web3", port: port, requests: 500, rate: 2000, protocol: proto))
        Self.checkInvariant(records, requests: 500)
        #expect(records.allSatisfy { $0.servedBy == "0f9e8d7c6b5a" })
        // Request i arrives at i/rate: every 500 us.
        #expect(records.enumerated().allSatisfy { $1.start == .zero + .microseconds(Int64($0) * 500) })
    }

    @Test func exponentialArrivalsAreSeededAndAverageTheRate() throws {
        func starts() throws -> [SimTime] {
            let bed = LoadBed()
            let server = try TCPEchoServer.start(context: bed.context(1, "a1b2c3d4e5f6"), port: 9000)
            let records = bed.run(LoadSpec(host: "web", port: 9000, requests: 400, rate: 1000,
                                           arrivals: .exponential(stream: "load"), protocol: .tcp))
            _ = server
            Self.checkInvariant(records, requests: 400)
            return records.map(\.start)
        }
        let first = try starts()
        #expect(try starts() == first)
        let mean = Double((first.last! - first.first!).nanoseconds) / 399 / 1e6
        #expect(mean > 0.8 && mean < 1.2, "mean gap \(mean) ms")
    }

    @Test(arguments: [LoadProtocol.http, .tcp, .udp])
    func noServerMeansRefusedRequests(_ proto: LoadProtocol) {
        let bed = LoadBed()
        let records = bed.run(LoadSpec(host: "web", port: 81, requests: 20, concurrency: 4, protocol: proto))
        Self.checkInvariant(records, requests: 20)
        #expect(records.allSatisfy { $0.failure == .refused })
    }

    @Test func silentServerTimesOutAndUnknownNameFailsToResolve() {
        let bed = LoadBed()
        try? bed.topology.namespaces[1].netfilter.apply("iptables -A INPUT -p tcp -j DROP")
        let timedOut = bed.run(LoadSpec(host: "web", port: 80, requests: 6, concurrency: 3, timeout: .seconds(2)))
        Self.checkInvariant(timedOut, requests: 6)
        #expect(timedOut.allSatisfy { $0.failure == .timeout && $0.end! - $0.start == .seconds(2) })
        let unresolved = bed.run(LoadSpec(host: "nosuch", port: 80, requests: 5))
        Self.checkInvariant(unresolved, requests: 5)
        #expect(unresolved.allSatisfy { $0.failure == .resolve })
    }

    @Test func openLoopTimeoutsEachEndTheirOwnRequest() {
        // Arrivals every 300 ms, 1 s timeout: several requests are out at once, each with its own
        // deadline; none is answered, and no timer of the generator outlives the run.
        let bed = LoadBed()
        try? bed.topology.namespaces[1].netfilter.apply("iptables -A INPUT -p tcp -j DROP")
        let start = bed.topology.simulation.now
        let records = bed.run(LoadSpec(host: "web", port: 80, requests: 7, rate: 1 / 0.3, timeout: .seconds(1)))
        Self.checkInvariant(records, requests: 7)
        #expect(records.map { $0.start - start } == (0..<7).map { .milliseconds(300 * Int64($0)) })
        #expect(records.allSatisfy { $0.failure == .timeout && $0.end! - $0.start == .seconds(1) })
        #expect(bed.timers.pendingCount == 0)
    }

    @Test func thousandsOfConnectionsLeaveTimeWaitOnTheClient() throws {
        let bed = LoadBed()
        let server = try DockerHTTPServer.start(context: bed.context(1, "a1b2c3d4e5f6"))
        var records: [RequestRecord]?
        LoadGenerator.start(LoadSpec(host: "web", port: 80, requests: 3000, concurrency: 32), context: bed.context(0, "loader")) {
            records = $0
        }
        bed.topology.simulation.run(until: .zero + .seconds(30))
        let done = try #require(records)
        Self.checkInvariant(done, requests: 3000)
        #expect(done.allSatisfy { $0.succeeded })
        #expect(bed.topology.namespaces[0].tcp.timeWaitCount == 3000)
        #expect(server.connectionCount == 0)
    }
}
