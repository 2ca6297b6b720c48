/// Complete iptables-save files for the round-trip tests, assembled from the real dumps quoted in
/// /work/shared/docs/fidelity.md (each names its section). Where the document quotes only some
/// lines, the rest (chain lines, built-in policies) is what iptables-save prints around them;
/// every file without `-m ipvs` was also restored into and saved back out of a real
/// iptables-legacy 1.8.9 in a scratch network namespace and came back byte for byte (this kernel
/// has no IPVS, so the `-m ipvs` lines follow libxt_ipvs.c's save function instead).
enum IPTablesFixtures {
    /// Every fixture that is already in canonical form (prints back unchanged without counters).
    static let canonical: [(name: String, text: String)] = [
        ("host27", host27), ("host28", host28), ("ingressSandbox", ingressSandbox),
        ("loadBalancerSandbox", loadBalancerSandbox), ("taskSandbox", taskSandbox), ("dnsSandbox", dnsSandbox),
        ("pre1809Container", pre1809Container), ("everyModule", everyModule),
    ]

    /// fidelity.md 6.1, host namespace of Docker <= 27.x: routing mesh (DOCKER-INGRESS in nat and
    /// filter, jumped to after DOCKER-USER), docker_gwbridge bridge rules, isolation chains.
    static let host27 = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        :DOCKER - [0:0]
        :DOCKER-INGRESS - [0:0]
        -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
        -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
        -A OUTPUT -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
        -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
        -A POSTROUTING -o docker_gwbridge -m addrtype --src-type LOCAL -j MASQUERADE
        -A POSTROUTING -s 172.18.0.0/16 ! -o docker_gwbridge -j MASQUERADE
        -A DOCKER -i docker_gwbridge -j RETURN
        -A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080
        -A DOCKER-INGRESS -j RETURN
        COMMIT
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        :DOCKER - [0:0]
        :DOCKER-INGRESS - [0:0]
        :DOCKER-ISOLATION-STAGE-1 - [0:0]
        :DOCKER-ISOLATION-STAGE-2 - [0:0]
        :DOCKER-USER - [0:0]
        -A FORWARD -j DOCKER-USER
        -A FORWARD -j DOCKER-INGRESS
        -A FORWARD -j DOCKER-ISOLATION-STAGE-1
        -A FORWARD -o docker_gwbridge -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A FORWARD -o docker_gwbridge -j DOCKER
        -A FORWARD -i docker_gwbridge ! -o docker_gwbridge -j ACCEPT
        -A FORWARD -i docker_gwbridge -o docker_gwbridge -j DROP
        -A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j ACCEPT
        -A DOCKER-INGRESS -p tcp -m state --state RELATED,ESTABLISHED -m tcp --sport 8080 -j ACCEPT
        -A DOCKER-INGRESS -j RETURN
        -A DOCKER-ISOLATION-STAGE-1 -i docker_gwbridge ! -o docker_gwbridge -j DOCKER-ISOLATION-STAGE-2
        -A DOCKER-ISOLATION-STAGE-1 -j RETURN
        -A DOCKER-ISOLATION-STAGE-2 -o docker_gwbridge -j DROP
        -A DOCKER-ISOLATION-STAGE-2 -j RETURN
        -A DOCKER-USER -j RETURN
        COMMIT

