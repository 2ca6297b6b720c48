import Testing
@testable import SwarmSimCore

@Suite struct EventQueueTests {
    @Test func popsInTimeOrder() {
        var q = EventQueue<Int>()
        for (i, t) in [50, 10, 40, 30, 20].enumerated() { q.push(at: SimTime(nanoseconds: Int64(t)), i) }
        var times: [Int64] = []
        while let (t, _) = q.pop() { times.append(t.nanoseconds) }
        #expect(times == [10, 20, 30, 40, 50])
    }

    @Test func equalTimesRunFirstInFirstOut() {
        var q = EventQueue<Int>()
        for i in 0..<1_000 { q.push(at: SimTime(nanoseconds: Int64(i % 3)), i) }
        var order: [Int] = []
        while let (_, payload) = q.pop() { order.append(payload) }
        let expected = (0..<1_000).filter { $0 % 3 == 0 } + (0..<1_000).filter { $0 % 3 == 1 }
            + (0..<1_000).filter { $0 % 3 == 2 }
        #expect(order == expected)
    }

    @Test func cancelRemovesOnlyThatEvent() {
        var q = EventQueue<String>()
        q.push(at: SimTime(nanoseconds: 1), "a")
        let b = q.push(at: SimTime(nanoseconds: 2), "b")
        q.push(at: SimTime(nanoseconds: 3), "c")
        let r1 = q.cancel(b)
        #expect(r1)
        let count = q.count
        #expect(count == 2)
        let r2 = q.cancel(b)
        #expect(!r2, "cancelling twice does nothing")
        let r3 = q.pop()?.payload
        #expect(r3 == "a")
        let r4 = q.pop()?.payload
        #expect(r4 == "c")
        let r5 = q.pop()
        #expect(r5 == nil)
        let empty = q.isEmpty
        #expect(empty)
    }

    @Test func staleHandleCannotCancelTheSlotsNextOccupant() {
        var q = EventQueue<String>()
        let old = q.push(at: SimTime(nanoseconds: 1), "old")
        let r6 = q.pop()?.payload
        #expect(r6 == "old")
        q.push(at: SimTime(nanoseconds: 2), "new")  // reuses the freed slot
        let r7 = q.cancel(old)
        #expect(!r7)
        let r8 = q.pop()?.payload
        #expect(r8 == "new")
    }

    @Test func cancelledTopIsSkippedByPeek() {
        var q = EventQueue<Int>()
        let first = q.push(at: SimTime(nanoseconds: 5), 1)
        q.push(at: SimTime(nanoseconds: 9), 2)
        q.cancel(first)
        let r9 = q.peekTime()
        #expect(r9 == SimTime(nanoseconds: 9))
    }

    /// Against a sorted reference under random interleavings of push, pop and cancel.
    @Test func matchesAReferenceModel() {
        var rng = RandomStream(seed: 7, name: "event-queue-model")
        var q = EventQueue<Int>()
        var reference: [(time: Int64, seq: Int, id: Int)] = []
        var handles: [Int: EventHandle] = [:]
        var seq = 0
        for step in 0..<20_000 {
            let action = rng.next(below: 10)
            if action < 5 {
                let t = Int64(rng.next(below: 1_000))
                handles[step] = q.push(at: SimTime(nanoseconds: t), step)
                reference.append((t, seq, step))
                seq += 1
            } else if action < 8 {
                reference.sort { ($0.time, $0.seq) < ($1.time, $1.seq) }
                let expected = reference.isEmpty ? nil : reference.removeFirst()
                let got = q.pop()
                #expect(got?.payload == expected?.id)
                if let got { handles[got.payload] = nil }
            } else if let victim = reference.indices.randomElementIndex(using: &rng) {
                let id = reference.remove(at: victim).id
                let r10 = q.cancel(handles[id]!)
                #expect(r10)
                handles[id] = nil
            }
            let live = q.count
            #expect(live == reference.count)
        }
    }
}

