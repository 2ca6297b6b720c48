import SwarmSimCapture
import SwarmSimCore
import Testing
import TestSupport

@Suite struct TCPScratchDebug {
    @Test func scratchLossy() throws {
        let t = Topologies.Overlay(seed: 42, link: LinkProperties(loss: 0.05))
        let run = try CapturedRun(directory: "/tmp/tcpdebug", name: "lossy")
        try run.capture(t.containerEths[0], node: "host01", point: "c1-eth0")
        try run.capture(t.containerEths[1], node: "host02", point: "c2-eth0")
        let upload = TCPCaptureTests.pattern(1_000_000, seed: 5)
        let download = TCPCaptureTests.pattern(200_000, seed: 6)
        let exchange = try TCPCaptureTests.Exchange(client: t.containers[0], server: t.containers[1], address: Topologies.ip("10.0.1.4"), upload: upload, download: download)
        var doneAt: SimTime?
        for _ in 0..<1200 {
            t.simulation.run(for: .milliseconds(100))
            if doneAt == nil && exchange.serverReceived.count == upload.count { doneAt = t.simulation.now }
        }
        print("DEBUG done upload at \(String(describing: doneAt)) closed \(String(describing: exchange.clientClosed)) lost \(t.segment.lostFrames)")
        print("DEBUG client \(exchange.client.counters) cwnd \(exchange.client.congestionWindow) ssthresh \(exchange.client.slowStartThreshold) rto \(exchange.client.retransmissionTimeout)")
        print("DEBUG server \(String(describing: exchange.serverConnection?.counters))")
        _ = try run.finish()
    }
}
