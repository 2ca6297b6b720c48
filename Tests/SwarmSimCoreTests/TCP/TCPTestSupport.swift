@testable import SwarmSimCore
import TestSupport

/// A TCP segment as a capture point saw it (inside VXLAN, the inner segment).
struct SeenSegment: CustomStringConvertible {
    var time: SimTime
    var source: IPv4Address
    var destination: IPv4Address
    var sourcePort: UInt16
    var destinationPort: UInt16
    var seq: UInt32
    var ack: UInt32
    var flags: TCPFlags
    var window: UInt16
    var options: TCPOptions
    var optionBytes: [UInt8]
    var payload: [UInt8]
    var ipID: UInt16
    var ttl: UInt8
    var dontFragment: Bool
    var ipLength: Int
    var checksumOK: Bool
    /// The outer UDP source port when the segment travelled in VXLAN.
    var vxlanSourcePort: UInt16?

    var payloadLength: Int { payload.count }

    var description: String {
        "\(time) \(source):\(sourcePort) > \(destination):\(destinationPort) [\(flags)] seq \(seq) ack \(ack) win \(window) len \(payload.count)"
    }
}

extension RecordingTap {
    /// The TCP segments among the recorded frames, in order.
    func tcpSegments() -> [SeenSegment] {
        frames.compactMap { frame in
            var bytes = frame.bytes
            return bytes.withUnsafeMutableBytes { raw in TCPTestDecoding.decode(raw, time: frame.time) }
        }
    }
}

enum TCPTestDecoding {
    static func decode(_ frame: UnsafeMutableRawBufferPointer, time: SimTime, vxlanPort: UInt16? = nil) -> SeenSegment? {
        guard let ethernet = try? EthernetFrame(frame), ethernet.etherType == .ipv4,
            let ip = try? IPv4Packet(ethernet.payload), let header = try? IPv4Header.parse(ip)
        else { return nil }
        if ip.protocol == .udp, let udp = try? UDPDatagram(ip.payload), udp.destinationPort == 4789,
            let vxlan = try? VXLANPacket(udp.payload)
        {
            return decode(vxlan.payload, time: time, vxlanPort: udp.sourcePort)
        }
        guard ip.protocol == .tcp, let tcp = try? TCPSegment(ip.payload) else { return nil }
        let options = (try? TCPOptions.parse(UnsafeRawBufferPointer(tcp.options))) ?? TCPOptions()
        return SeenSegment(
            time: time, source: ip.source, destination: ip.destination, sourcePort: tcp.sourcePort,
            destinationPort: tcp.destinationPort, seq: tcp.sequenceNumber, ack: tcp.acknowledgmentNumber,
            flags: tcp.flags, window: tcp.window, options: options, optionBytes: Array(tcp.options),
            payload: Array(tcp.payload), ipID: header.identification, ttl: header.ttl,
            dontFragment: header.dontFragment, ipLength: Int(header.totalLength),
            checksumOK: tcp.verifyChecksum(source: ip.source, destination: ip.destination), vxlanSourcePort: vxlanPort)
    }
}

/// What an application saw on one connection.
final class Endpoint {
    var connection: TCPConnection?
    var received: [UInt8] = []
    var connected = false
    var endOfStream = false
    var closed: TCPCloseReason?
    var closedAt: SimTime?
    var events: [String] = []

    /// Wires the callbacks of `connection` to this record.
    func attach(_ connection: TCPConnection, simulation: Simulation) {
        self.connection = connection
        connection.onConnected = { [unowned self] in
            self.connected = true
            self.events.append("connected")
        }
        connection.onData = { [unowned self] bytes in self.received += bytes }
        connection.onEndOfStream = { [unowned self] in
            self.endOfStream = true
            self.events.append("eof")
        }
        connection.onClosed = { [unowned self, unowned simulation] reason in
            self.closed = reason
            self.closedAt = simulation.now
            self.events.append("closed \(reason)")
        }
    }
}

extension Topologies.VethPair {
    /// A server listening on b:80 and a client connecting to it from a, each recorded by an
    /// `Endpoint` (the server's once its connection is accepted). Nothing has run yet.
    func clientAndServer() throws -> (client: Endpoint, server: Endpoint) {
        let listener = try b.listenTCP(port: 80)
        let server = Endpoint()
        listener.onAccept = { [simulation] in server.attach($0, simulation: simulation) }
        let client = Endpoint()
        client.attach(try a.connectTCP(to: Topologies.ip("10.0.0.2"), port: 80), simulation: simulation)
        return (client, server)
    }
}

/// Deterministic test data: `count` bytes of a simple pattern.
func patternBytes(_ count: Int, seed: UInt8 = 7) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed) &+ ($0 >> 8)) }
}

extension SimTime {
    /// Seconds since the start, as a Double for readable expectations.
    var seconds: Double { Double(nanoseconds) / 1e9 }
}
