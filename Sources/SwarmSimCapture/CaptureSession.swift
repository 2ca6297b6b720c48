import SwarmSimCore

/// The capture points of one run and the files they write into one directory.
///
/// Per the scenario format's `capture:` section, each point gets a classic pcap named
/// `NODE-POINT.pcap` (`host01-eth0.pcap`, `host01-ingress_sbox-eth1.pcap`), and the run one
/// merged `NAME.pcapng` whose interfaces are named `node:point` (`host01:eth0`). One filter,
/// snaplen and epoch apply to every point.
///
/// Files are written under temporary names (`.host01-eth0.pcap.partial`) and renamed into place
/// only by `close()`, after every file has been flushed without error. So a run that fails, or
/// a session released without `close()`, leaves no half-written capture under a final name and
/// never replaces the captures of an earlier good run; rename(2) makes each replacement atomic.
///
/// ```swift
/// let session = try CaptureSession(directory: "out/lbapp1", name: "lbapp1", snaplen: 262144,
///                                  filter: nil, pcapng: true)
/// let tap = try session.point(node: "host01", point: "eth0", description: "underlay")
/// // attach `tap` to host01's eth0, run the simulation, then:
/// try session.close()
/// ```
public final class CaptureSession {
    /// The directory the files are written to (created by `init` if missing).
    public let directory: String
    /// The run's name: the merged file is `NAME.pcapng`.
    public let name: String
    /// Bytes kept per frame.
    public let snaplen: Int
    /// The capture filter applied at every point, or `nil` for every frame.
    public let filter: CaptureFilter?
    /// Where the merged pcapng ends up once the session is closed, if one is written.
    public let pcapngPath: String?

    private let epoch: SimDuration
    private let perPointPcap: Bool
    private var pcapng: PcapNGWriter?
    private var pcapWriters: [PcapWriter] = []
    private var points: [CapturePoint] = []
    /// Every point name and file name in use, to refuse a second point writing over the first.
    private var namesInUse: [String: String] = [:]
    private var fileNamesInUse: [String: String] = [:]
    /// (temporary path, final path) in creation order.
    private var pending: [(temporary: String, final: String)] = []
    /// Final paths in creation order; unlike `pending`, kept after close for the report.
    private var finalPaths: [String] = []
    private var isOpen = true

    /// Creates `directory` if needed, compiles `filter` and, when `pcapng` is set, starts the
    /// merged file.
    ///
    /// - Parameters:
    ///   - filter: tcpdump-syntax capture filter; `nil` or blank captures every frame.
    ///   - pcapng: also write the merged `NAME.pcapng`.
    ///   - perPointPcap: write one classic pcap per point.
    ///   - epoch: the Unix time of simulated time zero (the scenario's start).
    /// - Throws: `CaptureError` for a bad filter or snaplen, or a directory or file that cannot
    ///   be created.
    public init(
        directory: String,
        name: String,
        snaplen: Int = CaptureLimits.defaultSnaplen,
        filter: String?,
        pcapng: Bool,
        perPointPcap: Bool = true,
        epoch: SimDuration = .zero
    ) throws(CaptureError) {
        try CaptureLimits.check(snaplen: snaplen)
        try CaptureLimits.check(epoch: epoch)
        let compiled: CaptureFilter?
        if let filter, filter.contains(where: { !$0.isWhitespace }) {
            compiled = try CaptureFilter(expression: filter, snaplen: snaplen)
        } else {
            compiled = nil
        }
        try FileSystem.makeDirectories(directory)
        self.directory = directory
        self.name = name
        self.snaplen = snaplen
        self.filter = compiled
        self.epoch = epoch
        self.perPointPcap = perPointPcap
        if pcapng {
            let final = FileSystem.join(directory, FileSystem.safeFileName(name) + ".pcapng")
            let temporary = Self.temporaryPath(for: final, in: directory)
            self.pcapng = try PcapNGWriter(path: temporary, snaplen: snaplen, filter: nil, epoch: epoch)
            self.pcapngPath = final
            pending.append((temporary, final))
            finalPaths.append(final)
        } else {
            self.pcapngPath = nil
        }
    }

    deinit {
        if isOpen { abandon() }
    }

