import SwarmSimApps
import SwarmSimCore

extension ScenarioRun {
    /// Runs the whole scenario: world, steps, drain. Returns when the simulation is done.
    ///
    /// A step with `at` starts at that time; any other step starts when the step before it
    /// finishes, so a fault can land in the middle of a load. Without `until` the run ends when
    /// every step is done and traffic has drained (no event left, or an hour of simulated quiet
    /// at most, for timers such as conntrack's that outlive every packet).
    func runTimeline(drain: SimDuration = ScenarioRun.drainLimit) {
        for (index, step) in scenario.steps.enumerated() {
            if let at = step.at {
                timers.after(at) { [unowned self] in self.startStep(index) }
            } else if index == 0 {
                timers.after(.zero) { [unowned self] in self.startStep(0) }
            }
        }
        if let until = scenario.until {
            simulation.run(until: SimTime.zero + until)
            endTime = simulation.now
            return
        }
        while stepsDone < scenario.steps.count, simulation.dispatchNext() {}
        simulation.run(until: simulation.now + drain)
    }

    /// The longest a run waits after its last step for traffic to drain.
    static let drainLimit = SimDuration.seconds(3600)

    func startStep(_ index: Int) {
        let step = scenario.steps[index]
        let start = simulation.now
        let node = stepNode(step)
        let finish: (CommandOutcome) -> Void = { [unowned self] outcome in
            self.finishStep(index, start: start, outcome: outcome)
        }
        switch step.action {
        case .run(let line):
            emit("[\(Self.clock(start))] \(node)$ \(line.text)")
            execute(line, on: node, step: index, completion: finish)
        case .load(let load):
            emit("[\(Self.clock(start))] \(node)$ load \(Self.describe(load))")
            runLoad(load, on: node, step: index, completion: finish)
        case .fault(let fault):
            emit("[\(Self.clock(start))] fault: \(Self.describe(fault))")
            apply(fault, completion: finish)
        }
    }

    func finishStep(_ index: Int, start: SimTime, outcome: CommandOutcome) {
        let text = outcome.stdout + outcome.stderr
        if !text.isEmpty {
            for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0) {
                emit(String(line))
            }
        }
        stepResults[index] = StepResult(start: start, end: simulation.now, output: text, exitCode: outcome.exitCode)
        stepsDone += 1
        endTime = max(endTime, simulation.now)
        let next = index + 1
        if next < scenario.steps.count, scenario.steps[next].at == nil {
            timers.after(.zero) { [unowned self] in self.startStep(next) }
        }
    }

    /// Where a step runs: its `on`, else the first manager (or the first node).
    func stepNode(_ step: Step) -> String {
        step.on ?? scenario.swarm.firstManager?.name ?? scenario.swarm.nodes.first?.name ?? "host"
    }

    func emit(_ line: String) {
        transcript.append(line)
        echo?(line)
    }

    /// `0.500000s`: seconds with microseconds, as the transcript shows simulated time.
    static func clock(_ time: SimTime) -> String {
        let ns = time.nanoseconds
        let seconds = ns / 1_000_000_000
        let micros = (ns % 1_000_000_000) / 1_000
        let fraction = String(micros)
        return "\(seconds)." + String(repeating: "0", count: 6 - fraction.count) + fraction + "s"
    }
}

/// What a command printed and returned.
struct CommandOutcome {
    var stdout: String
    var stderr: String = ""
    var exitCode: Int32 = 0
}
