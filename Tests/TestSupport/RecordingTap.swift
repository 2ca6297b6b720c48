import SwarmSimCore

/// A capture point that keeps frames in memory, for assertions on what crossed a device.
public final class RecordingTap: FrameTap {
    public init() {}

    public struct Frame {
        public var time: SimTime
        public var bytes: [UInt8]
        public var comment: String?
    }

    public private(set) var frames: [Frame] = []

    public func record(_ frame: UnsafeRawBufferPointer, at time: SimTime, comment: String?) {
        frames.append(Frame(time: time, bytes: Array(frame), comment: comment))
    }

    /// Frames of an EtherType.
    public func frames(ofType type: EtherType) -> [Frame] {
        frames.filter { $0.etherType == type }
    }
}

extension RecordingTap.Frame {
    public var etherType: EtherType { EtherType(rawValue: UInt16(bytes[12]) << 8 | UInt16(bytes[13])) }

    /// Runs `body` over the frame's bytes as an Ethernet view.
    public func withFrame<R>(_ body: (EthernetFrame) throws -> R) rethrows -> R {
        var copy = bytes
        return try copy.withUnsafeMutableBytes { try body(EthernetFrame(unchecked: $0)) }
    }

    public var ipv4: IPv4Header? {
        withFrame { frame in
            guard frame.etherType == .ipv4, let ip = try? IPv4Packet(frame.payload) else { return nil }
            return try? IPv4Header.parse(ip)
        }
    }

    public var arp: ARPHeader? {
        withFrame { frame in
            guard frame.etherType == .arp, let arp = try? ARPPacket(frame.payload) else { return nil }
            return try? ARPHeader.parse(arp)
        }
    }

    /// The ICMP message of an Ethernet/IPv4/ICMP frame.
    public var icmp: ICMPv4Message? {
        withFrame { frame in
            guard frame.etherType == .ipv4, let ip = try? IPv4Packet(frame.payload), ip.protocol == .icmp,
                let icmp = try? ICMPv4Packet(ip.payload)
            else { return nil }
            return try? ICMPv4Message.parse(icmp)
        }
    }

    /// `(source port, destination port)` of an Ethernet/IPv4/UDP frame.
    public var udpPorts: (UInt16, UInt16)? {
        withFrame { frame in
            guard frame.etherType == .ipv4, let ip = try? IPv4Packet(frame.payload), ip.protocol == .udp,
                let udp = try? UDPDatagram(ip.payload)
            else { return nil }
            return (udp.sourcePort, udp.destinationPort)
        }
    }

    public var source: MACAddress { withFrame { $0.source } }
    public var destination: MACAddress { withFrame { $0.destination } }
}
