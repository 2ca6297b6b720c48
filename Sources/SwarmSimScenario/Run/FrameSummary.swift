import SwarmSimCore

/// One line describing a frame, as a trace prints each hop: addresses, ports and TCP flags,
/// with a VXLAN frame shown as its outer path and then its inner packet.
enum FrameSummary {
    static func describe(_ frame: UnsafeRawBufferPointer) -> String {
        var bytes = Array(frame)
        return bytes.withUnsafeMutableBytes { raw in ethernet(raw) }
    }

    private static func ethernet(_ raw: UnsafeMutableRawBufferPointer) -> String {
        guard let frame = try? EthernetFrame(raw) else { return "malformed Ethernet frame" }
        if frame.etherType == .arp {
            guard let arp = try? ARPPacket(frame.payload) else { return "ARP (truncated)" }
            return arp.operation.rawValue == 1
                ? "ARP who-has \(arp.targetProtocolAddress) tell \(arp.senderProtocolAddress)"
                : "ARP \(arp.senderProtocolAddress) is-at \(arp.senderHardwareAddress)"
        }
        guard frame.etherType == .ipv4, let packet = try? IPv4Packet(frame.payload) else { return "non-IPv4 frame" }
        let path = "\(packet.source) > \(packet.destination) ttl \(packet.ttl)"
        switch packet.protocol {
        case .tcp:
            guard let segment = try? TCPSegment(packet.payload) else { return path + " TCP (truncated)" }
            return "\(packet.source):\(segment.sourcePort) > \(packet.destination):\(segment.destinationPort) TCP [\(segment.flags)] ttl \(packet.ttl)"
        case .udp:
            guard let datagram = try? UDPDatagram(packet.payload) else { return path + " UDP (truncated)" }
            if datagram.destinationPort == 4789, let vxlan = try? VXLANPacket(datagram.payload) {
                return "\(packet.source):\(datagram.sourcePort) > \(packet.destination):4789 VXLAN vni \(vxlan.vni) | "
                    + ethernet(vxlan.payload)
            }
            return "\(packet.source):\(datagram.sourcePort) > \(packet.destination):\(datagram.destinationPort) UDP ttl \(packet.ttl)"
        case .icmp:
            return path + " ICMP"
        default:
            return path + " proto \(packet.protocol)"
        }
    }
}

/// A tap that writes down every frame a device shows it, for `swarmsim trace`.
final class TraceTap: FrameTap {
    struct Hop {
        var time: SimTime
        var point: String
        var summary: String
        var comment: String?
    }

    let point: String
    unowned let recorder: TraceRecorder

    init(point: String, recorder: TraceRecorder) {
        self.point = point
        self.recorder = recorder
    }

    func record(_ frame: UnsafeRawBufferPointer, at time: SimTime, comment: String?) {
        guard recorder.recording else { return }
        recorder.hops.append(Hop(time: time, point: point, summary: FrameSummary.describe(frame), comment: comment))
    }
}

/// Collects the hops of a trace in the order the devices saw them.
final class TraceRecorder {
    var recording = false
    var hops: [TraceTap.Hop] = []
    var taps: [TraceTap] = []
}
