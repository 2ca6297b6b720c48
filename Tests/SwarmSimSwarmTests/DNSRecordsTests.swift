import SwarmSimCore
import SwarmSimSwarm
import Testing

@Suite struct DNSRecordsTests {
    func fixture(seed: UInt64) throws -> (ClusterFixture, String) {
        let f = try ClusterFixture(seed: seed)
        try f.cluster.createNetwork(name: "appnet", attachable: true)
        try f.cluster.createService(ServiceSpec(name: "web", image: "nginx", mode: .replicated(3), ports: [PortConfig(targetPort: 80, publishedPort: 81)], networks: ["appnet"]))
        let client = try f.cluster.runContainer(name: "client", network: "appnet", image: "alpine", node: "host01")
        return (f, client.id)
    }

    @Test func serviceVipTasksAndNames() throws {
        let (f, client) = try fixture(seed: 1)
        let vip = f.cluster.dnsLookup(name: "web", type: .a, fromContainer: client)
        #expect(vip.records.map { "\($0.address!)" } == ["10.0.1.2"] && vip.records[0].ttl == 600)
        let qualified = f.cluster.dnsLookup(name: "web.appnet", type: .a, fromContainer: client)
        #expect(qualified.records.map { "\($0.address!)" } == ["10.0.1.2"])
        let tasks = f.cluster.dnsLookup(name: "tasks.web", type: .a, fromContainer: client)
        #expect(Set(tasks.records.map { "\($0.address!)" }) == ["10.0.1.3", "10.0.1.4", "10.0.1.5"])
        #expect(f.cluster.dnsLookup(name: "nothing", type: .a, fromContainer: client).rcode == .nxDomain)
        let task = try #require(f.cluster.tasks(of: "web").first)
        let byName = f.cluster.dnsLookup(name: task.name, type: .a, fromContainer: client)
        #expect(byName.records.map { "\($0.address!)" } == ["10.0.1.3"])
        let ptr = f.cluster.dnsLookup(name: "3.1.0.10.in-addr.arpa", type: .ptr, fromContainer: client)
        #expect(ptr.records.first?.target == "\(task.name).appnet")
        // A task's ingress address is not in DNS: the ingress network has no records.
        let ingressAddress = try #require(task.addresses.first { $0.network == "ingress" }?.address)
        let reverse = "\(ingressAddress.octets.3).\(ingressAddress.octets.2).\(ingressAddress.octets.1).\(ingressAddress.octets.0).in-addr.arpa"
        #expect(f.cluster.dnsLookup(name: reverse, type: .ptr, fromContainer: client).rcode == .nxDomain)
    }

    @Test func shuffleIsDeterministicPerSeed() throws {
        func orders(_ seed: UInt64) throws -> [[String]] {
            let (f, client) = try fixture(seed: seed)
            return (0..<8).map { _ in
                f.cluster.dnsLookup(name: "tasks.web", type: .a, fromContainer: client).records.map { "\($0.address!)" }
            }
        }
        let first = try orders(3)
        #expect(try orders(3) == first)
        #expect(Set(first).count > 1)
    }
}
