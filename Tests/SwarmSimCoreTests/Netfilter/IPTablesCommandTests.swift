import Testing

@testable import SwarmSimCore

/// The commands libnetwork runs, applied to a ruleset, print as the real dumps of fidelity.md.
@Suite struct IPTablesCommandTests {
    /// Applies each command line in order to an empty ruleset.
    static func program(_ commands: [String]) throws -> IPTablesRuleset {
        var ruleset = IPTablesRuleset()
        for line in commands { try ruleset.apply(IPTablesSave.parseCommand(line)) }
        return ruleset
    }

    @Test func parsesTheCommandsLibnetworkRuns() throws {
        let insert = try IPTablesSave.parseCommand(
            "iptables -t nat -I PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS")
        #expect(insert.table == .nat)
        #expect(
            insert.operation
                == .insert(
                    chain: "PREROUTING", position: 1,
                    rule: IPTablesRule(
                        matches: [.addrtype(AddrTypeMatch(destinationTypes: .local))], target: .jump("DOCKER-INGRESS")))
        )
        let mark = try IPTablesSave.parseCommand(
            "iptables -t mangle -A PREROUTING -p tcp --dport 81 -j MARK --set-mark 256")
        #expect(
            mark.operation
                == .append(
                    chain: "PREROUTING",
                    rule: IPTablesRule(
                        protocolMatch: ProtocolMatch(.tcp),
                        matches: [.tcp(sourcePort: nil, destinationPort: PortMatch(PortRange(81)), flags: nil)],
                        target: .mark(value: 256, mask: 0xFFFF_FFFF))))
        let snat = try IPTablesSave.parseCommand(
            "-t nat -A POSTROUTING -m ipvs --ipvs -d 10.0.0.0/24 -j SNAT --to-source 10.0.0.2")
        #expect(
            IPTablesSave.print(rule: try #require(snat.operation.rule), chain: "POSTROUTING")
                == "-A POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.2")
        // The program name, -w/--wait and -W are optional and ignored.
        let waited = try IPTablesSave.parseCommand("/sbin/iptables --wait -w 5 -W 100000 -t nat -N DOCKER")
        #expect(waited == IPTablesCommand(table: .nat, operation: .newChain("DOCKER")))
        #expect(try IPTablesSave.parseCommand("-F") == IPTablesCommand(operation: .flush(chain: nil)))
        #expect(
            try IPTablesSave.parseCommand("iptables -t nat -F DOCKER-INGRESS")
                == IPTablesCommand(table: .nat, operation: .flush(chain: "DOCKER-INGRESS")))
        #expect(try IPTablesSave.parseCommand("iptables -X") == IPTablesCommand(operation: .deleteChain(nil)))
        #expect(
            try IPTablesSave.parseCommand("iptables -P FORWARD DROP")
                == IPTablesCommand(operation: .setPolicy(chain: "FORWARD", policy: .drop)))
        #expect(
            try IPTablesSave.parseCommand("iptables -D FORWARD 2")
                == IPTablesCommand(operation: .deleteNumber(chain: "FORWARD", position: 2)))
        #expect(
            try IPTablesSave.parseCommand("iptables -E OLD NEW")
                == IPTablesCommand(operation: .renameChain("OLD", to: "NEW")))
        #expect(
            try IPTablesSave.parseCommand("iptables -I FORWARD 2 -j DOCKER-INGRESS").operation
                == .insert(chain: "FORWARD", position: 2, rule: IPTablesRule(target: .jump("DOCKER-INGRESS"))))
        #expect(
            try IPTablesSave.parseCommand("iptables --table=nat --append OUTPUT --jump ACCEPT")
                == IPTablesCommand(
                    table: .nat, operation: .append(chain: "OUTPUT", rule: IPTablesRule(target: .accept))))
        #expect(
            try IPTablesSave.parseCommand("iptables -tnat -AOUTPUT -jACCEPT")
                == IPTablesCommand(
                    table: .nat, operation: .append(chain: "OUTPUT", rule: IPTablesRule(target: .accept))))
    }

    /// fidelity.md 6.1 for Docker <= 27.x: the bridge driver's docker_gwbridge rules, then
    /// libnetwork's `programIngress` for a service published on 8080 (`-I` puts the dport rule
    /// before the sport rule and the DNAT before the RETURN).
    static let host27Commands = [
        "iptables -t nat -N DOCKER",
        "iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER",
        "iptables -t nat -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER",
        "iptables -N DOCKER",
        "iptables -N DOCKER-ISOLATION-STAGE-1",
        "iptables -N DOCKER-ISOLATION-STAGE-2",
        "iptables -A DOCKER-ISOLATION-STAGE-1 -j RETURN",
        "iptables -A DOCKER-ISOLATION-STAGE-2 -j RETURN",
        "iptables -I FORWARD -j DOCKER-ISOLATION-STAGE-1",
        "iptables -N DOCKER-USER",
        "iptables -A DOCKER-USER -j RETURN",
        "iptables -I FORWARD -j DOCKER-USER",
        "iptables -P FORWARD DROP",
        "iptables -t nat -A POSTROUTING -s 172.18.0.0/16 ! -o docker_gwbridge -j MASQUERADE",
        "iptables -t nat -I DOCKER -i docker_gwbridge -j RETURN",
        "iptables -A FORWARD -i docker_gwbridge -o docker_gwbridge -j DROP",
        "iptables -I FORWARD 3 -i docker_gwbridge ! -o docker_gwbridge -j ACCEPT",
        "iptables -I FORWARD 3 -o docker_gwbridge -j DOCKER",
        "iptables -I FORWARD 3 -o docker_gwbridge -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
        "iptables -I DOCKER-ISOLATION-STAGE-1 -i docker_gwbridge ! -o docker_gwbridge -j DOCKER-ISOLATION-STAGE-2",
        "iptables -I DOCKER-ISOLATION-STAGE-2 -o docker_gwbridge -j DROP",
        "iptables -t nat -N DOCKER-INGRESS",
        "iptables -N DOCKER-INGRESS",
        "iptables -t nat -A DOCKER-INGRESS -j RETURN",
        "iptables -A DOCKER-INGRESS -j RETURN",
        "iptables -t nat -I PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS",
        "iptables -t nat -I OUTPUT -m addrtype --dst-type LOCAL -j DOCKER-INGRESS",
        "iptables -t nat -I POSTROUTING -m addrtype --src-type LOCAL -o docker_gwbridge -j MASQUERADE",
        "iptables -I FORWARD 2 -j DOCKER-INGRESS",
        "iptables -t nat -I DOCKER-INGRESS -p tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080",
        "iptables -I DOCKER-INGRESS -m state -p tcp --sport 8080 --state ESTABLISHED,RELATED -j ACCEPT",
        "iptables -I DOCKER-INGRESS -p tcp --dport 8080 -j ACCEPT",
    ]

    /// fidelity.md 6.1 for Docker 28.x: DOCKER-FORWARD, DOCKER-CT, and the ingress jump as the
    /// first rule of DOCKER-FORWARD.
    static let host28Commands = [
        "iptables -t nat -N DOCKER",
        "iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER",
        "iptables -t nat -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER",
        "iptables -N DOCKER",
        "iptables -N DOCKER-FORWARD",
        "iptables -N DOCKER-CT",
        "iptables -N DOCKER-ISOLATION-STAGE-1",
        "iptables -N DOCKER-ISOLATION-STAGE-2",
        "iptables -N DOCKER-USER",
        "iptables -A DOCKER-FORWARD -j DOCKER-CT",
        "iptables -A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1",
        "iptables -A FORWARD -j DOCKER-USER",
        "iptables -A FORWARD -j DOCKER-FORWARD",
        "iptables -P FORWARD DROP",
        "iptables -t nat -A POSTROUTING -s 172.18.0.0/16 ! -o docker_gwbridge -j MASQUERADE",
        "iptables -A DOCKER ! -i docker_gwbridge -o docker_gwbridge -j DROP",
        "iptables -A DOCKER-CT -o docker_gwbridge -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
        "iptables -A DOCKER-FORWARD -i docker_gwbridge -o docker_gwbridge -j DROP",
        "iptables -A DOCKER-FORWARD -i docker_gwbridge ! -o docker_gwbridge -j ACCEPT",
        "iptables -A DOCKER-ISOLATION-STAGE-1 -i docker_gwbridge ! -o docker_gwbridge -j DOCKER-ISOLATION-STAGE-2",
        "iptables -A DOCKER-ISOLATION-STAGE-2 -o docker_gwbridge -j DROP",
        "iptables -t nat -N DOCKER-INGRESS",
        "iptables -N DOCKER-INGRESS",
        "iptables -t nat -A DOCKER-INGRESS -j RETURN",
        "iptables -A DOCKER-INGRESS -j RETURN",
        "iptables -t nat -I PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS",
        "iptables -t nat -I OUTPUT -m addrtype --dst-type LOCAL -j DOCKER-INGRESS",
        "iptables -t nat -I POSTROUTING -m addrtype --src-type LOCAL -o docker_gwbridge -j MASQUERADE",
        "iptables -I DOCKER-FORWARD -j DOCKER-INGRESS",
        "iptables -t nat -I DOCKER-INGRESS -p tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080",
        "iptables -I DOCKER-INGRESS -p tcp --sport 8080 -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
        "iptables -I DOCKER-INGRESS -p tcp --dport 8080 -j ACCEPT",
    ]

    /// fidelity.md 6.2: `configureFWMark` in ingress_sbox (fwmark 0x108 = 264).
    static let ingressSandboxCommands = [
        "iptables -t mangle -A PREROUTING -p tcp --dport 80 -j MARK --set-mark 264",
        "iptables -t nat -A POSTROUTING -m ipvs --ipvs -d 10.0.0.0/24 -j SNAT --to-source 10.0.0.7",
        "iptables -t mangle -A INPUT -d 10.0.0.10/32 -j MARK --set-mark 264",
    ]

    /// fidelity.md 4.2: `configureFWMark` in an lb_ namespace (fwmark 0x10c = 268).
    static let loadBalancerCommands = [
        "iptables -t nat -A POSTROUTING -m ipvs --ipvs -d 192.168.200.0/24 -j SNAT --to-source 192.168.200.38",
        "iptables -t mangle -A INPUT -d 192.168.200.34/32 -j MARK --set-mark 268",
    ]

    /// fidelity.md 6.2: `addRedirectRules` in a task sandbox (libnetwork writes `--to-port`, an
    /// abbreviation iptables accepts).
    static let taskCommands = [
        "iptables -t nat -A PREROUTING -d 10.255.0.7 -p tcp --dport 80 -j REDIRECT --to-port 8000",
        "iptables -A INPUT -d 10.255.0.7 -p tcp --dport 8000 -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT",
        "iptables -A OUTPUT -s 10.255.0.7 -p tcp --sport 8000 -m conntrack --ctstate ESTABLISHED -j ACCEPT",
        "iptables -A INPUT -d 10.255.0.7 -p udp -j DROP",
        "iptables -A INPUT -d 10.255.0.7 -p tcp -j DROP",
        "iptables -A INPUT -d 10.255.0.7 -p sctp -j DROP",
        "iptables -A OUTPUT -s 10.255.0.7 -p udp -j DROP",
        "iptables -A OUTPUT -s 10.255.0.7 -p tcp -j DROP",
        "iptables -A OUTPUT -s 10.255.0.7 -p sctp -j DROP",
    ]

    /// fidelity.md 5: the embedded DNS rules (`-I`, so TCP ends up before UDP).
    static let dnsCommands = [
        "iptables -t nat -N DOCKER_OUTPUT",
        "iptables -t nat -N DOCKER_POSTROUTING",
        "iptables -t nat -I DOCKER_OUTPUT -d 127.0.0.11 -p udp --dport 53 -j DNAT --to-destination 127.0.0.11:33418",
        "iptables -t nat -I DOCKER_POSTROUTING -s 127.0.0.11 -p udp --sport 33418 -j SNAT --to-source :53",
        "iptables -t nat -I DOCKER_OUTPUT -d 127.0.0.11 -p tcp --dport 53 -j DNAT --to-destination 127.0.0.11:35163",
        "iptables -t nat -I DOCKER_POSTROUTING -s 127.0.0.11 -p tcp --sport 35163 -j SNAT --to-source :53",
        "iptables -t nat -A OUTPUT -d 127.0.0.11 -j DOCKER_OUTPUT",
        "iptables -t nat -A POSTROUTING -d 127.0.0.11 -j DOCKER_POSTROUTING",
    ]

    /// fidelity.md 4.5: pre-18.09 per-container rules, as libnetwork wrote them (`--icmp` and
    /// `--to` are abbreviations of `--icmp-type` and `--to-destination`).
    static let pre1809Commands = [
        "iptables -t mangle -A OUTPUT -d 10.255.0.5/32 -j MARK --set-mark 256",
        "iptables -t nat -A OUTPUT -p icmp --icmp echo-request -d 10.255.0.5 -j DNAT --to 127.0.0.1",
        "iptables -t nat -A POSTROUTING -m ipvs --ipvs -d 10.255.0.0/16 -j SNAT --to-source 10.255.0.2",
    ]

    /// Each fixture with the commands that build it.
    static let programs: [(name: String, commands: [String], dump: String)] = [
        ("host27", host27Commands, IPTablesFixtures.host27), ("host28", host28Commands, IPTablesFixtures.host28),
        ("ingressSandbox", ingressSandboxCommands, IPTablesFixtures.ingressSandbox),
        ("loadBalancer", loadBalancerCommands, IPTablesFixtures.loadBalancerSandbox),
        ("task", taskCommands, IPTablesFixtures.taskSandbox), ("dns", dnsCommands, IPTablesFixtures.dnsSandbox),
        ("pre1809", pre1809Commands, IPTablesFixtures.pre1809Container),
    ]

    @Test(arguments: programs.map(\.name))
    func libnetworkCommandsPrintAsTheRealDump(_ name: String) throws {
        let program = try #require(IPTablesCommandTests.programs.first { $0.name == name })
        let ruleset = try IPTablesCommandTests.program(program.commands)
        #expect(IPTablesSave.print(ruleset) == program.dump)
        #expect(ruleset == (try IPTablesSave.parse(program.dump)))
    }

    @Test func removalCommandsUndoTheProgramming() throws {
        // libnetwork's removal path: the same rules with -D, then -F and -X of its chains.
        var ruleset = try IPTablesCommandTests.program(IPTablesCommandTests.host27Commands)
        for line in [
            "iptables -t nat -D DOCKER-INGRESS -p tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080",
            "iptables -D DOCKER-INGRESS -m state -p tcp --sport 8080 --state ESTABLISHED,RELATED -j ACCEPT",
            "iptables -D DOCKER-INGRESS -p tcp --dport 8080 -j ACCEPT",
        ] {
            try ruleset.apply(IPTablesSave.parseCommand(line))
        }
        let table = try #require(ruleset.table(.filter))
        #expect(table.chain(named: "DOCKER-INGRESS")?.rules == [IPTablesRule(target: .return)])
        // -C is how libnetwork asks whether a rule exists.
        try ruleset.apply(IPTablesSave.parseCommand("iptables -C FORWARD -j DOCKER-INGRESS"))
        #expect(throws: IPTablesCommandError.noMatchingRule) {
            try ruleset.apply(IPTablesSave.parseCommand("iptables -C DOCKER-INGRESS -p tcp --dport 8080 -j ACCEPT"))
        }
        // A referenced chain cannot be deleted; once unreferenced and flushed it can.
        #expect(throws: IPTablesCommandError.chainReferenced) { try ruleset.deleteChain("DOCKER-INGRESS") }
        try ruleset.delete(IPTablesRule(target: .jump("DOCKER-INGRESS")), from: "FORWARD")
        #expect(throws: IPTablesCommandError.chainNotEmpty) { try ruleset.deleteChain("DOCKER-INGRESS") }
        try ruleset.flush(chain: "DOCKER-INGRESS")
        try ruleset.deleteChain("DOCKER-INGRESS")
        #expect(ruleset.table(.filter)?.chain(named: "DOCKER-INGRESS") == nil)
    }

    @Test func operationsFailAsIPTablesReportsThem() throws {
        var ruleset = IPTablesRuleset()
        #expect(throws: IPTablesCommandError.noSuchChain) { try ruleset.append(IPTablesRule(), to: "NOPE") }
        #expect(throws: IPTablesCommandError.noSuchTarget("NOPE")) {
            try ruleset.append(IPTablesRule(target: .jump("NOPE")), to: "INPUT")
        }
        #expect(throws: IPTablesCommandError.invalidArgument) {
            try ruleset.append(IPTablesRule(target: .jump("OUTPUT")), to: "INPUT")
        }
        try ruleset.newChain("A")
        try ruleset.newChain("B")
        #expect(throws: IPTablesCommandError.chainExists) { try ruleset.newChain("A") }
        #expect(throws: IPTablesCommandError.notBuiltinChain) { try ruleset.setPolicy(.drop, for: "A") }
        #expect(throws: IPTablesCommandError.invalidArgument) { try ruleset.deleteChain("INPUT") }
        // Loops are refused only once a built-in chain reaches them, as the kernel walks the
        // table from its hooks.
        try ruleset.append(IPTablesRule(target: .jump("B")), to: "A")
        try ruleset.append(IPTablesRule(target: .jump("A")), to: "B")
        #expect(throws: IPTablesCommandError.loop) { try ruleset.append(IPTablesRule(target: .goto("A")), to: "INPUT") }
        #expect(ruleset.table(.filter)?.chain(named: "INPUT")?.rules == [])
        try ruleset.flush(chain: "B")
        try ruleset.append(IPTablesRule(target: .goto("A")), to: "INPUT")
        #expect(throws: IPTablesCommandError.loop) { try ruleset.insert(IPTablesRule(target: .jump("A")), into: "B") }
        #expect(throws: IPTablesCommandError.insertionTooBig) {
            try ruleset.insert(IPTablesRule(), at: 3, into: "INPUT")
        }
        #expect(throws: IPTablesCommandError.deletionTooBig) { try ruleset.delete(at: 2, from: "INPUT") }
        #expect(throws: IPTablesCommandError.noMatchingRule) {
            try ruleset.delete(IPTablesRule(target: .drop), from: "INPUT")
        }
        #expect(throws: IPTablesCommandError.chainReferenced) { try ruleset.deleteChain() }
        #expect(throws: IPTablesCommandError(.chainExists, "File exists.")) { try ruleset.renameChain("A", to: "B") }
        try ruleset.renameChain("A", to: "C")
        #expect(ruleset.table(.filter)?.chain(named: "INPUT")?.rules == [IPTablesRule(target: .goto("C"))])
        #expect(IPTablesSave.print(ruleset).contains(":B - [0:0]\n:C - [0:0]\n"))
        try ruleset.flush()
        try ruleset.deleteChain()
        #expect(ruleset.table(.filter)?.chains.map(\.name) == ["INPUT", "FORWARD", "OUTPUT"])
        #expect(IPTablesCommandError.chainReferenced.description == "iptables: Too many links.")
    }

    /// The kernel's refusals, with the lines it logs (as seen in dmesg on Linux 6.18).
    @Test(arguments: [
        (
            ["-t nat -A POSTROUTING -p tcp -j DNAT --to 1.2.3.4"],
            "x_tables: ip_tables: DNAT target: used from hooks POSTROUTING, but only usable from PREROUTING/OUTPUT"
        ),
        (
            ["-t nat -A PREROUTING -j SNAT --to 1.2.3.4"],
            "x_tables: ip_tables: SNAT target: used from hooks PREROUTING, but only usable from INPUT/POSTROUTING"
        ),
        (
            ["-t nat -A OUTPUT -j MASQUERADE"],
            "x_tables: ip_tables: MASQUERADE target: used from hooks OUTPUT, but only usable from POSTROUTING"
        ),
        (
            ["-t nat -A POSTROUTING -j REDIRECT"],
            "x_tables: ip_tables: REDIRECT target: used from hooks POSTROUTING, but only usable from PREROUTING/OUTPUT"
        ),
        (
            ["-t mangle -A INPUT -j REJECT"],
            "x_tables: ip_tables: REJECT target: only valid in filter table, not mangle"
        ),
        (["-t filter -A INPUT -j TRACE"], "x_tables: ip_tables: TRACE target: only valid in raw table, not filter"),
        (
            ["-t raw -A OUTPUT -j DNAT --to 1.2.3.4"],
            "x_tables: ip_tables: DNAT target: only valid in nat table, not raw"
        ),
        (
            ["-A OUTPUT -m addrtype --src-type LOCAL --limit-iface-in"],
            "xt_addrtype: input interface limitation not valid in POSTROUTING and OUTPUT"
        ),
        (
            ["-A INPUT -m addrtype --src-type LOCAL --limit-iface-out"],
            "xt_addrtype: output interface limitation not valid in PREROUTING and INPUT"
        ),
        // Through a user chain: the hooks that reach it count.
        (
            ["-t nat -N X", "-t nat -A X -j DNAT --to 1.2.3.4", "-t nat -A OUTPUT -j X", "-t nat -A POSTROUTING -j X"],
            "x_tables: ip_tables: DNAT target: used from hooks OUTPUT/POSTROUTING, but only usable from PREROUTING/OUTPUT"
        ),
    ])
    func theKernelRefusesTargetsOutsideTheirTablesAndHooks(_ commands: [String], _ log: String) throws {
        var ruleset = IPTablesRuleset()
        for command in commands.dropLast() { try ruleset.apply(IPTablesSave.parseCommand(command)) }
        let rules = { (ruleset: IPTablesRuleset) in ruleset.tables.flatMap(\.chains).map(\.rules.count).reduce(0, +) }
        let before = rules(ruleset)
        do {
            try ruleset.apply(IPTablesSave.parseCommand(try #require(commands.last)))
            Issue.record("accepted \(commands)")
        } catch let error as IPTablesCommandError {
            #expect(error.kind == .invalidArgument)
            #expect(error.kernelLog == log)
            #expect(error.description == "iptables: Invalid argument. Run `dmesg' for more information.")
        }
        // Nothing was added (the table itself exists now, as the kernel creates it on first use).
        #expect(rules(ruleset) == before)
    }

    @Test func theKernelAcceptsTargetsWhereTheyAreRegistered() throws {
        _ = try IPTablesCommandTests.program([
            "-t nat -A INPUT -j SNAT --to-source 1.2.3.4", "-t nat -A PREROUTING -j REDIRECT",
            "-t raw -A PREROUTING -j MARK --set-mark 1", "-A INPUT -j MARK --set-mark 1",
            "-A FORWARD -m addrtype --src-type LOCAL --limit-iface-in", "-t nat -A PREROUTING -j LOG",
            "-t raw -A PREROUTING -j TRACE", "-A FORWARD -j REJECT",
            // A user chain no hook reaches is only checked for its table.
            "-t nat -N Y", "-t nat -A Y -j DNAT --to 1.2.3.4", "-t nat -A Y -j SNAT --to 1.2.3.4",
        ])
    }

    @Test func aTableAppearsOnFirstUseWithItsBuiltinChains() throws {
        var ruleset = IPTablesRuleset()
        #expect(ruleset.tables.isEmpty)
        #expect(try ruleset.contains(IPTablesRule(), in: "PREROUTING", table: .raw) == false)
        try ruleset.setPolicy(.drop, for: "FORWARD")
        try ruleset.newChain("X", in: .nat)
        try ruleset.append(IPTablesRule(target: .trace), to: "OUTPUT", in: .raw)
        #expect(ruleset.tables.map(\.name) == [.raw, .nat, .filter])
        #expect(ruleset.table(.nat)?.chains.map(\.name) == ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING", "X"])
        #expect(ruleset.table(.filter)?.chain(named: "FORWARD")?.policy == .drop)
    }
}

extension IPTablesCommand.Operation {
    /// The rule of an operation that carries one.
    var rule: IPTablesRule? {
        switch self {
        case .append(_, let rule), .insert(_, _, let rule), .replace(_, _, let rule), .delete(_, let rule),
            .check(_, let rule):
            rule
        default: nil
        }
    }
}
