/// The queues of one connection: bytes written and not yet acknowledged, segments sent and not
/// yet acknowledged (the retransmission queue and SACK scoreboard), and data received out of
/// order.

/// Application bytes from the oldest unacknowledged one to the last written (`sk_write_queue`
/// plus the retransmission queue's data, as one byte stream).
///
/// Acknowledged bytes are dropped from the front by moving an index; the storage is compacted
/// only when the dead prefix is large, so both operations are amortised O(1) per byte.
struct TCPSendBuffer {
    private(set) var bytes: [UInt8] = []
    private(set) var head = 0
    /// The sequence number of `bytes[head]`.
    private(set) var startSeq: UInt32

    init(startSeq: UInt32) { self.startSeq = startSeq }

    /// Bytes held (written and not yet acknowledged).
    var count: Int { bytes.count - head }
    /// The sequence number after the last written byte (Linux `write_seq`).
    var endSeq: UInt32 { startSeq &+ UInt32(truncatingIfNeeded: count) }

    mutating func append(_ data: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: data)
    }

    /// Appends `data`; into an empty buffer it is taken as it is, sharing the caller's storage
    /// (copy-on-write), as a server writes a whole answer at once: no copy, no allocation.
    mutating func append(_ data: [UInt8]) {
        if head == bytes.count {
            bytes = data
            head = 0
        } else {
            bytes.append(contentsOf: data)
        }
    }

    /// Drops everything before `seq` (an acknowledgment). O(1) amortised.
    mutating func acknowledge(upTo seq: UInt32) {
        let n = TCPSeq.distance(startSeq, seq)
        guard n > 0 else { return }
        let dropped = min(n, count)
        head += dropped
        startSeq = startSeq &+ UInt32(dropped)
        if head >= 65_536 && head * 2 >= bytes.count {
            bytes.removeFirst(head)
            head = 0
        }
    }

    /// Copies `length` bytes starting at sequence number `seq` to `destination`.
    func copy(from seq: UInt32, length: Int, to destination: UnsafeMutableRawBufferPointer) {
        guard length > 0 else { return }
        let offset = TCPSeq.distance(startSeq, seq)
        precondition(offset >= 0 && offset + length <= count, "send buffer range out of bounds")
        bytes.withUnsafeBytes { all in
            destination.baseAddress!.copyMemory(from: all.baseAddress! + head + offset, byteCount: length)
        }
    }

    /// Frees the storage (TIME-WAIT keeps no data).
    mutating func release() {
        bytes = []
        head = 0
    }
}

/// The sequence numbers at which written data asks for PSH, oldest first (where each write
/// ended, and every half window within a long one). A write usually leaves one mark, which is
/// kept inline: a connection that writes once (an HTTP request or answer) allocates nothing.
struct TCPPushMarks {
    private var first: UInt32?
    private var rest: [UInt32] = []

    mutating func append(_ seq: UInt32) {
        if first == nil {
            first = seq
        } else {
            rest.append(seq)
        }
    }

    /// Whether a segment ending at `end` reaches a mark; consumes the marks it covers.
    mutating func take(upTo end: UInt32) -> Bool {
        var pushed = false
        while let mark = first, !TCPSeq.after(mark, end) {
            pushed = true
            first = rest.isEmpty ? nil : rest.removeFirst()
        }
        return pushed
    }
}

/// One segment sent and not yet cumulatively acknowledged: an entry of Linux's retransmission
/// queue (`tcp_rtx_queue`) with its scoreboard bits (`TCPCB_SACKED_ACKED`, `TCPCB_LOST`,
/// `TCPCB_SACKED_RETRANS`, `TCPCB_EVER_RETRANS`). Every entry is one packet (at most one MSS).
struct TCPSentSegment {
    var seq: UInt32
    /// `seq` + data length + 1 for SYN + 1 for FIN.
    var end: UInt32
    /// SYN, FIN and PSH as first sent (ACK is always added except on a SYN).
    var flags: TCPFlags
    /// When it was last (re)transmitted, for RTT samples (`skb_mstamp`).
    var sentAt: SimTime
    var sacked = false
    var lost = false
    /// A retransmission of it is in flight (`TCPCB_SACKED_RETRANS`).
    var retransmitted = false
    /// It has been retransmitted at least once, so an ACK of it gives no RTT sample (Karn).
    var everRetransmitted = false

    /// Data bytes carried (sequence space less SYN and FIN).
    var dataLength: Int {
        Int(end &- seq) - (flags.contains(.syn) ? 1 : 0) - (flags.contains(.fin) ? 1 : 0)
    }

    /// The sequence number of the first data byte.
    var dataSeq: UInt32 { flags.contains(.syn) ? seq &+ 1 : seq }
}

/// The retransmission queue: sent segments in sequence order, oldest first. A ring over an
/// array: removing acknowledged segments from the front is O(1) amortised.
struct TCPRetransmitQueue {
    private var storage: [TCPSentSegment] = []
    private var head = 0

    var isEmpty: Bool { head == storage.count }
    var count: Int { storage.count - head }
    var startIndex: Int { head }
    var endIndex: Int { storage.count }

    subscript(index: Int) -> TCPSentSegment {
        get { storage[index] }
        set { storage[index] = newValue }
    }

    var first: TCPSentSegment? { isEmpty ? nil : storage[head] }

    mutating func append(_ segment: TCPSentSegment) { storage.append(segment) }

    mutating func removeFirst() {
        head += 1
        if head == storage.count {
            emptyStorage()
        } else if head >= 64 && head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
    }

