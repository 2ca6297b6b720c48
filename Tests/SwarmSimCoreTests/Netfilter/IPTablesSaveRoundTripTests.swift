import Testing

@testable import SwarmSimCore

/// iptables-save text in, the same text out: the fixtures of fidelity.md print back byte for
/// byte, and other spellings print as iptables-save prints them.
@Suite struct IPTablesSaveRoundTripTests {
    @Test(arguments: IPTablesFixtures.canonical.map(\.name))
    func fixturePrintsBackByteForByte(_ name: String) throws {
        let text = try #require(IPTablesFixtures.canonical.first { $0.name == name }?.text)
        let ruleset = try IPTablesSave.parse(text)
        #expect(IPTablesSave.print(ruleset) == text)
        // Printing is a fixed point and parsing the print gives the same ruleset.
        #expect(try IPTablesSave.parse(IPTablesSave.print(ruleset)) == ruleset)
    }

    @Test func countersRoundTripWithDashC() throws {
        let ruleset = try IPTablesSave.parse(IPTablesFixtures.host2019Counters)
        #expect(IPTablesSave.print(ruleset, counters: true) == IPTablesFixtures.host2019Printed)
        let counters = ruleset.counters(table: .nat, chain: "PREROUTING")
        #expect(counters.policy == IPTablesCounters(packets: 1432, bytes: 86201))
        #expect(
            counters.rules == [
                IPTablesCounters(packets: 1390, bytes: 83424), IPTablesCounters(packets: 1085, bytes: 65222),
            ])
        // Without -c every counter prints as [0:0], so the text is the same on every run.
        let plain = IPTablesSave.print(ruleset)
        #expect(plain.contains(":PREROUTING ACCEPT [0:0]\n"))
        #expect(!plain.contains("[1390:83424]"))
        // Rules compare without their counters.
        let same = try IPTablesSave.parse(IPTablesSave.print(ruleset))
        #expect(same.tables == ruleset.tables)
    }

    @Test func countersFollowRulesThroughEdits() throws {
        var ruleset = try IPTablesSave.parse(IPTablesFixtures.host2019Counters)
        try ruleset.apply(IPTablesSave.parseCommand("iptables -t nat -I PREROUTING 2 -s 10.0.0.0/8 -j RETURN"))
        try ruleset.apply(IPTablesSave.parseCommand("iptables -t nat -D PREROUTING 1"))
        let counters = ruleset.counters(table: .nat, chain: "PREROUTING").rules
        #expect(counters == [.zero, IPTablesCounters(packets: 1085, bytes: 65222)])
        try ruleset.apply(IPTablesSave.parseCommand("iptables -t nat -A PREROUTING -c 7 700 -j RETURN"))
        #expect(
            ruleset.counters(table: .nat, chain: "PREROUTING").rules.last == IPTablesCounters(packets: 7, bytes: 700))
    }

    /// Inputs and the line iptables-save prints for them: each input, added with
    /// `iptables -t TABLE -A CHAIN INPUT` to a real iptables-legacy 1.8.9 and saved with
    /// iptables-legacy-save, gave the expected line (`IPTablesLinuxTests` checks it again where it can).
    static let spellings: [(table: IPTablesTableName, chain: String, input: String, expected: String)] = [
        (.filter, "INPUT", #"-p tcp --dport 80 -j ACCEPT"#, #"-A INPUT -p tcp -m tcp --dport 80 -j ACCEPT"#),
        (.filter, "INPUT", #"-d 10.0.0.2 -j ACCEPT"#, #"-A INPUT -d 10.0.0.2/32 -j ACCEPT"#),
        (
            .mangle, "PREROUTING", #"-p tcp --dport 81 -j MARK --set-mark 256"#,
            #"-A PREROUTING -p tcp -m tcp --dport 81 -j MARK --set-xmark 0x100/0xffffffff"#
        ),
        (.mangle, "PREROUTING", #"-j MARK --set-mark 0x1/0x3"#, #"-A PREROUTING -j MARK --set-xmark 0x1/0x3"#),
        (.mangle, "PREROUTING", #"-j MARK --or-mark 0x4"#, #"-A PREROUTING -j MARK --set-xmark 0x4/0x4"#),
        (.mangle, "PREROUTING", #"-j MARK --and-mark 0x4"#, #"-A PREROUTING -j MARK --set-xmark 0x0/0xfffffffb"#),
        (.mangle, "PREROUTING", #"-j MARK --xor-mark 4"#, #"-A PREROUTING -j MARK --set-xmark 0x4/0x0"#),
        (
            .filter, "INPUT", #"-p tcp --destination-port 443 --source-port 1024:65535 -j ACCEPT"#,
            #"-A INPUT -p tcp -m tcp --sport 1024:65535 --dport 443 -j ACCEPT"#
        ),
        (
            .filter, "INPUT", #"-p udp --dport 1024: -j ACCEPT"#,
            #"-A INPUT -p udp -m udp --dport 1024:65535 -j ACCEPT"#
        ),
        (.filter, "INPUT", #"-p udp --sport :1023 -j ACCEPT"#, #"-A INPUT -p udp -m udp --sport 0:1023 -j ACCEPT"#),
        (.filter, "INPUT", #"-p tcp --dport 0x50 -j ACCEPT"#, #"-A INPUT -p tcp -m tcp --dport 80 -j ACCEPT"#),
        (.filter, "INPUT", #"-p tcp --dport http -j ACCEPT"#, #"-A INPUT -p tcp -m tcp --dport 80 -j ACCEPT"#),
        (.filter, "INPUT", #"-p tcp --dport 0:65535 -j ACCEPT"#, #"-A INPUT -p tcp -m tcp -j ACCEPT"#),
        (
            .filter, "INPUT", #"-p TCP ! --syn -j DROP"#,
            #"-A INPUT -p tcp -m tcp ! --tcp-flags FIN,SYN,RST,ACK SYN -j DROP"#
        ),
        (
            .filter, "INPUT", #"-p tcp --tcp-flags syn,ack,fin,rst syn -j DROP"#,
            #"-A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j DROP"#
        ),
        (
            .filter, "INPUT", #"-p icmp --icmp-type echo-request -j ACCEPT"#,
            #"-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT"#
        ),
        (
            .filter, "INPUT", #"-p icmp --icmp-type port-unreachable -j ACCEPT"#,
            #"-A INPUT -p icmp -m icmp --icmp-type 3/3 -j ACCEPT"#
        ),
        (
            .filter, "INPUT", #"-p icmp --icmp-type any -j ACCEPT"#,
            #"-A INPUT -p icmp -m icmp --icmp-type any -j ACCEPT"#
        ),
        (
            .filter, "INPUT", #"-p icmp ! --icmp-type 3/4 -j ACCEPT"#,
            #"-A INPUT -p icmp -m icmp ! --icmp-type 3/4 -j ACCEPT"#
        ),
        (.filter, "INPUT", #"-s 10.1 -j ACCEPT"#, #"-A INPUT -s 10.1.0.0/32 -j ACCEPT"#),
        (.filter, "INPUT", #"-s 10.0.0.7/255.255.255.0 -j ACCEPT"#, #"-A INPUT -s 10.0.0.0/24 -j ACCEPT"#),
        (.filter, "INPUT", #"-s 0.0.0.0/0 -i + -p all -j ACCEPT"#, #"-A INPUT -j ACCEPT"#),
        (
            .filter, "INPUT", #"--source 192.168.1.1/16 --in-interface eth0 --protocol udp --jump DROP"#,
            #"-A INPUT -s 192.168.0.0/16 -i eth0 -p udp -j DROP"#
        ),
        (.filter, "INPUT", #"-p 17 --dport 53 -j ACCEPT"#, #"-A INPUT -p udp -m udp --dport 53 -j ACCEPT"#),
        (
            .filter, "INPUT", #"-p tcp -m multiport --dports 80,443,8000:8010 -j ACCEPT"#,
            #"-A INPUT -p tcp -m multiport --dports 80,443,8000:8010 -j ACCEPT"#
        ),
        (
            .filter, "INPUT", #"-m statistic --mode random --probability 0.5 -j ACCEPT"#,
            #"-A INPUT -m statistic --mode random --probability 0.50000000000 -j ACCEPT"#
        ),
        (
            .filter, "INPUT", #"-m statistic --mode random --probability 0.1 -j ACCEPT"#,
            #"-A INPUT -m statistic --mode random --probability 0.10000000009 -j ACCEPT"#
        ),
        (
            .filter, "INPUT", #"-m statistic --mode random ! --probability 0.333 -j ACCEPT"#,
            #"-A INPUT -m statistic --mode random ! --probability 0.33300000010 -j ACCEPT"#
        ),
        (
            .filter, "INPUT", #"-m statistic --mode nth --every 3 --packet 0 -j ACCEPT"#,
            #"-A INPUT -m statistic --mode nth --every 3 --packet 0 -j ACCEPT"#
        ),
        (
            .filter, "INPUT", #"-m state --state NEW,ESTABLISHED -j ACCEPT"#,
            #"-A INPUT -m state --state NEW,ESTABLISHED -j ACCEPT"#
        ),
        (
            .filter, "INPUT", #"-m state --state established,related,new,invalid,untracked -j ACCEPT"#,
            #"-A INPUT -m state --state INVALID,NEW,RELATED,ESTABLISHED,UNTRACKED -j ACCEPT"#
        ),
        (
            .filter, "INPUT", #"-m conntrack ! --ctstate DNAT,SNAT,NEW -j ACCEPT"#,
            #"-A INPUT -m conntrack ! --ctstate NEW,SNAT,DNAT -j ACCEPT"#
        ),
        (
            .filter, "INPUT", #"-m addrtype --dst-type LOCAL -j ACCEPT"#,
            #"-A INPUT -m addrtype --dst-type LOCAL -j ACCEPT"#
        ),
        (
            .filter, "INPUT", #"-m addrtype ! --dst-type local --limit-iface-in -j ACCEPT"#,
            #"-A INPUT -m addrtype ! --dst-type LOCAL --limit-iface-in -j ACCEPT"#
        ),
        (
            .filter, "INPUT", #"-m addrtype --src-type LOC,BROAD -j ACCEPT"#,
            #"-A INPUT -m addrtype --src-type LOCAL,BROADCAST -j ACCEPT"#
        ),
        (.filter, "INPUT", #"-m mark --mark 0x1/0x1 -j ACCEPT"#, #"-A INPUT -m mark --mark 0x1/0x1 -j ACCEPT"#),
        (.filter, "INPUT", #"-m mark ! --mark 256 -j ACCEPT"#, #"-A INPUT -m mark ! --mark 0x100 -j ACCEPT"#),
        (
            .filter, "INPUT", #"-m comment --comment "two words" -j ACCEPT"#,
            #"-A INPUT -m comment --comment "two words" -j ACCEPT"#
        ),
        (
            .filter, "INPUT", #"-m comment --comment plain-word_1 -j ACCEPT"#,
            #"-A INPUT -m comment --comment plain-word_1 -j ACCEPT"#
        ),
        (
            .filter, "INPUT", #"-m comment --comment "a \"quoted\" back\\slash" -j ACCEPT"#,
            #"-A INPUT -m comment --comment "a \"quoted\" back\\slash" -j ACCEPT"#
        ),
        (.filter, "INPUT", #"-j REJECT"#, #"-A INPUT -j REJECT --reject-with icmp-port-unreachable"#),
        (
            .filter, "INPUT", #"-p tcp -j REJECT --reject-with tcp-reset"#,
            #"-A INPUT -p tcp -j REJECT --reject-with tcp-reset"#
        ),
        (
            .filter, "INPUT", #"-j REJECT --reject-with host-prohib"#,
            #"-A INPUT -j REJECT --reject-with icmp-host-prohibited"#
        ),
        (.filter, "INPUT", #"-j LOG --log-prefix "x ""#, #"-A INPUT -j LOG --log-prefix "x ""#),
        (.filter, "INPUT", #"-j LOG --log-prefix abc --log-level warning"#, #"-A INPUT -j LOG --log-prefix abc"#),
        (.filter, "INPUT", #"-j LOG --log-level 7"#, #"-A INPUT -j LOG --log-level 7"#),
        (.filter, "INPUT", #"-g DOCKER-USER"#, #"-A INPUT -g DOCKER-USER"#),
        (
            .filter, "INPUT", #"-p tcp --dport=22 --sp 5 -j ACCEPT"#,
            #"-A INPUT -p tcp -m tcp --sport 5 --dport 22 -j ACCEPT"#
        ),
        (.filter, "INPUT", #"-m tcp -p tcp --dport 22 -j ACCEPT"#, #"-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT"#),
        (
            .filter, "INPUT", #"-m state -p tcp --sport 8080 --state ESTABLISHED,RELATED -j ACCEPT"#,
            #"-A INPUT -p tcp -m state --state RELATED,ESTABLISHED -m tcp --sport 8080 -j ACCEPT"#
        ),
        (.raw, "PREROUTING", #"-p tcp --dport 80 -j TRACE"#, #"-A PREROUTING -p tcp -m tcp --dport 80 -j TRACE"#),
        (
            .nat, "PREROUTING", #"-p tcp -j DNAT --to-destination 10.0.0.1-10.0.0.9:80-90"#,
            #"-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1-10.0.0.9:80-90"#
        ),
        (
            .nat, "PREROUTING", #"-p tcp -j DNAT --to-destination :8080"#,
            #"-A PREROUTING -p tcp -j DNAT --to-destination :8080"#
        ),
        (
            .nat, "PREROUTING", #"-p tcp -j DNAT --to 172.18.0.2:8080"#,
            #"-A PREROUTING -p tcp -j DNAT --to-destination 172.18.0.2:8080"#
        ),
        (
            .nat, "PREROUTING", #"-p tcp --dport 80 -j REDIRECT --to-port 8000"#,
            #"-A PREROUTING -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 8000"#
        ),
        (
            .nat, "PREROUTING", #"-p udp -j REDIRECT --to-ports 8000-8010"#,
            #"-A PREROUTING -p udp -j REDIRECT --to-ports 8000-8010"#
        ),
        (
            .nat, "POSTROUTING", #"-p udp -j MASQUERADE --to-ports 1024-2000"#,
            #"-A POSTROUTING -p udp -j MASQUERADE --to-ports 1024-2000"#
        ),
        (
            .nat, "POSTROUTING", #"-s 127.0.0.11 -p udp --sport 33418 -j SNAT --to-source :53"#,
            #"-A POSTROUTING -s 127.0.0.11/32 -p udp -m udp --sport 33418 -j SNAT --to-source :53"#
        ),
        (
            .nat, "POSTROUTING", #"-j SNAT --to-source 10.0.0.1-10.0.0.1"#,
            #"-A POSTROUTING -j SNAT --to-source 10.0.0.1"#
        ),
        (
            .nat, "OUTPUT", #"-p icmp --icmp echo-request -d 10.255.0.5 -j DNAT --to 127.0.0.1"#,
            #"-A OUTPUT -d 10.255.0.5/32 -p icmp -m icmp --icmp-type 8 -j DNAT --to-destination 127.0.0.1"#
        ),
    ]

    @Test(arguments: spellings)
    func nonCanonicalSpellingsPrintAsIPTablesSaveDoes(
        _ table: IPTablesTableName, _ chain: String, _ input: String, _ expected: String
    ) throws {
        let rule = try IPTablesSave.parseRule(input)
        #expect(IPTablesSave.print(rule: rule, chain: chain) == expected)
        // The canonical line parses back to the same rule.
        let again = try IPTablesSave.parseRule(String(expected.dropFirst("-A \(chain) ".count)))
        #expect(again == rule)
        // And the same through a command on a ruleset of that table.
        var ruleset = IPTablesRuleset()
        try ruleset.newChain("DOCKER-USER")
        try ruleset.apply(IPTablesSave.parseCommand("iptables -t \(table.rawValue) -A \(chain) \(input)"))
        #expect(ruleset.table(table)?.chain(named: chain)?.rules == [rule])
    }

    @Test func equivalentSpellingsAreEqualRules() throws {
        let pairs = [
            ("-p tcp --dport 80 -j ACCEPT", "-p tcp -m tcp --dport 80 -j ACCEPT"),
            ("-s 0.0.0.0/0 -i + -p all -j ACCEPT", "-j ACCEPT"),
            ("-p tcp --dport 0:65535", "-p tcp -m tcp"),
            ("-j LOG --log-level warning", "-j LOG"),
            ("-d 10.0.0.7/24", "-d 10.0.0.0/24"),
            ("-p tcp --syn", "-p tcp --tcp-flags FIN,SYN,RST,ACK SYN"),
            ("-m statistic --mode random --probability 0.5000000001", "-m statistic --mode random --probability 0.5"),
        ]
        for (a, b) in pairs { #expect(try IPTablesSave.parseRule(a) == IPTablesSave.parseRule(b), "\(a)") }
    }

    @Test func ruleSpecificationReadsIntoTheModel() throws {
        let rule = try IPTablesSave.parseRule(
            "-s 1.2.3.4 ! -o eth0 -p tcp ! --dport 80:90 -m mark --mark 0x1/0x3 -j ACCEPT")
        #expect(rule.source == AddressMatch(IPv4Prefix(address: IPv4Address(1, 2, 3, 4), length: 32)))
        #expect(rule.outInterface == InterfaceMatch("eth0", negated: true))
        #expect(rule.protocolMatch == ProtocolMatch(.tcp))
        #expect(
            rule.matches == [
                .tcp(sourcePort: nil, destinationPort: PortMatch(PortRange(80, 90), negated: true), flags: nil),
                .mark(value: 1, mask: 3, negated: false),
            ])
        #expect(rule.target == .accept)
        let nat = try IPTablesSave.parseRule("-p udp -j DNAT --to-destination 10.0.0.1-10.0.0.9:53-54")
        #expect(
            nat.target
                == .dnat(
                    NATRange(addresses: IPv4Address(10, 0, 0, 1)...IPv4Address(10, 0, 0, 9), ports: PortRange(53, 54))))
        let probability = try IPTablesSave.parseRule("-m statistic --mode random --probability 0.1")
        // The kernel keeps the probability in 1/2^31 steps (lround(0x80000000 * p)).
        #expect(
            probability.matches == [.statistic(.random(probability: 214_748_365.0 / 2_147_483_648.0, negated: false))])
        let ipvs = try IPTablesSave.parseRule("-m ipvs --vaddr 10.0.0.0/24 --vport 80")
        guard case .ipvs(let match) = ipvs.matches.first else {
            Issue.record("no ipvs match")
            return
        }
        #expect(match.ipvs == true && match.virtualPort == 80 && match.virtualAddress == IPv4Prefix("10.0.0.0/24"))
        #expect(try IPTablesSave.parseRule("-j DOCKER-USER").target == .jump("DOCKER-USER"))
        #expect(try IPTablesSave.parseRule("-j CONTINUE").target == nil)
        #expect(try IPTablesSave.parseRule("").target == nil)
    }

    @Test func printsRulesBuiltInCode() {
        var rule = IPTablesRule(destination: AddressMatch(IPv4Prefix(address: IPv4Address(10, 0, 0, 10), length: 32)))
        rule.target = .mark(value: 0x108, mask: 0xFFFF_FFFF)
        #expect(
            IPTablesSave.print(rule: rule, chain: "INPUT")
                == "-A INPUT -d 10.0.0.10/32 -j MARK --set-xmark 0x108/0xffffffff")
        #expect(IPTablesSave.print(rule: IPTablesRule(), chain: "INPUT") == "-A INPUT")
        let quarter = IPTablesRule(matches: [.statistic(.random(probability: 0.25, negated: false))])
        #expect(
            IPTablesSave.print(rule: quarter, chain: "X")
                == "-A X -m statistic --mode random --probability 0.25000000000")
        #expect(IPTablesSave.probabilityText(1) == "1.00000000000")
        #expect(IPTablesSave.probabilityText(0) == "0.00000000000")
        #expect(IPTablesSave.probabilityText(1.0 / 3.0) == "0.33333333349")
    }

    @Test func tablesPrintInIPTablesSaveOrderWhateverTheInputOrder() throws {
        let text = """
            *filter
            :INPUT DROP [0:0]
            :FORWARD ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            :zeta - [0:0]
            :Alpha - [0:0]
            :DOCKER - [0:0]
            -A zeta -j RETURN
            -A INPUT -j Alpha
            COMMIT
            *raw
            :PREROUTING ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            COMMIT

            """
        let printed = IPTablesSave.print(try IPTablesSave.parse(text))
        #expect(
            printed == """
                *raw
                :PREROUTING ACCEPT [0:0]
                :OUTPUT ACCEPT [0:0]
                COMMIT
                *filter
                :INPUT DROP [0:0]
                :FORWARD ACCEPT [0:0]
                :OUTPUT ACCEPT [0:0]
                :Alpha - [0:0]
                :DOCKER - [0:0]
                :zeta - [0:0]
                -A INPUT -j Alpha
                -A zeta -j RETURN
                COMMIT

                """)
    }

    @Test func quotingFollowsIPTablesRestore() throws {
        let text = #"-m comment --comment "tab\"# + "\t" + #"and \"quote\"" -j LOG --log-prefix "x ""#
        let rule = try IPTablesSave.parseRule(text)
        #expect(rule.matches == [.comment("tab\tand \"quote\"")])
        #expect(rule.target == .log(prefix: "x ", level: nil))
        // An empty quoted word is a word; a backslash outside quotes is an ordinary character.
        #expect(try IPTablesSave.parseRule(#"-m comment --comment a\b"#).matches == [.comment(#"a\b"#)])
        #expect(IPTablesSave.saveString("it's") == #""it\'s""#)
        #expect(IPTablesSave.saveString("") == #""""#)
    }
}
