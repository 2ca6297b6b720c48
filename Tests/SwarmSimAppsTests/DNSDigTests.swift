import SwarmSimApps
import SwarmSimCore
import Testing
import TestSupport

/// dig outputs compared with the layout BIND 9.10.2 prints (the benhall/dig image), e.g.:
///
///     ; <<>> DiG 9.10.2 <<>> http
///     ;; global options: +cmd
///     ;; Got answer:
///     ;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 59560
///     ;; flags: qr rd ra; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0
///
///     ;; QUESTION SECTION:
///     ;http.                          IN      A
///
///     ;; ANSWER SECTION:
///     http.                   600     IN      A       10.0.1.2
///
///     ;; Query time: 1 msec
///     ;; SERVER: 127.0.0.11#53(127.0.0.11)
///     ;; WHEN: Thu Sep 30 07:59:23 UTC 2021
///     ;; MSG SIZE  rcvd: 42
@Suite struct DNSDigTests {
    /// 2024-10-04 01:02:03 UTC in simulated time.
    static let start = SimTime.zero + .seconds(20_000 * 86_400 + 3_723)

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

        func dig(_ arguments: [String]) -> (CommandResult?, SimTime) {
            runCommand(pair.simulation) { done in
                timers.after(DNSDigTests.start - .zero) { Dig.run(arguments: arguments, context: context, completion: done) }
            }
        }
    }

    @Test func answerOnTheEmbeddedServer() throws {
        let container = try Container()
        let (result, _) = container.dig(["http"])
        let id = digID(container.pair.simulation, hostname: "c1", at: Self.start)
        let expected = """

            ; <<>> DiG 9.10.2 <<>> http
            ;; global options: +cmd
            ;; Got answer:
            ;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: \(id)
            ;; flags: qr rd ra; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0

            ;; QUESTION SECTION:
            ;http.\t\t\t\tIN\tA

            ;; ANSWER SECTION:
            http.\t\t\t600\tIN\tA\t10.0.1.2

            ;; Query time: 0 msec
            ;; SERVER: 127.0.0.11#53(127.0.0.11)
            ;; WHEN: Fri Oct 04 01:02:03 UTC 2024
            ;; MSG SIZE  rcvd: 42


            """
        #expect(result == CommandResult(stdout: expected, stderr: "", exitCode: 0))
    }

    @Test func severalAnswersAndLongNamesKeepTheColumns() throws {
        let container = try Container()
        let (result, _) = container.dig(["tasks.http"])
        let id = digID(container.pair.simulation, hostname: "c1", at: Self.start)
        let expected = """

            ; <<>> DiG 9.10.2 <<>> tasks.http
            ;; global options: +cmd
            ;; Got answer:
            ;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: \(id)
            ;; flags: qr rd ra; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 0

            ;; QUESTION SECTION:
            ;tasks.http.\t\t\tIN\tA

            ;; ANSWER SECTION:
            tasks.http.\t\t600\tIN\tA\t10.0.1.3
            tasks.http.\t\t600\tIN\tA\t10.0.1.4

            ;; Query time: 0 msec
            ;; SERVER: 127.0.0.11#53(127.0.0.11)
            ;; WHEN: Fri Oct 04 01:02:03 UTC 2024
            ;; MSG SIZE  rcvd: 80


            """
        #expect(result == CommandResult(stdout: expected, stderr: "", exitCode: 0))
    }

    @Test func shortPrintsRdataOnly() throws {
        let container = try Container()
        let (result, _) = container.dig(["+short", "tasks.http"])
        #expect(result == CommandResult(stdout: "10.0.1.3\n10.0.1.4\n", stderr: "", exitCode: 0))
    }

    @Test func srvAndPtr() throws {
        let container = try Container()
        let (srv, _) = container.dig(["_http._tcp.http", "SRV", "+short"])
        #expect(srv == CommandResult(stdout: "0 0 80 http.1.abc.eg1.\n", stderr: "", exitCode: 0))
        let (ptr, _) = container.dig(["-x", "10.0.1.2", "+short"])
        #expect(ptr == CommandResult(stdout: "http.eg1.\n", stderr: "", exitCode: 0))
    }

    @Test func servfailWarnsAboutRecursion() throws {
        let container = try Container()
        let (result, _) = container.dig(["servfail"])
        let id = digID(container.pair.simulation, hostname: "c1", at: Self.start)
        let expected = """

            ; <<>> DiG 9.10.2 <<>> servfail
            ;; global options: +cmd
            ;; Got answer:
            ;; ->>HEADER<<- opcode: QUERY, status: SERVFAIL, id: \(id)
            ;; flags: qr rd; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 0
            ;; WARNING: recursion requested but not available

            ;; QUESTION SECTION:
            ;servfail.\t\t\tIN\tA

            ;; Query time: 0 msec
            ;; SERVER: 127.0.0.11#53(127.0.0.11)
            ;; WHEN: Fri Oct 04 01:02:03 UTC 2024
            ;; MSG SIZE  rcvd: 26


            """
        #expect(result == CommandResult(stdout: expected, stderr: "", exitCode: 0))
    }

    @Test func nxDomainToAnotherServer() throws {
        let container = try Container(embeddedDNS: false)
        let server = try DNSServer(namespace: container.pair.b, address: Topologies.ip("10.0.0.2"), source: container.records)
        let (result, _) = withExtendedLifetime(server) { container.dig(["@10.0.0.2", "nosuch"]) }
        let id = digID(container.pair.simulation, hostname: "c1", at: Self.start)
        let expected = """

            ; <<>> DiG 9.10.2 <<>> @10.0.0.2 nosuch
            ; (1 server found)
            ;; global options: +cmd
            ;; Got answer:
            ;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: \(id)
            ;; flags: qr rd ra; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 0

            ;; QUESTION SECTION:
            ;nosuch.\t\t\t\tIN\tA

            ;; Query time: 0 msec
            ;; SERVER: 10.0.0.2#53(10.0.0.2)
            ;; WHEN: Fri Oct 04 01:02:03 UTC 2024
            ;; MSG SIZE  rcvd: 24


            """
        #expect(result == CommandResult(stdout: expected, stderr: "", exitCode: 0))
    }

    @Test func silentServerTimesOutAfterThreeTries() throws {
        let container = try Container(embeddedDNS: false)
        let silent = try SilentServer(container.pair.a, address: Topologies.ip("127.0.0.11"), timers: container.timers)
        let (result, finished) = container.dig(["http"])
        let expected = "\n; <<>> DiG 9.10.2 <<>> http\n;; global options: +cmd\n"
            + ";; connection timed out; no servers could be reached\n"
        #expect(result == CommandResult(stdout: expected, stderr: "", exitCode: 9))
        #expect(silent.received == [0, 5, 10].map { Self.start + .seconds($0) })
        #expect(finished == Self.start + .seconds(15))
    }

    @Test(arguments: [
        (["+bogus", "http"], CommandResult(stdout: "", stderr: "Invalid option: +bogus\n", exitCode: 1)),
        (["@nosuch", "http"], CommandResult(stdout: "", stderr: "dig: couldn't get address for 'nosuch': not found\n", exitCode: 10)),
    ])
    func badArguments(_ arguments: [String], _ expected: CommandResult) throws {
        let container = try Container()
        let (result, _) = container.dig(arguments)
        #expect(result == expected)
    }
}
