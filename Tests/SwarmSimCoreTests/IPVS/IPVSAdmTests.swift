import Testing
@testable import SwarmSimCore

/// `ipvsadm` output byte for byte (the formats of `ipvsadm.c` v1.31, trailing spaces included)
/// and the command-line parser.
@Suite struct IPVSAdmOutputTests {
    static let header = "IP Virtual Server version 1.2.1 (size=4096)\n"
    static let title = "Prot LocalAddress:Port Scheduler Flags\n"
        + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"

    /// fidelity.md §4.2: a Docker LB namespace, `FWM  257 rr` with one task.
    @Test func dockerLoadBalancerListing() throws {
        let ipvs = IPVS()
        try ipvs.apply(ipvsadm: "ipvsadm -A -f 257 -s rr", now: .zero)
        try ipvs.apply(ipvsadm: "ipvsadm -a -f 257 -r 10.0.0.3:0 -m -w 1", now: .zero)
        #expect(
            ipvs.ipvsadmList() == Self.header + Self.title + "FWM  257 rr\n"
                + "  -> 10.0.0.3:0                   Masq    1      0          0         \n")
    }

    /// The real dump of fidelity.md §4.2 restores and saves back identically; -Ln sorts the
    /// tasks by address although the kernel list is newest first (--nosort shows that).
    @Test func dockerSaveRoundTrip() throws {
        let dump = """
            -A -f 268 -s rr
            -a -f 268 -r 192.168.200.35:0 -m -w 1
            -a -f 268 -r 192.168.200.36:0 -m -w 1
            -a -f 268 -r 192.168.200.37:0 -m -w 1

            """
        let ipvs = IPVS()
        try ipvs.restore(ipvsadmSave: dump, now: .zero)
        #expect(ipvs.ipvsadmSave() == dump)
        #expect(
            ipvs.ipvsadmSave(sort: false) == """
                -A -f 268 -s rr
                -a -f 268 -r 192.168.200.37:0 -m -w 1
                -a -f 268 -r 192.168.200.36:0 -m -w 1
                -a -f 268 -r 192.168.200.35:0 -m -w 1

                """)
        let rows = "  -> 192.168.200.35:0             Masq    1      0          0         \n"
            + "  -> 192.168.200.36:0             Masq    1      0          0         \n"
            + "  -> 192.168.200.37:0             Masq    1      0          0         \n"
        #expect(ipvs.ipvsadmList() == Self.header + Self.title + "FWM  268 rr\n" + rows)
    }

    /// Address services, forwarding methods, scheduler flags, the service sort (fwmark 0
    /// first, then protocol TCP < UDP, then address and port).
    static func mixed() throws -> IPVS {
        let ipvs = IPVS()
        try ipvs.restore(
            ipvsadmSave: """
                -A -f 256 -s rr
                -a -f 256 -r 10.0.0.3:0 -m -w 1
                -A -u 10.0.0.2:53 -s sh -b sh-fallback,sh-port
                -a -u 10.0.0.2:53 -r 10.0.0.21:53 -m -w 1
                -A -t 10.0.0.2:80 -s wlc
                -a -t 10.0.0.2:80 -r 10.0.0.12:80 -i -w 0
                -a -t 10.0.0.2:80 -r 10.0.0.11:80 -g -w 2
                """, now: .zero)
        return ipvs
    }

    @Test func mixedListing() throws {
        let ipvs = try Self.mixed()
        let expected = Self.header + Self.title
            + "TCP  10.0.0.2:80 wlc\n"
            + "  -> 10.0.0.11:80                 Route   2      0          0         \n"
            + "  -> 10.0.0.12:80                 Tunnel  0      0          0         \n"
            + "UDP  10.0.0.2:53 sh (sh-fallback,sh-port)\n"
            + "  -> 10.0.0.21:53                 Masq    1      0          0         \n"
            + "FWM  256 rr\n"
            + "  -> 10.0.0.3:0                   Masq    1      0          0         \n"
        #expect(ipvs.ipvsadmList() == expected)
    }

    @Test func mixedSaveRoundTrips() throws {
        let ipvs = try Self.mixed()
        let save = """
            -A -t 10.0.0.2:80 -s wlc
            -a -t 10.0.0.2:80 -r 10.0.0.11:80 -g -w 2
            -a -t 10.0.0.2:80 -r 10.0.0.12:80 -i -w 0 --tun-type ipip
            -A -u 10.0.0.2:53 -s sh -b sh-fallback,sh-port
            -a -u 10.0.0.2:53 -r 10.0.0.21:53 -m -w 1
            -A -f 256 -s rr
            -a -f 256 -r 10.0.0.3:0 -m -w 1

            """
        #expect(ipvs.ipvsadmSave() == save)
        // The save output (with ipvsadm's `--tun-type ipip`) restores to the same state.
        let copy = IPVS()
        try copy.restore(ipvsadmSave: save, now: .zero)
        #expect(copy.ipvsadmSave() == save)
    }

    /// libipvs compares addresses as `int(ntohl(a) - ntohl(b))`: 10.0.0.1 - 192.168.0.1 wraps
    /// to a positive number, so real ipvsadm lists 192.168.0.1 before 10.0.0.1.
    @Test func sortFollowsLibipvsWrappingCompare() throws {
        let ipvs = IPVS()
        try ipvs.apply(ipvsadm: "-A -f 1 -s rr", now: .zero)
        for server in ["10.0.0.2", "192.168.0.1", "10.0.0.1"] {
            try ipvs.apply(ipvsadm: "-a -f 1 -r \(server) -m", now: .zero)
        }
        let order = ipvs.ipvsadmSave().split(separator: "\n").dropFirst().map { $0.split(separator: " ")[4] }
        #expect(order == ["192.168.0.1:0", "10.0.0.1:0", "10.0.0.2:0"])
    }

    /// `--stats` after traffic, `--thresholds`, `--persistent-conn`.
    @Test func statsThresholdsAndPersistentFormats() throws {
        let ipvs = IPVS(sysctls: .docker)
        try ipvs.restore(
            ipvsadmSave: """
                -A -f 256 -s rr
                -a -f 256 -r 10.0.1.5:0 -m -w 1 -x 100 -y 50
                -a -f 256 -r 10.0.1.7:0 -m -w 1
                """, now: .zero)
        let syn = IPVSPacket(
            protocolNumber: .tcp, sourceAddress: IPVSTest.ip("10.0.1.3"), sourcePort: 40000,
            destinationAddress: IPVSTest.ip("10.0.1.2"), destinationPort: 80, tcpFlags: .syn, mark: 256, length: 60)
        let c = try #require(ipvs.inbound(syn, now: .zero).connection)
        var ack = syn
        ack.tcpFlags = .ack
        ack.length = 52
        _ = ipvs.inbound(ack, now: .zero)
        _ = ipvs.outbound(
            IPVSPacket(
                protocolNumber: .tcp, sourceAddress: c.destinationAddress, sourcePort: 80,
                destinationAddress: c.clientAddress, destinationPort: 40000, tcpFlags: [.syn, .ack], length: 60),
            now: .zero)
        #expect(
            ipvs.ipvsadmList(format: .stats) == Self.header
                + "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
                + "  -> RemoteAddress:Port\n"
                + "FWM  256                                 1        2        1      112       60\n"
                + "  -> 10.0.1.5:0                          0        0        0        0        0\n"
                + "  -> 10.0.1.7:0                          1        2        1      112       60\n")
        #expect(
            ipvs.ipvsadmList(format: .thresholds) == Self.header
                + "Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n"
                + "  -> RemoteAddress:Port\n"
                + "FWM  256 rr\n"
                + "  -> 10.0.1.5:0                   100        50         0          0         \n"
                + "  -> 10.0.1.7:0                   0          0          1          0         \n")
        #expect(
            ipvs.ipvsadmList(format: .persistentConnections) == Self.header
                + "Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn \n"
                + "  -> RemoteAddress:Port\n"
                + "FWM  256 rr\n"
                + "  -> 10.0.1.5:0                   1         0           0          0         \n"
                + "  -> 10.0.1.7:0                   1         0           1          0         \n")
        try ipvs.apply(ipvsadm: "-Z", now: .zero)
        #expect(ipvs.ipvsadmList(format: .stats).contains("FWM  256                                 0        0"))
    }

    /// `print_largenum`: `%9llu` below 100 million, then K/M/G/T with `%8llu`; `--exact`.
    @Test(arguments: [
        (UInt64(99_999_999), false, " 99999999"), (100_000_000, false, "  100000K"),
        (1_234_567_890, false, "    1234M"), (123_456_789_012, false, "     123G"),
        (100_000_000_000_000, false, "     100T"), (123_456_789_012, true, " 123456789012"), (7, true, "        7"),
    ])
    func largeNumbers(value: UInt64, exact: Bool, text: String) {
        #expect(IPVS.largeNumber(value, exact: exact) == text)
    }

    /// glibc's merge sort reproduced: stable, splits at n/2.
    @Test func mergeSortIsStable() {
        let items = [(3, "a"), (1, "b"), (3, "c"), (2, "d"), (1, "e")]
        let sorted = IPVS.glibcMergeSort(items) { $0.0 - $1.0 }
        #expect(sorted.map(\.1) == ["b", "e", "d", "a", "c"])
    }
}

