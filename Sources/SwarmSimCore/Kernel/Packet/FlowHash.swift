/// The flow hash of a frame, as `skb_get_hash` computes it for the VXLAN source port.
///
/// Like Linux's flow dissector hash (`__flow_hash_from_keys`) it is keyed by the inner IPv4
/// addresses, protocol and ports (the ICMP identifier for ICMP echo), made symmetric by putting
/// the smaller address first (`__flow_hash_consistentify`), seeded per kernel at boot (`hashrnd`)
/// and never 0. The mixing function is our own (a 32-bit multiply-rotate mixer with a murmur3
/// finaliser), not jhash2: the model keeps the properties that show in captures (constant per
/// flow, symmetric within one machine, different between machines), not the exact bits, which
/// depend on a boot-random seed on a real host anyway.
enum FlowHash {
    static func hash(frame: UnsafeMutableRawBufferPointer, seed: UInt32) -> UInt32 {
        guard let ethernet = try? EthernetFrame(frame) else { return 1 }
        guard ethernet.etherType == .ipv4, let ip = try? IPv4Packet(ethernet.payload) else {
            return finish(mix(mix(seed, UInt32(truncatingIfNeeded: ethernet.source.value ^ ethernet.destination.value)),
                UInt32(truncatingIfNeeded: (ethernet.source.value ^ ethernet.destination.value) >> 32)))
        }
        var a = ip.source.value
        var b = ip.destination.value
        var portA: UInt16 = 0
        var portB: UInt16 = 0
        let l4 = ip.payload
        let firstFragment = ip.fragmentOffset == 0
        if firstFragment && (ip.protocol == .tcp || ip.protocol == .udp) && l4.count >= 4 {
            portA = l4.wireUInt16(at: 0)
            portB = l4.wireUInt16(at: 2)
        } else if firstFragment && ip.protocol == .icmp && l4.count >= 8 {
            let type = l4[0]
            if type == 0 || type == 8 { portA = l4.wireUInt16(at: 4) }  // echo identifier, both directions
            portB = portA
        }
        if a > b || (a == b && portA > portB) {
            swap(&a, &b)
            swap(&portA, &portB)
        }
        var h = mix(seed, a)
        h = mix(h, b)
        h = mix(h, UInt32(ip.protocol.rawValue))
        h = mix(h, UInt32(portA) << 16 | UInt32(portB))
        let result = finish(h)
        return result == 0 ? 1 : result
    }

    @inline(__always) private static func mix(_ h: UInt32, _ k: UInt32) -> UInt32 {
        var k = k &* 0xcc9e_2d51
        k = (k << 15) | (k >> 17)
        k = k &* 0x1b87_3593
        var h = h ^ k
        h = (h << 13) | (h >> 19)
        return h &* 5 &+ 0xe654_6b64
    }

    @inline(__always) private static func finish(_ h: UInt32) -> UInt32 {
        var h = h
        h ^= h >> 16
        h = h &* 0x85eb_ca6b
        h ^= h >> 13
        h = h &* 0xc2b2_ae35
        h ^= h >> 16
        return h
    }
}
