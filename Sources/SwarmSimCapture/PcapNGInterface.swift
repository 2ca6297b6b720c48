import SwarmSimCore

/// One capture point of a merged pcapng file: a `FrameTap` that writes every frame it is shown
/// to its `PcapNGWriter` as packets of interface `id`.
///
/// It holds its writer strongly (the writer does not hold its interfaces), so a tap attached to
/// a device keeps the file open for as long as the device can record into it.
public final class PcapNGInterface: FrameTap {
    /// The file this interface belongs to.
    public let writer: PcapNGWriter
    /// The interface id written in each Enhanced Packet Block (creation order, from 0).
    public let id: Int
    /// `if_name`, e.g. `host01:eth0`.
    public let name: String

    init(writer: PcapNGWriter, id: Int, name: String) {
        self.writer = writer
        self.id = id
        self.name = name
    }

    /// Writes `frame` to the merged file as this interface's packet, with `comment` as its
    /// packet comment. Complexity: that of `PcapNGWriter.write`.
    public func record(_ frame: UnsafeRawBufferPointer, at time: SimTime, comment: String?) {
        writer.write(frame, at: time, interface: id, comment: comment)
    }
}