        """

    /// fidelity.md 6.1, host namespace of Docker 28.x: DOCKER-FORWARD (first rule the jump to
    /// DOCKER-INGRESS), DOCKER-CT, the conntrack spelling of the sport rule, docker_gwbridge rules
    /// of the 28.x golden file.
    static let host28 = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        :DOCKER - [0:0]
        :DOCKER-INGRESS - [0:0]
        -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
        -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
        -A OUTPUT -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
        -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
        -A POSTROUTING -o docker_gwbridge -m addrtype --src-type LOCAL -j MASQUERADE
        -A POSTROUTING -s 172.18.0.0/16 ! -o docker_gwbridge -j MASQUERADE
        -A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080
        -A DOCKER-INGRESS -j RETURN
        COMMIT
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        :DOCKER - [0:0]
        :DOCKER-CT - [0:0]
        :DOCKER-FORWARD - [0:0]
        :DOCKER-INGRESS - [0:0]
        :DOCKER-ISOLATION-STAGE-1 - [0:0]
        :DOCKER-ISOLATION-STAGE-2 - [0:0]
        :DOCKER-USER - [0:0]
        -A FORWARD -j DOCKER-USER
        -A FORWARD -j DOCKER-FORWARD
        -A DOCKER ! -i docker_gwbridge -o docker_gwbridge -j DROP
        -A DOCKER-CT -o docker_gwbridge -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A DOCKER-FORWARD -j DOCKER-INGRESS
        -A DOCKER-FORWARD -j DOCKER-CT
        -A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1
        -A DOCKER-FORWARD -i docker_gwbridge -o docker_gwbridge -j DROP
        -A DOCKER-FORWARD -i docker_gwbridge ! -o docker_gwbridge -j ACCEPT
        -A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j ACCEPT
        -A DOCKER-INGRESS -p tcp -m tcp --sport 8080 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A DOCKER-INGRESS -j RETURN
        -A DOCKER-ISOLATION-STAGE-1 -i docker_gwbridge ! -o docker_gwbridge -j DOCKER-ISOLATION-STAGE-2
        -A DOCKER-ISOLATION-STAGE-2 -o docker_gwbridge -j DROP
        COMMIT

        """

    /// fidelity.md 6.1, the real 2019 host of libnetwork#2395, as `iptables-save -c` prints it
    /// (the document quotes the rules; the counter values here are illustrative). Its
    /// `# Generated by` / `# Completed on` lines are dropped on printing, so the printed form is
    /// `host2019Printed`.
    static let host2019Counters = """
        # Generated by iptables-save v1.6.1 on Tue Jun 11 10:00:00 2019
        *nat
        :PREROUTING ACCEPT [1432:86201]
        :INPUT ACCEPT [1012:60794]
        :OUTPUT ACCEPT [2411:151306]
        :POSTROUTING ACCEPT [2423:152026]
        :DOCKER - [0:0]
        :DOCKER-INGRESS - [0:0]
        [1390:83424] -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
        [1085:65222] -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
        [116:6960] -A OUTPUT -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
        [0:0] -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
        [0:0] -A POSTROUTING -o docker_gwbridge -m addrtype --src-type LOCAL -j MASQUERADE
        [12:720] -A POSTROUTING -s 172.18.0.0/16 ! -o docker_gwbridge -j MASQUERADE
        [0:0] -A DOCKER -i docker_gwbridge -j RETURN
        [305:18300] -A DOCKER-INGRESS -p tcp -m tcp --dport 80 -j DNAT --to-destination 172.18.0.2:80
        [1085:65222] -A DOCKER-INGRESS -j RETURN
        COMMIT
        # Completed on Tue Jun 11 10:00:00 2019

        """

    /// `host2019Counters` as printed back with counters: the same lines without the comments.
    static let host2019Printed = host2019Counters.split(separator: "\n", omittingEmptySubsequences: false)
        .filter { !$0.hasPrefix("#") }.joined(separator: "\n")

    /// fidelity.md 6.2 (and 4.2), ingress_sbox after 18.09: published-port and VIP fwmarks in
    /// mangle, the IPVS SNAT to the sandbox's ingress IP in nat.
    static let ingressSandbox = """
        *mangle
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        -A PREROUTING -p tcp -m tcp --dport 80 -j MARK --set-xmark 0x108/0xffffffff
        -A INPUT -d 10.0.0.10/32 -j MARK --set-xmark 0x108/0xffffffff
        COMMIT
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        -A POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.7
        COMMIT

        """

    /// fidelity.md 4.2, an `lb_<nid>` namespace: the VIP fwmark and the IPVS SNAT to the LB IP.
    static let loadBalancerSandbox = """
        *mangle
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        -A INPUT -d 192.168.200.34/32 -j MARK --set-xmark 0x10c/0xffffffff
        COMMIT
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        -A POSTROUTING -d 192.168.200.0/24 -m ipvs --ipvs -j SNAT --to-source 192.168.200.38
        COMMIT

        """

