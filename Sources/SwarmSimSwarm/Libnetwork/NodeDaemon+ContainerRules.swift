import SwarmSimCore

/// The iptables rules libnetwork writes for a container: the embedded DNS NAT inside it, the
/// ingress REDIRECT/ACCEPT/DROP set inside it, and host-mode port mappings on the node.
extension NodeDaemon {
    static let resolverAddress = "127.0.0.11"

    /// `setupIPTable` of the resolver: DOCKER_OUTPUT / DOCKER_POSTROUTING in the container's
    /// nat table; the per-protocol rules are inserted (udp first, so tcp ends on top).
    func installEmbeddedDNSRules(_ ns: NetworkNamespace, ports: (udp: UInt16, tcp: UInt16)) {
        let resolver = Self.resolverAddress
        iptables(ns, "-t nat -N DOCKER_OUTPUT")
        iptables(ns, "-t nat -N DOCKER_POSTROUTING")
        iptables(ns, "-t nat -A OUTPUT -d \(resolver)/32 -j DOCKER_OUTPUT")
        iptables(ns, "-t nat -A POSTROUTING -d \(resolver)/32 -j DOCKER_POSTROUTING")
        for (proto, port) in [("udp", ports.udp), ("tcp", ports.tcp)] {
            iptables(ns, "-t nat -I DOCKER_OUTPUT -d \(resolver)/32 -p \(proto) -m \(proto) --dport 53 "
                + "-j DNAT --to-destination \(resolver):\(port)")
            iptables(ns, "-t nat -I DOCKER_POSTROUTING -s \(resolver)/32 -p \(proto) -m \(proto) --sport \(port) "
                + "-j SNAT --to-source :53")
        }
    }

    /// `addRedirectRules` for a task's ingress endpoint: published port REDIRECTed to the target
    /// port, only the target port accepted in and out, all other TCP/UDP to or from the ingress
    /// address dropped.
    func installRedirectRules(_ ns: NetworkNamespace, address: IPv4Address, ports: [PortConfig]) {
        for port in ports where port.mode == .ingress {
            let proto = port.transport.rawValue
            iptables(ns, "-t nat -A PREROUTING -d \(address)/32 -p \(proto) -m \(proto) --dport \(port.publishedPort) "
                + "-j REDIRECT --to-ports \(port.targetPort)")
            iptables(ns, "-A INPUT -d \(address)/32 -p \(proto) -m \(proto) --dport \(port.targetPort) "
                + "-m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT")
            iptables(ns, "-A OUTPUT -s \(address)/32 -p \(proto) -m \(proto) --sport \(port.targetPort) "
                + "-m conntrack --ctstate ESTABLISHED -j ACCEPT")
        }
        for proto in ["udp", "tcp"] {
            iptablesAppendOnce(ns, "-A INPUT -d \(address)/32 -p \(proto) -j DROP")
            iptablesAppendOnce(ns, "-A OUTPUT -s \(address)/32 -p \(proto) -j DROP")
        }
    }

    /// Host-mode published ports: the bridge driver's port mapping on the task's docker_gwbridge
    /// endpoint (userland proxy on, so the DNAT skips traffic from the bridge itself).
    func hostPortRules(_ ports: [PortConfig], address: IPv4Address) -> [String] {
        let br = Self.gatewayBridgeName
        var rules: [String] = []
        for port in ports where port.mode == .host {
            let proto = port.transport.rawValue
            rules.append("-t nat -A DOCKER ! -i \(br) -p \(proto) -m \(proto) --dport \(port.publishedPort) "
                + "-j DNAT --to-destination \(address):\(port.targetPort)")
            rules.append("-A DOCKER -d \(address)/32 ! -i \(br) -o \(br) -p \(proto) -m \(proto) --dport \(port.targetPort) -j ACCEPT")
            rules.append("-t nat -A POSTROUTING -s \(address)/32 -d \(address)/32 -p \(proto) -m \(proto) "
                + "--dport \(port.targetPort) -j MASQUERADE")
        }
        return rules
    }
}