    /// Splits the segment at `index` so that it carries at most `length` data bytes (Linux
    /// `tcp_fragment`, used when the MSS shrank after it was sent). FIN and PSH stay on the tail.
    mutating func split(at index: Int, dataLength length: Int) {
        let segment = storage[index]
        precondition(!segment.flags.contains(.syn) && length > 0 && length < segment.dataLength)
        var headPart = segment
        headPart.end = segment.seq &+ UInt32(length)
        headPart.flags.subtract([.fin, .psh])
        var tailPart = segment
        tailPart.seq = headPart.end
        storage[index] = headPart
        storage.insert(tailPart, at: index + 1)
    }

    /// Empties the queue and keeps its storage: the handshake empties it (the SYN is acked)
    /// right before the first data segment needs it again.
    mutating func removeAll() {
        emptyStorage()
    }

    /// Empties the queue and hands its storage block over (`TCPProtocol.recycle`), so that a
    /// connection ending gives the next one its block instead of freeing it.
    mutating func takeStorage() -> [TCPSentSegment] {
        emptyStorage()
        var block: [TCPSentSegment] = []
        swap(&block, &storage)
        return block
    }

    /// Whether it has a storage block (a new connection's queue has none).
    var hasStorage: Bool { storage.capacity > 0 }

    /// Takes over an empty block from a connection that ended, in place of having none.
    mutating func adopt(_ block: [TCPSentSegment]) {
        precondition(!hasStorage && block.isEmpty, "adopt a block into a queue without one only")
        storage = block
    }

    /// Empties `storage` keeping its block. Segments are plain values, so popping them is a
    /// count decrement each, where `removeAll(keepingCapacity:)` is a generic range
    /// replacement (the queue holds one or two segments when a short exchange empties it).
    private mutating func emptyStorage() {
        while !storage.isEmpty { storage.removeLast() }
        head = 0
    }
}

/// Data received beyond `rcv_nxt`, kept in sequence order without overlaps (Linux's
/// `out_of_order_queue`). Arrivals are usually in increasing order, so insertion scans from the
/// back.
struct TCPReassemblyQueue {
    struct Piece {
        var seq: UInt32
        var bytes: [UInt8]
        var end: UInt32 { seq &+ UInt32(bytes.count) }
    }

    private(set) var pieces: [Piece] = []
    /// Bytes held.
    private(set) var byteCount = 0

    var isEmpty: Bool { pieces.isEmpty }

    /// Adds `data` at `seq`, keeping only the bytes not already held. Returns the number of new bytes.
    @discardableResult
    mutating func insert(seq: UInt32, data: UnsafeRawBufferPointer) -> Int {
        var added = 0
        var start = seq
        var remaining = data
        // Walk the pieces in order, filling the gaps the new data covers.
        var index = 0
        // Skip pieces that end at or before the new data starts.
        while index < pieces.count && !TCPSeq.after(pieces[index].end, start) { index += 1 }
        while !remaining.isEmpty {
            let gapEnd: UInt32? = index < pieces.count ? pieces[index].seq : nil
            if let gapEnd, !TCPSeq.after(gapEnd, start) {
                // `start` lies inside pieces[index]: skip what it already holds.
                let skip = min(TCPSeq.distance(start, pieces[index].end), remaining.count)
                remaining = UnsafeRawBufferPointer(rebasing: remaining[skip...])
                start = start &+ UInt32(skip)
                index += 1
                continue
            }
            let take = gapEnd.map { min(TCPSeq.distance(start, $0), remaining.count) } ?? remaining.count
            let piece = Piece(seq: start, bytes: Array(UnsafeRawBufferPointer(rebasing: remaining[..<take])))
            pieces.insert(piece, at: index)
            index += 1
            added += take
            byteCount += take
            remaining = UnsafeRawBufferPointer(rebasing: remaining[take...])
            start = start &+ UInt32(take)
        }
        return added
    }

    /// Removes and returns the data contiguous with `rcvNxt` (dropping anything before it).
    mutating func takeContiguous(from rcvNxt: UInt32) -> [[UInt8]] {
        var taken: [[UInt8]] = []
        var next = rcvNxt
        while let first = pieces.first, !TCPSeq.after(first.seq, next) {
            pieces.removeFirst()
            byteCount -= first.bytes.count
            let skip = TCPSeq.distance(first.seq, next)
            if skip >= first.bytes.count { continue }
            let bytes = skip == 0 ? first.bytes : Array(first.bytes[skip...])
            next = next &+ UInt32(bytes.count)
            taken.append(bytes)
        }
        return taken
    }

    /// The contiguous ranges held, in sequence order (for SACK blocks).
    var ranges: [TCPSackBlock] {
        var result: [TCPSackBlock] = []
        for piece in pieces {
            if let last = result.last, last.right == piece.seq {
                result[result.count - 1].right = piece.end
            } else {
                result.append(TCPSackBlock(left: piece.seq, right: piece.end))
            }
        }
        return result
    }

    mutating func removeAll() {
        pieces = []
        byteCount = 0
    }
}

/// One timer of a connection (`icsk_retransmit_timer`, `icsk_delack_timer`, `sk_timer`).
///
/// Re-arming a TCP timer happens on almost every ACK; rather than cancelling and pushing an event
/// each time, the timer keeps its deadline and at most one pending event: when the event fires
/// early (the deadline moved later) it is re-scheduled, as Linux's `sk_reset_timer` users do with
/// `icsk_timeout`. Moving the deadline earlier cancels and re-schedules.
struct TCPTimer {
    var deadline: SimTime?
    var scheduledAt: SimTime?
    var handle: EventHandle?

    var isArmed: Bool { deadline != nil }
}
