import SwarmSimCapture
import SwarmSimCore
import TestSupport

/// Runs a topology with capture points on the named devices, writes them with a
/// `CaptureSession` (one pcap per point and the merged pcapng), and hands back the paths.
struct CapturedRun {
    let directory: String
    let session: CaptureSession

    init(directory: String, name: String) throws {
        self.directory = directory
        session = try CaptureSession(directory: directory, name: name, filter: nil, pcapng: true)
    }

    /// Taps `device` as capture point `NODE:POINT`.
    func capture(_ device: NetDevice, node: String, point: String) throws {
        device.addTap(try session.point(node: node, point: point, description: device.qualifiedName))
    }

    /// Closes the session and returns the path of each point's pcap.
    func finish() throws -> [String: String] {
        try session.close()
        var paths: [String: String] = [:]
        for point in session.capturePoints { paths[point.name] = point.pcapPath }
        return paths
    }
}

/// Fails with tshark's complaints, if any, about the pcap at `path`.
func expectClean(_ path: String, checksums: Int, allowedWarnings: [String] = []) throws {
    let problems = try WiresharkChecks.problems(path, checksums: checksums, allowedWarnings: allowedWarnings)
    if !problems.isEmpty { throw TestFailure("\(path):\n" + problems.joined(separator: "\n")) }
}

/// tshark field rows: `-T fields -e F1 -e F2 ... [-Y filter]`, one array per packet. With
/// `allOccurrences` a field repeated in the packet (outer and inner IP of VXLAN or of an ICMP
/// error) lists every value, comma-separated; otherwise only the first (outermost).
func tsharkFields(_ path: String, _ fields: [String], filter: String? = nil, allOccurrences: Bool = false) throws -> [[String]] {
    var arguments = ["-r", path, "-T", "fields", "-E", "separator=|", "-E", "occurrence=\(allOccurrences ? "a" : "f")"]
    if let filter { arguments += ["-Y", filter] }
    for field in fields { arguments += ["-e", field] }
    let output = try Tool.tsharkOutput(arguments)
    return output.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
}
