import SwarmSimCore
import SwarmSimSwarm
import Testing

@Suite struct ClusterAllocationTests {
    @Test func lbapp1IngressAllocationAndBindings() throws {
        let f = try ClusterFixture()
        let ingress = try #require(f.cluster.networkInfo("ingress"))
        #expect(ingress.config.subnet.description == "10.0.0.0/24")
        #expect(ingress.config.gateway.description == "10.0.0.1")
        #expect(ingress.config.vni == 4096)
        #expect(f.nodes[0].calls(prefix: "joinIngress") == ["joinIngress ingress 10.0.0.0/24 vni=4096 sbox=10.0.0.2"])
        #expect(f.nodes[1].calls(prefix: "joinIngress") == ["joinIngress ingress 10.0.0.0/24 vni=4096 sbox=10.0.0.3"])
        let info = try f.cluster.createService(
            ServiceSpec(name: "lbapp1", image: "katacoda/docker-http-server", mode: .replicated(2),
                        ports: [PortConfig(targetPort: 80, publishedPort: 81)]))
        #expect(info.virtualIPs.map { "\($0.address)/\($0.prefixLength)" } == ["10.0.0.4/24"])
        let tasks = f.cluster.tasks(of: "lbapp1")
        #expect(tasks.map(\.slotName) == ["lbapp1.1", "lbapp1.2"])
        #expect(tasks.map { $0.addresses.map { "\($0.address)" } } == [["10.0.0.5"], ["10.0.0.6"]])
        #expect(Set(tasks.compactMap(\.node)) == ["host01", "host02"])
        #expect(tasks.allSatisfy { $0.id.count == 25 && $0.containerID?.count == 64 && $0.state == .running })
        for node in f.nodes {
            #expect(node.calls(prefix: "addBinding") == [
                "addBinding lbapp1 vip=10.0.0.4 backend=10.0.0.5", "addBinding lbapp1 vip=10.0.0.4 backend=10.0.0.6",
            ])
            #expect(node.calls(prefix: "createLB").isEmpty)
        }
        #expect(f.nodes[0].calls(prefix: "addPeer").contains("addPeer 10.0.0.3 02:42:0a:00:00:03 via 172.17.0.7"))
    }

    @Test func userOverlayVipTasksThenLoadBalancers() throws {
        let f = try ClusterFixture()
        let net = try f.cluster.createNetwork(name: "appnet")
        #expect(net.config.subnet.description == "10.0.1.0/24" && net.config.vni == 4097)
        try f.cluster.createService(ServiceSpec(name: "web", image: "nginx", mode: .replicated(2), networks: ["appnet"]))
        #expect(f.cluster.serviceInfo("web")?.virtualIPs.map { "\($0.address)" } == ["10.0.1.2"])
        #expect(f.cluster.tasks(of: "web").map { "\($0.addresses[0].address)" } == ["10.0.1.3", "10.0.1.4"])
        #expect(f.nodes[0].calls(prefix: "createLB") == ["createLB appnet 10.0.1.5"])
        #expect(f.nodes[1].calls(prefix: "createLB") == ["createLB appnet 10.0.1.6"])
        let host1 = f.nodes[0].calls
        let lb = try #require(host1.firstIndex(of: "createLB appnet 10.0.1.5"))
        let container = try #require(host1.firstIndex { $0.hasPrefix("createContainer web.1.") })
        #expect(lb < container)
    }

    @Test func dnsrrHasNoVipAndRejectsIngressPorts() throws {
        let f = try ClusterFixture()
        try f.cluster.createNetwork(name: "appnet")
        try f.cluster.createService(ServiceSpec(name: "db", image: "redis", mode: .replicated(1), networks: ["appnet"], endpointMode: .dnsrr))
        #expect(f.cluster.serviceInfo("db")?.virtualIPs.isEmpty == true)
        #expect(f.cluster.tasks(of: "db").map { "\($0.addresses[0].address)" } == ["10.0.1.2"])
        #expect(throws: SwarmError.self) {
            try f.cluster.createService(ServiceSpec(name: "x", image: "redis", ports: [PortConfig(targetPort: 80, publishedPort: 82)], endpointMode: .dnsrr))
        }
        do {
            try f.cluster.createService(ServiceSpec(name: "x", image: "redis", ports: [PortConfig(targetPort: 80, publishedPort: 82)], endpointMode: .dnsrr))
        } catch {
            #expect(error.description == "Error response from daemon: rpc error: code = InvalidArgument desc = EndpointSpec: port published with ingress mode can't be used with dnsrr mode")
        }
    }

    @Test func constraintsAndImpossiblePlacement() throws {
        let f = try ClusterFixture(count: 3)
        try f.cluster.createService(ServiceSpec(name: "w", image: "nginx", mode: .replicated(4), constraints: ["node.role==worker"]))
        #expect(f.cluster.tasks(of: "w").map { $0.node ?? "-" } == ["host02", "host03", "host02", "host03"])
        try f.cluster.createService(ServiceSpec(name: "none", image: "nginx", mode: .replicated(1), constraints: ["node.labels.zone==x"]))
        let pending = try #require(f.cluster.tasks(of: "none").first)
        #expect(pending.state == .pending && pending.node == nil)
        #expect(pending.error == "no suitable node (scheduling constraints not satisfied on 3 nodes)")
    }

    @Test func globalModeOneTaskPerNode() throws {
        let f = try ClusterFixture(count: 3)
        try f.cluster.createService(ServiceSpec(name: "agent", image: "alpine", mode: .global))
        #expect(f.cluster.tasks(of: "agent").map { $0.node ?? "-" } == ["host01", "host02", "host03"])
        #expect(f.cluster.tasks(of: "agent").allSatisfy { $0.slot == 0 && $0.slotName.hasPrefix("agent.") })
    }

    @Test func scaleDownAndUpNeverReusesAddresses() throws {
        let f = try ClusterFixture()
        try f.cluster.createNetwork(name: "appnet")
        try f.cluster.createService(ServiceSpec(name: "web", image: "nginx", mode: .replicated(2), networks: ["appnet"]))
        try f.cluster.scaleService("web", replicas: 1)
        f.simulation.run(for: .seconds(3))
        #expect(f.nodes[1].calls(prefix: "disableBinding").contains("disableBinding web backend=10.0.1.4"))
        #expect(f.nodes[1].calls(prefix: "removeLB").count == 1)
        try f.cluster.scaleService("web", replicas: 2)
        let live = f.cluster.tasks(of: "web").filter { $0.desiredState == .running }
        #expect(live.map { "\($0.slot) \($0.addresses[0].address)" } == ["1 10.0.1.3", "2 10.0.1.7"])
    }

    @Test func killedTaskIsReplacedInItsSlot() throws {
        let f = try ClusterFixture()
        try f.cluster.createService(ServiceSpec(name: "lbapp1", image: "x", mode: .replicated(2), ports: [PortConfig(targetPort: 80, publishedPort: 81)]))
        let old = try #require(f.cluster.tasks(of: "lbapp1").first)
        try f.cluster.killTask("lbapp1.1")
        f.simulation.run(for: .seconds(6))
        let slot1 = f.cluster.tasks(of: "lbapp1").filter { $0.slot == 1 }
        #expect(slot1.count == 2)
        #expect(slot1[0].state == .failed && slot1[0].error == "task: non-zero exit (137)")
        #expect(slot1[1].state == .running && slot1[1].id != old.id && slot1[1].slotName == "lbapp1.1")
        #expect(slot1[1].addresses[0].address.description == "10.0.0.7")
    }

    @Test func errorsAreWordedAsDocker() throws {
        let f = try ClusterFixture()
        let a = try f.cluster.createService(ServiceSpec(name: "a", image: "x", ports: [PortConfig(targetPort: 80, publishedPort: 81)]))
        #expect(throws: SwarmError("Error response from daemon: rpc error: code = InvalidArgument desc = port '81' is already in use by service 'a' (\(a.id)) as an ingress port")) {
            try f.cluster.createService(ServiceSpec(name: "b", image: "x", ports: [PortConfig(targetPort: 80, publishedPort: 81)]))
        }
        #expect(throws: SwarmError("Error response from daemon: rpc error: code = AlreadyExists desc = name conflicts with an existing object: service a already exists")) {
            try f.cluster.createService(ServiceSpec(name: "a", image: "x"))
        }
        #expect(throws: SwarmError("Error response from daemon: network nope not found")) {
            try f.cluster.createService(ServiceSpec(name: "c", image: "x", networks: ["nope"]))
        }
        let auto = try f.cluster.createService(ServiceSpec(name: "d", image: "x", ports: [PortConfig(targetPort: 80, publishedPort: 0)]))
        #expect(auto.ports.map(\.publishedPort) == [30000])
    }

    @Test func sameSeedSameIdentifiers() throws {
        func run(_ seed: UInt64) throws -> [String] {
            let f = try ClusterFixture(seed: seed)
            try f.cluster.createService(ServiceSpec(name: "s", image: "x", mode: .replicated(2)))
            return f.cluster.tasks(of: "s").map { "\($0.id) \($0.containerID ?? "")" } + [f.cluster.nodeID("host01") ?? ""]
        }
        #expect(try run(7) == run(7))
        #expect(try run(7) != run(8))
        let token = try ClusterFixture().cluster.joinTokens.worker
        #expect(token.hasPrefix("SWMTKN-1-") && token.count == 9 + 50 + 1 + 25)
    }
}
