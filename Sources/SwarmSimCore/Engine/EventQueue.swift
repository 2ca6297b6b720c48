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

/// A priority queue of future events ordered by `(time, order of scheduling)`, so that events
/// scheduled for the same instant run in the order they were scheduled (FIFO), as in ns-3 and
/// SimPy.
///
/// A simulation never schedules into its past, so the queue is *monotone*: every key pushed is
/// at or after the last key popped. That admits a radix heap (Ahuja, Mehlhorn, Orlin and Tarjan,
/// "Faster algorithms for the shortest path problem", 1990) instead of a comparison heap, here
/// with base-16 digits, the multi-level variant their paper describes. Keys live in buckets by
/// the highest hexadecimal digit in which they differ from the last popped key `last`, and by
/// that digit's value: bucket 0 holds keys equal to `last`, and bucket `(position, digit)`
/// precedes every bucket with a higher position or, at the same position, a higher digit. A push
/// is one XOR, one leading-zero count and an append; a pop takes the front of bucket 0, and when
/// bucket 0 is empty, takes the lowest non-empty bucket, makes its minimum the new `last` and
/// redistributes its entries, every one of which lands at a lower position. An entry therefore
/// moves at most 16 times in its life, and for events spread over 20 µs (the hold benchmark) at
/// most 4, where a binary heap of 10,000 events walks 13 levels on every pop.
///
/// FIFO among equal times needs no sequence number: equal keys always sit in the same bucket
/// (the bucket is a function of the key and `last`), buckets are appended to in scheduling order
/// and redistributed in order, so equal keys never overtake one another.
///
/// A push before `last` (possible only when a caller schedules before a time it has peeked, or
/// uses the queue on its own out of order) is still correct: the queue rebases every entry on
/// the new key, in O(n), keeping their order.
///
/// Payloads travel inside the entries, so a pop reads one cache line. Beside the buckets, a slot
/// table of one word per pending event (its generation and a cancelled bit) makes `cancel` O(1):
/// it sets the bit, and the entry is discarded lazily when it reaches the front of bucket 0 or is
/// met while a bucket is scanned ("cancel by flag", as ns-3 does). The table is small enough to
/// stay in cache where a table of payloads would not.
///
/// The queue owns its storage through raw pointers and is non-copyable: it is the innermost loop
/// of every run, and this keeps it free of copy-on-write checks, bounds checks and reference
/// counting (the hold-model benchmark measures it).
///
/// Complexity: `push` O(1) (O(n) when it rebases), `pop` O(1) amortised over an entry's life
/// (at most 64 moves per entry), `cancel` O(1), `peekTime` O(size of the lowest bucket). No
/// allocation in steady state once the buckets and slot table have grown to the working set.
public struct EventQueue<Payload>: ~Copyable {
    /// An entry in a bucket: the time as an unsigned key (the sign bit flipped, so unsigned order
    /// is time order and XOR finds the highest differing bit), the slot that cancels it, and the
    /// payload.
    @usableFromInline struct Entry {
        @usableFromInline var key: UInt64
        @usableFromInline var slot: UInt32
        @usableFromInline var payload: Payload

        @inlinable init(key: UInt64, slot: UInt32, payload: Payload) {
            self.key = key
            self.slot = slot
            self.payload = payload
        }

        @inlinable static func key(_ time: SimTime) -> UInt64 { UInt64(bitPattern: time.nanoseconds) ^ (1 << 63) }
        @inlinable static func time(_ key: UInt64) -> SimTime { SimTime(nanoseconds: Int64(bitPattern: key ^ (1 << 63))) }
    }

    /// A growable array of entries in scheduling order; `head..<count` are initialised. `head` is
    /// used by bucket 0 only, which is consumed from the front.
    @usableFromInline struct Bucket {
        @usableFromInline var entries: UnsafeMutablePointer<Entry>
        @usableFromInline var head = 0
        @usableFromInline var count = 0
        @usableFromInline var capacity: Int

        @inlinable init(capacity: Int) {
            self.capacity = capacity
            entries = .allocate(capacity: capacity)
        }

