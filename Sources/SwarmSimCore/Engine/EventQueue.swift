/// A reference to a scheduled event, used to cancel it.
///
/// The generation makes a stale handle harmless: once an event has fired or been cancelled its
/// slot is reused with a new generation, and cancelling through the old handle does nothing.
public struct EventHandle: Hashable, Sendable {
    @usableFromInline let slot: UInt32
    @usableFromInline let generation: UInt32

    @inlinable init(slot: UInt32, generation: UInt32) {
        self.slot = slot
        self.generation = generation
    }
}

/// A priority queue of future events ordered by `(time, sequence)`, so that events scheduled for
/// the same instant run in the order they were scheduled (FIFO), as in ns-3 and SimPy.
///
/// A binary heap on its own is not FIFO for equal keys (swift-collections' `Heap` says as much),
/// so every push takes a monotonically increasing sequence number that breaks ties.
///
/// Payloads live in a slot table beside the heap; heap entries are 24-byte `(time, seq, slot)`
/// triples, cheap to move during sifts. Cancelling marks the slot (O(1)); the heap entry is
/// discarded lazily when it reaches the top ("cancel by flag", as ns-3 does).
///
/// Complexity: `push` O(log n), `pop` O(log n) amortised (including discarded cancelled
/// entries), `cancel` O(1), `peekTime` O(1) amortised. No allocation in steady state once the
/// heap and slot table have grown to the working-set size.
public struct EventQueue<Payload> {
    @usableFromInline struct Entry {
        @usableFromInline var time: Int64
        @usableFromInline var sequence: UInt64
        @usableFromInline var slot: UInt32

        @inlinable init(time: Int64, sequence: UInt64, slot: UInt32) {
            self.time = time
            self.sequence = sequence
            self.slot = slot
        }

        @inlinable func precedes(_ other: Entry) -> Bool {
            time < other.time || (time == other.time && sequence < other.sequence)
        }
    }

    @usableFromInline var heap: [Entry] = []
    @usableFromInline var payloads: [Payload?] = []
    @usableFromInline var generations: [UInt32] = []
    @usableFromInline var cancelled: [Bool] = []
    @usableFromInline var freeSlots: [UInt32] = []
    @usableFromInline var nextSequence: UInt64 = 0
    /// Scheduled events that have neither fired nor been cancelled.
    public var count: Int { liveCount }
    @usableFromInline var liveCount: Int = 0

    public init() {}

    /// Whether no live event is scheduled.
    @inlinable public var isEmpty: Bool { liveCount == 0 }

    /// Schedules `payload` at `time`. O(log n).
    @inlinable @discardableResult
    public mutating func push(at time: SimTime, _ payload: Payload) -> EventHandle {
        let slot: UInt32
        if let reused = freeSlots.popLast() {
            slot = reused
            payloads[Int(slot)] = payload
            cancelled[Int(slot)] = false
        } else {
            slot = UInt32(payloads.count)
            payloads.append(payload)
            generations.append(0)
            cancelled.append(false)
        }
        let entry = Entry(time: time.nanoseconds, sequence: nextSequence, slot: slot)
        nextSequence &+= 1
        heap.append(entry)
        siftUp(from: heap.count - 1)
        liveCount += 1
        return EventHandle(slot: slot, generation: generations[Int(slot)])
    }

    /// Cancels a scheduled event. O(1). Cancelling a fired, cancelled or stale handle does nothing.
    /// - Returns: whether a live event was cancelled.
    @inlinable @discardableResult
    public mutating func cancel(_ handle: EventHandle) -> Bool {
        let i = Int(handle.slot)
        guard i < generations.count, generations[i] == handle.generation, !cancelled[i], payloads[i] != nil else {
            return false
        }
        cancelled[i] = true
        payloads[i] = nil
        liveCount -= 1
        return true
    }

    /// The time of the earliest live event, discarding cancelled entries on the way. O(log n) amortised.
    @inlinable public mutating func peekTime() -> SimTime? {
        dropCancelledTop()
        return heap.first.map { SimTime(nanoseconds: $0.time) }
    }

    /// Removes and returns the earliest live event. O(log n) amortised.
    @inlinable public mutating func pop() -> (time: SimTime, payload: Payload)? {
        dropCancelledTop()
        guard let top = heap.first else { return nil }
        removeTop()
        let slot = Int(top.slot)
        let payload = payloads[slot].unsafelyUnwrapped
        release(slot: slot)
        liveCount -= 1
        return (SimTime(nanoseconds: top.time), payload)
    }

    // MARK: heap internals

    @inlinable mutating func dropCancelledTop() {
        while let top = heap.first, cancelled[Int(top.slot)] {
            removeTop()
            release(slot: Int(top.slot))
        }
    }

    @inlinable mutating func release(slot: Int) {
        payloads[slot] = nil
        cancelled[slot] = false
        generations[slot] &+= 1
        freeSlots.append(UInt32(slot))
    }

    @inlinable mutating func removeTop() {
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap.withUnsafeMutableBufferPointer { h in
                // Floyd's bottom-up sift: walk the hole to a leaf along the smaller children
                // (one comparison per level), then sift the displaced last entry back up.
                let n = h.count
                var hole = 0
                var child = 1
                while child < n {
                    if child + 1 < n && h[child + 1].precedes(h[child]) { child += 1 }
                    h[hole] = h[child]
                    hole = child
                    child = 2 * hole + 1
                }
                while hole > 0 {
                    let parent = (hole - 1) / 2
                    guard last.precedes(h[parent]) else { break }
                    h[hole] = h[parent]
                    hole = parent
                }
                h[hole] = last
            }
        }
    }

    @inlinable mutating func siftUp(from index: Int) {
        heap.withUnsafeMutableBufferPointer { h in
            let moving = h[index]
            var hole = index
            while hole > 0 {
                let parent = (hole - 1) / 2
                guard moving.precedes(h[parent]) else { break }
                h[hole] = h[parent]
                hole = parent
            }
            h[hole] = moving
        }
    }
}
