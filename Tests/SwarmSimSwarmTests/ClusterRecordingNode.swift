import SwarmSimCore
import SwarmSimSwarm

/// A NodeNetworking that records every call as one line of text, so tests can check both what
/// the manager asked of a node and in which order.
final class ClusterRecordingNode: NodeNetworking {
    let nodeName: String
    let underlayAddress: IPv4Address
    private(set) var calls: [String] = []
    private let machine: Machine

    init(name: String, address: String, world: World) {
        nodeName = name
        underlayAddress = IPv4Address(address)!
        machine = world.addMachine(name)
    }

    func calls(prefix: String) -> [String] { calls.filter { $0.hasPrefix(prefix) } }
    func reset() { calls = [] }

    func joinIngress(_ network: OverlayNetworkConfig, sandboxAddress: IPv4Address) {
        calls.append("joinIngress \(network.name) \(network.subnet) vni=\(network.vni) sbox=\(sandboxAddress)")
    }
    func leaveSwarm() { calls.append("leaveSwarm") }
    func createLoadBalancerSandbox(_ network: OverlayNetworkConfig, address: IPv4Address) {
        calls.append("createLB \(network.name) \(address)")
    }
    func removeLoadBalancerSandbox(networkID: String) { calls.append("removeLB \(networkID)") }
    func createContainer(
        id: String, name: String, endpoints: [EndpointConfig], gateway: Bool, hostPorts: [PortConfig]
    ) -> NetworkNamespace {
        let eps = endpoints.map { "\($0.network.name)=\($0.address)" }.joined(separator: ",")
        calls.append("createContainer \(name) [\(eps)] gateway=\(gateway)")
        return machine.addNamespace(String(id.prefix(12)))
    }
    func removeContainer(id: String) { calls.append("removeContainer \(id.prefix(12))") }
    func dnsPorts(containerID: String) -> (udp: UInt16, tcp: UInt16)? { nil }
    func addPeer(networkID: String, address: IPv4Address, mac: MACAddress, vtep: IPv4Address) {
        calls.append("addPeer \(address) \(mac) via \(vtep)")
    }
    func removePeer(networkID: String, address: IPv4Address, mac: MACAddress, vtep: IPv4Address) {
        calls.append("removePeer \(address) via \(vtep)")
    }
    func addServiceBinding(_ binding: ServiceBindingConfig) {
        calls.append("addBinding \(binding.serviceName) vip=\(binding.vip.map { "\($0)" } ?? "-") backend=\(binding.backendAddress)")
    }
    func disableServiceBinding(_ binding: ServiceBindingConfig) {
        calls.append("disableBinding \(binding.serviceName) backend=\(binding.backendAddress)")
    }
    func removeServiceBinding(_ binding: ServiceBindingConfig) {
        calls.append("removeBinding \(binding.serviceName) backend=\(binding.backendAddress)")
    }
    func iptablesSave(namespace: String?) -> String? { nil }
    func ipvsList(namespace: String) -> String? { nil }
    func ipRoute(namespace: String?) -> String? { nil }
    var namespaceNames: [String] { [] }
}

/// A cluster of recording nodes: host01 manager (172.17.0.6), host02 worker (172.17.0.7), ...
struct ClusterFixture {
    let simulation: Simulation
    let world: World
    let nodes: [ClusterRecordingNode]
    let cluster: SwarmCluster

    init(seed: UInt64 = 1, count: Int = 2, roles: [SwarmNodeRole]? = nil, labels: [[(String, String)]] = []) throws {
        simulation = Simulation(seed: seed)
        world = World(simulation: simulation)
        var recorders: [ClusterRecordingNode] = []
        var specs: [SwarmNodeSpec] = []
        for index in 0..<count {
            let name = index < 9 ? "host0\(index + 1)" : "host\(index + 1)"
            let recorder = ClusterRecordingNode(name: name, address: "172.17.0.\(6 + index)", world: world)
            recorders.append(recorder)
            let role = roles?[index] ?? (index == 0 ? .manager : .worker)
            specs.append(
                SwarmNodeSpec(
                    name: name, address: recorder.underlayAddress, role: role,
                    labels: index < labels.count ? labels[index] : [], networking: recorder))
        }
        nodes = recorders
        cluster = try SwarmCluster(simulation: simulation, nodes: specs)
    }
}
