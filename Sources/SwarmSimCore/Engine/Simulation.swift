/// Identifies an object that receives events: an index into the simulation's target table.
public struct TargetID: Hashable, Sendable {
    public let rawValue: UInt32
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }
}

/// An event as data: who receives it, what kind it is, and one word of argument.
///
/// Events are plain values, not closures, so the queue holds no references (no reference
/// counting on the hot path), an event can be printed and compared, and the order of a run is a
/// function of the data alone. A receiver that needs more than one word keeps its own FIFO
/// (a link keeps its frames in flight) and the event says "the next one is due".
public struct Event: Hashable, Sendable {
    public var target: TargetID
    public var kind: UInt32
    public var argument: UInt64

    @inlinable public init(target: TargetID, kind: UInt32, argument: UInt64 = 0) {
        self.target = target
        self.kind = kind
        self.argument = argument
    }
}

/// An object that events are delivered to: subclasses override `handle`.
///
/// A base class rather than a protocol so that dispatch is a virtual call on a borrowed
/// reference: the simulation lends each target to its event (`Unmanaged`) with no retain and
/// release, where calling through an existential copied it out of the table first (a pair of
/// atomic operations per event, 3% of the HTTP benchmark's samples).
open class EventTarget {
    public init() {}

    /// Handles `event` at `simulation.now`. May schedule and cancel further events.
    open func handle(_ event: Event, in simulation: Simulation) {
        preconditionFailure("\(type(of: self)) must override handle(_:in:)")
    }
}

/// One discrete-event simulation: a clock, its queue of future events, the event receivers and
/// the run's seed.
///
/// A simulation is an ordinary value owned by whoever creates it, never a global, so a test can
/// build two side by side and compare them.
public final class Simulation {
    /// The current simulated time. Advances only when an event is dispatched, or to the deadline
    /// at the end of `run(until:)`.
    public private(set) var now: SimTime = .zero
    /// The seed every random stream of this run is derived from.
    public let seed: UInt64
    /// How many events have been dispatched so far.
    public private(set) var dispatchedCount: UInt64 = 0

    @usableFromInline var queue = EventQueue<Event>()
    /// The receivers, owned here for the simulation's life.
    @usableFromInline var targets: [EventTarget] = []
    /// The same receivers unretained, for dispatch (`targets` keeps them alive).
    @usableFromInline var receivers: [Unmanaged<EventTarget>] = []

    public init(seed: UInt64 = 1) {
        self.seed = seed
    }

    /// Registers a receiver of events and returns its ID. O(1) amortised.
    public func register(_ target: EventTarget) -> TargetID {
        targets.append(target)
        receivers.append(.passUnretained(target))
        return TargetID(rawValue: UInt32(targets.count - 1))
    }

    /// A random stream for one source of randomness, named stably (e.g. `"link host01-host02 loss"`).
    public func randomStream(named name: String) -> RandomStream {
        RandomStream(seed: seed, name: name)
    }

    /// Schedules `event` at the absolute time `time`, which must not be in the past. O(log n).
    @inlinable @discardableResult
    public func schedule(_ event: Event, at time: SimTime) -> EventHandle {
        precondition(time >= now, "an event cannot be scheduled in the past")
        return queue.push(at: time, event)
    }

    /// Schedules `event` after `delay` (zero or more) from now. O(log n).
    @inlinable @discardableResult
    public func schedule(_ event: Event, after delay: SimDuration) -> EventHandle {
        precondition(delay >= .zero, "an event cannot be scheduled in the past")
        return queue.push(at: now + delay, event)
    }

    /// Schedules `event` after `delay` (zero or more) from now, for good: it cannot be
    /// cancelled, which spares the queue the bookkeeping a handle needs. Ordered exactly as
    /// `schedule` would order it.
    @inlinable
    public func post(_ event: Event, after delay: SimDuration) {
        precondition(delay >= .zero, "an event cannot be scheduled in the past")
        queue.pushUncancellable(at: now + delay, event)
    }

    /// Cancels a scheduled event. O(1). Returns whether it was still pending.
    @inlinable @discardableResult
    public func cancel(_ handle: EventHandle) -> Bool {
        queue.cancel(handle)
    }

    /// Events scheduled and not yet dispatched or cancelled.
    public var pendingCount: Int { queue.count }

    /// The time of the next pending event, if any.
    public func nextEventTime() -> SimTime? { queue.peekTime() }

    /// Dispatches every event due at or before `deadline`, in time order (FIFO among equal times), then parks
    /// the clock on the deadline (so a later `schedule(after:)` counts from there, as ns-3's
    /// `Stop` and SimPy's `run(until=)` do). With `.distantFuture` it runs until the queue is
    /// empty and leaves the clock on the last event.
    /// - Returns: the number of events dispatched.
    @discardableResult
    public func run(until deadline: SimTime) -> UInt64 {
        let start = dispatchedCount
        while let (time, event) = queue.pop(notAfter: deadline) {
            now = time
            dispatchedCount &+= 1
            dispatch(event)
        }
        if deadline != .distantFuture && deadline > now { now = deadline }
        return dispatchedCount - start
    }

    /// Dispatches the next event if it is due at or before `deadline`, leaving the clock on it; the
    /// loop for a caller that stops on a condition of its own rather than at a time.
    /// - Returns: whether an event was dispatched.
    @discardableResult
    public func dispatchNext(notAfter deadline: SimTime = .distantFuture) -> Bool {
        guard let (time, event) = queue.pop(notAfter: deadline) else { return false }
        now = time
        dispatchedCount &+= 1
        dispatch(event)
        return true
    }

    @inline(__always) func dispatch(_ event: Event) {
        receivers[Int(event.target.rawValue)]._withUnsafeGuaranteedRef { $0.handle(event, in: self) }
    }

    /// Runs for `duration` from now and parks the clock there.
    @discardableResult
    public func run(for duration: SimDuration) -> UInt64 {
        run(until: now + duration)
    }

    /// Runs until no event is pending.
    @discardableResult
    public func runUntilIdle() -> UInt64 {
        run(until: .distantFuture)
    }
}
