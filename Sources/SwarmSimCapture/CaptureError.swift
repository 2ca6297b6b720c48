import SwarmSimCore

/// Why a capture could not be set up or written.
///
/// These are user-input and environment errors (a bad `filter:` in the scenario, an output
/// directory that cannot be written), so they are values the scenario runner reports, never
/// crashes. Each case keeps the text that explains it best: libpcap's own message for a bad
/// filter (the same words `tcpdump` prints), `strerror(errno)` for file-system failures.
public enum CaptureError: Error, Equatable, CustomStringConvertible {
    /// libpcap rejected a tcpdump-syntax filter; `message` is `pcap_geterr`'s text (`syntax error`).
    case invalidFilter(expression: String, message: String)
    /// A snapshot length outside `1...CaptureLimits.maximumSnaplen`.
    case invalidSnaplen(Int)
    /// The Unix time of simulated time zero is before 1970 or beyond what pcap can store.
    case invalidEpoch(SimDuration)
    /// Two capture points of one session would write the same file or interface name.
    case duplicatePoint(name: String, file: String)
    /// A directory could not be created; `reason` is `strerror(errno)`.
    case cannotCreateDirectory(path: String, reason: String)
    /// A file could not be opened for writing; `reason` is `strerror(errno)`.
    case cannotOpen(path: String, reason: String)
    /// Writing or flushing a file failed (disk full, I/O error); `reason` is `strerror(errno)`.
    case cannotWrite(path: String, reason: String)
    /// A finished temporary file could not be renamed into place; `reason` is `strerror(errno)`.
    case cannotRename(from: String, to: String, reason: String)
    /// libpcap failed where no file name is involved (`pcap_open_dead` returned NULL).
    case libpcap(String)

    public var description: String {
        switch self {
        case .invalidFilter(let expression, let message):
            return "invalid capture filter '\(expression)': \(message)"
        case .invalidSnaplen(let snaplen):
            return "invalid snaplen \(snaplen): expected 1...\(CaptureLimits.maximumSnaplen)"
        case .invalidEpoch(let epoch):
            let limit = CaptureLimits.maximumEpochSeconds
            return "invalid capture start \(epoch) after the Unix epoch: pcap timestamps need 0s..<\(limit)s"
        case .duplicatePoint(let name, let file):
            return "capture point '\(name)' is already being written to '\(file)'"
        case .cannotCreateDirectory(let path, let reason):
            return "cannot create capture directory '\(path)': \(reason)"
        case .cannotOpen(let path, let reason):
            return "cannot open '\(path)' for writing: \(reason)"
        case .cannotWrite(let path, let reason):
            return "cannot write '\(path)': \(reason)"
        case .cannotRename(let from, let to, let reason):
            return "cannot rename '\(from)' to '\(to)': \(reason)"
        case .libpcap(let message):
            return "libpcap: \(message)"
        }
    }
}
