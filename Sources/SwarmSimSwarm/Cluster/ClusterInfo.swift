import SwarmSimCore

/// A service as `docker service inspect` would describe it (the parts swarmsim models).
public struct ServiceInfo: Sendable, Equatable {
    public var id: String
    public var spec: ServiceSpec
    /// Published ports after allocation (published 0 replaced by 30000, 30001, ...).
    public var ports: [PortConfig]
    /// `Endpoint.VirtualIPs`: network ID and VIP with the network's prefix length.
    public var virtualIPs: [(networkID: String, address: IPv4Address, prefixLength: Int)]

    public static func == (a: ServiceInfo, b: ServiceInfo) -> Bool {
        a.id == b.id && a.spec == b.spec && a.ports == b.ports
            && a.virtualIPs.map { "\($0.networkID) \($0.address)/\($0.prefixLength)" }
                == b.virtualIPs.map { "\($0.networkID) \($0.address)/\($0.prefixLength)" }
    }
}

/// A task with its container, as the registry keeps it.
public struct TaskInfo: Sendable, Equatable {
    public var id: String
    public var serviceID: String
    public var serviceName: String
    /// 1...N for replicated services, 0 for global ones.
    public var slot: Int
    /// `SERVICE.SLOT`, or `SERVICE.NODEID` for global services, as `docker service ps` names it.
    public var slotName: String
    /// `SERVICE.SLOT.TASKID` (global: `SERVICE.NODEID.TASKID`): the container's name.
    public var name: String
    public var node: String?
    public var containerID: String?
    /// Addresses by network name, in endpoint order.
    public var addresses: [NetworkAddress]
    public var state: TaskState
    public var desiredState: TaskState
    /// When `state` was entered.
    public var timestamp: SimTime
    public var error: String
}

/// A network name with an address on it.
public struct NetworkAddress: Sendable, Equatable {
    public var network: String
    public var networkID: String
    public var address: IPv4Address
}

/// A container started by `docker run --network` on an attachable overlay.
public struct ContainerInfo: Sendable, Equatable {
    public var id: String
    public var name: String
    public var node: String
    public var image: String
    public var addresses: [NetworkAddress]
}

/// An overlay network as allocated by the manager.
public struct NetworkInfo: Sendable, Equatable {
    public var config: OverlayNetworkConfig
    public var driver: String
}
