import SwarmSimCore

/// Small topologies built with the kernel model's own API, as a scenario's control plane will.
public enum Topologies {
    public static func ip(_ text: String) -> IPv4Address { IPv4Address(text)! }

    public static func address(_ text: String) -> InterfaceAddress {
        let parts = text.split(separator: "/")
        return InterfaceAddress(IPv4Address(String(parts[0]))!, prefixLength: Int(parts[1])!)
    }

    /// Two namespaces on one machine joined by a veth pair: a (10.0.0.1/24) and b (10.0.0.2/24).
    public struct VethPair {
        public let simulation = Simulation(seed: 1)
        public let world: World
        public let a: NetworkNamespace
        public let b: NetworkNamespace
        public let aEth: VethDevice
        public let bEth: VethDevice

        public init() {
            world = World(simulation: simulation)
            let machine = world.addMachine("host01")
            a = machine.addNamespace("a")
            b = machine.addNamespace("b")
            (aEth, bEth) = a.addVethPair("eth0", peerName: "eth0", peerNamespace: b)
            a.addAddress(address("10.0.0.1/24"), to: aEth)
            b.addAddress(address("10.0.0.2/24"), to: bEth)
        }
    }

    /// Three namespaces whose eth0 are veths into a bridge br0 in the root namespace:
    /// ns1 10.0.0.1, ns2 10.0.0.2, ns3 10.0.0.3 (all /24).
    public struct BridgeOfThree {
        public let simulation = Simulation(seed: 1)
        public let world: World
        public let bridge: BridgeDevice
        public var namespaces: [NetworkNamespace] = []
        public var ports: [VethDevice] = []
        public var eths: [VethDevice] = []

        public init() {
            world = World(simulation: simulation)
            let machine = world.addMachine("host01")
            bridge = machine.root.addBridge("br0")
            for i in 1...3 {
                let ns = machine.addNamespace("ns\(i)")
                let (port, eth) = machine.root.addVethPair("veth\(i)", peerName: "eth0", peerNamespace: ns)
                bridge.addPort(port)
                ns.addAddress(address("10.0.0.\(i)/24"), to: eth)
                namespaces.append(ns)
                ports.append(port)
                eths.append(eth)
            }
        }
    }

    /// a (10.0.1.2/24) - router (10.0.1.1/24, 10.0.2.1/24, ip_forward=1) - b (10.0.2.2/24),
    /// each end with a default route via the router. `bMTU` sets the MTU of the router-b link.
    public struct Routed {
        public let simulation = Simulation(seed: 1)
        public let world: World
        public let a: NetworkNamespace
        public let router: NetworkNamespace
        public let b: NetworkNamespace
        public let aEth: VethDevice
        public let routerToB: VethDevice

        public init(bMTU: Int = 1500) {
            world = World(simulation: simulation)
            let machine = world.addMachine("host01")
            a = machine.addNamespace("a")
            router = machine.addNamespace("router")
            b = machine.addNamespace("b")
            router.ipForward = true
            let (ra, ar) = router.addVethPair("eth0", peerName: "eth0", peerNamespace: a)
            let (rb, br) = router.addVethPair("eth1", peerName: "eth0", peerNamespace: b, mtu: bMTU)
            router.addAddress(address("10.0.1.1/24"), to: ra)
            router.addAddress(address("10.0.2.1/24"), to: rb)
            a.addAddress(address("10.0.1.2/24"), to: ar)
            b.addAddress(address("10.0.2.2/24"), to: br)
            a.addDefaultRoute(via: ip("10.0.1.1"))
            b.addDefaultRoute(via: ip("10.0.2.1"))
            aEth = ar
            routerToB = rb
        }
    }

    /// Two nodes on an underlay (host01 172.17.0.6, host02 172.17.0.7), each with an overlay
    /// namespace (br0 10.0.1.1/24 + vxlan0 VNI 4097, MTU 1450) as Docker builds it, and one
    /// container each: c1 10.0.1.3 on host01, c2 10.0.1.4 on host02, MACs 02:42:+IP. The peer
    /// entries Docker's peerdb programs (permanent neighbour + static FDB) are in place.
    public struct Overlay {
        public let simulation: Simulation
        public let world: World
        public let segment: UnderlaySegment
        public let hosts: [Machine]
        public var overlays: [NetworkNamespace] = []
        public var vxlans: [VXLANDevice] = []
        public var containers: [NetworkNamespace] = []
        public var containerEths: [VethDevice] = []
        public var nics: [EthernetDevice] = []

