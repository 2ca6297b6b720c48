import SwarmSimCore
import Testing

@Suite struct DeviceObserverTests {
    @Test func everyNewDeviceIsReportedOnceInCreationOrder() {
        let world = World(simulation: Simulation(seed: 1))
        var seen: [String] = []
        world.onDeviceAdded = { seen.append($0.qualifiedName) }
        let host = world.addMachine("host01")
        let sbox = host.addNamespace("ingress_sbox")
        host.root.addBridge("docker_gwbridge")
        host.root.addVethPair("veth1", peerName: "eth1", peerNamespace: sbox)
        let segment = UnderlaySegment(world: world, defaults: LinkProperties())
        segment.attach(host, address: InterfaceAddress(IPv4Address(172, 17, 0, 6), prefixLength: 16))
        #expect(seen == [
            "host01:lo", "host01:ingress_sbox/lo", "host01:docker_gwbridge", "host01:veth1",
            "host01:ingress_sbox/eth1", "host01:eth0",
        ])
    }
}
