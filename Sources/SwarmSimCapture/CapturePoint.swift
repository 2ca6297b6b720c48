import SwarmSimCore

/// One capture point of a `CaptureSession`: the tap attached to a device, writing each frame the
/// session's filter accepts to the point's own classic pcap and to the merged pcapng.
///
/// The filter runs once here rather than once per file, and the count it keeps is what the
/// run report prints per capture point.
public final class CapturePoint: FrameTap {
    /// `node:point`, e.g. `host01:eth0`: the pcapng `if_name` and the name in reports.
    public let name: String
    /// Where the point's classic pcap ends up once the session is closed, if one is written.
    public let pcapPath: String?
    /// Frames accepted by the filter and written, so far.
    public private(set) var packetCount = 0

    private let filter: CaptureFilter?
    private let pcap: PcapWriter?
    private let pcapng: PcapNGInterface?
    /// Cleared by the session on close or abandon; frames seen afterwards are ignored.
    var isOpen = true

    init(name: String, pcapPath: String?, filter: CaptureFilter?, pcap: PcapWriter?, pcapng: PcapNGInterface?) {
        self.name = name
        self.pcapPath = pcapPath
        self.filter = filter
        self.pcap = pcap
        self.pcapng = pcapng
    }

    /// Writes `frame` to the point's files if the filter accepts it; `comment` goes to the
    /// pcapng packet comment (classic pcap has no place for it).
    ///
    /// Complexity: the filter program plus O(frame length) per file; no allocation.
    public func record(_ frame: UnsafeRawBufferPointer, at time: SimTime, comment: String?) {
        guard isOpen else { return }
        if let filter, !filter.matches(frame, originalLength: frame.count) { return }
        packetCount += 1
        pcap?.record(frame, at: time, comment: comment)
        pcapng?.record(frame, at: time, comment: comment)
    }
}