@Suite struct EventQueueUncancellableTests {
    /// Events pushed without a handle interleave with ordinary ones in exact (time, push) order,
    /// and cancelling the ordinary ones around them still removes exactly those.
    @Test func mixedPushesMatchAReferenceModel() {
        var rng = RandomStream(seed: 23, name: "event-queue-uncancellable")
        var q = EventQueue<Int>()
        var reference: [(time: Int64, seq: Int, id: Int, cancellable: Bool)] = []
        var handles: [Int: EventHandle] = [:]
        var now: Int64 = 0
        var seq = 0
        var popped = 0
        for step in 0..<20_000 {
            let action = rng.next(below: 10)
            if action < 5 {
                // A third of them at the current time, as frames crossing a veth are.
                let t = now + (rng.next(below: 3) == 0 ? 0 : Int64(rng.next(below: 1_000)))
                let cancellable = rng.next(below: 2) == 0
                if cancellable {
                    handles[step] = q.push(at: SimTime(nanoseconds: t), step)
                } else {
                    q.pushUncancellable(at: SimTime(nanoseconds: t), step)
                }
                reference.append((t, seq, step, cancellable))
                seq += 1
            } else if action < 8 {
                reference.sort { ($0.time, $0.seq) < ($1.time, $1.seq) }
                let expected = reference.isEmpty ? nil : reference.removeFirst()
                let got = q.pop()
                #expect(got?.payload == expected?.id && got?.time.nanoseconds == expected?.time)
                if let got {
                    now = got.time.nanoseconds
                    handles[got.payload] = nil
                    popped += 1
                }
            } else if let victim = reference.indices.filter({ reference[$0].cancellable }).first {
                let id = reference.remove(at: victim).id
                let cancelled = q.cancel(handles[id]!)
                #expect(cancelled)
                handles[id] = nil
            }
            let live = q.count
            #expect(live == reference.count)
        }
        #expect(popped > 5_000)
    }
}

extension Range where Bound == Int {
    fileprivate func randomElementIndex(using rng: inout RandomStream) -> Int? {
        isEmpty ? nil : lowerBound + Int(rng.next(below: UInt64(count)))
    }
}

@Suite struct EventQueueMonotoneTests {
    /// Popping with a deadline leaves a later event in place, and a push between the deadline and
    /// that event (what a simulation does after `run(until:)` parks its clock) still comes first.
    @Test func popNotAfterLeavesLaterEventsAndAcceptsEarlierPushes() {
        var q = EventQueue<String>()
        q.push(at: SimTime(nanoseconds: 100), "late")
        let none = q.pop(notAfter: SimTime(nanoseconds: 50))
        #expect(none == nil)
        q.push(at: SimTime(nanoseconds: 60), "early")
        let first = q.pop()?.payload
        let second = q.pop()?.payload
        #expect(first == "early")
        #expect(second == "late")
    }

    /// A push before the last popped time rebases the queue and keeps FIFO among equal times.
    @Test func pushIntoThePastRebasesInOrder() {
        var q = EventQueue<Int>()
        q.push(at: SimTime(nanoseconds: 1_000), 0)
        let popped = q.pop()?.payload
        #expect(popped == 0)
        for i in 1...6 { q.push(at: SimTime(nanoseconds: Int64(2_000 + (i % 2))), i) }
        q.push(at: SimTime(nanoseconds: 10), 7)
        var order: [Int] = []
        while let (_, payload) = q.pop() { order.append(payload) }
        #expect(order == [7, 2, 4, 6, 1, 3, 5])
    }

    /// Times spread over the whole range (negative, zero, distant future) come out in order, with
    /// ties FIFO, when pushed monotonically after each pop as a simulation does.
    @Test func monotoneHoldMatchesAReferenceModel() {
        var rng = RandomStream(seed: 11, name: "event-queue-hold")
        var q = EventQueue<Int>()
        var reference: [(time: Int64, seq: Int)] = []
        var now: Int64 = 0
        for seq in 0..<500 {
            let t = Int64(rng.next(below: 5_000))
            q.push(at: SimTime(nanoseconds: t), seq)
            reference.append((t, seq))
        }
        var seq = 500
        for _ in 0..<20_000 {
            reference.sort { ($0.time, $0.seq) < ($1.time, $1.seq) }
            let expected = reference.removeFirst()
            guard let got = q.pop() else { Issue.record("queue ran dry"); return }
            #expect(got.payload == expected.seq && got.time.nanoseconds == expected.time)
            now = got.time.nanoseconds
            // Increments from zero (a tie with what just ran) to a long timer.
            let choice = rng.next(below: 4)
            let delta: Int64 = choice == 0 ? 0 : choice == 1 ? Int64(rng.next(below: 3)) : Int64(rng.next(below: 1 << 40))
            q.push(at: SimTime(nanoseconds: now + delta), seq)
            reference.append((now + delta, seq))
            seq += 1
        }
        q.push(at: .distantFuture, -1)
        let count = q.count
        #expect(count == reference.count + 1)
    }
}
