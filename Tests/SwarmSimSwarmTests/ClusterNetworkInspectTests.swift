import SwarmSimCore
import SwarmSimSwarm
import Testing

/// `docker network inspect`: the layout of a real overlay's inspect (api/types network.Inspect
/// field order, CLI 4-space indentation, map keys sorted), seen from different nodes.
@Suite struct ClusterNetworkInspectTests {
    /// Replaces the random 64-hex endpoint IDs and 12-hex NetworkDB names with placeholders.
    static func masked(_ text: String) -> String {
        var out = text.replacing(/"EndpointID": "[0-9a-f]{64}"/, with: "\"EndpointID\": \"EP\"")
        out = out.replacing(/"Name": "[0-9a-f]{12}"/, with: "\"Name\": \"PEER\"")
        return out
    }

    @Test func overlayWithALocalTaskAsItsNodeShowsIt() throws {
        let f = try ClusterFixture()
        f.simulation.run(for: .milliseconds(1500))
        let net = try f.cluster.createNetwork(name: "appnet")
        try f.cluster.createService(ServiceSpec(name: "web", image: "nginx", mode: .replicated(1), networks: ["appnet"]))
        let task = try #require(f.cluster.tasks(of: "web").first)
        #expect(task.node == "host01")
        let container = try #require(task.containerID)
        let output = try f.cluster.networkInspect(["appnet"], format: nil)
        #expect(Self.masked(output) == """
            [
                {
                    "Name": "appnet",
                    "Id": "\(net.config.id)",
                    "Created": "1970-01-01T00:00:01.5Z",
                    "Scope": "swarm",
                    "Driver": "overlay",
                    "EnableIPv6": false,
                    "IPAM": {
                        "Driver": "default",
                        "Options": null,
                        "Config": [
                            {
                                "Subnet": "10.0.1.0/24",
                                "Gateway": "10.0.1.1"
                            }
                        ]
                    },
                    "Internal": false,
                    "Attachable": false,
                    "Ingress": false,
                    "ConfigFrom": {
                        "Network": ""
                    },
                    "ConfigOnly": false,
                    "Containers": {
                        "\(container)": {
                            "Name": "\(task.name)",
                            "EndpointID": "EP",
                            "MacAddress": "02:42:0a:00:01:03",
                            "IPv4Address": "10.0.1.3/24",
                            "IPv6Address": ""
                        },
                        "lb-appnet": {
                            "Name": "appnet-endpoint",
                            "EndpointID": "EP",
                            "MacAddress": "02:42:0a:00:01:04",
                            "IPv4Address": "10.0.1.4/24",
                            "IPv6Address": ""
                        }
                    },
                    "Options": {
                        "com.docker.network.driver.overlay.vxlanid_list": "4097"
                    },
                    "Labels": {},
                    "Peers": [
                        {
                            "Name": "PEER",
                            "IP": "172.17.0.6"
                        }
                    ]
                }
            ]

            """)
    }

    @Test func ingressListsEveryNodeAsPeerAndItsSandboxEndpoint() throws {
        let f = try ClusterFixture()
        let output = try f.cluster.networkInspect(["ingress"], format: nil, on: "host02")
        #expect(output.contains("""
                    "Containers": {
                        "ingress-sbox": {
                            "Name": "ingress-endpoint",
            """))
        #expect(output.contains("\"IPv4Address\": \"10.0.0.3/24\""))
        #expect(output.contains("\"Ingress\": true"))
        #expect(output.contains("\"com.docker.network.driver.overlay.vxlanid_list\": \"4096\""))
        let peers = output.matches(of: /"IP": "(172\.17\.0\.\d+)"/).map { String($0.1) }
        #expect(peers == ["172.17.0.7", "172.17.0.6"])
        let names = try f.cluster.networkInspect(["ingress"], format: "{{.Peers}}", on: "host01")
        let again = try f.cluster.networkInspect(["ingress"], format: "{{.Peers}}", on: "host02")
        #expect(names.hasPrefix("[{") && names.contains(" 172.17.0.6} {"))
        #expect(Set(names.matches(of: /[0-9a-f]{12}/).map { String($0.0) })
            == Set(again.matches(of: /[0-9a-f]{12}/).map { String($0.0) }))
    }

    @Test func managerWithoutEndpointAnswersFromTheClusterStore() throws {
        let f = try ClusterFixture()
        try f.cluster.createNetwork(name: "appnet", attachable: true)
        let output = try f.cluster.networkInspect(["appnet"], format: nil)
        #expect(output.contains("\"Attachable\": true"))
        #expect(output.contains("\"Containers\": null,"))
        #expect(!output.contains("Peers"))
        #expect(throws: SwarmError("Error: No such network: appnet")) {
            try f.cluster.networkInspect(["appnet"], format: nil, on: "host02")
        }
    }

    @Test func formatAndSeveralNames() throws {
        let f = try ClusterFixture()
        let net = try f.cluster.createNetwork(name: "appnet")
        let output = try f.cluster.networkInspect(
            ["ingress", String(net.config.id.prefix(6))], format: "{{.Name}} {{.IPAM.Config}} {{.Options}} {{.Internal}}")
        #expect(output == """
            ingress [{10.0.0.0/24 10.0.0.1}] map[com.docker.network.driver.overlay.vxlanid_list:4096] false
            appnet [{10.0.1.0/24 10.0.1.1}] map[com.docker.network.driver.overlay.vxlanid_list:4097] false

            """)
        let both = try f.cluster.networkInspect(["ingress", "appnet"], format: nil)
        #expect(both.hasPrefix("[\n    {\n        \"Name\": \"ingress\""))
        #expect(both.contains("\n    },\n    {\n        \"Name\": \"appnet\""))
    }

    @Test(arguments: [["nope"], ["ingress", "nope", "gone"]])
    func unknownNetworksFailAsTheCLI(_ names: [String]) throws {
        let f = try ClusterFixture()
        let expected = names.filter { $0 != "ingress" }.map { "Error: No such network: \($0)" }.joined(separator: "\n")
        #expect(throws: SwarmError(expected)) { try f.cluster.networkInspect(names, format: nil) }
    }
}
