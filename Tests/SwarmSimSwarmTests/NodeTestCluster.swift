import SwarmSimCapture
import SwarmSimCore
import SwarmSimSwarm
import TestSupport

/// Two swarm nodes (host01 172.17.0.6, host02 172.17.0.7) and an outside client (172.17.0.100)
/// on one underlay segment, each node's NodeDaemon joined to the ingress network
/// (10.0.0.0/24, VNI 4096; ingress_sbox addresses 10.0.0.2 and 10.0.0.3), with the peerdb
/// entries gossip would bring. Everything else is driven by the tests, as the manager would.
final class NodeTestCluster {
    static let ingress = OverlayNetworkConfig(
        id: "lq0r3w9x5f2ztb1k7hv8c6dny", name: "ingress", subnet: IPv4Prefix(address: ip("10.0.0.0"), length: 24),
        gateway: ip("10.0.0.1"), vni: 4096, isIngress: true)
    static let appnet = OverlayNetworkConfig(
        id: "chhv2g5nn1x0q7d3m8k2z9p4a", name: "appnet", subnet: IPv4Prefix(address: ip("10.0.1.0"), length: 24),
        gateway: ip("10.0.1.1"), vni: 4097)
    static let published = PortConfig(targetPort: 80, publishedPort: 81)
    static let underlay = [ip("172.17.0.6"), ip("172.17.0.7")]

    let simulation: Simulation
    let world: World
    let segment: UnderlaySegment
    var daemons: [NodeDaemon] = []
    var nics: [EthernetDevice] = []
    let client: NetworkNamespace
    let clientNIC: EthernetDevice

    static func ip(_ text: String) -> IPv4Address { Topologies.ip(text) }

    init(seed: UInt64 = 1) {
        simulation = Simulation(seed: seed)
        world = World(simulation: simulation)
        segment = UnderlaySegment(world: world)
        for (index, address) in Self.underlay.enumerated() {
            let machine = world.addMachine("host0\(index + 1)")
            let nic = segment.attach(machine, address: InterfaceAddress(address, prefixLength: 16))
            nics.append(nic)
            daemons.append(NodeDaemon(world: world, machine: machine, nic: nic, underlayAddress: address))
        }
        let outside = world.addMachine("client")
        clientNIC = segment.attach(outside, address: Topologies.address("172.17.0.100/16"))
        client = outside.root
        for (index, daemon) in daemons.enumerated() {
            daemon.joinIngress(Self.ingress, sandboxAddress: Self.ip("10.0.0.\(index + 2)"))
        }
        for index in daemons.indices {
            announce(network: Self.ingress.id, address: Self.ip("10.0.0.\(index + 2)"), from: index)
        }
    }

    /// peerdb on every other node for an endpoint of node `index`.
    func announce(network: String, address: IPv4Address, from index: Int) {
        for (other, daemon) in daemons.enumerated() where other != index {
            daemon.addPeer(networkID: network, address: address, mac: MACAddress.docker(for: address), vtep: Self.underlay[index])
        }
    }

    /// The binding of a task of service `web` (VIP 10.0.0.4 on ingress, port 81 -> 80).
    static func ingressBinding(_ task: IPv4Address) -> ServiceBindingConfig {
        ServiceBindingConfig(
            serviceID: "w1yq3v0fz8k2m5n7p9r4t6x1c", serviceName: "web", networkID: ingress.id, vip: ip("10.0.0.4"),
            ingressPorts: [published], backendAddress: task)
    }

    /// The lbapp1 service: tasks 10.0.0.5 on host01 and 10.0.0.6 on host02, each answering its
    /// name on TCP port 80, bound on both nodes (task .5 first).
    func publishWebService() throws -> (tasks: [NetworkNamespace], served: () -> [String]) {
        var tasks: [NetworkNamespace] = []
        let log = ServedLog()
        for index in 0..<2 {
            let address = Self.ip("10.0.0.\(index + 5)")
            let endpoint = EndpointConfig(network: Self.ingress, address: address, ingressPorts: [Self.published])
            let id = String(repeating: "\(index + 1)", count: 12) + String(repeating: "a", count: 52)
            let ns = daemons[index].createContainer(
                id: id, name: "web.\(index + 1).t\(index)", endpoints: [endpoint], gateway: true, hostPorts: [])
            announce(network: Self.ingress.id, address: address, from: index)
            let name = "web.\(index + 1)"
            let listener = try ns.listenTCP(port: 80)
            listener.onAccept = { connection in
                log.entries.append("\(name) \(connection.remoteAddress) -> \(connection.localAddress):\(connection.localPort)")
                connection.onData = { _ in
                    try? connection.send(Array(name.utf8))
                    connection.close()
                }
            }
            log.listeners.append(listener)
            tasks.append(ns)
        }
        for index in 0..<2 {
            for daemon in daemons { daemon.addServiceBinding(Self.ingressBinding(Self.ip("10.0.0.\(index + 5)"))) }
        }
        return (tasks, { log.entries })
    }

    /// Opens a TCP connection from `ns`, sends a line and collects the answer.
    func request(from ns: NetworkNamespace, to address: IPv4Address, port: UInt16) throws -> String {
        let connection = try ns.connectTCP(to: address, port: port)
        var answer: [UInt8] = []
        connection.onConnected = { try? connection.send(Array("GET".utf8)) }
        connection.onData = { answer += $0 }
        connection.onEndOfStream = { connection.close() }
        simulation.run(for: .seconds(1))
        return String(decoding: answer, as: UTF8.self)
    }
}

/// What the task listeners saw (and the listeners themselves, kept alive).
final class ServedLog {
    var entries: [String] = []
    var listeners: [TCPListener] = []
}

/// A capture session over named devices, closed into one pcap per point.
struct NodeCapture {
    let session: CaptureSession

    init(directory: String, name: String) throws {
        session = try CaptureSession(directory: directory, name: name, filter: nil, pcapng: true)
    }

    func capture(_ device: NetDevice, node: String, point: String) throws {
        device.addTap(try session.point(node: node, point: point, description: device.qualifiedName))
    }

    func finish() throws -> [String: String] {
        try session.close()
        var paths: [String: String] = [:]
        for point in session.capturePoints { paths[point.name] = point.pcapPath }
        return paths
    }
}

/// tshark `-T fields` rows, one array per packet; `allOccurrences` lists a repeated field
/// (outer and inner IP of VXLAN) comma-separated.
func nodeTsharkFields(_ path: String, _ fields: [String], filter: String? = nil, allOccurrences: Bool = false) throws -> [[String]] {
    var arguments = ["-r", path, "-T", "fields", "-E", "separator=|", "-E", "occurrence=\(allOccurrences ? "a" : "f")"]
    if let filter { arguments += ["-Y", filter] }
    for field in fields { arguments += ["-e", field] }
    let output = try Tool.tsharkOutput(arguments)
    return output.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
}

/// Fails with tshark's complaints about the pcap at `path`.
func nodeExpectClean(_ path: String, checksums: Int) throws {
    let problems = try WiresharkChecks.problems(path, checksums: checksums)
    if !problems.isEmpty { throw TestFailure("\(path):\n" + problems.joined(separator: "\n")) }
}