    /// fidelity.md 6.2, a task sandbox on the ingress network (`addRedirectRules`): REDIRECT of
    /// the published port to the target port, INPUT/OUTPUT accept for it, drop for the rest.
    static let taskSandbox = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        -A PREROUTING -d 10.255.0.7/32 -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 8000
        COMMIT
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        -A INPUT -d 10.255.0.7/32 -p tcp -m tcp --dport 8000 -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT
        -A INPUT -d 10.255.0.7/32 -p udp -j DROP
        -A INPUT -d 10.255.0.7/32 -p tcp -j DROP
        -A INPUT -d 10.255.0.7/32 -p sctp -j DROP
        -A OUTPUT -s 10.255.0.7/32 -p tcp -m tcp --sport 8000 -m conntrack --ctstate ESTABLISHED -j ACCEPT
        -A OUTPUT -s 10.255.0.7/32 -p udp -j DROP
        -A OUTPUT -s 10.255.0.7/32 -p tcp -j DROP
        -A OUTPUT -s 10.255.0.7/32 -p sctp -j DROP
        COMMIT

        """

    /// fidelity.md 5, the embedded DNS NAT of a container (real 17.x dump).
    static let dnsSandbox = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        :DOCKER_OUTPUT - [0:0]
        :DOCKER_POSTROUTING - [0:0]
        -A OUTPUT -d 127.0.0.11/32 -j DOCKER_OUTPUT
        -A POSTROUTING -d 127.0.0.11/32 -j DOCKER_POSTROUTING
        -A DOCKER_OUTPUT -d 127.0.0.11/32 -p tcp -m tcp --dport 53 -j DNAT --to-destination 127.0.0.11:35163
        -A DOCKER_OUTPUT -d 127.0.0.11/32 -p udp -m udp --dport 53 -j DNAT --to-destination 127.0.0.11:33418
        -A DOCKER_POSTROUTING -s 127.0.0.11/32 -p tcp -m tcp --sport 35163 -j SNAT --to-source :53
        -A DOCKER_POSTROUTING -s 127.0.0.11/32 -p udp -m udp --sport 33418 -j SNAT --to-source :53
        COMMIT

        """

    /// fidelity.md 4.5, a container before 18.09 (real 17.x ingress_sbox dump): VIP fwmark at
    /// OUTPUT, ping to the VIP answered locally, IPVS SNAT to the container's IP.
    static let pre1809Container = """
        *mangle
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        -A OUTPUT -d 10.255.0.5/32 -j MARK --set-xmark 0x100/0xffffffff
        COMMIT
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        -A OUTPUT -d 10.255.0.5/32 -p icmp -m icmp --icmp-type 8 -j DNAT --to-destination 127.0.0.1
        -A POSTROUTING -d 10.255.0.0/16 -m ipvs --ipvs -j SNAT --to-source 10.255.0.2
        COMMIT

        """

