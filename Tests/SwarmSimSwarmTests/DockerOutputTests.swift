import SwarmSimCore
import SwarmSimSwarm
import Testing

@Suite struct DockerOutputTests {
    @Test func serviceLsAndPsFormats() throws {
        let f = try ClusterFixture()
        let info = try f.cluster.createService(ServiceSpec(name: "lbapp1", image: "katacoda/docker-http-server", mode: .replicated(2), ports: [PortConfig(targetPort: 80, publishedPort: 81)]))
        f.simulation.run(for: .seconds(5))
        let id = String(info.id.prefix(12))
        // docker/cli tabwriter(minwidth 10, padding 3); real `docker service ls` layout.
        #expect(f.cluster.serviceLs() == """
            ID             NAME      MODE         REPLICAS   IMAGE                                PORTS
            \(id)   lbapp1    replicated   2/2        katacoda/docker-http-server:latest   *:81->80/tcp

            """)
        let ps = try f.cluster.servicePs("lbapp1").split(separator: "\n")
        #expect(ps[0] == "ID             NAME       IMAGE                                NODE      DESIRED STATE   CURRENT STATE           ERROR     PORTS")
        #expect(ps[1].hasSuffix("lbapp1.1   katacoda/docker-http-server:latest   host01    Running         Running 5 seconds ago             "))
    }

    @Test func nodeLsMarksSelfAndLeader() throws {
        let f = try ClusterFixture()
        let out = try f.cluster.nodeLs(on: "host01").split(separator: "\n", omittingEmptySubsequences: false)
        let id1 = try #require(f.cluster.nodeID("host01")), id2 = try #require(f.cluster.nodeID("host02"))
        #expect(out[0] == "ID                            HOSTNAME   STATUS    AVAILABILITY   MANAGER STATUS   ENGINE VERSION")
        #expect(out[1] == "\(id1) *   host01     Ready     Active         Leader           24.0.7")
        #expect(out[2] == "\(id2)     host02     Ready     Active                          24.0.7")
    }

    @Test func virtualIPsAndInspectTemplates() throws {
        let f = try ClusterFixture()
        let net = try f.cluster.createNetwork(name: "appnet")
        let ingress = try #require(f.cluster.networkInfo("ingress"))
        try f.cluster.createService(ServiceSpec(name: "web", image: "nginx", mode: .replicated(1), ports: [PortConfig(targetPort: 80, publishedPort: 81)], networks: ["appnet"]))
        #expect(try f.cluster.serviceInspect("web", format: "{{.Endpoint.VirtualIPs}}")
            == "[{\(ingress.config.id) 10.0.0.4/24} {\(net.config.id) 10.0.1.2/24}]\n")
        let task = try #require(f.cluster.tasks(of: "web").first)
        let node = try #require(task.node)
        #expect(try f.cluster.inspect(task.name, format: "{{.NetworkSettings.Networks.appnet.IPAddress}}", on: node) == "10.0.1.3\n")
        #expect(throws: SwarmError("template parsing error: template: :1:2: executing \"\" at <.NetworkSettings.Networks.nope.IPAddress>: map has no entry for key \"nope\"")) {
            try f.cluster.inspect(task.name, format: "{{.NetworkSettings.Networks.nope.IPAddress}}", on: node)
        }
        let quiet = try f.cluster.joinToken(role: .worker, quiet: true, node: "host01")
        #expect(quiet == f.cluster.joinTokens.worker + "\n")
    }

    @Test func networkLsSortsByName() throws {
        let f = try ClusterFixture()
        try f.cluster.createNetwork(name: "appnet")
        let names = try f.cluster.networkLs(on: "host01").split(separator: "\n").dropFirst().map { $0.split(separator: " ")[1] }
        #expect(names == ["appnet", "bridge", "docker_gwbridge", "host", "ingress", "none"])
    }
}
