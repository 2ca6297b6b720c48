/// The five netfilter hooks of IPv4 (`enum nf_inet_hooks`), where the packet path calls into
/// the tables, conntrack and IPVS.
public enum NetfilterHook: Int, CaseIterable, Sendable, CustomStringConvertible {
    case preRouting, localIn, forward, localOut, postRouting

    /// The chain names iptables gives them.
    public var description: String {
        switch self {
        case .preRouting: "PREROUTING"
        case .localIn: "INPUT"
        case .forward: "FORWARD"
        case .localOut: "OUTPUT"
        case .postRouting: "POSTROUTING"
        }
    }
}

/// What a hook function decided (`NF_ACCEPT`, `NF_DROP`, `NF_STOLEN`).
public enum NetfilterVerdict: Equatable, Sendable {
    case accept
    /// Dropped, with the reason shown in traces and pcapng comments.
    case drop(reason: String)
    /// The function took the packet over (IPVS re-injecting it elsewhere, a queued reply); the
    /// caller must not touch it again.
    case stolen
}

/// Where a packet is as it passes a hook (`struct nf_hook_state`).
public struct HookState {
    public let hook: NetfilterHook
    public unowned(unsafe) let namespace: NetworkNamespace
    public let inDevice: NetDevice?
    public let outDevice: NetDevice?
}

/// A function registered on a hook at a priority (`struct nf_hook_ops`).
public protocol NetfilterHookFunction: AnyObject {
    func process(_ packet: PacketBuffer, state: HookState) -> NetfilterVerdict
}

/// The hook functions registered in one namespace, per hook, in priority order (lowest first;
/// equal priorities in registration order), as `nf_register_net_hook` keeps them. With none
/// registered every hook accepts: that is the kernel model before tables, conntrack and IPVS
/// are loaded.
public struct NetfilterHookTable {
    struct Registration {
        let priority: Int32
        let function: NetfilterHookFunction
    }

    private var registrations: [[Registration]] = Array(repeating: [], count: NetfilterHook.allCases.count)

    /// Registers `function` on `hook` at `priority` (see fidelity.md 8.1 for the kernel's numbers).
    public mutating func register(_ function: NetfilterHookFunction, on hook: NetfilterHook, priority: Int32) {
        var list = registrations[hook.rawValue]
        let index = list.firstIndex { $0.priority > priority } ?? list.count
        list.insert(Registration(priority: priority, function: function), at: index)
        registrations[hook.rawValue] = list
    }

    /// The priorities registered on `hook`, in the order they run.
    public func priorities(on hook: NetfilterHook) -> [Int32] {
        registrations[hook.rawValue].map(\.priority)
    }

    /// Runs every function on the hook in order until one does not accept (`nf_hook_slow`).
    /// A hook with nothing registered costs one check, as `nf_hook` skips an empty hook.
    func run(
        _ packet: PacketBuffer, _ hook: NetfilterHook, namespace: NetworkNamespace, inDevice: NetDevice?,
        outDevice: NetDevice?
    ) -> NetfilterVerdict {
        guard !registrations[hook.rawValue].isEmpty else { return .accept }
        let state = HookState(hook: hook, namespace: namespace, inDevice: inDevice, outDevice: outDevice)
        for registration in registrations[hook.rawValue] {
            let verdict = registration.function.process(packet, state: state)
            if verdict != .accept { return verdict }
        }
        return .accept
    }

    var isEmpty: Bool { registrations.allSatisfy(\.isEmpty) }
}
