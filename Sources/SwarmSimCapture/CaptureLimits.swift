import SwarmSimCore

/// The bounds every capture file format here shares, checked once when a writer is created.
public enum CaptureLimits {
    /// tcpdump's default and libpcap's `MAXIMUM_SNAPLEN`: larger values make some readers
    /// (libpcap itself among them) reject the file, so they are refused up front.
    public static let maximumSnaplen = 262_144

    /// The default snapshot length, as `tcpdump -s 0`: whole frames.
    public static let defaultSnaplen = 262_144

    /// Classic pcap stores seconds in 32 bits (read as unsigned by current tools), so the run must
    /// start before 2106-02-07; pcapng would allow more, but one rule for both keeps them in step.
    public static let maximumEpochSeconds: Int64 = Int64(UInt32.max)

    /// Throws `invalidSnaplen` unless `snaplen` is in `1...maximumSnaplen`.
    static func check(snaplen: Int) throws(CaptureError) {
        guard (1...maximumSnaplen).contains(snaplen) else { throw .invalidSnaplen(snaplen) }
    }

    /// Throws `invalidEpoch` unless the run starts between 1970 and the classic pcap limit.
    static func check(epoch: SimDuration) throws(CaptureError) {
        guard epoch.nanoseconds >= 0, epoch.nanoseconds / 1_000_000_000 < maximumEpochSeconds else {
            throw .invalidEpoch(epoch)
        }
    }
}
