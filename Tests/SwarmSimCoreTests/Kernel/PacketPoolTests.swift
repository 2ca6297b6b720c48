import Testing
@testable import SwarmSimCore

@Suite struct PacketPoolTests {
    /// A recycled packet comes back as `make(length:)` makes one: zeroed bytes after the default
    /// headroom, no metadata left from its last journey.
    @Test func recycledPacketIsNew() {
        var pool = PacketPool()
        let packet = PacketBuffer.make(length: 40)
        packet.bytes.storeBytes(of: 0xDEAD_BEEF, toByteOffset: 0, as: UInt32.self)
        packet.mark = 7
        packet.ipvsProperty = true
        packet.flowHash = 9
        packet.inputInterface = 3
        packet.comment = "DNAT"
        packet.nfTrace = true
        packet.prepend(14)
        let block = ObjectIdentifier(packet)
        pool.recycle(consume packet)
        #expect(pool.count == 1)
        let reused = pool.make(length: 60)
        #expect(ObjectIdentifier(reused) == block && pool.count == 0)
        #expect(reused.length == 60 && reused.headroom == PacketBuffer.defaultHeadroom)
        #expect(reused.bytes.allSatisfy { $0 == 0 })
        #expect(reused.mark == 0 && !reused.ipvsProperty && reused.flowHash == 0 && reused.inputInterface == 0)
        #expect(reused.comment == nil && !reused.nfTrace && reused.conntrack == nil)
    }

    /// Only a packet nothing else holds, with its standard block, is taken back; a request
    /// larger than the standard block gets a new packet.
    @Test func onlyUnsharedStandardPacketsAreTakenBack() {
        var pool = PacketPool()
        let shared = PacketBuffer.make(length: 40)
        let holder = shared
        pool.recycle(consume shared)
        #expect(pool.count == 0)
        let large = PacketBuffer.make(length: 1_400)
        pool.recycle(consume large)
        #expect(pool.count == 0)
        let regrown = PacketBuffer.make(length: 40)
        regrown.prepend(200)
        pool.recycle(consume regrown)
        #expect(pool.count == 0)
        let plain = PacketBuffer.make(length: 40)
        pool.recycle(consume plain)
        #expect(pool.count == 1)
        let big = pool.make(length: 1_000)
        #expect(big.length == 1_000 && pool.count == 1)
        #expect(holder.length == 40)
    }
}
