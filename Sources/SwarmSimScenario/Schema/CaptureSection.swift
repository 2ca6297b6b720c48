/// `capture:`, what to capture and where.
public struct CaptureSection: Equatable, Sendable {
    public enum Points: Equatable, Sendable {
        case all
        case none
        case list([CapturePointSpec])
    }

    /// Default `out/NAME`.
    public var dir: String
    /// Default `all`.
    public var points: Points
    /// A tcpdump (BPF) capture filter applied at every point.
    public var filter: String?
    /// As tcpdump `-s`. Default 262144.
    public var snaplen: Int
    /// Also write one merged NAME.pcapng. Default true.
    public var pcapng: Bool
    public var location: SourceLocation?

    public static let defaultSnaplen = 262_144

    /// The defaults for a scenario named `name`.
    public static func defaults(name: String) -> CaptureSection {
        CaptureSection(dir: "out/\(name)", points: .all, filter: nil, snaplen: defaultSnaplen, pcapng: true)
    }
}

/// One capture point: `underlay`, or `NODE:POINT` (`host01:eth0`, `host01:ingress_sbox`,
/// `host01:lbapp1.1`, `host01:docker_gwbridge`, `host01:br-ingress`).
public struct CapturePointSpec: Equatable, Sendable {
    public var name: String
    public var location: SourceLocation

    /// The node part of `NODE:POINT`; nil for `underlay`.
    public var node: String? {
        guard let colon = name.firstIndex(of: ":") else { return nil }
        return String(name[..<colon])
    }

    /// The point part of `NODE:POINT`; nil for `underlay`.
    public var point: String? {
        guard let colon = name.firstIndex(of: ":") else { return nil }
        return String(name[name.index(after: colon)...])
    }
}
