import Testing
@testable import SwarmSimCore

/// Records every event it receives, and can reschedule.
private final class Recorder: EventTarget {
    var log: [(SimTime, UInt32, UInt64)] = []
    var rescheduleEvery: SimDuration?
    var id = TargetID(rawValue: 0)

    override func handle(_ event: Event, in simulation: Simulation) {
        log.append((simulation.now, event.kind, event.argument))
        if let period = rescheduleEvery, event.argument < 3 {
            simulation.schedule(Event(target: id, kind: event.kind, argument: event.argument + 1), after: period)
        }
    }
}

@Suite struct SimulationTests {
    @Test func runUntilParksTheClockOnTheDeadline() {
        let sim = Simulation()
        let r = Recorder()
        r.id = sim.register(r)
        sim.schedule(Event(target: r.id, kind: 1), after: .milliseconds(1))
        sim.schedule(Event(target: r.id, kind: 2), after: .milliseconds(5))
        #expect(sim.run(until: SimTime.zero + .milliseconds(3)) == 1)
        #expect(sim.now == SimTime.zero + .milliseconds(3))
        #expect(r.log.map(\.1) == [1])
        sim.schedule(Event(target: r.id, kind: 3), after: .milliseconds(1))  // counts from the deadline
        sim.runUntilIdle()
        #expect(r.log.map(\.0.nanoseconds) == [1_000_000, 4_000_000, 5_000_000])
        #expect(sim.now == SimTime.zero + .milliseconds(5))
    }

    @Test func dispatchNextRunsOneEventAndRespectsTheDeadline() {
        let sim = Simulation()
        let r = Recorder()
        r.id = sim.register(r)
        sim.schedule(Event(target: r.id, kind: 1), at: SimTime(nanoseconds: 10))
        sim.schedule(Event(target: r.id, kind: 2), at: SimTime(nanoseconds: 10))
        sim.schedule(Event(target: r.id, kind: 3), at: SimTime(nanoseconds: 30))
        #expect(sim.dispatchNext())
        #expect(r.log.map(\.1) == [1])
        #expect(sim.dispatchNext(notAfter: SimTime(nanoseconds: 20)))
        #expect(!sim.dispatchNext(notAfter: SimTime(nanoseconds: 20)))
        #expect(sim.now == SimTime(nanoseconds: 10))
        #expect(sim.dispatchNext())
        #expect(!sim.dispatchNext())
        #expect(r.log.map(\.1) == [1, 2, 3])
    }

    @Test func eventsAtTheDeadlineRun() {
        let sim = Simulation()
        let r = Recorder()
        r.id = sim.register(r)
        sim.schedule(Event(target: r.id, kind: 1), at: SimTime(nanoseconds: 10))
        #expect(sim.run(until: SimTime(nanoseconds: 10)) == 1)
    }

    @Test func handlersCanScheduleMore() {
        let sim = Simulation()
        let r = Recorder()
        r.id = sim.register(r)
        r.rescheduleEvery = .microseconds(100)
        sim.schedule(Event(target: r.id, kind: 7, argument: 0), after: .zero)
        sim.runUntilIdle()
        #expect(r.log.map(\.2) == [0, 1, 2, 3])
        #expect(sim.now.nanoseconds == 300_000)
        #expect(sim.dispatchedCount == 4)
    }

    @Test func cancelledEventsNeverRun() {
        let sim = Simulation()
        let r = Recorder()
        r.id = sim.register(r)
        let h = sim.schedule(Event(target: r.id, kind: 1), after: .seconds(1))
        sim.schedule(Event(target: r.id, kind: 2), after: .seconds(2))
        #expect(sim.cancel(h))
        sim.runUntilIdle()
        #expect(r.log.map(\.1) == [2])
    }

    @Test func twoSimulationsAreIndependentValues() {
        let a = Simulation(seed: 1)
        let b = Simulation(seed: 1)
        let ra = Recorder()
        ra.id = a.register(ra)
        a.schedule(Event(target: ra.id, kind: 1), after: .seconds(1))
        a.runUntilIdle()
        #expect(a.now.nanoseconds == 1_000_000_000)
        #expect(b.now == .zero)
        var sa = a.randomStream(named: "x")
        var sb = b.randomStream(named: "x")
        let (na, nb) = (sa.next(), sb.next())
        #expect(na == nb)
    }
}
