import SwarmSimApps
import SwarmSimCore
import Testing
import TestSupport

/// busybox nslookup (alpine) against the embedded DNS. Real output for a service name:
///
///     Server:		127.0.0.11
///     Address:	127.0.0.11:53
///
///     Non-authoritative answer:
///     Name:	http
///     Address: 10.0.1.2
///
///     Non-authoritative answer:
///
@Suite struct DNSNslookupTests {
    struct Container {
        let pair = Topologies.VethPair()
        let timers: AppTimers
        let context: AppContext
        let records = DNSTestRecords()
        let server: DNSServer?

        init(embeddedDNS: Bool = true) throws {
            timers = AppTimers(simulation: pair.simulation)
            context = AppContext(namespace: pair.a, timers: timers, resolver: HostsTable(), hostname: "c1")
            server = embeddedDNS
                ? try DNSServer(namespace: pair.a, address: Topologies.ip("127.0.0.11"), source: records) : nil
        }

        func nslookup(_ arguments: [String]) -> (CommandResult?, SimTime) {
            runCommand(pair.simulation) { done in Nslookup.run(arguments: arguments, context: context, completion: done) }
        }
    }

    @Test func nameWithAnAddressAndNoIPv6() throws {
        let container = try Container()
        let (result, _) = container.nslookup(["http"])
        let expected = "Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\n"
            + "Non-authoritative answer:\nName:\thttp\nAddress: 10.0.1.2\n\n"
            + "Non-authoritative answer:\n\n"
        #expect(result == CommandResult(stdout: expected, stderr: "", exitCode: 0))
        #expect(container.records.lookups.map(\.1) == [.a, .aaaa])
    }

    @Test func nxDomainForBothQueries() throws {
        let container = try Container()
        let (result, _) = container.nslookup(["nosuch"])
        let expected = "Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\n"
            + "** server can't find nosuch: NXDOMAIN\n\n" + "** server can't find nosuch: NXDOMAIN\n\n"
        #expect(result == CommandResult(stdout: expected, stderr: "", exitCode: 1))
    }

    @Test func servfailIsRetriedThenReported() throws {
        let container = try Container()
        let (result, _) = container.nslookup(["servfail"])
        let expected = "Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\n"
            + "** server can't find servfail: SERVFAIL\n\n" + "** server can't find servfail: SERVFAIL\n\n"
        #expect(result == CommandResult(stdout: expected, stderr: "", exitCode: 1))
        // Each query is sent once and resent twice (servfail_retry = 2 per query).
        #expect(container.records.lookups.count == 6)
    }

    @Test func reverseLookupOfADottedQuad() throws {
        let container = try Container()
        let (result, _) = container.nslookup(["10.0.1.2"])
        let expected = "Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\n"
            + "Non-authoritative answer:\n2.1.0.10.in-addr.arpa\tname = http.eg1\n\n"
        #expect(result == CommandResult(stdout: expected, stderr: "", exitCode: 0))
    }

    @Test func noServerTimesOutAfterFiveSecondsWithOneResend() throws {
        let container = try Container(embeddedDNS: false)
        let silent = try SilentServer(container.pair.a, address: Topologies.ip("127.0.0.11"), timers: container.timers)
        let (result, finished) = container.nslookup(["http"])
        #expect(result == CommandResult(
            stdout: ";; connection timed out; no servers could be reached\n\n", stderr: "", exitCode: 1))
        // A and AAAA at 0 s, again at 2.5 s.
        let resend = SimTime.zero + .milliseconds(2_500)
        #expect(silent.received == [.zero, .zero, resend, resend])
        #expect(finished == SimTime.zero + .seconds(5))
    }
}
