import SwarmSimApps
import SwarmSimCore
import Testing
import TestSupport

@Suite struct DNSStubResolverTests {
    func resolve(_ name: String, server: Bool = true) throws
        -> (Result<[IPv4Address], ResolveError>?, SimTime, DNSTestRecords, SilentServer?)
    {
        let pair = Topologies.VethPair()
        let timers = AppTimers(simulation: pair.simulation)
        let records = DNSTestRecords()
        var silent: SilentServer?
        var dns: DNSServer?
        if server {
            dns = try DNSServer(namespace: pair.a, address: Topologies.ip("127.0.0.11"), source: records)
        } else {
            silent = try SilentServer(pair.a, address: Topologies.ip("127.0.0.11"), timers: timers)
        }
        let resolver = StubResolver(namespace: pair.a, timers: timers, ids: pair.simulation.randomStream(named: "resolver"))
        var result: Result<[IPv4Address], ResolveError>?
        var finished = SimTime.zero
        resolver.resolve(name) {
            result = $0
            finished = timers.now
        }
        withExtendedLifetime(dns) { pair.simulation.runUntilIdle() }
        return (result, finished, records, silent)
    }

    @Test func resolvesAllAddresses() throws {
        let (result, _, records, _) = try resolve("tasks.http")
        #expect(result == .success([Topologies.ip("10.0.1.3"), Topologies.ip("10.0.1.4")]))
        #expect(records.lookups.count == 1)
    }

    @Test func dottedQuadNeedsNoQuery() throws {
        let (result, _, records, _) = try resolve("10.9.8.7")
        #expect(result == .success([Topologies.ip("10.9.8.7")]))
        #expect(records.lookups.isEmpty)
    }

    @Test func nxDomainAndNoDataAreNotFound() throws {
        #expect(try resolve("nosuch").0 == .failure(.notFound))
    }

    @Test func servfailIsTriedOnEveryAttempt() throws {
        let (result, finished, records, _) = try resolve("servfail")
        #expect(result == .failure(.serverFailure))
        #expect(records.lookups.count == 2)
        #expect(finished == .zero)
    }

    @Test func absentServerTimesOutAfterTwoAttemptsOfFiveSeconds() throws {
        let (result, finished, _, silent) = try resolve("http", server: false)
        #expect(result == .failure(.timedOut))
        #expect(silent?.received == [.zero, SimTime.zero + .seconds(5)])
        #expect(finished == SimTime.zero + .seconds(10))
    }
}
