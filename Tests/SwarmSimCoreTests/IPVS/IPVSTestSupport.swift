@testable import SwarmSimCore

/// Helpers shared by the IPVS suites: a service with destinations added in a stated order,
/// and scheduling a connection from a client port.
enum IPVSTest {
    static func ip(_ text: String) -> IPv4Address {
        guard let address = IPv4Address(text) else { preconditionFailure("bad test address \(text)") }
        return address
    }

    static let vip = ip("10.0.0.2")
    static let service = IPVSServiceKey.address(.tcp, vip, 80)

    /// A TCP service 10.0.0.2:80 with `scheduler`; destinations are added in the order given,
    /// so the kernel list (newest first) is the reverse of `dests`.
    static func make(
        _ scheduler: String, _ dests: [(String, Int32)], flags: IPVSServiceFlags = [], key: IPVSServiceKey = service,
        forwarding: IPVSForwardingMethod = .masquerade, seed: UInt64 = 1
    ) throws -> IPVS {
        let ipvs = IPVS(seed: seed, name: "test")
        try ipvs.addService(key, scheduler: scheduler, flags: flags, now: .zero)
        for (address, weight) in dests {
            try ipvs.addDestination(
                to: key, IPVSDestinationSpec(address: ip(address), port: 0, weight: weight, forwarding: forwarding),
                now: .zero)
        }
        return ipvs
    }

    /// Schedules a new TCP connection from 192.168.0.1:`port` (or `client`) to the VIP and
    /// returns the chosen server's address, "-" for none. The connection stays in its initial
    /// state (counted as InActConn) unless `establish` sends the handshake's ACK.
    @discardableResult
    static func pick(
        _ ipvs: IPVS, port: UInt16, client: String = "192.168.0.1", key: IPVSServiceKey = service,
        establish: Bool = false, now: SimTime = .zero
    ) -> String {
        guard let svc = ipvs.service(key) else { return "?" }
        let vport = key.fwmark != 0 ? 80 : key.port
        let vaddr = key.fwmark != 0 ? vip : key.address
        guard
            let c = ipvs.schedule(
                svc, client: (ip(client), port), virtual: (vaddr, vport), protocol: .tcp, fwmark: key.fwmark, now: now)
        else { return "-" }
        ipvs.updateState(c, direction: .input, tcpFlags: .syn, now: now)
        if establish { ipvs.updateState(c, direction: .input, tcpFlags: .ack, now: now) }
        return c.destinationAddress.description
    }

    /// Picks for client ports `ports`.
    static func picks(_ ipvs: IPVS, _ ports: ClosedRange<UInt16>, establish: Bool = false) -> [String] {
        ports.map { pick(ipvs, port: $0, establish: establish) }
    }

    /// The destination `address` of the test service.
    static func dest(_ ipvs: IPVS, _ address: String, key: IPVSServiceKey = service) -> IPVSDestination? {
        ipvs.service(key)?.destination(address: ip(address), port: 0)
    }

    /// Sets a destination's weight (`ipvsadm -e ... -w`).
    static func setWeight(_ ipvs: IPVS, _ address: String, _ weight: Int32, key: IPVSServiceKey = service) throws {
        try ipvs.editDestination(
            in: key, IPVSDestinationSpec(address: ip(address), port: 0, weight: weight, forwarding: .masquerade),
            now: .zero)
    }

    /// Closes (expires) every connection to `address` now.
    static func close(_ ipvs: IPVS, to address: String) {
        for c in ipvs.connections where c.destinationAddress == ip(address) { ipvs.expire(c) }
    }

    /// "a:active/inactive" for each destination in list order.
    static func counts(_ ipvs: IPVS, key: IPVSServiceKey = service) -> [String] {
        ipvs.service(key)?.destinations.map {
            "\($0.address):\($0.activeConnections)/\($0.inactiveConnections)"
        } ?? []
    }
}
