import SwarmSimCore
import SwarmSimSwarm
import TestSupport

/// A swarm of real NodeDaemons on one underlay segment: host01 manager (172.17.0.6), host02
/// worker (172.17.0.7), ... so tests see what the manager's decisions do to IPVS and iptables.
struct ClusterDaemonFixture {
    let simulation: Simulation
    let world: World
    let segment: UnderlaySegment
    let daemons: [NodeDaemon]
    let cluster: SwarmCluster

    init(seed: UInt64 = 1, count: Int = 2) throws {
        simulation = Simulation(seed: seed)
        world = World(simulation: simulation)
        segment = UnderlaySegment(world: world)
        var daemons: [NodeDaemon] = []
        var specs: [SwarmNodeSpec] = []
        for index in 0..<count {
            let name = "host0\(index + 1)"
            let address = Topologies.ip("172.17.0.\(6 + index)")
            let machine = world.addMachine(name)
            let nic = segment.attach(machine, address: InterfaceAddress(address, prefixLength: 16))
            let daemon = NodeDaemon(world: world, machine: machine, nic: nic, underlayAddress: address)
            daemons.append(daemon)
            specs.append(SwarmNodeSpec(name: name, address: address, role: index == 0 ? .manager : .worker, networking: daemon))
        }
        self.daemons = daemons
        cluster = try SwarmCluster(simulation: simulation, nodes: specs)
    }

    /// The real servers of the IPVS service in a namespace (`-> 10.0.0.5:0` lines), sorted.
    func ipvsDestinations(node: Int, namespace: String) -> [String] {
        let text = daemons[node].ipvsList(namespace: namespace) ?? ""
        return text.split(separator: "\n").compactMap { line -> String? in
            let words = line.split(separator: " ")
            guard words.first == "->", words.count >= 2, words[1].first?.isNumber == true else { return nil }
            return String(words[1]) + (words.count >= 4 ? " w=\(words[3])" : "")
        }.sorted()
    }
}
