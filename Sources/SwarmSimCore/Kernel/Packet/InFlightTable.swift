/// The frames between devices, each parked in a numbered slot until its arrival event (whose
/// argument is the slot number), so events stay plain data.
///
/// A parked frame holds one reference, taken on parking and handed to the receiver on arrival.
/// The slots and the stack of free slot numbers are blocks of their own rather than arrays: two
/// arrays on a class cost four uniqueness checks and their bounds checks per frame hop (with
/// the packet pool's array, 1.8 k of the HTTP benchmark's 61.9 k instructions per request,
/// callgrind). A freed slot is reused first, so the table stays as large as the most frames
/// ever in flight at once.
struct InFlightTable: ~Copyable {
    private var slots: UnsafeMutablePointer<Unmanaged<PacketBuffer>?>
    private var free: UnsafeMutablePointer<Int>
    private var capacity: Int
    /// Slots handed out so far (in use or free); the rest are untouched.
    private var used = 0
    private var freeCount = 0

    init() {
        capacity = 64
        slots = .allocate(capacity: capacity)
        free = .allocate(capacity: capacity)
    }

    deinit {
        for slot in 0..<used { slots[slot]?.release() }
        slots.deallocate()
        free.deallocate()
    }

    /// Frames parked now.
    var count: Int { used - freeCount }

    /// Parks `packet` (taking a reference to it) and returns its slot.
    mutating func park(_ packet: PacketBuffer) -> Int {
        let slot: Int
        if freeCount > 0 {
            freeCount &-= 1
            slot = free[freeCount]
        } else {
            if used == capacity { grow() }
            slot = used
            used &+= 1
        }
        slots[slot] = Unmanaged.passRetained(packet)
        return slot
    }

    /// Takes the frame out of `slot`, with the reference parking took.
    mutating func take(_ slot: Int) -> PacketBuffer {
        precondition(slot >= 0 && slot < used, "no frame parked in slot \(slot)")
        let packet = slots[slot].unsafelyUnwrapped.takeRetainedValue()
        slots[slot] = nil
        free[freeCount] = slot
        freeCount &+= 1
        return packet
    }

    /// Doubles both blocks (the free stack never holds more numbers than there are slots).
    private mutating func grow() {
        let bigger = capacity * 2
        let newSlots = UnsafeMutablePointer<Unmanaged<PacketBuffer>?>.allocate(capacity: bigger)
        newSlots.moveInitialize(from: slots, count: used)
        slots.deallocate()
        slots = newSlots
        let newFree = UnsafeMutablePointer<Int>.allocate(capacity: bigger)
        newFree.moveInitialize(from: free, count: freeCount)
        free.deallocate()
        free = newFree
        capacity = bigger
    }
}
