#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import SwarmSimCore

/// Writes one merged pcapng file holding every capture point of a run, in pure Swift.
///
/// Why not libpcap: libpcap 1.10 writes only classic pcap. pcapng is what makes the merged file
/// useful: each capture point is an interface whose `if_name` (`host01:eth0`) Wireshark shows
/// as `frame.interface_name`, and each packet swarmsim rewrote or dropped carries an
/// `opt_comment` saying why (`frame.comment`).
///
/// The file is one section: a Section Header Block written on `init`, an Interface Description
/// Block written by each `addInterface` (so it always precedes the packets that name it), and
/// an Enhanced Packet Block per frame, stamped in nanoseconds (`if_tsresol` = 9) from the Unix
/// epoch. Nothing host-dependent is written, so equal runs give byte-identical files.
///
/// Reading note: Wireshark's expert analysis does not separate interfaces, so one packet seen at
/// two capture points (a DNS query leaving host01:eth0 and arriving at host02:eth0) is flagged
/// as a retransmission in the merged file. The per-point classic pcaps have no such artefacts.
///
/// Output is encoded into an in-memory buffer and written with one `fwrite` per
/// `flushThreshold` bytes: no system call per packet. Write errors surface in `close()`.
public final class PcapNGWriter {
    /// Where the file is written.
    public let path: String
    /// Frames longer than this are truncated to it; also each interface's `snaplen`.
    public let snaplen: Int
    /// Frames the filter rejects are not written; `nil` writes every frame.
    public let filter: CaptureFilter?
    /// Frames written so far, all interfaces together (after filtering).
    public private(set) var packetCount = 0
    /// `if_name` of each interface, indexed by interface id.
    public private(set) var interfaceNames: [String] = []

    /// Bytes buffered before one `fwrite`: large enough that writes are rare, small enough not
    /// to matter for memory.
    static let flushThreshold = 1 << 20

    private let clock: CaptureClock
    private var file: UnsafeMutablePointer<FILE>?
    private var buffer = PcapNGBuffer()
    /// The first write error (errno), reported by `close()`.
    private var writeError: Int32?

    /// Creates (or replaces) the file at `path` and writes the Section Header Block.
    ///
    /// - Parameters:
    ///   - snaplen: bytes kept per frame, `1...262144`.
    ///   - filter: frames it rejects are not written.
    ///   - epoch: the Unix time of simulated time zero (the scenario's start).
    public init(
        path: String,
        snaplen: Int = CaptureLimits.defaultSnaplen,
        filter: CaptureFilter? = nil,
        epoch: SimDuration = .zero
    ) throws(CaptureError) {
        try CaptureLimits.check(snaplen: snaplen)
        try CaptureLimits.check(epoch: epoch)
        guard let file = fopen(path, "wb") else {
            throw .cannotOpen(path: path, reason: FileSystem.errorText(errno))
        }
        self.path = path
        self.snaplen = snaplen
        self.filter = filter
        self.clock = CaptureClock(epoch: epoch)
        self.file = file
        buffer.bytes.reserveCapacity(Self.flushThreshold + 2 * CaptureLimits.maximumSnaplen)
        buffer.appendSectionHeader(userApplication: "swarmsim")
    }

    deinit {
        try? close()
    }

    /// Adds an interface (a capture point) and writes its Interface Description Block now, so
    /// that it precedes every packet that refers to it. Interfaces may be added at any time.
    ///
    /// - Parameters:
    ///   - name: `if_name`, by convention `node:point` (`host01:eth0`).
    ///   - description: `if_description`, free text (`underlay NIC of host01`).
    /// - Returns: a tap that writes to this file as the new interface.
    public func addInterface(name: String, description: String) -> PcapNGInterface {
        let id = interfaceNames.count
        interfaceNames.append(name)
        if file != nil {
            buffer.appendInterfaceDescription(name: name, description: description, snaplen: snaplen)
            flushIfNeeded()
        }
        return PcapNGInterface(writer: self, id: id, name: name)
    }

    /// Writes `frame` as a packet of interface `interface` if the filter accepts it, truncated
    /// to `snaplen`, with `comment` as its `opt_comment`. Frames written after `close()` are
    /// ignored.
    ///
    /// - Precondition: `interface` was returned by `addInterface` (a programmer error otherwise).
    /// - Complexity: O(frame length + comment length) plus the filter program; amortised, no
    ///   allocation and no system call.
    public func write(_ frame: UnsafeRawBufferPointer, at time: SimTime, interface: Int, comment: String?) {
        precondition(
            interface >= 0 && interface < interfaceNames.count, "pcapng interface \(interface) was never added")
        guard file != nil else { return }
        if let filter, !filter.matches(frame, originalLength: frame.count) { return }
        let captured = UnsafeRawBufferPointer(rebasing: frame.prefix(snaplen))
        buffer.appendEnhancedPacket(
            interface: UInt32(interface), timestamp: clock.unixNanoseconds(time), captured: captured,
            originalLength: frame.count, comment: comment)
        packetCount += 1
        flushIfNeeded()
    }

    /// Writes what is buffered, flushes and closes the file. Idempotent: later calls do nothing.
    ///
    /// Throws `cannotWrite` if any write since `init` failed, so a full disk is reported rather
    /// than leaving a silently short capture.
    public func close() throws(CaptureError) {
        guard let file else { return }
        flush()
        self.file = nil
        if fclose(file) != 0 && writeError == nil { writeError = errno }
        buffer.bytes = []
        if let writeError { throw .cannotWrite(path: path, reason: FileSystem.errorText(writeError)) }
    }

    private func flushIfNeeded() {
        if buffer.bytes.count >= Self.flushThreshold { flush() }
    }

    /// One `fwrite` of the whole buffer; the first short write's errno is kept for `close()`.
    private func flush() {
        guard let file, !buffer.bytes.isEmpty else { return }
        if writeError == nil {
            let written = buffer.bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            if written != buffer.bytes.count { writeError = errno == 0 ? EIO : errno }
        }
        buffer.bytes.removeAll(keepingCapacity: true)
    }
}
