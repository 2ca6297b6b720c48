import SwarmSimCore
import SwarmSimSwarm
import Testing

/// Node faults, drain, rolling updates, publish changes, leave, and the CLI texts around them.
@Suite struct ClusterLifecycleTests {
    static let web = PortConfig(targetPort: 80, publishedPort: 81)

    static func live(_ cluster: SwarmCluster, _ service: String) -> [TaskInfo] {
        cluster.tasks(of: service).filter { $0.desiredState == .running }
    }

    @Test func nodeDownReschedulesAfterGraceAndReturningNodeIsCleaned() throws {
        let f = try ClusterDaemonFixture()
        try f.cluster.createService(ServiceSpec(name: "lbapp1", image: "katacoda/docker-http-server", mode: .replicated(2), ports: [Self.web]))
        f.simulation.run(for: .seconds(1))
        let before = Self.live(f.cluster, "lbapp1")
        let lost = try #require(before.first { $0.node == "host02" })
        let kept = try #require(before.first { $0.node == "host01" })
        let lostAddress = try #require(lost.addresses.first?.address)
        let keptAddress = try #require(kept.addresses.first?.address)
        let lostContainer = String(try #require(lost.containerID).prefix(12))
        #expect(f.ipvsDestinations(node: 0, namespace: "ingress_sbox") == ["\(keptAddress):0 w=1", "\(lostAddress):0 w=1"].sorted())

        try f.cluster.nodeDown("host02")
        f.simulation.run(for: .seconds(14))
        #expect(Self.live(f.cluster, "lbapp1").map(\.id).sorted() == before.map(\.id).sorted())
        #expect(try f.cluster.nodeLs(on: "host01").contains("host02     Ready"))
        f.simulation.run(for: .seconds(2))
        #expect(try f.cluster.nodeLs(on: "host01").contains("host02     Down"))
        let after = Self.live(f.cluster, "lbapp1")
        #expect(after.count == 2 && after.allSatisfy { $0.node == "host01" && $0.state == .running })
        let replacement = try #require(after.first { $0.slot == lost.slot })
        let newAddress = try #require(replacement.addresses.first?.address)
        #expect(f.ipvsDestinations(node: 0, namespace: "ingress_sbox") == ["\(keptAddress):0 w=1", "\(newAddress):0 w=1"].sorted())
        // The unreachable node still has its stale container and bindings.
        #expect(f.daemons[1].namespaceNames.contains(lostContainer))

        try f.cluster.nodeUp("host02")
        f.simulation.run(for: .seconds(1))
        #expect(!f.daemons[1].namespaceNames.contains(lostContainer))
        #expect(f.ipvsDestinations(node: 1, namespace: "ingress_sbox") == ["\(keptAddress):0 w=1", "\(newAddress):0 w=1"].sorted())
        #expect(f.ipvsDestinations(node: 0, namespace: "ingress_sbox") == ["\(keptAddress):0 w=1", "\(newAddress):0 w=1"].sorted())
        #expect(try f.cluster.nodeLs(on: "host01").contains("host02     Ready"))
        let lostNow = try #require(f.cluster.tasks(of: "lbapp1").first { $0.id == lost.id })
        let lostID = try #require(lostNow.containerID)
        #expect(lostNow.state == .shutdown && f.cluster.namespace(ofContainer: lostID) == nil)
    }

    @Test func drainMovesTasksOffAndNodeLsShowsDrain() throws {
        let f = try ClusterFixture()
        try f.cluster.createService(ServiceSpec(name: "lbapp1", image: "katacoda/docker-http-server", mode: .replicated(2), ports: [Self.web]))
        f.simulation.run(for: .seconds(1))
        let onHost02 = try #require(Self.live(f.cluster, "lbapp1").first { $0.node == "host02" })
        f.nodes[1].reset()
        try f.cluster.updateAvailability("host02", .drain)
        let id2 = try #require(f.cluster.nodeID("host02"))
        #expect(try f.cluster.nodeLs(on: "host01").contains("\(id2)     host02     Ready     Drain"))
        // Graceful: disabled at once, container removed after the gossip convergence delay.
        #expect(f.nodes[1].calls(prefix: "disableBinding") == ["disableBinding lbapp1 backend=\(onHost02.addresses[0].address)"])
        #expect(f.nodes[1].calls(prefix: "removeContainer").isEmpty)
        f.simulation.run(for: .seconds(3))
        #expect(f.nodes[1].calls(prefix: "removeContainer") == ["removeContainer \(onHost02.containerID!.prefix(12))"])
        let live = Self.live(f.cluster, "lbapp1")
        #expect(live.count == 2 && live.allSatisfy { $0.node == "host01" && $0.state == .running })
        try f.cluster.updateAvailability("host02", .active)
        f.simulation.run(for: .seconds(1))
        #expect(try f.cluster.nodeLs(on: "host01").contains("\(id2)     host02     Ready     Active"))
        #expect(Self.live(f.cluster, "lbapp1").allSatisfy { $0.node == "host01" })
    }

    /// At most one slot is without a running task at any instant, and every task ends replaced.
    @Test(arguments: [ServiceUpdate(image: "nginx:1.25"), ServiceUpdate(force: true)])
    func rollingReplacementIsOneAtATime(_ update: ServiceUpdate) throws {
        let f = try ClusterFixture()
        try f.cluster.createService(ServiceSpec(name: "web", image: "nginx", mode: .replicated(3), ports: [Self.web]))
        f.simulation.run(for: .seconds(1))
        let old = Set(Self.live(f.cluster, "web").map(\.id))
        try f.cluster.updateService("web", update)
        var worst = 0
        for _ in 0..<120 {
            let serving = Set(f.cluster.tasks(of: "web").filter { $0.state == .running && $0.desiredState == .running }.map(\.slot))
            worst = max(worst, 3 - serving.count)
            f.simulation.run(for: .milliseconds(100))
        }
        #expect(worst == 1)
        let now = Self.live(f.cluster, "web")
        #expect(now.count == 3 && now.allSatisfy { $0.state == .running && !old.contains($0.id) })
        #expect(now.map(\.slot).sorted() == [1, 2, 3])
        let image = update.image.map { $0 } ?? "nginx:latest"
        let ps = try f.cluster.servicePs("web").split(separator: "\n").dropFirst()
        #expect(ps.count == 6)
        #expect(ps.filter { $0.contains(" \\_ web.") }.allSatisfy { $0.contains("nginx:latest") && $0.contains("Shutdown") })
        #expect(ps.filter { !$0.contains(" \\_ ") }.allSatisfy { $0.contains(image) && $0.contains("Running") })
    }

    @Test func publishAddAndRemoveReprogramTheRoutingMesh() throws {
        let f = try ClusterDaemonFixture()
        try f.cluster.createService(ServiceSpec(name: "web", image: "nginx", mode: .replicated(2)))
        f.simulation.run(for: .seconds(1))
        #expect(f.cluster.serviceInfo("web")?.virtualIPs.isEmpty == true)
        try f.cluster.updateService("web", ServiceUpdate(publishAdd: [PortConfig(targetPort: 80, publishedPort: 8080)]))
        f.simulation.run(for: .seconds(10))
        let vip = try #require(f.cluster.serviceInfo("web")?.virtualIPs.first)
        #expect(vip.networkID == f.cluster.networkInfo("ingress")?.config.id)
        #expect(f.cluster.serviceLs().contains("*:8080->80/tcp"))
        let tasks = Self.live(f.cluster, "web")
        #expect(tasks.count == 2 && tasks.allSatisfy { $0.addresses.map(\.network) == ["ingress"] })
        let backends = tasks.map { "\($0.addresses[0].address):0 w=1" }.sorted()
        for node in 0..<2 {
            #expect(f.daemons[node].iptablesSave(namespace: nil)?.contains("--dport 8080 -j DNAT --to-destination 172.18.0.2:8080") == true)
            #expect(f.ipvsDestinations(node: node, namespace: "ingress_sbox") == backends)
        }
        try f.cluster.updateService("web", ServiceUpdate(publishRemove: [8080]))
        f.simulation.run(for: .seconds(10))
        #expect(f.cluster.serviceInfo("web")?.virtualIPs.isEmpty == true)
        #expect(Self.live(f.cluster, "web").allSatisfy { $0.addresses.isEmpty && $0.state == .running })
        for node in 0..<2 {
            #expect(f.daemons[node].iptablesSave(namespace: nil)?.contains("8080") == false)
            #expect(f.ipvsDestinations(node: node, namespace: "ingress_sbox").isEmpty)
        }
    }

    @Test func workerLeaveTearsDownAndTasksMove() throws {
        let f = try ClusterFixture()
        try f.cluster.createService(ServiceSpec(name: "lbapp1", image: "katacoda/docker-http-server", mode: .replicated(2), ports: [Self.web]))
        f.simulation.run(for: .seconds(1))
        let id2 = try #require(f.cluster.nodeID("host02"))
        #expect(try f.cluster.leave(node: "host02") == "Node left the swarm.\n")
        #expect(f.nodes[1].calls.last == "leaveSwarm")
        f.simulation.run(for: .seconds(1))
        let live = Self.live(f.cluster, "lbapp1")
        #expect(live.count == 2 && live.allSatisfy { $0.node == "host01" && $0.state == .running })
        // The manager keeps the node's entry, down, until `docker node rm`.
        #expect(try f.cluster.nodeLs(on: "host01").contains("\(id2)     host02     Down      Active"))
        #expect(throws: SwarmError("Error response from daemon: This node is not part of a swarm")) {
            try f.cluster.leave(node: "host02")
        }
    }

