import Testing
@testable import SwarmSimCore
import TestSupport

@Suite struct TCPNotificationQueueTests {
    /// Appends while draining (as delivery causes more notifications), across the moves to the
    /// front and the growth of the block, come out in the order they went in.
    @Test func interleavedAppendsAndTakesKeepTheirOrder() throws {
        let t = Topologies.VethPair()
        let connection = TCPConnection(
            tcp: t.a.tcp, local: Topologies.ip("10.0.0.1"), localPort: 1, remote: Topologies.ip("10.0.0.2"),
            remotePort: 2, state: .closed)
        var queue = TCPNotificationQueue()
        var appended = 0
        var taken: [Int] = []
        var rng = RandomStream(seed: 5, name: "notification queue")
        for _ in 0..<2_000 {
            for _ in 0..<rng.next(below: 5) {
                queue.append(connection, .data(Array(repeating: 0, count: appended % 7)))
                appended += 1
            }
            for _ in 0..<rng.next(below: 5) {
                guard let (owner, notification) = queue.next() else { break }
                #expect(owner === connection)
                guard case .data(let bytes) = notification else { Issue.record("not data"); return }
                taken.append(bytes.count)
            }
        }
        while let (_, notification) = queue.next() {
            if case .data(let bytes) = notification { taken.append(bytes.count) }
        }
        #expect(taken.count == appended)
        #expect(taken == (0..<appended).map { $0 % 7 })
        let empty = queue.isEmpty
        #expect(empty)
    }
}
