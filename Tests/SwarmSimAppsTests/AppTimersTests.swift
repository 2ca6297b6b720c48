import SwarmSimApps
import SwarmSimCore
import Testing

@Suite struct AppTimersTests {
    @Test func firesInTimeOrderThenSetOrder() {
        let simulation = Simulation(seed: 1)
        let timers = AppTimers(simulation: simulation)
        var fired: [String] = []
        timers.after(.milliseconds(2)) { fired.append("b@\(timers.now)") }
        timers.after(.milliseconds(1)) { fired.append("a@\(timers.now)") }
        timers.after(.milliseconds(2)) { fired.append("c@\(timers.now)") }
        simulation.runUntilIdle()
        #expect(fired == ["a@\(SimTime.zero + .milliseconds(1))", "b@\(SimTime.zero + .milliseconds(2))", "c@\(SimTime.zero + .milliseconds(2))"])
        #expect(timers.pendingCount == 0)
    }

    @Test func cancelledTimerNeverFires() {
        let simulation = Simulation(seed: 1)
        let timers = AppTimers(simulation: simulation)
        var fired = 0
        let token = timers.after(.seconds(1)) { fired += 1 }
        timers.after(.milliseconds(500)) { timers.cancel(token) }
        simulation.runUntilIdle()
        #expect(fired == 0)
        timers.cancel(token)  // a second cancel is harmless
        #expect(timers.pendingCount == 0)
    }

    @Test func hostsTableResolvesNamesAndLiterals() {
        let hosts = HostsTable(["host01": IPv4Address(172, 17, 0, 6)])
        var results: [Result<[IPv4Address], ResolveError>] = []
        for name in ["host01", "10.0.0.2", "nosuch"] { hosts.resolve(name) { results.append($0) } }
        #expect(results == [.success([IPv4Address(172, 17, 0, 6)]), .success([IPv4Address(10, 0, 0, 2)]), .failure(.notFound)])
    }
}
