import SwarmSimCapture
import SwarmSimCore
import Testing
import TestSupport
import Foundation

@Suite struct TCPScratchDebug {
    @Test func scratchHTTPRate() throws {
        let t = Topologies.BridgeOfThree()
        let client = t.namespaces[0]
        let server = t.namespaces[1]
        client.tcp.settings.timeWaitLength = .seconds(1)
        let listener = try server.listenTCP(port: 80)
        let response = [UInt8](repeating: 0x41, count: 500)
        listener.onAccept = { c in
            c.onData = { _ in try? c.send(response); c.close() }
        }
        var completed = 0
        let request = [UInt8](repeating: 0x47, count: 100)
        func start() {
            guard let c = try? client.connectTCP(to: Topologies.ip("10.0.0.2"), port: 80) else { return }
            var got = 0
            c.onConnected = { try? c.send(request) }
            c.onData = { got += $0.count }
            c.onEndOfStream = { c.close(); completed += 1; start() }
        }
        for _ in 0..<50 { start() }
        let began = Date()
        t.simulation.run(for: .seconds(2))
        let elapsed = Date().timeIntervalSince(began)
        print("DEBUG completed \(completed) in \(elapsed)s wall, \(Double(completed)/elapsed)/s, events \(t.simulation.dispatchedCount), sim now \(t.simulation.now)")
    }
}
