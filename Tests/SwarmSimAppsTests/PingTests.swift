@testable import SwarmSimApps
import SwarmSimCore
import Testing
import TestSupport

/// Real outputs the fixtures follow. busybox (alpine):
///
///     PING http (10.0.1.2): 56 data bytes
///     64 bytes from 10.0.1.2: seq=0 ttl=64 time=0.287 ms
///
///     --- http ping statistics ---
///     5 packets transmitted, 5 packets received, 0% packet loss
///     round-trip min/avg/max = 0.108/0.168/0.287 ms
///
/// iputils:
///
///     PING host02 (172.17.0.7) 56(84) bytes of data.
///     64 bytes from host02 (172.17.0.7): icmp_seq=1 ttl=64 time=0.200 ms
///
///     --- host02 ping statistics ---
///     1 packets transmitted, 1 received, 0% packet loss, time 0ms
///     rtt min/avg/max/mdev = 0.200/0.200/0.200/0.000 ms
@Suite struct PingTests {
    struct Hosts {
        let pair = Topologies.VethPair()
        let timers: AppTimers
        let context: AppContext

        init() {
            timers = AppTimers(simulation: pair.simulation)
            context = AppContext(
                namespace: pair.a, timers: timers, resolver: HostsTable(["b": Topologies.ip("10.0.0.2")]), hostname: "a")
        }

        func ping(_ arguments: [String], _ flavour: PingFlavour, linkDownAt: SimDuration? = nil) -> (CommandResult?, SimTime) {
            if linkDownAt == .zero {
                pair.bEth.setUp(false)
            } else if let linkDownAt {
                timers.after(linkDownAt) { pair.bEth.setUp(false) }
            }
            return runCommand(pair.simulation) { done in
                Ping.run(arguments: arguments, context: context, flavour: flavour, completion: done)
            }
        }
    }

    @Test func busyboxAllReplies() {
        let (result, finished) = Hosts().ping(["-c", "3", "b"], .busybox)
        let expected = """
            PING b (10.0.0.2): 56 data bytes
            64 bytes from 10.0.0.2: seq=0 ttl=64 time=0.000 ms
            64 bytes from 10.0.0.2: seq=1 ttl=64 time=0.000 ms
            64 bytes from 10.0.0.2: seq=2 ttl=64 time=0.000 ms

            --- b ping statistics ---
            3 packets transmitted, 3 packets received, 0% packet loss
            round-trip min/avg/max = 0.000/0.000/0.000 ms

            """
        #expect(result == CommandResult(stdout: expected, stderr: "", exitCode: 0))
        #expect(finished == SimTime.zero + .seconds(2))
    }

    @Test func busyboxLossOnADownLinkWaitsASecondAfterTheLastRequest() {
        let (result, finished) = Hosts().ping(["-c", "4", "b"], .busybox, linkDownAt: .milliseconds(1_500))
        let expected = """
            PING b (10.0.0.2): 56 data bytes
            64 bytes from 10.0.0.2: seq=0 ttl=64 time=0.000 ms
            64 bytes from 10.0.0.2: seq=1 ttl=64 time=0.000 ms

            --- b ping statistics ---
            4 packets transmitted, 2 packets received, 50% packet loss
            round-trip min/avg/max = 0.000/0.000/0.000 ms

            """
        #expect(result == CommandResult(stdout: expected, stderr: "", exitCode: 0))
        #expect(finished == SimTime.zero + .seconds(4))
    }

    @Test func iputilsWithLoss() {
        let (result, finished) = Hosts().ping(["-c", "3", "b"], .iputils, linkDownAt: .milliseconds(500))
        let expected = """
            PING b (10.0.0.2) 56(84) bytes of data.
            64 bytes from b (10.0.0.2): icmp_seq=1 ttl=64 time=0.000 ms

            --- b ping statistics ---
            3 packets transmitted, 1 received, 66.6667% packet loss, time 2000ms
            rtt min/avg/max/mdev = 0.000/0.000/0.000/0.000 ms

            """
        #expect(result == CommandResult(stdout: expected, stderr: "", exitCode: 0))
        #expect(finished == SimTime.zero + .seconds(3))
    }

    @Test func noReplyAtAllExitsOneAfterTheWait() {
        let (busybox, busyboxEnd) = Hosts().ping(["-c", "2", "-W", "3", "10.0.0.2"], .busybox, linkDownAt: .zero)
        #expect(busybox?.exitCode == 1)
        #expect(busybox?.stdout.hasSuffix("2 packets transmitted, 0 packets received, 100% packet loss\n") == true)
        #expect(busyboxEnd == SimTime.zero + .seconds(4))
        let (iputils, _) = Hosts().ping(["-c", "2", "-i", "0.5", "10.0.0.2"], .iputils, linkDownAt: .zero)
        // Neighbour resolution fails, so the kernel reports each request as host unreachable,
        // which iputils prints and counts as errors.
        #expect(iputils == CommandResult(stdout: """
            PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data.
            From 10.0.0.1 icmp_seq=1 Destination Host Unreachable
            From 10.0.0.1 icmp_seq=2 Destination Host Unreachable

            --- 10.0.0.2 ping statistics ---
            2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 500ms


            """, stderr: "", exitCode: 1))
    }

    @Test func unknownNames() {
        #expect(Hosts().ping(["-c", "1", "nosuch"], .busybox).0
            == CommandResult(stdout: "", stderr: "ping: bad address 'nosuch'\n", exitCode: 1))
        #expect(Hosts().ping(["-c", "1", "nosuch"], .iputils).0
            == CommandResult(stdout: "", stderr: "ping: nosuch: Name or service not known\n", exitCode: 2))
    }

    @Test(arguments: [(Int64(200), "0.200"), (999, "0.999"), (1_234, "1.23"), (9_996, "10.0"), (12_345, "12.3"),
                      (99_950, "100"), (123_456, "123")])
    func iputilsRoundsReplyTimes(_ micros: Int64, _ text: String) {
        #expect(PingStatistics.iputilsTime(micros) == text)
    }

    @Test func iputilsSummaryArithmetic() {
        var stats = PingStatistics()
        stats.transmitted = 3
        for trip: Int64 in [100, 200, 300] { stats.add(trip) }
        #expect(stats.iputilsSummary(host: "h", elapsed: 2_000_400_000, errors: 0) == """

            --- h ping statistics ---
            3 packets transmitted, 3 received, 0% packet loss, time 2000ms
            rtt min/avg/max/mdev = 0.100/0.200/0.300/0.081 ms

            """)
        #expect(PingStatistics.percentG(100.0 / 3) == "33.3333")
        #expect(PingStatistics.percentG(20) == "20")
        #expect(PingStatistics.percentG(100) == "100")
    }
}
