import SwarmSimCore

/// Delayed control-plane actions (gossip convergence, restart delay, dispatcher grace period).
///
/// The engine's events are data; the manager's delayed actions are few and not on the packet
/// path, so this one target keeps closures in a table keyed by an increasing token, and equal
/// due times fire in the order they were set.
final class ClusterTimers: EventTarget {
    private var target: TargetID!
    private var nextID: UInt64 = 1
    private var pending: [UInt64: () -> Void] = [:]
    private let simulation: Simulation

    init(simulation: Simulation) {
        self.simulation = simulation
        super.init()
        target = simulation.register(self)
    }

    func after(_ delay: SimDuration, _ body: @escaping () -> Void) {
        let id = nextID
        nextID += 1
        pending[id] = body
        simulation.schedule(Event(target: target, kind: 0, argument: id), after: delay)
    }

    override func handle(_ event: Event, in simulation: Simulation) {
        pending.removeValue(forKey: event.argument)?()
    }
}