        @inlinable mutating func append(_ entry: consuming Entry) {
            if count == capacity { grow() }
            (entries + count).initialize(to: entry)
            count &+= 1
        }

        @usableFromInline mutating func grow() {
            let bigger = UnsafeMutablePointer<Entry>.allocate(capacity: capacity * 2)
            (bigger + head).moveInitialize(from: entries + head, count: count - head)
            entries.deallocate()
            entries = bigger
            capacity *= 2
        }

        @usableFromInline mutating func destroy() {
            (entries + head).deinitialize(count: count - head)
            entries.deallocate()
        }
    }

    /// Bucket 0, then 15 digit values (1...15) at each of the 16 hexadecimal positions.
    @usableFromInline static var bucketCount: Int { 1 + 16 * 15 }

    @usableFromInline var buckets: UnsafeMutablePointer<Bucket>
    /// Which buckets above 0 are not empty, so the lowest is a few trailing-zero counts away.
    @usableFromInline var occupied = OccupancyMap()
    /// The key of the last popped entry (initially the earliest representable time); every entry
    /// in a bucket is at or after it.
    @usableFromInline var last: UInt64 = 0
    /// Per slot: its generation shifted left by one, and bit 0 set once its tenant is cancelled.
    @usableFromInline var states: UnsafeMutablePointer<UInt32>
    @usableFromInline var slotCount = 0
    @usableFromInline var slotCapacity: Int
    @usableFromInline var freeSlots: UnsafeMutablePointer<UInt32>
    @usableFromInline var freeCount = 0
    @usableFromInline var liveCount = 0

    public init() {
        slotCapacity = 64
        buckets = .allocate(capacity: Self.bucketCount)
        for i in 0..<Self.bucketCount { (buckets + i).initialize(to: Bucket(capacity: i == 0 ? 64 : 16)) }
        states = .allocate(capacity: slotCapacity)
        freeSlots = .allocate(capacity: slotCapacity)
    }

    deinit {
        for i in 0..<Self.bucketCount { buckets[i].destroy() }
        buckets.deinitialize(count: Self.bucketCount)
        buckets.deallocate()
        states.deallocate()
        freeSlots.deallocate()
    }

    /// Scheduled events that have neither fired nor been cancelled.
    @inlinable public var count: Int { liveCount }

    /// Whether no live event is scheduled.
    @inlinable public var isEmpty: Bool { liveCount == 0 }

    /// Adds an event that will never be cancelled, so it needs no slot and returns no handle
    /// (frames in flight between devices: most of the events of a packet-level run). Ordered
    /// exactly as `push` orders it.
    @inlinable
    public mutating func pushUncancellable(at time: SimTime, _ payload: Payload) {
        let key = Entry.key(time)
        if key < last { rebase(on: key) }
        place(Entry(key: key, slot: Self.uncancellable, payload: payload))
        liveCount &+= 1
    }

    /// The slot number of an entry pushed with `pushUncancellable`: it has no state word.
    @usableFromInline static var uncancellable: UInt32 { .max }

    /// Schedules `payload` at `time`. O(1); O(n) if `time` is before the last popped time.
    @inlinable @discardableResult
    public mutating func push(at time: SimTime, _ payload: Payload) -> EventHandle {
        let slot: UInt32
        if freeCount > 0 {
            freeCount &-= 1
            slot = freeSlots[freeCount]
        } else {
            if slotCount == slotCapacity { growSlots() }
            precondition(slotCount < Int(UInt32.max), "more than 2^32 pending events")
            slot = UInt32(truncatingIfNeeded: slotCount)
            states[slotCount] = 0
            slotCount &+= 1
        }
        let key = Entry.key(time)
        if key < last { rebase(on: key) }
        place(Entry(key: key, slot: slot, payload: payload))
        liveCount &+= 1
        return EventHandle(slot: slot, generation: states[Int(slot)] >> 1)
    }

