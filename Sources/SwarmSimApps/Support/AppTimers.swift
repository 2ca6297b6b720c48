import SwarmSimCore

/// Timers for applications: run a closure after a simulated delay, cancel it before it fires.
///
/// The kernel keeps events as data (target, kind, argument) so its hot path holds no closures.
/// Applications are not on that path and want "call me back in 1 s" (curl's timeout, ping's
/// interval, a load generator's next arrival), so this one event target keeps the closures in a
/// table keyed by a token and schedules plain events carrying the token. Tokens increase
/// monotonically, so two timers due at the same instant fire in the order they were set, and a
/// run's order depends on nothing but the simulation's own queue.
public final class AppTimers: EventTarget {
    /// A pending timer, for `cancel`.
    public struct Token: Hashable, Sendable {
        fileprivate let id: UInt64
        fileprivate let handle: EventHandle
    }

    public let simulation: Simulation
    private var target: TargetID!
    private var nextID: UInt64 = 1
    private var pending: [UInt64: () -> Void] = [:]

    public init(simulation: Simulation) {
        self.simulation = simulation
        super.init()
        target = simulation.register(self)
    }

    /// The current simulated time.
    public var now: SimTime { simulation.now }

    /// Calls `body` after `delay`. O(log n) in the simulation's pending events.
    @discardableResult
    public func after(_ delay: SimDuration, _ body: @escaping () -> Void) -> Token {
        let id = nextID
        nextID += 1
        pending[id] = body
        let handle = simulation.schedule(Event(target: target, kind: 0, argument: id), after: delay)
        return Token(id: id, handle: handle)
    }

    /// Cancels a timer that has not fired yet; cancelling a fired or cancelled timer does nothing.
    public func cancel(_ token: Token) {
        if pending.removeValue(forKey: token.id) != nil { simulation.cancel(token.handle) }
    }

    /// Timers set and not yet fired or cancelled.
    public var pendingCount: Int { pending.count }

    public override func handle(_ event: Event, in simulation: Simulation) {
        pending.removeValue(forKey: event.argument)?()
    }
}
