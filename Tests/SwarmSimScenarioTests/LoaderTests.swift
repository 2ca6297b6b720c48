import Foundation
import SwarmSimCore
import Testing

@testable import SwarmSimScenario

/// The lbapp1 example of scenario-format.md, verbatim.
let lbapp1YAML = """
    name: lbapp1
    description: Two replicas of an HTTP server published on port 81 through the routing mesh.
    seed: 1

    swarm:
      nodes:
        - { name: host01, role: manager, address: 172.17.0.6 }
        - { name: host02, role: worker,  address: 172.17.0.7 }
      hosts:
        - { name: client, address: 172.17.0.100 }
      underlay: { subnet: 172.17.0.0/16, latency: 100us, bandwidth: 10Gbps }

    steps:
      - docker service create --name lbapp1 --replicas 2 -p 81:80 katacoda/docker-http-server
      - curl host01:81
      - curl host01:81
      - on: host02
        run: curl host01:81
      - on: client
        load: { target: host01:81, requests: 10000, concurrency: 32 }

    capture:
      points: all

    expect:
      - service: lbapp1
        failed: 0
        distribution: uniform
        tolerance: 2%
    """

/// Loads `text`, expecting errors; returns them printed.
func errors(_ text: String) -> [String] {
    do {
        _ = try ScenarioLoader.load(text: text, file: "t.yaml")
        return []
    } catch {
        return error.errors.map(\.description)
    }
}

/// A minimal valid scenario with `extra` appended (top-level YAML).
func minimal(swarmExtra: String = "", _ extra: String = "") -> String {
    """
    name: t
    swarm:
      nodes:
        - { name: host01, role: manager, address: 172.17.0.6 }
        - { name: host02, address: 172.17.0.7 }
      underlay: { subnet: 172.17.0.0/16 }
    \(swarmExtra)
    \(extra)
    """
}

@Suite struct LoaderTests {
    @Test func lbapp1LoadsIntoTheExpectedModel() throws {
        let s = try ScenarioLoader.load(text: lbapp1YAML, file: "lbapp1.yaml")
        #expect(s.name == "lbapp1")
        #expect(s.description == "Two replicas of an HTTP server published on port 81 through the routing mesh.")
        #expect(s.seed == 1)
        #expect(s.until == nil)
        #expect(s.swarm.nodes.map(\.name) == ["host01", "host02"])
        #expect(s.swarm.nodes.map(\.role) == [.manager, .worker])
        #expect(s.swarm.nodes[0].address == IPv4Address(172, 17, 0, 6))
        #expect(s.swarm.nodes[1].location == SourceLocation(file: "lbapp1.yaml", line: 8, column: 7))
        #expect(s.swarm.hosts.map(\.address) == [IPv4Address(172, 17, 0, 100)])
        #expect(s.swarm.underlay.subnet == IPv4Prefix(address: IPv4Address(172, 17, 0, 0), length: 16))
        #expect(s.swarm.underlay.latency == .microseconds(100))
        #expect(s.swarm.underlay.bandwidth == 10_000_000_000)
        #expect(s.swarm.underlay.mtu == 1500)
        #expect(s.swarm.firstManager?.name == "host01")
        #expect(s.steps.count == 5)
        guard case .run(let create) = s.steps[0].action, case .serviceCreate(let sc) = create.command else {
            Issue.record("first step is not docker service create")
            return
        }
        #expect(sc.name == "lbapp1")
        #expect(sc.replicas == 2)
        #expect(sc.image == "katacoda/docker-http-server")
        #expect(sc.publish.map { [$0.published, $0.target] } == [[81, 80]])
        #expect(create.location == SourceLocation(file: "lbapp1.yaml", line: 14, column: 5))
        #expect(s.steps[0].on == nil)
        #expect(s.steps[3].on == "host02")
        guard case .load(let load) = s.steps[4].action else {
            Issue.record("last step is not a load")
            return
        }
        #expect(load.target == "host01:81")
        #expect(load.requests == 10000)
        #expect(load.concurrency == 32)
        #expect(load.protocol == .http)
        #expect(s.capture.points == .all)
        #expect(s.capture.dir == "out/lbapp1")
        #expect(s.capture.snaplen == 262_144)
        #expect(s.capture.pcapng)
        #expect(s.expectations.count == 1)
        #expect(s.expectations[0].service == "lbapp1")
        #expect(s.expectations[0].failed == 0)
        #expect(s.expectations[0].distribution == .uniform)
        #expect(s.expectations[0].tolerance == 0.02)
        #expect(s.expectations[0].location == SourceLocation(file: "lbapp1.yaml", line: 26, column: 5))
    }