@Suite struct IPVSAdmParseTests {
    /// Commands as libnetwork's calls spell them, and ipvsadm's defaults.
    @Test func parsesProgrammingCommands() throws {
        let add = try #require(try IPVSAdmCommand.parse("ipvsadm -A -f 256 -s rr"))
        #expect(add.kind == .addService)
        #expect(add.service == .fwmark(256))
        #expect(add.scheduler == "rr")

        let dest = try #require(try IPVSAdmCommand.parse("-a -f 256 -r 10.0.0.3:0 -m -w 1"))
        #expect(dest.kind == .addServer)
        #expect(dest.destination == IPVSDestinationSpec(address: IPVSTest.ip("10.0.0.3"), port: 0, weight: 1))

        let defaults = try #require(try IPVSAdmCommand.parse("-a -t 10.0.0.2:80 -r 10.0.0.11"))
        #expect(defaults.destination?.port == 80)  // copied from the service
        #expect(defaults.destination?.forwarding == .directRoute)  // -g is the default
        #expect(defaults.destination?.weight == 1)

        let dr = try #require(try IPVSAdmCommand.parse("-a -t 10.0.0.2:80 -r 10.0.0.11:8080 -g"))
        #expect(dr.destination?.port == 80)  // DR/tunnel use the service port
        let nat = try #require(try IPVSAdmCommand.parse("-a -t 10.0.0.2:80 -r 10.0.0.11:8080 -m"))
        #expect(nat.destination?.port == 8080)

        let wlc = try #require(try IPVSAdmCommand.parse("-A -t 10.0.0.2:80"))
        #expect(wlc.scheduler == "wlc")

        let long = try #require(
            try IPVSAdmCommand.parse("--add-service --fwmark-service=300 --scheduler mh --sched-flags mh-port,mh-fallback"))
        #expect(long.service == .fwmark(300))
        #expect(long.scheduler == "mh")
        #expect(long.schedulerFlags == [.mhPort, .mhFallback])