        public init(seed: UInt64 = 1, link: LinkProperties = LinkProperties()) {
            simulation = Simulation(seed: seed)
            world = World(simulation: simulation)
            segment = UnderlaySegment(world: world, defaults: link)
            hosts = [world.addMachine("host01"), world.addMachine("host02")]
            let underlayIPs = ["172.17.0.6", "172.17.0.7"]
            let containerIPs = ["10.0.1.3", "10.0.1.4"]
            for (i, host) in hosts.enumerated() {
                nics.append(segment.attach(host, address: address("\(underlayIPs[i])/16")))
                let overlay = host.addNamespace("1-ovnet")
                let bridge = overlay.addBridge("br0", mtu: 1450)
                overlay.addAddress(address("10.0.1.1/24"), to: bridge)
                let vxlan = overlay.addVXLAN("vxlan0", vni: 4097, underlay: host.root)
                bridge.addPort(vxlan)
                let container = host.addNamespace("c\(i + 1)")
                let mac = MACAddress.docker(for: ip(containerIPs[i]))
                let (port, eth) = overlay.addVethPair("veth0", peerName: "eth0", peerNamespace: container, peerMAC: mac, mtu: 1450)
                bridge.addPort(port)
                container.addAddress(address("\(containerIPs[i])/24"), to: eth)
                overlays.append(overlay)
                vxlans.append(vxlan)
                containers.append(container)
                containerEths.append(eth)
            }
            // peerdb: each node learns the other's endpoint.
            for i in 0..<2 {
                let remote = 1 - i
                let remoteIP = ip(containerIPs[remote])
                let remoteMAC = MACAddress.docker(for: remoteIP)
                overlays[i].addPermanentNeighbour(remoteIP, mac: remoteMAC, device: vxlans[i])
                vxlans[i].addPermanentFDB(remoteMAC, remote: ip(underlayIPs[remote]))
            }
        }
    }
}

extension Topologies {
    /// A Docker-like host: an outside client (172.17.0.100/16) reaches the host's eth0
    /// (172.17.0.6/16) over a veth pair standing in for the wire; the host (ip_forward=1) has
    /// a bridge `docker_gwbridge` (172.18.0.1/16) with three namespaces on it: `sbox`
    /// 172.18.0.2, `c1` 172.18.0.3 and `c2` 172.18.0.4, each with a default route via 172.18.0.1.
    public struct GatewayHost {
        public let simulation = Simulation(seed: 1)
        public let world: World
        public let host: NetworkNamespace
        public let client: NetworkNamespace
        public let hostEth: VethDevice
        public let clientEth: VethDevice
        public let gwbridge: BridgeDevice
        public var containers: [String: NetworkNamespace] = [:]
        public var containerEths: [String: VethDevice] = [:]

        public init() {
            world = World(simulation: simulation)
            let node = world.addMachine("host01")
            let outside = world.addMachine("client")
            host = node.root
            client = outside.root
            host.ipForward = true
            (hostEth, clientEth) = host.addVethPair("eth0", peerName: "eth0", peerNamespace: client)
            host.addAddress(address("172.17.0.6/16"), to: hostEth)
            client.addAddress(address("172.17.0.100/16"), to: clientEth)
            gwbridge = host.addBridge("docker_gwbridge")
            host.addAddress(address("172.18.0.1/16"), to: gwbridge)
            for (i, name) in ["sbox", "c1", "c2"].enumerated() {
                let ns = node.addNamespace(name)
                let (port, eth) = host.addVethPair("veth\(i)", peerName: "eth0", peerNamespace: ns)
                gwbridge.addPort(port)
                ns.addAddress(address("172.18.0.\(i + 2)/16"), to: eth)
                ns.addDefaultRoute(via: ip("172.18.0.1"))
                containers[name] = ns
                containerEths[name] = eth
            }
        }
    }
}