    /// Cancels a scheduled event. O(1). Cancelling a fired, cancelled or stale handle does nothing.
    /// - Returns: whether a live event was cancelled.
    @inlinable @discardableResult
    public mutating func cancel(_ handle: EventHandle) -> Bool {
        let i = Int(handle.slot)
        // A fired or dropped tenant's slot has moved to the next generation (free or reissued); a
        // cancelled one has bit 0 set: either way the state differs from the handle's.
        guard i < slotCount, states[i] == handle.generation << 1 else { return false }
        states[i] |= 1
        liveCount &-= 1
        return true
    }

    /// The time of the earliest live event, discarding cancelled entries on the way. Does not
    /// advance the queue, so scheduling at any time after the current one stays O(1); it scans
    /// the lowest bucket when bucket 0 is empty, so a loop should pop with a deadline instead.
    @inlinable public mutating func peekTime() -> SimTime? {
        if frontOfBucketZero() { return Entry.time(last) }
        guard let minimum = lowestLiveKey() else { return nil }
        return Entry.time(minimum)
    }

    /// Removes and returns the earliest live event. O(1) amortised.
    @inlinable public mutating func pop() -> (time: SimTime, payload: Payload)? {
        pop(notAfter: .distantFuture)
    }

    /// Removes and returns the earliest live event if it is due at or before `deadline`; leaves
    /// the queue as it was (but for discarded cancelled entries) if it is later. O(1) amortised.
    @inlinable public mutating func pop(notAfter deadline: SimTime) -> (time: SimTime, payload: Payload)? {
        let limit = Entry.key(deadline)
        while !frontOfBucketZero() {
            // The minimum may belong to a cancelled entry; the live minimum is then later still,
            // so a minimum past the deadline answers for the whole queue, and otherwise the
            // cancelled entries it brings to bucket 0 are discarded there on the next turn.
            guard let bucket = occupied.lowest() else { return nil }
            let minimum = minimumKey(in: bucket)
            guard minimum <= limit else { return nil }
            redistribute(bucket, around: minimum)
        }
        guard last <= limit else { return nil }
        let entry = (buckets[0].entries + buckets[0].head).move()
        buckets[0].head &+= 1
        if buckets[0].head == buckets[0].count { buckets[0].head = 0; buckets[0].count = 0 }
        if entry.slot != Self.uncancellable { release(slot: Int(entry.slot)) }
        liveCount &-= 1
        return (Entry.time(entry.key), entry.payload)
    }

    // MARK: internals

    /// The bucket of `key` (at or after `last`) relative to `last`: 0 when equal, else the one of
    /// the highest hexadecimal position in which they differ and of `key`'s digit there, which is
    /// the larger of the two and so at least 1.
    @inlinable func bucketIndex(_ key: UInt64) -> Int {
        let difference = key ^ last
        if difference == 0 { return 0 }
        let position = (63 &- difference.leadingZeroBitCount) >> 2
        let digit = Int(truncatingIfNeeded: (key >> UInt64(position << 2)) & 0xF)
        return position &* 15 &+ digit
    }

    @inlinable mutating func place(_ entry: consuming Entry) {
        let index = bucketIndex(entry.key)
        buckets[index].append(entry)
        if index > 0 { occupied.insert(index) }
    }

    @inlinable func isCancelled(_ slot: UInt32) -> Bool { slot != Self.uncancellable && states[Int(slot)] & 1 != 0 }

    /// Whether bucket 0 has a live entry at its front, after discarding cancelled ones there.
    @inlinable mutating func frontOfBucketZero() -> Bool {
        while buckets[0].head < buckets[0].count {
            let front = buckets[0].entries + buckets[0].head
            guard isCancelled(front.pointee.slot) else { return true }
            release(slot: Int(front.pointee.slot))
            front.deinitialize(count: 1)
            buckets[0].head &+= 1
        }
        buckets[0].head = 0
        buckets[0].count = 0
        return false
    }

    /// The smallest key in bucket `index`, live or cancelled: a scan of the bucket alone, without
    /// touching the slot table.
    @inlinable func minimumKey(in index: Int) -> UInt64 {
        let entries = buckets[index].entries
        var minimum = UInt64.max
        for i in 0..<buckets[index].count { minimum = Swift.min(minimum, entries[i].key) }
        return minimum
    }

