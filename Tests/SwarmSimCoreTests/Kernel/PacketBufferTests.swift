import Testing
@testable import SwarmSimCore

@Suite struct PacketBufferTests {
    /// Bytes and metadata survive pushes, pulls and a move to a block of their own (a prepend
    /// larger than the headroom, an append larger than the tailroom).
    @Test func bytesSurviveGrowthAtBothEnds() {
        let packet = PacketBuffer.make([1, 2, 3, 4], headroom: 8)
        packet.mark = 0x100
        packet.comment = "DNAT"
        let front = packet.prepend(20)
        for i in 0..<20 { front[i] = 0xA0 }
        let tail = packet.extend(by: 1_000)
        #expect(tail.count == 1_000 && tail.allSatisfy { $0 == 0 })
        packet.removeFront(20)
        let bytes = Array(packet.bytes.prefix(4))
        #expect(bytes == [1, 2, 3, 4])
        #expect(packet.length == 1_004)
        #expect(packet.mark == 0x100 && packet.comment == "DNAT")
        let copy = packet.copy()
        #expect(Array(copy.bytes) == Array(packet.bytes) && copy.mark == 0x100)
    }

    /// The metadata's references are released with the packet: a conntrack entry attached to a
    /// packet does not outlive it (the header of the block is destroyed with it).
    @Test func conntrackReferenceIsReleased() {
        weak var weakEntry: ConntrackEntry?
        do {
            let tuple = ConntrackTuple(source: IPv4Address(10, 0, 0, 1), destination: IPv4Address(10, 0, 0, 2), proto: .udp,
                sourcePort: 1, destinationPort: 2)
            let entry = ConntrackEntry(id: 1, original: tuple, reply: tuple.inverted()!, deadline: .zero)
            weakEntry = entry
            let packet = PacketBuffer.make(length: 64)
            packet.conntrack = entry
            #expect(packet.conntrack === entry)
        }
        #expect(weakEntry == nil)
    }
}
