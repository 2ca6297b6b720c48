// The event queue in the classic hold model (Jones 1986; the benchmark used for ns-3's and
// SimPy's schedulers): keep N events pending, and per operation pop the earliest and push one
// at a random increment after it. Target: 10 million hold operations per second.
import Benchmark
import SwarmSimCore

let benchmarks: @Sendable () -> Void = {
    let pending = 10_000
    let metrics: [BenchmarkMetric] = [.throughput, .wallClock, .mallocCountTotal, .instructions]

    Benchmark(
        "EventQueue hold, 10k pending",
        configuration: .init(metrics: metrics, scalingFactor: .mega, maxDuration: .seconds(5))
    ) { benchmark in
        var queue = EventQueue<Event>()
        var random = RandomStream(seed: 1, name: "hold")
        let target = TargetID(rawValue: 0)
        for i in 0..<pending {
            queue.push(at: SimTime(nanoseconds: Int64(random.next(below: 20_000))), Event(target: target, kind: 0, argument: UInt64(i)))
        }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let (time, event) = queue.pop()!
            queue.push(at: time + .nanoseconds(Int64(random.next(below: 20_000))), event)
        }
        benchmark.stopMeasurement()
        blackHole(queue.count)
    }

    Benchmark(
        "Simulation dispatch hold, 10k pending",
        configuration: .init(metrics: metrics, scalingFactor: .mega, maxDuration: .seconds(5))
    ) { benchmark in
        let simulation = Simulation(seed: 1)
        let holder = Holder(simulation: simulation, budget: benchmark.scaledIterations.count)
        for i in 0..<pending {
            simulation.schedule(Event(target: holder.id, kind: 0, argument: UInt64(i)), after: .nanoseconds(Int64(holder.random.next(below: 20_000))))
        }
        benchmark.startMeasurement()
        simulation.run(until: .distantFuture)
        benchmark.stopMeasurement()
        blackHole(simulation.dispatchedCount)
    }
}

/// Reschedules every event it receives until its budget is spent, keeping the queue full.
final class Holder: EventTarget {
    var random = RandomStream(seed: 1, name: "dispatch hold")
    var budget: Int
    var id = TargetID(rawValue: 0)

    init(simulation: Simulation, budget: Int) {
        self.budget = budget
        super.init()
        id = simulation.register(self)
    }

    override func handle(_ event: Event, in simulation: Simulation) {
        guard budget > 0 else { return }
        budget -= 1
        simulation.schedule(event, after: .nanoseconds(Int64(random.next(below: 20_000))))
    }
}
