import Testing
@testable import SwarmSimCore

/// The frames-in-flight table: a frame comes out of the slot it went into, with the reference
/// parking took; freed slots are reused first; the table grows past its first block; and frames
/// still parked when it goes away are released with it.
@Suite struct InFlightTableTests {
    @Test func framesComeOutOfTheirSlotsAndFreedSlotsAreReusedFirst() {
        var table = InFlightTable()
        let packets = (0..<3).map { PacketBuffer.make(length: $0 + 1) }
        let slots = packets.map { table.park($0) }
        #expect(slots == [0, 1, 2] && table.count == 3)
        #expect(table.take(1) === packets[1])
        #expect(table.take(0) === packets[0])
        #expect(table.count == 1)
        let again = PacketBuffer.make(length: 9)
        #expect(table.park(again) == 0, "the last slot freed is the first reused")
        #expect(table.park(PacketBuffer.make(length: 9)) == 1)
        #expect(table.take(0) === again && table.take(2) === packets[2])
    }

    @Test func theTableGrowsAndKeepsEveryFrame() {
        var table = InFlightTable()
        let packets = (0..<300).map { PacketBuffer.make(length: $0 % 50) }
        let slots = packets.map { table.park($0) }
        #expect(Set(slots).count == 300 && table.count == 300)
        for (slot, packet) in zip(slots, packets).reversed() {
            #expect(table.take(slot) === packet)
        }
        #expect(table.count == 0)
    }

    /// Parking holds a reference of its own: a parked frame outlives its sender's, and a table
    /// (or a packet pool) that goes away releases what it still holds.
    @Test func parkedFramesAreHeldAndReleasedWithTheTable() {
        weak var parked: PacketBuffer?
        weak var pooled: PacketBuffer?
        do {
            var table = InFlightTable()
            var pool = PacketPool()
            do {
                let packet = PacketBuffer.make(length: 10)
                parked = packet
                _ = table.park(packet)
                let spare = PacketBuffer.make(length: 10)
                pooled = spare
                pool.recycle(consume spare)
            }
            #expect(parked != nil && pooled != nil && pool.count == 1)
            _ = consume table
            _ = consume pool
        }
        #expect(parked == nil && pooled == nil)
    }
}
