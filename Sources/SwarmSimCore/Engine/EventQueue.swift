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
/// Payloads live in a slot table beside the heap; heap entries are 16 bytes (`time`, and the
/// sequence number and slot packed in one word), cheap to move during sifts and compared as one
/// 128-bit key without branches. That packing bounds a run to 2^40 scheduled events and 2^24
/// pending ones, both checked. Cancelling marks the slot (O(1)); the heap entry is
/// discarded lazily when it reaches the top ("cancel by flag", as ns-3 does).
///
/// The queue owns its storage through raw pointers and is non-copyable: it is the innermost
/// loop of every run, and this keeps it free of copy-on-write checks, bounds checks and
/// reference counting (the hold-model benchmark measures it).
///
/// Complexity: `push` O(log n), `pop` O(log n) amortised (including discarded cancelled
/// entries), `cancel` O(1), `peekTime` O(1) amortised. No allocation in steady state once the
/// heap and slot table have grown to the working-set size.
public struct EventQueue<Payload>: ~Copyable {
    @usableFromInline struct Entry {
        @usableFromInline var time: Int64
        /// The sequence number in the high 40 bits, the slot in the low 24: ordering by this
        /// word orders by sequence (unique), and the entry stays 16 bytes.
        @usableFromInline var sequenceAndSlot: UInt64

        @inlinable init(time: Int64, sequence: UInt64, slot: UInt32) {
            self.time = time
            sequenceAndSlot = sequence << 24 | UInt64(slot)
        }

        @inlinable var slot: UInt32 { UInt32(truncatingIfNeeded: sequenceAndSlot & 0xFF_FFFF) }

        /// Lexicographic `(time, sequence)` as one 128-bit comparison, which compiles to a
        /// branch-free compare: sift loops pick children without mispredicted branches.
        @inlinable var key: UInt128 {
            UInt128(UInt64(bitPattern: time) ^ (1 << 63)) << 64 | UInt128(sequenceAndSlot)
        }

        @inlinable func precedes(_ other: Entry) -> Bool { key < other.key }
    }

    /// What a slot holds: its payload while scheduled, the generation of its current tenant,
    /// and whether that tenant was cancelled.
    @usableFromInline struct Slot {
        @usableFromInline var payload: Payload?
        @usableFromInline var generation: UInt32
        @usableFromInline var cancelled: Bool

        @inlinable init() {
            payload = nil
            generation = 0
            cancelled = false
        }
    }

    @usableFromInline var heap: UnsafeMutablePointer<Entry>
    @usableFromInline var heapCount = 0
    @usableFromInline var heapCapacity: Int
    @usableFromInline var slots: UnsafeMutablePointer<Slot>
    @usableFromInline var slotCount = 0
    @usableFromInline var slotCapacity: Int
    @usableFromInline var freeSlots: UnsafeMutablePointer<UInt32>
    @usableFromInline var freeCount = 0
    @usableFromInline var nextSequence: UInt64 = 0
    @usableFromInline var liveCount = 0

    public init() {
        heapCapacity = 64
        slotCapacity = 64
        heap = .allocate(capacity: heapCapacity)
        slots = .allocate(capacity: slotCapacity)
        freeSlots = .allocate(capacity: slotCapacity)
    }

    deinit {
        slots.deinitialize(count: slotCount)
        slots.deallocate()
        heap.deallocate()
        freeSlots.deallocate()
    }

    /// Scheduled events that have neither fired nor been cancelled.
    @inlinable public var count: Int { liveCount }

    /// Whether no live event is scheduled.
    @inlinable public var isEmpty: Bool { liveCount == 0 }

    /// Schedules `payload` at `time`. O(log n).
    @inlinable @discardableResult
    public mutating func push(at time: SimTime, _ payload: Payload) -> EventHandle {
        let slot: UInt32
        if freeCount > 0 {
            freeCount -= 1
            slot = freeSlots[freeCount]
        } else {
            if slotCount == slotCapacity { growSlots() }
            precondition(slotCount < 1 << 24, "more than 16,777,216 pending events")
            slot = UInt32(slotCount)
            (slots + slotCount).initialize(to: Slot())
            slotCount += 1
        }
        slots[Int(slot)].payload = payload
        slots[Int(slot)].cancelled = false
        if heapCount + 1 >= heapCapacity { growHeap() }
        precondition(nextSequence < 1 << 40, "more than 2^40 events scheduled in one run")
        siftUp(Entry(time: time.nanoseconds, sequence: nextSequence, slot: slot), from: heapCount)
        heapCount += 1
        nextSequence &+= 1
        liveCount += 1
        return EventHandle(slot: slot, generation: slots[Int(slot)].generation)
    }