    /// Adds the capture point `node:point` and returns the tap to attach to its device.
    ///
    /// - Parameters:
    ///   - node: the node (`host01`).
    ///   - point: the device, qualified by namespace where needed (`eth0`, `ingress_sbox-eth1`).
    ///   - description: the pcapng `if_description`, free text for the reader.
    /// - Throws: `duplicatePoint` if the name or its file name is taken, or `cannotOpen`.
    /// - Precondition: the session is not closed.
    /// - Complexity: O(1) amortised, plus opening one file.
    public func point(node: String, point: String, description: String) throws(CaptureError) -> CapturePoint {
        precondition(isOpen, "capture point \(node):\(point) added to a closed capture session")
        let pointName = node + ":" + point
        let fileName = FileSystem.safeFileName(node + "-" + point) + ".pcap"
        if let file = namesInUse[pointName] { throw .duplicatePoint(name: pointName, file: file) }
        var pcap: PcapWriter? = nil
        var pcapPath: String? = nil
        if perPointPcap {
            if fileNamesInUse[fileName] != nil {
                throw .duplicatePoint(name: pointName, file: FileSystem.join(directory, fileName))
            }
            let final = FileSystem.join(directory, fileName)
            let temporary = Self.temporaryPath(for: final, in: directory)
            pcap = try PcapWriter(path: temporary, snaplen: snaplen, filter: nil, epoch: epoch)
            pcapPath = final
            pending.append((temporary, final))
            finalPaths.append(final)
            fileNamesInUse[fileName] = pointName
        }
        namesInUse[pointName] = pcapPath ?? pcapngPath ?? pointName
        let interface = pcapng?.addInterface(name: pointName, description: description)
        let tap = CapturePoint(name: pointName, pcapPath: pcapPath, filter: filter, pcap: pcap, pcapng: interface)
        if let pcap { pcapWriters.append(pcap) }
        points.append(tap)
        return tap
    }

    /// Each point's name and the frames it wrote, in the order the points were added (the
    /// order reports print them in).
    public var packetCounts: [(point: String, count: Int)] {
        points.map { (point: $0.name, count: $0.packetCount) }
    }

    /// Every capture point, in the order they were added.
    public var capturePoints: [CapturePoint] { points }

    /// The final paths of the files this session writes, in creation order (pcapng first).
    public var outputPaths: [String] { finalPaths }

    /// Flushes and closes every file, then renames each into place. Idempotent.
    ///
    /// If any file fails to write, every temporary file is removed and nothing is renamed, so
    /// the directory holds either the whole capture or none of it (and earlier files survive).
    /// Each rename is atomic but the set is not: should a rename itself fail (a directory in the
    /// way), the files renamed before it stay, the rest are removed, and the error is thrown.
    public func close() throws(CaptureError) {
        guard isOpen else { return }
        stopPoints()
        var failure: CaptureError? = nil
        for writer in pcapWriters {
            do throws(CaptureError) { try writer.close() } catch { failure = failure ?? error }
        }
        do throws(CaptureError) { try pcapng?.close() } catch { failure = failure ?? error }
        if let failure {
            removeTemporaryFiles()
            throw failure
        }
        for (index, file) in pending.enumerated() {
            do throws(CaptureError) {
                try FileSystem.moveIntoPlace(from: file.temporary, to: file.final)
            } catch {
                for rest in pending[(index + 1)...] { FileSystem.remove(rest.temporary) }
                FileSystem.remove(file.temporary)
                pending = []
                throw error
            }
        }
        pending = []
    }

    /// Gives up the capture: closes every file and removes them, leaving the directory as it
    /// was (apart from having been created). Called by `deinit` when `close()` was not.
    public func abandon() {
        guard isOpen else { return }
        stopPoints()
        for writer in pcapWriters { try? writer.close() }
        try? pcapng?.close()
        removeTemporaryFiles()
    }

    private func stopPoints() {
        isOpen = false
        for point in points { point.isOpen = false }
    }

    private func removeTemporaryFiles() {
        for file in pending { FileSystem.remove(file.temporary) }
        pending = []
    }

    /// `.FINAL.partial` next to the final file (same file system, so rename(2) is atomic;
    /// hidden, so a half-written file is not mistaken for a capture). Deterministic, so a
    /// crashed run's leftovers are replaced by the next run rather than piling up; whatever is
    /// there is unlinked first, so a leftover symlink is never followed.
    private static func temporaryPath(for final: String, in directory: String) -> String {
        let fileName = final.split(separator: "/").last.map(String.init) ?? final
        let path = FileSystem.join(directory, "." + fileName + ".partial")
        FileSystem.remove(path)
        return path
    }
}