        let cluster = try #require(try IPVSAdmCommand.parse("-Asrr -f 5"))
        #expect(cluster.scheduler == "rr")
        #expect(cluster.service == .fwmark(5))

        let set = try #require(try IPVSAdmCommand.parse("--set 900 120 300"))
        #expect(set.timeouts == [900, 120, 300])

        #expect(try IPVSAdmCommand.parse("   ") == nil)
        #expect(try IPVSAdmCommand.parse("# comment") == nil)
    }

    /// Docker's whole lifecycle through command lines: add, quiesce, delete.
    @Test func programsIPVS() throws {
        let ipvs = IPVS()
        for line in [
            "ipvsadm -A -f 256 -s rr", "ipvsadm -a -f 256 -r 10.0.0.3:0 -m -w 1", "ipvsadm -a -f 256 -r 10.0.0.4:0 -m -w 1",
            "ipvsadm -e -f 256 -r 10.0.0.3:0 -m -w 0", "ipvsadm -d -f 256 -r 10.0.0.4:0", "ipvsadm --set 3600 0 0",
        ] {
            try ipvs.apply(ipvsadm: line, now: .zero)
        }
        #expect(ipvs.ipvsadmSave() == "-A -f 256 -s rr\n-a -f 256 -r 10.0.0.3:0 -m -w 0\n")
        #expect(ipvs.timeouts.tcp == 3600)
        try ipvs.apply(ipvsadm: "-D -f 256", now: .zero)
        #expect(ipvs.ipvsadmSave().isEmpty)
        try ipvs.apply(ipvsadm: "-A -f 1 -s wrr", now: .zero)
        try ipvs.apply(ipvsadm: "-E -f 1 -s lc", now: .zero)
        #expect(ipvs.ipvsadmSave() == "-A -f 1 -s lc\n")
        try ipvs.apply(ipvsadm: "-C", now: .zero)
        #expect(ipvs.services.isEmpty)
    }

    /// Bad input: the error names the line, the column of the offending word and what was
    /// expected, and never traps.
    @Test(arguments: [
        ("-t 10.0.0.2:80 -A", 1, "expected a command"),
        ("-A -f 0", 7, "invalid fwmark value `0' specified"),
        ("-A -f 256 -s rr -s wrr", 17, "multiple 'scheduler' options specified"),
        ("-A -A", 4, "multiple commands specified"),
        ("-a -f 256 -m", 1, "You need to supply the 'real-server' option for the 'add-server' command"),
        ("-A -f 256 -w 2", 11, "Illegal 'weight' option with the 'add-service' command"),
        ("-a -f 256 -r 10.0.0.300", 14, "illegal real server address[:port] specified"),
        ("-a -f 256 -r 10.0.0.3 -w 70000", 26, "illegal weight specified"),
        ("-A -t 10.0.0.2 -s rr", 1, "Zero port specified for non-persistent service"),
        ("-A -t 80 -s rr", 7, "illegal virtual server address[:port] specified"),
        ("-A -f 256 -s rr -p 300", 17, "persistent services are not modelled"),
        ("-A -f 256 -s rr -b sh-port", 20, "incompatible scheduler flag `sh-port'"),
        ("-A -f 256 -s rr -b foo", 20, "invalid scheduler flag `foo'"),
        ("-L -n", 1, "`-L' (list) does not program IPVS"),
        ("-A -f 256 -Q", 11, "unknown option `-Q'"),
        ("--set 900 120", 1, "--set option requires 3 timeout values"),
        ("-A -f 256 extra", 11, "unexpected argument extra"),
        ("-A -f", 4, "option `-f' requires an argument"),
        ("-A --bogus", 4, "unknown option `--bogus'"),
        ("-a -f 1 -r 10.0.0.1 -m -x 5 -x 6", 29, "multiple 'u-threshold' options specified"),
        ("-A -f 1 -o", 9, "one-packet scheduling (-o) is not modelled"),
        ("-a -f 1 -r 10.0.0.1 -m --tun-type ipip", 24, "Tunnel options conflict with forward method"),
        ("-a -f 1 -r 10.0.0.1 -i --tun-type gre", 35, "tunnel type `gre' is not modelled"),
    ])
    func rejectsBadInput(line: String, column: Int, message: String) {
        do {
            _ = try IPVSAdmCommand.parse(line, lineNumber: 3, file: "dump.txt")
            Issue.record("\(line) parsed")
        } catch {
            #expect(error.line == 3)
            #expect(error.column == column, "\(line): \(error)")
            #expect(error.message.hasPrefix(message), "\(line): \(error)")
            #expect(error.description.hasPrefix("dump.txt:3:\(column): error: "))
        }
    }

    /// Kernel refusals point at the command and carry libipvs's message; a restore stops at
    /// the first failing line.
    @Test func kernelErrorsAreLocated() throws {
        let ipvs = IPVS()
        let dump = "-A -f 1 -s rr\n-a -f 1 -r 10.0.0.3\n  -A -f 1 -s rr\n"
        #expect(throws: IPVSAdmError(file: "save", line: 3, column: 3, message: "Service already exists")) {
            try ipvs.restore(ipvsadmSave: dump, now: .zero, file: "save")
        }
        #expect(throws: IPVSAdmError(file: "<ipvsadm>", line: 1, column: 1, message: "Scheduler or persistence engine not found")) {
            try ipvs.apply(ipvsadm: "-A -f 2 -s nope", now: .zero)
        }
        #expect(throws: IPVSAdmError(file: "<ipvsadm>", line: 1, column: 9, message: "Service not defined")) {
            try ipvs.apply(ipvsadm: "ipvsadm -a -f 9 -r 10.0.0.3", now: .zero)
        }
        #expect(throws: IPVSAdmError(file: "<ipvsadm>", line: 1, column: 1, message: "No such destination")) {
            try ipvs.apply(ipvsadm: "-d -f 1 -r 10.0.0.4", now: .zero)
        }
    }

    /// The legality table rows are 34 options wide, as in ipvsadm.c.
    @Test func legalityTableShape() {
        for (_, row) in IPVSAdmCommand.legalOptions { #expect(row.count == IPVSAdmCommand.optionNames.count) }
        #expect(IPVSAdmCommand.optionNames.count == 34)
    }
}