    @Test func threeErrorsAreAllReported() {
        let text = """
            name: t
            swarm:
              nodes:
                - { name: host01, role: manager, address: 10.9.0.6 }
                - { name: host02, role: boss, address: 172.17.0.7 }
              underlay: { subnet: 172.17.0.0/16, latency: fast }
            """
        #expect(errors(text) == [
            "t.yaml:4:47: error: address 10.9.0.6 is outside the underlay subnet 172.17.0.0/16",
            "t.yaml:5:29: error: expected one of manager, worker, none for role, found 'boss'",
            "t.yaml:6:47: error: expected a duration such as 250ns, 100us, 1.5ms or 2s for latency, found 'fast'",
        ])
    }

    static let bad: [(String, String)] = [
        ("name: T\nswarm: {nodes: [{name: a, address: 172.17.0.2}]}",
         "t.yaml:1:7: error: invalid scenario name 'T': expected [a-z0-9][a-z0-9_-]*"),
        ("name: t\nswarm: {nodes: [{name: a, address: 172.17.0.2}]}\ncolour: red",
         "t.yaml:3:1: error: unknown key 'colour' in the scenario; expected one of: name, description, seed, until, swarm, steps, capture, expect"),
        ("name: t\nswarm: {nodes: [{name: a}]}",
         "t.yaml:2:17: error: missing key 'address' in a node"),
        ("name: t\nswarm: {nodes: [{name: a, address: 172.17.0.300}]}",
         "t.yaml:2:36: error: expected an IPv4 address such as 172.17.0.6 for the node address, found '172.17.0.300'"),
        ("name: t\nswarm: {nodes: [{name: a, address: 172.17.0.2}], underlay: {subnet: 172.17.0.1/16}}",
         "t.yaml:2:69: error: invalid subnet 172.17.0.1/16 for the underlay subnet: it should be 172.17.0.0/16"),
        ("name: t\nswarm: {nodes: [{name: a, address: 172.17.0.2}, {name: a, address: 172.17.0.3}]}",
         "t.yaml:2:49: error: duplicate name 'a': already used at t.yaml:2:17"),
        ("name: t\nswarm:\n  nodes: [{name: a, role: manager, address: 172.17.0.2}]\nsteps:\n  - on: b\n    run: curl a:81",
         "t.yaml:5:9: error: unknown node or host 'b' in on; expected one of the nodes: a"),
        ("name: t\nswarm:\n  nodes: [{name: a, role: manager, address: 172.17.0.2}]\nsteps:\n  - docker service create --name x nginxx",
         "t.yaml:5:5: error: unknown image 'nginxx': swarmsim knows katacoda/docker-http-server, redis, redis:alpine, katacoda/redis-node-docker-example, benhall/dig, alpine, busybox, nginx; describe others under swarm.images (name: {app, port})"),
        ("name: t\nswarm:\n  nodes: [{name: a, role: manager, address: 172.17.0.2}]\nsteps:\n  - docker service create --name x --network eg1 nginx",
         "t.yaml:5:5: error: unknown network 'eg1'; expected one of: (none declared)"),
        ("name: t\nswarm:\n  nodes: [{name: a, role: manager, address: 172.17.0.2}]\nsteps:\n  - docker service create --nme x nginx",
         "t.yaml:5:5: error: unknown flag: --nme\nSee 'docker service create --help'."),
        ("name: t\nswarm:\n  nodes: [{name: a, role: manager, address: 172.17.0.2}]\nexpect:\n  - service: web",
         "t.yaml:5:5: error: unknown service 'web' in expect; expected one of: (none declared)"),
        ("name: t\nswarm:\n  nodes: [{name: a, role: manager, address: 172.17.0.2}]\n  services:\n    - {name: w, image: nginx, endpoint_mode: dnsrr, publish: [\"80:80\"]}",
         "t.yaml:5:46: error: port published with ingress mode can't be used with dnsrr mode"),
        ("name: t\nswarm:\n  nodes: [{name: a, role: manager, address: 172.17.0.2}]\n  services:\n    - {name: w, image: nginx, placement: {constraints: [node.role==worker]}}",
         "t.yaml:5:7: error: impossible placement: no node satisfies node.role==worker (no suitable node: scheduling constraints not satisfied on 1 node)"),
        ("name: t\nswarm:\n  nodes: [{name: a, role: manager, address: 172.17.0.2}]\n  services:\n    - {name: w, image: nginx, replicas: -1}",
         "t.yaml:5:41: error: replicas must be 0 or more, found -1"),
        ("name: t\nswarm: {nodes: [{name: a, address: 172.17.0.2}]\n",
         "t.yaml:3:1: error: YAML syntax: did not find expected ',' or '}' (while parsing a flow mapping at line 2, column 8)"),
    ]

    @Test(arguments: bad) func badInputGivesOneLocatedMessage(text: String, message: String) {
        #expect(errors(text) == [message])
    }

    @Test func stepsSeeNetworksAndServicesCreatedBefore() throws {
        let text = minimal("""
            steps:
              - docker network create -d overlay eg1
              - docker service create --name http --network eg1 --replicas 2 katacoda/docker-http-server
              - docker service inspect http --format="{{.Endpoint.VirtualIPs}}"
            expect:
              - service: http
                distribution: {http.1: 75%, http.2: 25%}
            """)
        let s = try ScenarioLoader.load(text: text, file: "t.yaml")
        #expect(s.expectations[0].distribution == .shares([.init(task: "http.1", share: 0.75), .init(task: "http.2", share: 0.25)]))
    }

    @Test func aServiceUsedBeforeItsNetworkIsCreatedIsAnError() {
        let text = minimal("""
            steps:
              - docker service create --name http --network eg1 nginx
              - docker network create -d overlay eg1
            """)
        #expect(errors(text) == ["t.yaml:9:5: error: unknown network 'eg1'; expected one of: (none declared)"])
    }

    @Test func aStepExpectingFailureMayNameWhatDoesNotExist() throws {
        let text = minimal("""
            steps:
              - run: docker service rm nope
                expect: { exit: 1, output: /No such service/ }
            """)
        let s = try ScenarioLoader.load(text: text, file: "t.yaml")
        #expect(s.steps[0].expect?.exit == 1)
        #expect(s.steps[0].expect?.output == "No such service")
    }

    @Test func faultsAndCaptureAndImages() throws {
        let text = minimal(swarmExtra: """
              images:
                myorg/api: { app: http-echo, port: 8080 }
              services:
                - { name: api, image: "myorg/api:v2", replicas: 2, scheduler: wlc, weights: {api.1: 3} }
            """, """
            until: 10s
            steps:
              - fault: { node-down: host02 }
              - fault: { link: { between: [host01, host02], loss: 5%, latency: 2ms } }
              - fault: { partition: [[host01], [host02]] }
              - fault: { kill-task: api.1 }
              - on: host01
                load: { target: api:8080, rate: 5000/s, network: net1 }
            capture:
              points: [underlay, "host01:eth0", "host02:api.1"]
              snaplen: 96
            """)
        let withNetwork = text.replacingOccurrences(of: "  images:", with: "  networks: [{name: net1, attachable: true}]\n  images:")
        let s = try ScenarioLoader.load(text: withNetwork, file: "t.yaml")
        #expect(s.swarm.services[0].scheduler == .wlc)
        #expect(s.swarm.services[0].weights.map(\.weight) == [3])
        #expect(s.swarm.images[0].app == .httpEcho)
        #expect(s.steps.map(\.action).prefix(4) == [
            .fault(.nodeDown("host02")),
            .fault(.link(LinkFault(between: ["host01", "host02"], loss: 0.05, latency: .milliseconds(2), down: nil))),
            .fault(.partition([["host01"], ["host02"]])), .fault(.killTask("api.1")),
        ])
        guard case .load(let load) = s.steps[4].action else {
            Issue.record("not a load")
            return
        }
        #expect(load.rate == 5000)
        #expect(s.capture.snaplen == 96)
        #expect(s.until == .seconds(10))
    }
}
