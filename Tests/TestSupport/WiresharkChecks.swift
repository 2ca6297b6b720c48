/// The checks every capture file must pass in Wireshark: the scenario format promises that
/// Wireshark and tshark open every file "with no malformed or checksum-error packets".
public enum WiresharkChecks {
    /// Preferences that make tshark verify the checksums it skips by default.
    public static let checksumPreferences = [
        "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
    ]

    /// What tshark finds wrong with `path`, empty when it is clean: tshark must open it, find
    /// nothing malformed, raise no expert Error or Warning, and verify at least `checksums`
    /// IPv4, UDP, ICMP and TCP checksums, all good. `allowedWarnings` names expert warnings a
    /// test expects by design (a RST is a Warning in Wireshark's eyes, not a defect).
    public static func problems(_ path: String, checksums: Int, allowedWarnings: [String] = []) throws -> [String] {
        var problems: [String] = []
        let summary = try Tool.tshark(["-r", path])
        if summary.status != 0 { problems.append("tshark -r exited \(summary.status): \(summary.stderr)") }

        let verbose = try Tool.tsharkOutput(checksumPreferences + ["-r", path, "-V"])
        if verbose.contains("Malformed") { problems.append("tshark -V reports a malformed packet") }

        // `-z expert` prints one section per severity present: "Errors (n)", "Warns (n)", ...
        let expert = try Tool.tsharkOutput(checksumPreferences + ["-r", path, "-q", "-z", "expert"])
        if expert.split(separator: "\n").contains(where: { $0.hasPrefix("Error") }) {
            problems.append("tshark expert info:\n\(expert)")
        } else if expert.split(separator: "\n").contains(where: { $0.hasPrefix("Warn") }) {
            // Every warning row must be one the test allows.
            let rows = expert.split(separator: "\n").drop { !$0.hasPrefix("Warn") }.dropFirst(3)
                .prefix { !$0.hasPrefix("Note") && !$0.hasPrefix("Chat") && !$0.trimmingPrefix(" ").isEmpty }
            let unexpected = rows.filter { row in !allowedWarnings.contains { row.hasSuffix($0) } }
            if !unexpected.isEmpty { problems.append("tshark expert warnings:\n\(expert)") }
        }

        let statuses = try Tool.tsharkOutput(
            checksumPreferences + [
                "-r", path, "-T", "fields", "-E", "occurrence=a", "-e", "ip.checksum.status", "-e",
                "udp.checksum.status", "-e", "icmp.checksum.status", "-e", "tcp.checksum.status", "-e", "icmp.type",
            ])
        var verified = 0
        for (index, row) in statuses.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            let columns = row.split(separator: "\t", omittingEmptySubsequences: false)
            // An ICMP error quotes the offending packet, often cut short; Wireshark does not
            // verify the checksums of what is quoted (status 2, "unverified"), only of the error.
            let icmpError = columns.count > 4 && ["3", "4", "5", "11", "12"].contains(columns[4].split(separator: ",").first ?? "")
            for (column, field) in columns.prefix(4).enumerated() {
                for (occurrence, value) in field.split(separator: ",").enumerated() {
                    // proto.h checksum status: 0 bad, 1 good, 2 unverified, 3 not present, ...
                    let quoted = icmpError && (occurrence > 0 || column != 2 && column != 0)
                    if value == "1" || (quoted && value == "2") {
                        verified += value == "1" ? 1 : 0
                        continue
                    }
                    problems.append("frame \(index + 1): checksum status \(value) in \(row)")
                }
            }
        }
        if verified < checksums { problems.append("only \(verified) of \(checksums) checksums verified") }
        return problems
    }
}
