import Foundation
@testable import SwarmSimScenario
import TestSupport
import Testing

/// The lbapp1 captures, as Wireshark shows them: a request from the outside client enters
/// host01, crosses the ingress overlay to the task on host02, and the reply retraces the path.
@Suite struct LBApp1CaptureTests {
    /// lbapp1.yaml with its load cut to 20 requests (the path is the same; tshark is quicker).
    func captured(in directory: String) throws -> RunReport {
        var scenario = try ScenarioLoader.load(path: repositoryRoot + "/Scenarios/lbapp1.yaml")
        for index in scenario.steps.indices {
            if case .load(var load) = scenario.steps[index].action {
                load.requests = 20
                scenario.steps[index].action = .load(load)
            }
        }
        let outcome = ScenarioRunner.run(
            scenario, settings: RunSettings(outputDirectory: directory), out: { _ in }, err: { _ in })
        return try #require(outcome.report)
    }

    func fields(_ path: String, _ fields: [String], _ filter: String) throws -> [[String]] {
        var arguments = ["-r", path, "-T", "fields", "-E", "separator=|", "-E", "occurrence=a", "-Y", filter]
        for field in fields { arguments += ["-e", field] }
        return try Tool.tsharkOutput(arguments).split(separator: "\n").map {
            $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        }
    }

    @Test func requestFromTheClientIsServedAcrossTheIngressOverlay() throws {
        let directory = NSTemporaryDirectory() + "swarmsim-lbapp1-capture-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let report = try captured(in: directory)
        // With 23 requests rr's split is 11/12, wider than the file's 2% tolerance; no failures.
        #expect(report.services.first?.failed == 0)
        let tasks = try #require(report.services.first { $0.name == "lbapp1" }?.tasks)
        let remote = try #require(tasks.first { $0.node == "host02" })
        let remoteIngress = try #require(remote.addresses["ingress"])

        // host01:eth0: the client's SYN to the published port, then VXLAN VNI 4096 to host02
        // whose inner packet goes from host01's ingress_sbox (10.0.0.2) to the task, port 81.
        let host01 = directory + "/host01-eth0.pcap"
        let syns = try fields(host01, ["ip.src", "ip.dst", "tcp.dstport"], "tcp.flags.syn==1 && tcp.flags.ack==0 && !vxlan && ip.src==172.17.0.100")
        #expect(!syns.isEmpty && syns.allSatisfy { $0 == ["172.17.0.100", "172.17.0.6", "81"] })
        let tunnelled = try fields(
            host01, ["vxlan.vni", "ip.src", "ip.dst", "tcp.dstport"],
            "vxlan && ip.dst==172.17.0.7 && tcp.flags.syn==1 && tcp.flags.ack==0 && ip.src==10.0.0.2")
        #expect(!tunnelled.isEmpty)
        for row in tunnelled {
            #expect(row == ["4096", "172.17.0.6,10.0.0.2", "172.17.0.7,\(remoteIngress)", "81"])
        }
        // No ARP inside the tunnel; the outer UDP goes to 4789.
        #expect(try fields(host01, ["frame.number"], "vxlan && arp").isEmpty)
        #expect(try fields(host01, ["udp.dstport"], "vxlan && ip.src==172.17.0.6").allSatisfy { $0 == ["4789"] })

        // Inside the task: the request arrives for port 81 (REDIRECT to 80 happens after the
        // tap, in PREROUTING); the app's answers from :80 leave un-REDIRECTed as :81.
        let task = directory + "/host02-\(remote.name)-eth0.pcap"
        let inbound = try fields(task, ["ip.src", "tcp.dstport"], "tcp.flags.syn==1 && tcp.flags.ack==0")
        #expect(!inbound.isEmpty && inbound.allSatisfy { $0 == ["10.0.0.2", "81"] })
        let answers = try fields(task, ["ip.src", "tcp.srcport"], "tcp.flags.syn==1 && tcp.flags.ack==1")
        #expect(!answers.isEmpty && answers.allSatisfy { $0 == [remoteIngress, "81"] })

        // The client sees the reply from 172.17.0.6:81.
        let client = directory + "/client-eth0.pcap"
        let replies = try fields(client, ["ip.src", "tcp.srcport"], "tcp.flags.syn==1 && tcp.flags.ack==1")
        #expect(replies.count == 20 && replies.allSatisfy { $0 == ["172.17.0.6", "81"] })

        for path in [host01, task, client] {
            let problems = try WiresharkChecks.problems(path, checksums: 100)
            #expect(problems.isEmpty, "\(path): \(problems)")
        }
        // The merged pcapng names its interfaces and comments on the IPVS decisions.
        let pcapng = directory + "/lbapp1.pcapng"
        let comments = try fields(pcapng, ["frame.interface_name", "frame.comment"], "frame.comment contains \"IPVS FWM 256\"")
        #expect(comments.contains { $0.first == "host01:ingress_sbox-eth0" })
    }

    @Test func sameSeedGivesByteIdenticalFiles() throws {
        let base = NSTemporaryDirectory() + "swarmsim-lbapp1-determinism-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: base) }
        _ = try captured(in: base + "/a")
        _ = try captured(in: base + "/b")
        let files = try FileManager.default.contentsOfDirectory(atPath: base + "/a").sorted()
        #expect(files.count > 30)
        #expect(try FileManager.default.contentsOfDirectory(atPath: base + "/b").sorted() == files)
        for file in files {
            let a = try Data(contentsOf: URL(fileURLWithPath: base + "/a/" + file))
            let b = try Data(contentsOf: URL(fileURLWithPath: base + "/b/" + file))
            #expect(a == b, "\(file) differs")
        }
    }
}

/// What no capture can show (the tap is before PREROUTING, as tcpdump's is): inside the task the
/// request's destination port is rewritten to 80 by the REDIRECT rule, as the task's conntrack
/// table records (`conntrack -L` in the task's namespace).
@Suite struct LBApp1RedirectTests {
    @Test func theTaskSeesPort80AfterREDIRECT() throws {
        var scenario = try ScenarioLoader.load(path: repositoryRoot + "/Scenarios/lbapp1.yaml")
        scenario.steps = Array(scenario.steps.prefix(2))  // create the service, one curl
        let run = ScenarioRun(scenario: scenario, settings: RunSettings(capture: false))
        try run.buildWorld()
        run.runTimeline(drain: .milliseconds(10))
        let output = try #require(run.stepResults[1]?.output)
        let container = try #require(
            run.cluster.allTasks.first { output.contains(String(($0.containerID ?? "-").prefix(12))) })
        let namespace = try #require(run.cluster.namespace(ofContainer: container.containerID!))
        let ingress = try #require(container.addresses.first { $0.network == "ingress" }?.address)
        let listing = namespace.netfilter.conntrack.listing(now: run.simulation.now)
        // Original direction to the published port 81, reply from the app's port 80.
        #expect(listing.contains("dst=\(ingress) sport="), "\(listing)")
        #expect(listing.contains("dport=81 src=\(ingress) dst=10.0.0.2 sport=80"), "\(listing)")
    }
}
