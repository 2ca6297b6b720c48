/// One machine: one Linux kernel with its root network namespace and any number of others.
///
/// Things that are per kernel rather than per namespace live here: the interface index
/// counter, and the boot-time random seed of the flow hash (`hashrnd`), which is why two
/// namespaces on one machine hash a flow alike while two machines do not (fidelity.md 10).
public final class Machine {
    public let name: String
    /// The world owns every machine; `unowned(unsafe)` because these back-references are read
    /// on every hop and counted references cost a sixth of the packet path (callgrind).
    public unowned(unsafe) let world: World
    public internal(set) var namespaces: [NetworkNamespace] = []
    /// The seed of this kernel's flow dissector hash, drawn from the run's seed once at "boot".
    public let flowHashSeed: UInt32
    var nextIfindex: Int32 = 1

    init(name: String, world: World) {
        self.name = name
        self.world = world
        var stream = world.simulation.randomStream(named: "machine \(name) flow hash seed")
        flowHashSeed = UInt32(truncatingIfNeeded: stream.next())
        namespaces.append(NetworkNamespace(name: "", machine: self))
    }

    /// The root (init) namespace, where the NIC lives.
    public var root: NetworkNamespace { namespaces[0] }

    /// Creates a namespace, as `ip netns add NAME`.
    @discardableResult
    public func addNamespace(_ name: String) -> NetworkNamespace {
        precondition(!name.isEmpty && namespace(named: name) == nil, "namespace names are unique and non-empty")
        let ns = NetworkNamespace(name: name, machine: self)
        namespaces.append(ns)
        return ns
    }

    public func namespace(named name: String) -> NetworkNamespace? {
        namespaces.first { $0.name == name }
    }

    func allocateIfindex() -> Int32 {
        defer { nextIfindex += 1 }
        return nextIfindex
    }
}
