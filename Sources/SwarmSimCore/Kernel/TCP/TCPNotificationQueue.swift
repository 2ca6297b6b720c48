/// Notifications waiting for delivery to applications, first in first out.
///
/// Each entry is moved in on `append` and moved out on `next`, so queueing costs no reference
/// counting beyond the entry's own, and emptying a drained queue is setting two indices: an
/// array of optional tuples paid a copy or a destroy per entry and a generic
/// `removeAll(keepingCapacity:)` per pass (callgrind, HTTP benchmark).
struct TCPNotificationQueue: ~Copyable {
    private var entries: UnsafeMutablePointer<(TCPConnection, TCPNotification)>
    private var capacity: Int
    private var head = 0
    private var tail = 0

    init() {
        capacity = 16
        entries = .allocate(capacity: capacity)
    }

    deinit {
        (entries + head).deinitialize(count: tail - head)
        entries.deallocate()
    }

    var isEmpty: Bool { head == tail }

    mutating func append(_ connection: TCPConnection, _ notification: consuming TCPNotification) {
        if tail == capacity { makeRoom() }
        (entries + tail).initialize(to: (connection, notification))
        tail &+= 1
    }

    /// The oldest entry, moved out; nil when the queue is empty (which also rewinds it).
    mutating func next() -> (TCPConnection, TCPNotification)? {
        guard head < tail else {
            head = 0
            tail = 0
            return nil
        }
        let entry = (entries + head).move()
        head &+= 1
        return entry
    }

    /// Drops every entry.
    mutating func removeAll() {
        (entries + head).deinitialize(count: tail - head)
        head = 0
        tail = 0
    }

    /// Moves the live entries to the front, or into a block twice the size when they fill it.
    private mutating func makeRoom() {
        let live = tail - head
        if head > 0 && live <= capacity / 2 {
            entries.moveInitialize(from: entries + head, count: live)
        } else {
            let bigger = UnsafeMutablePointer<(TCPConnection, TCPNotification)>.allocate(capacity: capacity * 2)
            bigger.moveInitialize(from: entries + head, count: live)
            entries.deallocate()
            entries = bigger
            capacity *= 2
        }
        head = 0
        tail = live
    }
}
