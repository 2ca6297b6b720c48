#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import CPcap
import SwarmSimCore

/// Writes one classic pcap file (nanosecond variant, magic `0xa1b23c4d`) through libpcap.
///
/// libpcap writes the file so that the format is exactly what `tcpdump -w` produces; this
/// type only decides what goes in: frames that pass the optional `CaptureFilter`, truncated to
/// `snaplen`, stamped with `epoch + simulated time` to the nanosecond. One writer is one
/// capture point's `-w` file; it is a `FrameTap`, so it can be attached to a device directly.
///
/// libpcap buffers through stdio, so `record` costs no system call per frame. Write errors
/// surface in `close()`, because `record` cannot throw.
public final class PcapWriter: FrameTap {
    /// Where the file is written.
    public let path: String
    /// Frames longer than this are truncated to it (`caplen`), as with `tcpdump -s`.
    public let snaplen: Int
    /// Frames the filter rejects are not written; `nil` writes every frame.
    public let filter: CaptureFilter?
    /// Frames written so far (after filtering).
    public private(set) var packetCount = 0

    private let clock: CaptureClock
    private var handle: OpaquePointer?
    private var dumper: OpaquePointer?
    /// stdio's buffer for the file, larger than glibc's 4 KiB default so that a busy capture
    /// point makes one write(2) per 64 KiB; owned here because stdio does not free a buffer it
    /// was given.
    private var stdioBuffer: UnsafeMutablePointer<CChar>?

    /// The size of `stdioBuffer`.
    static let stdioBufferSize = 64 * 1024

    /// Creates (or replaces) the file at `path` and writes the pcap file header.
    ///
    /// - Parameters:
    ///   - snaplen: bytes kept per frame, `1...262144`.
    ///   - filter: frames it rejects are not written.
    ///   - epoch: the Unix time of simulated time zero (the scenario's start); timestamps are
    ///     `epoch + time`, so the default puts the run at 1970-01-01T00:00:00Z.
    public init(
        path: String,
        snaplen: Int = CaptureLimits.defaultSnaplen,
        filter: CaptureFilter? = nil,
        epoch: SimDuration = .zero
    ) throws(CaptureError) {
        try CaptureLimits.check(snaplen: snaplen)
        try CaptureLimits.check(epoch: epoch)
        guard
            let handle = pcap_open_dead_with_tstamp_precision(
                DLT_EN10MB, Int32(snaplen), UInt32(PCAP_TSTAMP_PRECISION_NANO))
        else {
            throw .libpcap("pcap_open_dead_with_tstamp_precision(DLT_EN10MB, \(snaplen), NANO) failed")
        }
        // Open the FILE ourselves rather than with pcap_dump_open: errno is then exactly
        // fopen's, and a path of "-" means a file named "-", not standard output.
        guard let file = fopen(path, "wb") else {
            let reason = FileSystem.errorText(errno)
            pcap_close(handle)
            throw .cannotOpen(path: path, reason: reason)
        }
        let stdioBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Self.stdioBufferSize)
        setvbuf(file, stdioBuffer, _IOFBF, Self.stdioBufferSize)
        // The simulation is single-threaded: stdio need not lock the stream on every
        // pcap_dump (two fwrite calls per frame).
        _ = __fsetlocking(file, Int32(FSETLOCKING_BYCALLER))
        guard let dumper = pcap_dump_fopen(handle, file) else {
            // libpcap has closed `file` if writing the header failed; it cannot be closed here
            // without risking a double fclose, so it is left to the process (this cannot happen
            // for DLT_EN10MB short of a write error on a 24-byte buffered write).
            // For the same reason the stdio buffer is leaked: the FILE may still be using it.
            let reason = String(cString: pcap_geterr(handle))
            pcap_close(handle)
            throw .cannotWrite(path: path, reason: reason)
        }
        self.path = path
        self.snaplen = snaplen
        self.filter = filter
        self.clock = CaptureClock(epoch: epoch)
        self.handle = handle
        self.dumper = dumper
        self.stdioBuffer = stdioBuffer
    }

    deinit {
        try? close()
    }

    /// Writes `frame` if the filter accepts it, truncated to `snaplen`. Frames recorded after
    /// `close()` are ignored (the kernel may outlive its captures at teardown).
    ///
    /// Complexity: O(frame length) plus the filter program; buffered, no allocation.
    public func record(_ frame: UnsafeRawBufferPointer, at time: SimTime, comment: String?) {
        if let filter, !filter.matches(frame, originalLength: frame.count) { return }
        write(frame, originalLength: frame.count, at: time)
    }

    /// Writes `frame` unconditionally (no filter), truncated to `snaplen`, stamped `epoch + time`.
    /// `originalLength` is the frame's length on the wire when `frame` is already cut short.
    func write(_ frame: UnsafeRawBufferPointer, originalLength: Int, at time: SimTime) {
        guard let dumper else { return }
        let nanoseconds = clock.unixNanoseconds(time)
        var header = pcap_pkthdr()
        header.ts.tv_sec = .init(nanoseconds / 1_000_000_000)
        // With PCAP_TSTAMP_PRECISION_NANO, libpcap reads and writes tv_usec as nanoseconds.
        header.ts.tv_usec = .init(nanoseconds % 1_000_000_000)
        header.caplen = bpf_u_int32(min(frame.count, snaplen))
        header.len = bpf_u_int32(truncatingIfNeeded: max(originalLength, frame.count))
        var empty: UInt8 = 0
        if let base = frame.baseAddress {
            pcap_dump(UnsafeMutablePointer(dumper), &header, base.assumingMemoryBound(to: UInt8.self))
        } else {
            pcap_dump(UnsafeMutablePointer(dumper), &header, &empty)
        }
        packetCount += 1
    }

    /// Flushes and closes the file. Idempotent: later calls do nothing.
    ///
    /// Throws `cannotWrite` if any write since `init` failed (stdio keeps the error flag), so a
    /// full disk is reported rather than leaving a silently short capture.
    public func close() throws(CaptureError) {
        guard let dumper, let handle else { return }
        self.dumper = nil
        self.handle = nil
        var failure: Int32? = nil
        if pcap_dump_flush(dumper) != 0 { failure = errno }
        if failure == nil, let file = pcap_dump_file(dumper), ferror(file) != 0 { failure = EIO }
        pcap_dump_close(dumper)
        pcap_close(handle)
        stdioBuffer?.deallocate()
        stdioBuffer = nil
        if let failure { throw .cannotWrite(path: path, reason: FileSystem.errorText(failure)) }
    }
}