    @Test func dockerPsListsTheNodesContainersNewestFirst() throws {
        let f = try ClusterFixture()
        f.cluster.imageDefaults["katacoda/docker-http-server"] = ImageDefaults(command: "/app", exposedPorts: ["80/tcp"])
        try f.cluster.createService(ServiceSpec(name: "lbapp1", image: "katacoda/docker-http-server", mode: .replicated(3), ports: [Self.web]))
        f.simulation.run(for: .seconds(5))
        let mine = f.cluster.tasks(of: "lbapp1").filter { $0.node == "host01" }
        #expect(mine.count == 2)
        let rows = mine.reversed().map { task in
            "\(task.containerID!.prefix(12))   katacoda/docker-http-server:latest   \"/app\"    5 seconds ago   Up 5 seconds   80/tcp    \(task.name)\n"
        }
        #expect(try f.cluster.ps(on: "host01") == "CONTAINER ID   IMAGE                                COMMAND   CREATED         STATUS         PORTS     NAMES\n" + rows.joined())
    }

    @Test func initAndJoinPrintWhatTheCLIPrints() throws {
        let f = try ClusterFixture(roles: [.none, .none])
        let initText = try f.cluster.swarmInit(node: "host01")
        let id = try #require(f.cluster.nodeID("host01"))
        #expect(initText == """
            Swarm initialized: current node (\(id)) is now a manager.

            To add a worker to this swarm, run the following command:

                docker swarm join --token \(f.cluster.joinTokens.worker) 172.17.0.6:2377

            To add a manager to this swarm, run 'docker swarm join-token manager' and follow the instructions.


            """)
        #expect(try f.cluster.join(node: "host02") == "This node joined a swarm as a worker.\n")
        #expect(throws: SwarmError("Error response from daemon: This node is already part of a swarm. Use \"docker swarm leave\" to leave this swarm and join another one.")) {
            try f.cluster.join(node: "host02")
        }
    }
}
