import Testing

@testable import SwarmSimCore

/// Bad input is an `IPTablesSaveError` that points at the offending word, never a trap.
@Suite struct IPTablesSaveErrorTests {
    enum Input: Sendable {
        case rule(String)
        case command(String)
        case file(String)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let input: Input
        let line: Int
        let column: Int
        let message: String

        init(_ input: Input, _ line: Int, _ column: Int, _ message: String) {
            self.input = input
            self.line = line
            self.column = column
            self.message = message
        }

        var testDescription: String { message }
    }

    /// A file whose line 7 is `rule`, the lines before it valid.
    static func fileWithLine7(_ rule: String) -> Input {
        .file("# test\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n\n\(rule)\nCOMMIT\n")
    }

    static let cases: [Case] = [
        // Values.
        Case(
            .rule("-p tcp --dport http8 -j ACCEPT"), 1, 16, #"expected a port or port range after --dport, got "http8""#
        ),
        Case(
            fileWithLine7("-A INPUT -p tcp --dport http8 -j ACCEPT"), 7, 25,
            #"expected a port or port range after --dport, got "http8""#),
        Case(.rule("-p udp --sport 65536"), 1, 16, #"expected a port or port range after --sport, got "65536""#),
        Case(.rule("-p tcp --dport 90:80"), 1, 16, #"expected a port or port range after --dport, got "90:80""#),
        Case(.rule("-s 10.0.0.300 -j DROP"), 1, 4, #"expected an address after -s, got "10.0.0.300""#),
        Case(.rule("-d 10.0.0.0/33"), 1, 4, #"expected an address after -d, got "10.0.0.0/33" (bad mask)"#),
        Case(
            .rule("-d 10.0.0.0/255.0.255.0"), 1, 4,
            #"expected an address after -d, got "10.0.0.0/255.0.255.0" (non-contiguous masks are not supported by the model)"#
        ),
        Case(.rule("-p foo"), 1, 4, #"expected a protocol after -p, got "foo""#),
        Case(.rule("! -p all"), 1, 6, "rule would never match protocol"),
        Case(.rule("-m mark --mark 1/2/3"), 1, 16, #"expected a mark VALUE[/MASK] after --mark, got "1/2/3""#),
        Case(
            .rule("-p icmp --icmp-type echo"), 1, 21,
            #"expected an ICMP type (a name, TYPE or TYPE/CODE) after --icmp-type, got "echo" (ambiguous: echo-reply or echo-request)"#
        ),
        Case(
            .rule("-m state --state NEW,"), 1, 18,
            #"expected states (NEW, ESTABLISHED, RELATED, INVALID, UNTRACKED) after --state, got "NEW," (a list of states with no spaces, e.g. ESTABLISHED,RELATED)"#
        ),
        Case(
            .rule("-m conntrack --ctstate NEW,BOGUS"), 1, 24,
            #"expected conntrack states (NEW, ESTABLISHED, ...) after --ctstate, got "NEW,BOGUS" (bad state "BOGUS")"#),
        Case(
            .rule("-m statistic --mode random --probability 1.5"), 1, 42,
            #"expected a probability between 0 and 1 after --probability, got "1.5""#),
        Case(
            .rule("-p tcp -j DNAT --to-destination 1.2.3.4:99999"), 1, 33,
            #"expected an address, address range and/or :port range after --to-destination, got "1.2.3.4:99999" (port "99999" not valid)"#
        ),
        Case(
            .rule("-j DNAT --to-destination 1.2.3.4:80"), 1, 26,
            #"expected an address, address range and/or :port range after --to-destination, got "1.2.3.4:80" (ports need -p tcp, udp, sctp, dccp or icmp)"#
        ),
        Case(
            .rule("-j SNAT --to-source 10.0.0.9-10.0.0.1"), 1, 21,
            #"expected an address, address range and/or :port range after --to-source, got "10.0.0.9-10.0.0.1" (address range is backwards)"#
        ),
        Case(
            .rule("-j REJECT --reject-with bogus"), 1, 25,
            #"expected a reject type (icmp-port-unreachable, tcp-reset, ...) after --reject-with, got "bogus""#),
        Case(
            .rule("-p udp -j REJECT --reject-with tcp-reset"), 1, 32,
            "REJECT: --reject-with tcp-reset is only valid with -p tcp"),
        Case(
            .rule("-j LOG --log-prefix 012345678901234567890123456789"), 1, 21,
            #"expected a prefix of 1 to 29 bytes after --log-prefix, got "012345678901234567890123456789""#),
        Case(
            .rule("-i averyveryverylongname"), 1, 4,
            #"interface name "averyveryverylongname" must be shorter than IFNAMSIZ (15)"#),
        // Missing values.
        Case(.rule("-p tcp --dport"), 1, 8, "expected a port or port range after --dport"),
        Case(.rule("-p tcp -j"), 1, 8, "expected a target or chain after -j"),
        Case(.rule("-p tcp --tcp-flags SYN"), 1, 20, "--tcp-flags requires two arguments"),
        Case(.rule("-m comment"), 1, 4, #"comment: option "--comment" must be specified"#),
        Case(.rule("-j MARK"), 1, 4, "MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required"),
        Case(.rule("-j DNAT"), 1, 4, #"DNAT: option "--to-destination" must be specified"#),
        Case(
            .rule("-m statistic --mode nth --every 2"), 1, 25, #"statistic: option "--every" also requires "--packet""#),
        Case(.rule("-m addrtype --limit-iface-in"), 1, 4, "addrtype: you must specify --src-type or --dst-type"),
        // Modules and options.
        Case(.rule("-m foo -j ACCEPT"), 1, 4, "Couldn't load match `foo':No such file or directory"),
        Case(.rule("-m u32 --u32 0x0=0x0"), 1, 4, #"match "u32" is not supported by the model"#),
        Case(.rule("-m tcp --state NEW"), 1, 8, #"unknown option "--state""#),
        Case(
            .rule("-m tcp --dport 80"), 1, 4,
            "match tcp is only valid with -p tcp (the kernel refuses it: Invalid argument)"),
        Case(.rule("-p tcp --dport 80 --dport 81"), 1, 19, #"tcp: option "--dport" can only be used once"#),
        Case(.rule("-p tcp --tcp-option 2"), 1, 8, "option --tcp-option of match tcp is not supported by the model"),
        Case(
            .rule("-m conntrack --ctproto tcp"), 1, 14,
            "option --ctproto of match conntrack is not supported by the model"),
        Case(
            .rule("-p tcp -j SNAT --to-source 1.2.3.4 --random"), 1, 36,
            "option --random of target SNAT is not supported by the model"),
        Case(.rule("-j CT --notrack"), 1, 4, #"target "CT" is not supported by the model"#),
        Case(.rule("-m state ! --state NEW ! --comment x"), 1, 26, #"unknown option "--comment""#),
        Case(.rule("-p tcp ! --tcp-flags"), 1, 10, "expected TCP flags after --tcp-flags"),
        Case(.rule("-m statistic ! --mode random"), 1, 14, #"statistic: option "--mode" cannot be inverted"#),
        Case(
            .rule("-p tcp --d 80"), 1, 8,
            #"option "--d" is ambiguous (--delete, --delete-chain, --destination, --dst, --destination-port, --dport)"#),
        Case(.rule("-f"), 1, 1, "-f (second and further fragments) is not supported by the model"),
        // Negation and structure.
        Case(.rule("! ! -s 1.2.3.4"), 1, 3, "multiple consecutive ! not allowed"),
        Case(.rule("-s 1.2.3.4 !"), 1, 12, "nothing appropriate following !"),
        Case(.rule("! -j ACCEPT"), 1, 1, "cannot have ! before --jump"),
        Case(.rule("-j ACCEPT -j DROP"), 1, 11, "multiple --jump options not allowed"),
        Case(.rule("-s 1.2.3.4 -s 1.2.3.5"), 1, 12, "multiple --source options not allowed"),
        Case(.rule("-A INPUT"), 1, 1, "unexpected command -A in a rule specification"),
        Case(.rule("ACCEPT"), 1, 1, #"unexpected "ACCEPT": expected an option"#),
        Case(.rule(#"-m comment --comment "open"#), 1, 22, "unterminated quoted string"),
        Case(.rule("-g ACCEPT"), 1, 4, "goto 'ACCEPT' is not a chain"),
        // Commands.
        Case(
            .command("iptables -t bogus -A INPUT"), 1, 13,
            #"expected a table (raw, mangle, nat or filter), got "bogus""#),
        Case(.command("iptables -s 1.2.3.4"), 1, 1, "no command specified"),
        Case(.command("iptables -A INPUT -I INPUT"), 1, 19, "cannot use -I with -A"),
        Case(
            .command("iptables -t nat -A POSTROUTING -j DROP"), 1, 35,
            #"the "nat" table is not intended for filtering, the use of DROP is therefore inhibited"#),
        Case(.command("iptables -A PREROUTING -o eth0"), 1, 24, "Can't use -o with PREROUTING"),
        Case(.command("iptables -A OUTPUT -i eth0"), 1, 20, "Can't use -i with OUTPUT"),
        Case(.command("iptables -N DOCKER -p tcp"), 1, 20, "Illegal option `-p' with this command"),
        Case(.command("iptables -N ACCEPT"), 1, 13, "chain name may not clash with target name"),
        Case(.command("iptables -P INPUT REJECT"), 1, 19, #"expected a policy (ACCEPT or DROP), got "REJECT""#),
        Case(.command("iptables -I INPUT 0 -j ACCEPT"), 1, 19, #"expected a rule number after INPUT, got "0""#),
        Case(
            .command("iptables -L"), 1, 10,
            "-L is not supported: the model is programmed with iptables, not listed by it"),
        Case(.command("ip6tables -A INPUT -j ACCEPT"), 1, 1, "ip6tables is not modelled: the model is IPv4 only"),
        // Files.
        Case(
            .file("-A INPUT -j ACCEPT\n"), 1, 1, "expected *raw, *mangle, *nat or *filter, got a rule outside a table"),
        Case(.file("*filter\n:INPUT ACCEPT [0:0]\n"), 3, 1, "expected COMMIT to end table filter"),
        Case(.file("*security\nCOMMIT\n"), 1, 2, "table security is not supported by the model"),
        Case(.file("*filter\n*nat\n"), 2, 1, "expected COMMIT before the next table"),
        Case(
            .file("*filter\n:INPUT BOGUS [0:0]\nCOMMIT\n"), 2, 8, #"expected a policy (ACCEPT, DROP or -), got "BOGUS""#
        ),
        Case(
            .file("*filter\n:INPUT ACCEPT [x:0]\nCOMMIT\n"), 2, 15,
            "invalid policy counters for chain 'INPUT', expected [packets:bytes]"),
        Case(
            .file("*filter\n:FOO ACCEPT [0:0]\nCOMMIT\n"), 2, 6,
            "can't set policy `ACCEPT' on `FOO': Bad built-in chain name (user chains take -)"),
        Case(
            .file("*filter\n:FOO - [0:0]\n:FOO - [0:0]\nCOMMIT\n"), 3, 2,
            #"cannot create chain "FOO": Chain already exists."#),
        Case(.file("*nat\n-A DOCKER -j RETURN\nCOMMIT\n"), 2, 4, #"no chain "DOCKER" in table nat"#),
        Case(
            .file("*nat\n-A OUTPUT -j DOCKER\nCOMMIT\n"), 2, 14,
            #"expected a target or a chain of table nat, got "DOCKER""#),
        Case(
            .file("*filter\n:A - [0:0]\n-A A -j A\n-A INPUT -j A\nCOMMIT\n"), 4, 13,
            #"jump to "A" would make a loop (Too many levels of symbolic links.)"#),
        Case(.file("*filter\n[1:2 -A INPUT\nCOMMIT\n"), 2, 1, "expected [packets:bytes] counters, missing ]"),
        Case(
            .file("*nat\n-A POSTROUTING -p tcp -j DNAT --to-destination 10.0.0.1\nCOMMIT\n"), 2, 26,
            "the kernel refuses the rule: x_tables: ip_tables: DNAT target: used from hooks POSTROUTING, but only usable"
                + " from PREROUTING/OUTPUT (Invalid argument. Run `dmesg' for more information.)"),
        Case(.file("*filter\n-t nat -A INPUT\nCOMMIT\n"), 2, 1, "the -t option cannot be used in iptables-restore"),
        Case(
            .file("*filter\n-A INPUT -p tcp --dport 80 -j ACCEPT\n-A INPUT -p tcp --dport 8o -j ACCEPT\nCOMMIT\n"), 3,
            25,
            #"expected a port or port range after --dport, got "8o""#),
    ]

    @Test(arguments: cases)
    func badInputIsALocatedError(_ c: Case) {
        do {
            switch c.input {
            case .rule(let text): _ = try IPTablesSave.parseRule(text)
            case .command(let text): _ = try IPTablesSave.parseCommand(text)
            case .file(let text): _ = try IPTablesSave.parse(text)
            }
            Issue.record("no error for \(c.input)")
        } catch {
            #expect(error.message == c.message)
            #expect(error.line == c.line, "\(error)")
            #expect(error.column == c.column, "\(error)")
            #expect(error.description == "\(c.line):\(c.column): error: \(c.message)")
        }
    }

    /// Arbitrary words, cut-off lines and stray bytes never trap.
    @Test func neverTrapsOnGarbage() {
        let pieces = [
            "-A", "INPUT", "-p", "tcp", "--dport", "80:", ":", "!", "-m", "multiport", "--dports", "1,2:3,", "-j",
            "DNAT",
            "--to", "1.2.3.4-", "\"", "\\", "-s", "/", "1.2.3.4/0", "--probability", "nan", "-g", "", "--icmp-type",
            "3/",
            "0x", "-t", "nat", "[", "]", "*filter", ":X", "COMMIT", "--set-mark", "0xffffffffff", "-w", "é",
            "--ctstate",
        ]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2000 {
            var words: [String] = []
            for _ in 0..<Int(state % 9) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                words.append(pieces[Int((state >> 33) % UInt64(pieces.count))])
            }
            let line = words.joined(separator: " ")
            _ = try? IPTablesSave.parseRule(line)
            _ = try? IPTablesSave.parseCommand(line)
            _ = try? IPTablesSave.parse("*filter\n" + line + "\nCOMMIT\n")
            _ = try? IPTablesSave.parse(line)
        }
    }
}