    /// Cancels a scheduled event. O(1). Cancelling a fired, cancelled or stale handle does nothing.
    /// - Returns: whether a live event was cancelled.
    @inlinable @discardableResult
    public mutating func cancel(_ handle: EventHandle) -> Bool {
        let i = Int(handle.slot)
        guard i < slotCount, slots[i].generation == handle.generation, !slots[i].cancelled, slots[i].payload != nil
        else { return false }
        slots[i].cancelled = true
        slots[i].payload = nil
        liveCount -= 1
        return true
    }

    /// The time of the earliest live event, discarding cancelled entries on the way. O(log n) amortised.
    @inlinable public mutating func peekTime() -> SimTime? {
        dropCancelledTop()
        return heapCount == 0 ? nil : SimTime(nanoseconds: heap[0].time)
    }

    /// Removes and returns the earliest live event. O(log n) amortised.
    @inlinable public mutating func pop() -> (time: SimTime, payload: Payload)? {
        dropCancelledTop()
        guard heapCount > 0 else { return nil }
        let top = heap[0]
        removeTop()
        let slot = Int(top.slot)
        let payload = slots[slot].payload.unsafelyUnwrapped
        release(slot: slot)
        liveCount -= 1
        return (SimTime(nanoseconds: top.time), payload)
    }

    // MARK: internals

    @inlinable mutating func dropCancelledTop() {
        while heapCount > 0 && slots[Int(heap[0].slot)].cancelled {
            let slot = Int(heap[0].slot)
            removeTop()
            release(slot: slot)
        }
    }

    @inlinable mutating func release(slot: Int) {
        slots[slot].payload = nil
        slots[slot].cancelled = false
        slots[slot].generation &+= 1
        freeSlots[freeCount] = UInt32(slot)
        freeCount += 1
    }

    @inlinable mutating func removeTop() {
        heapCount -= 1
        let n = heapCount
        guard n > 0 else { return }
        let last = heap[n]
        // Floyd's bottom-up sift: walk the hole to a leaf along the smaller children (one
        // comparison per level), then sift the displaced last entry back up.
        var hole = 0
        var child = 1
        // A sentinel after the last entry lets every node compare two children without a
        // bounds branch.
        heap[n] = Entry(time: .max, sequence: .max, slot: 0)
        while child < n {
            child &+= heap[child &+ 1].precedes(heap[child]) ? 1 : 0
            heap[hole] = heap[child]
            hole = child
            child = 2 &* hole &+ 1
        }
        siftUp(last, from: hole)
    }

    @inlinable mutating func siftUp(_ moving: Entry, from index: Int) {
        var hole = index
        while hole > 0 {
            let parent = (hole - 1) / 2
            guard moving.precedes(heap[parent]) else { break }
            heap[hole] = heap[parent]
            hole = parent
        }
        heap[hole] = moving
    }

    @usableFromInline mutating func growHeap() {
        let bigger = UnsafeMutablePointer<Entry>.allocate(capacity: heapCapacity * 2)
        bigger.moveInitialize(from: heap, count: heapCount)
        heap.deallocate()
        heap = bigger
        heapCapacity *= 2
    }

    @usableFromInline mutating func growSlots() {
        let bigger = UnsafeMutablePointer<Slot>.allocate(capacity: slotCapacity * 2)
        bigger.moveInitialize(from: slots, count: slotCount)
        slots.deallocate()
        slots = bigger
        let biggerFree = UnsafeMutablePointer<UInt32>.allocate(capacity: slotCapacity * 2)
        biggerFree.moveInitialize(from: freeSlots, count: freeCount)
        freeSlots.deallocate()
        freeSlots = biggerFree
        slotCapacity *= 2
    }
}