    /// Not from fidelity.md: one rule for every module, option and target spelling the model
    /// has, in all four tables, as real iptables-legacy 1.8.9 saved them (the two `-m ipvs` lines
    /// follow libxt_ipvs.c).
    static let everyModule = #"""
        *raw
        :PREROUTING ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        -A PREROUTING -p tcp -m tcp --dport 80 -j TRACE
        COMMIT
        *mangle
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        -A PREROUTING -p tcp -m tcp --dport 81 -j MARK --set-xmark 0x100/0xffffffff
        -A PREROUTING -j MARK --set-xmark 0x1/0x3
        -A PREROUTING -j MARK --set-xmark 0x4/0x4
        -A PREROUTING -j MARK --set-xmark 0x0/0xfffffffb
        -A PREROUTING -j MARK --set-xmark 0x4/0x0
        COMMIT
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        -A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1-10.0.0.9:80-90
        -A PREROUTING -p tcp -j DNAT --to-destination :8080
        -A PREROUTING -p tcp -j DNAT --to-destination 172.18.0.2:8080
        -A PREROUTING -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 8000
        -A PREROUTING -p udp -j REDIRECT --to-ports 8000-8010
        -A OUTPUT -d 10.255.0.5/32 -p icmp -m icmp --icmp-type 8 -j DNAT --to-destination 127.0.0.1
        -A POSTROUTING -p udp -j MASQUERADE --to-ports 1024-2000
        -A POSTROUTING -s 127.0.0.11/32 -p udp -m udp --sport 33418 -j SNAT --to-source :53
        -A POSTROUTING -j SNAT --to-source 10.0.0.1
        -A POSTROUTING -m ipvs --vproto 6 --vaddr 10.0.0.0/24 --vport 80 --vdir REPLY --vmethod MASQ -j ACCEPT
        -A POSTROUTING -m ipvs ! --ipvs -j ACCEPT
        COMMIT
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :DOCKER-USER - [0:0]
        -A INPUT -p tcp -m tcp --dport 80 -j ACCEPT
        -A INPUT -d 10.0.0.2/32 -j ACCEPT
        -A INPUT -p tcp -m tcp --sport 1024:65535 --dport 443 -j ACCEPT
        -A INPUT -p udp -m udp --dport 1024:65535 -j ACCEPT
        -A INPUT -p udp -m udp --sport 0:1023 -j ACCEPT
        -A INPUT -p tcp -m tcp --dport 80 -j ACCEPT
        -A INPUT -p tcp -m tcp --dport 80 -j ACCEPT
        -A INPUT -p tcp -m tcp -j ACCEPT
        -A INPUT -p tcp -m tcp ! --tcp-flags FIN,SYN,RST,ACK SYN -j DROP
        -A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j DROP
        -A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT
        -A INPUT -p icmp -m icmp --icmp-type 3/3 -j ACCEPT
        -A INPUT -p icmp -m icmp --icmp-type any -j ACCEPT
        -A INPUT -p icmp -m icmp ! --icmp-type 3/4 -j ACCEPT
        -A INPUT -s 10.1.0.0/32 -j ACCEPT
        -A INPUT -s 10.0.0.0/24 -j ACCEPT
        -A INPUT -j ACCEPT
        -A INPUT -s 192.168.0.0/16 -i eth0 -p udp -j DROP
        -A INPUT -p udp -m udp --dport 53 -j ACCEPT
        -A INPUT -p tcp -m multiport --dports 80,443,8000:8010 -j ACCEPT
        -A INPUT -m statistic --mode random --probability 0.50000000000 -j ACCEPT
        -A INPUT -m statistic --mode random --probability 0.10000000009 -j ACCEPT
        -A INPUT -m statistic --mode random ! --probability 0.33300000010 -j ACCEPT
        -A INPUT -m statistic --mode nth --every 3 --packet 0 -j ACCEPT
        -A INPUT -m state --state NEW,ESTABLISHED -j ACCEPT
        -A INPUT -m state --state INVALID,NEW,RELATED,ESTABLISHED,UNTRACKED -j ACCEPT
        -A INPUT -m conntrack ! --ctstate NEW,SNAT,DNAT -j ACCEPT
        -A INPUT -m addrtype --dst-type LOCAL -j ACCEPT
        -A INPUT -m addrtype ! --dst-type LOCAL --limit-iface-in -j ACCEPT
        -A INPUT -m addrtype --src-type LOCAL,BROADCAST -j ACCEPT
        -A INPUT -m mark --mark 0x1/0x1 -j ACCEPT
        -A INPUT -m mark ! --mark 0x100 -j ACCEPT
        -A INPUT -m comment --comment "two words" -j ACCEPT
        -A INPUT -m comment --comment plain-word_1 -j ACCEPT
        -A INPUT -m comment --comment "a \"quoted\" back\\slash" -j ACCEPT
        -A INPUT -j REJECT --reject-with icmp-port-unreachable
        -A INPUT -p tcp -j REJECT --reject-with tcp-reset
        -A INPUT -j REJECT --reject-with icmp-host-prohibited
        -A INPUT -j LOG --log-prefix "x "
        -A INPUT -j LOG --log-prefix abc
        -A INPUT -j LOG --log-level 7
        -A INPUT -g DOCKER-USER
        -A INPUT -p tcp -m tcp --sport 5 --dport 22 -j ACCEPT
        -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
        -A INPUT -p tcp -m state --state RELATED,ESTABLISHED -m tcp --sport 8080 -j ACCEPT
        COMMIT

        """#
}
