/// Which devices a run captures and under which point names (scenario-format.md "capture").
///
/// A capture point is named `NODE:LABEL` where LABEL says where the device lives:
/// - the node's own namespace: the device name (`host01:eth0`, `host01:docker_gwbridge`);
/// - `ingress_sbox`, a task container (`lbapp1.1`) or a `docker run` container (`dig`): that name,
///   a dash and the device (`host01:ingress_sbox-eth1`, `host02:lbapp1.1-eth0`);
/// - an overlay network's namespace: its bridge is `br-NETWORK` (`host01:br-ingress`), its VXLAN
///   device `vxlan-NETWORK`, its veths `br-NETWORK-veth0`;
/// - a load-balancer namespace: `lb-NETWORK-eth0`.
/// A request names a device or a whole namespace (`host01:ingress_sbox` is every interface of
/// that namespace), or `underlay` for every node's eth0. Files are `NODE-LABEL.pcap`.
public struct CapturePlan: Sendable, Equatable {
    /// What the scenario asked for.
    public enum Request: Sendable, Equatable {
        case all
        case none
        case points([String])
    }

    /// One device as the plan sees it.
    public struct Device: Sendable, Equatable {
        /// The node or host name.
        public var node: String
        /// The namespace's label (nil for the node's own namespace), as described above.
        public var namespaceLabel: String?
        /// The device's point label within the node, already mapped for overlay namespaces
        /// (`br-ingress`), without the namespace label.
        public var deviceLabel: String
        /// Whether this is a swarm node's underlay NIC.
        public var isNodeUnderlay: Bool

        public init(node: String, namespaceLabel: String?, deviceLabel: String, isNodeUnderlay: Bool = false) {
            self.node = node
            self.namespaceLabel = namespaceLabel
            self.deviceLabel = deviceLabel
            self.isNodeUnderlay = isNodeUnderlay
        }

        /// The point's label within the node: `eth0`, `ingress_sbox-eth1`, `br-ingress`.
        public var pointLabel: String {
            namespaceLabel.map { $0 + "-" + deviceLabel } ?? deviceLabel
        }

        /// `host01:ingress_sbox-eth1`.
        public var pointName: String { node + ":" + pointLabel }
    }

    public let request: Request

    public init(_ request: Request) {
        self.request = request
    }

    /// Whether `device` is captured.
    public func captures(_ device: Device) -> Bool {
        switch request {
        case .all: return true
        case .none: return false
        case .points(let names):
            return names.contains { Self.matches($0, device) }
        }
    }

    /// Whether the requested point `name` covers `device`.
    static func matches(_ name: String, _ device: Device) -> Bool {
        if name == "underlay" { return device.isNodeUnderlay }
        guard let colon = name.firstIndex(of: ":") else { return false }
        guard name[..<colon] == device.node else { return false }
        let label = String(name[name.index(after: colon)...])
        if label == device.pointLabel { return true }
        // A whole namespace: every device whose label it prefixes.
        if let namespace = device.namespaceLabel, label == namespace { return true }
        return false
    }

    /// Requested points that name no device among `devices` (reported as scenario errors).
    public func unmatchedPoints(among devices: [Device]) -> [String] {
        guard case .points(let names) = request else { return [] }
        return names.filter { name in !devices.contains { Self.matches(name, $0) } }
    }
}
