import Foundation
import SwarmSimScenario
import Testing

/// `swarmsim show` and `swarmsim trace` on lbapp1 after its `docker service create`.
@Suite struct InspectionTests {
    func lbapp1() throws -> Scenario {
        try ScenarioLoader.load(path: repositoryRoot + "/Scenarios/lbapp1.yaml")
    }

    @Test func ingressSandboxRulesAreFidelitySection62() throws {
        let text = try ScenarioInspection.show(try lbapp1(), topic: .iptables, node: "host01", netns: "ingress_sbox", after: 1)
        #expect(text.contains("-A PREROUTING -p tcp -m tcp --dport 81 -j MARK --set-xmark 0x100/0xffffffff\n"))
        #expect(text.contains("-A INPUT -d 10.0.0.4/32 -j MARK --set-xmark 0x100/0xffffffff\n"))
        #expect(text.contains("-A POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.2\n"))
    }

    @Test func hostRulesPublishThePort() throws {
        let text = try ScenarioInspection.show(try lbapp1(), topic: .iptables, node: "host02", netns: nil, after: 1)
        #expect(text.contains("-A DOCKER-INGRESS -p tcp -m tcp --dport 81 -j DNAT --to-destination 172.18.0.2:81\n"))
        #expect(text.contains("-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS\n"))
    }

    @Test func ipvsListsTheFirewallMarkService() throws {
        let text = try ScenarioInspection.show(try lbapp1(), topic: .ipvs, node: "host02", netns: nil, after: 1)
        #expect(text.contains("FWM  256 rr\n  -> 10.0.0.5:0                   Masq    1      0          0"))
        #expect(text.contains("  -> 10.0.0.6:0                   Masq    1      0          0"))
    }

    @Test func taskNamespaceByItsSlotName() throws {
        let text = try ScenarioInspection.show(try lbapp1(), topic: .iptables, node: "host01", netns: "lbapp1.1", after: 1)
        #expect(text.contains("-j REDIRECT --to-ports 80"))
        #expect(text.contains("DOCKER_OUTPUT"))
    }

    @Test func unknownNodeAndNamespaceAreErrors() throws {
        #expect(throws: InspectionError.self) {
            try ScenarioInspection.show(try lbapp1(), topic: .routes, node: "host09", netns: nil, after: 1)
        }
        #expect(throws: InspectionError.self) {
            try ScenarioInspection.show(try lbapp1(), topic: .routes, node: "host01", netns: "nosuch", after: 1)
        }
        #expect(throws: InspectionError.self) {
            try ScenarioInspection.show(try lbapp1(), topic: .routes, node: "host01", netns: nil, after: 9)
        }
    }

    @Test func traceFollowsTheSYNThroughTheMeshAndBack() throws {
        let text = try ScenarioInspection.trace(try lbapp1(), from: "client", to: "host01:81", after: 1)
        #expect(text.contains("^ nat DOCKER-INGRESS rule 1: DNAT to 172.18.0.2:81"))
        #expect(text.contains("^ IPVS FWM 256: 172.18.0.2:81 -> 10.0.0."))
        #expect(text.contains("VXLAN vni 4096") || text.contains("host01:lbapp1.1-eth0"))
        let last = text.split(separator: "\n").last { $0.contains("SYN,ACK") }
        #expect(last?.contains("client:eth0  172.17.0.6:81 > 172.17.0.100:") == true)
    }
}

/// A task replaced in its slot keeps the slot's name; its new container's capture points take the
/// next `~N` suffix instead of clashing with the old container's files.
@Suite struct ReplacedTaskCaptureTests {
    @Test func replacementGetsTheNextSuffix() throws {
        let text = """
            name: replace
            swarm:
              nodes:
                - { name: host01, role: manager, address: 172.17.0.6 }
            steps:
              - docker service create --name web -p 81:80 katacoda/docker-http-server
              - fault: { kill-task: web.1 }
              - sleep 6s
              - curl host01:81
            capture:
              points: [host01:web.1]

            """
        let directory = NSTemporaryDirectory() + "swarmsim-replace-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let scenario = try ScenarioLoader.load(text: text, file: "replace.yaml")
        let outcome = ScenarioRunner.run(
            scenario, settings: RunSettings(outputDirectory: directory), out: { _ in }, err: { _ in })
        let points = try #require(outcome.report?.captures).map(\.point)
        #expect(points.contains("host01:web.1-eth0"))
        #expect(points.contains("host01:web.1~2-eth0"))
        #expect(FileManager.default.fileExists(atPath: directory + "/host01-web.1~2-eth0.pcap"))
    }
}