    /// The minimum live key in the lowest non-empty bucket above 0, compacting cancelled entries
    /// out of the buckets it scans; nil when no live entry is left.
    @inlinable mutating func lowestLiveKey() -> UInt64? {
        while let index = occupied.lowest() {
            let entries = buckets[index].entries
            var kept = 0
            var minimum = UInt64.max
            for i in 0..<buckets[index].count {
                if isCancelled(entries[i].slot) {
                    release(slot: Int(entries[i].slot))
                    (entries + i).deinitialize(count: 1)
                    continue
                }
                minimum = Swift.min(minimum, entries[i].key)
                if kept != i { (entries + kept).moveInitialize(from: entries + i, count: 1) }
                kept &+= 1
            }
            buckets[index].count = kept
            if kept > 0 { return minimum }
            occupied.remove(index)
        }
        return nil
    }

    /// Makes `minimum` the new `last` and moves every entry of bucket `index` to the lower bucket
    /// it now belongs in, in order.
    @inlinable mutating func redistribute(_ index: Int, around minimum: UInt64) {
        last = minimum
        let entries = buckets[index].entries
        let count = buckets[index].count
        buckets[index].count = 0
        occupied.remove(index)
        for i in 0..<count { place((entries + i).move()) }
    }

    /// Makes `key`, earlier than `last`, the new `last`, and re-buckets every entry around it in
    /// their present order. O(n); only an out-of-order push needs it.
    @usableFromInline mutating func rebase(on key: UInt64) {
        var all: [Entry] = []
        all.reserveCapacity(liveCount)
        for index in 0..<Self.bucketCount {
            let bucket = buckets[index]
            for i in bucket.head..<bucket.count {
                let entry = (bucket.entries + i).move()
                if isCancelled(entry.slot) { release(slot: Int(entry.slot)) } else { all.append(entry) }
            }
            buckets[index].head = 0
            buckets[index].count = 0
        }
        occupied = OccupancyMap()
        last = key
        for entry in all { place(entry) }
    }

    /// Frees a slot whose tenant has left the buckets, moving it to the next generation.
    @inlinable mutating func release(slot: Int) {
        states[slot] = (states[slot] >> 1 &+ 1) << 1
        freeSlots[freeCount] = UInt32(truncatingIfNeeded: slot)
        freeCount &+= 1
    }

    @usableFromInline mutating func growSlots() {
        let bigger = UnsafeMutablePointer<UInt32>.allocate(capacity: slotCapacity * 2)
        bigger.moveInitialize(from: states, count: slotCount)
        states.deallocate()
        states = bigger
        let biggerFree = UnsafeMutablePointer<UInt32>.allocate(capacity: slotCapacity * 2)
        biggerFree.moveInitialize(from: freeSlots, count: freeCount)
        freeSlots.deallocate()
        freeSlots = biggerFree
        slotCapacity *= 2
    }
}

/// A set of bucket indices below 256 as four words, for the event queue to find its lowest
/// non-empty bucket without looking at the buckets.
@usableFromInline struct OccupancyMap {
    @usableFromInline var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    @inlinable init() {}

    @inlinable mutating func insert(_ index: Int) {
        let bit: UInt64 = 1 &<< UInt64(index & 63)
        switch index >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    @inlinable mutating func remove(_ index: Int) {
        let mask = ~(1 &<< UInt64(index & 63))
        switch index >> 6 {
        case 0: words.0 &= mask
        case 1: words.1 &= mask
        case 2: words.2 &= mask
        default: words.3 &= mask
        }
    }

    /// The smallest index in the set.
    @inlinable func lowest() -> Int? {
        if words.0 != 0 { return words.0.trailingZeroBitCount }
        if words.1 != 0 { return 64 &+ words.1.trailingZeroBitCount }
        if words.2 != 0 { return 128 &+ words.2.trailingZeroBitCount }
        if words.3 != 0 { return 192 &+ words.3.trailingZeroBitCount }
        return nil
    }
}
