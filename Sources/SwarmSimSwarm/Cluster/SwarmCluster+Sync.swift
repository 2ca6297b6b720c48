import SwarmSimCore

/// NetworkDB convergence: what each node's peerdb and service tables should hold, and the calls
/// that bring a node from what it has to that.
extension SwarmCluster {
    /// Peers a node should have: every endpoint on another (not down) node of each network the
    /// node takes part in, in network then endpoint order.
    func desiredPeers(_ node: NodeRecord) -> [PeerKey] {
        var peers: [PeerKey] = []
        for network in networks where network.hasEndpoint(on: node.index) {
            for endpoint in network.endpoints where endpoint.node != node.index && !nodes[endpoint.node].statusDown {
                peers.append(PeerKey(networkID: network.id, address: endpoint.address, vtep: nodes[endpoint.node].address))
            }
        }
        return peers
    }

    /// Bindings a node should have: every backend of each network whose LB (or ingress_sbox) it hosts.
    func desiredBindings(_ node: NodeRecord) -> [AppliedBinding] {
        var bindings: [AppliedBinding] = []
        for network in networks where network.hostsLoadBalancer(node.index) {
            for binding in network.bindings {
                guard let task = tasks.first(where: { $0.id == binding.taskID }) else { continue }
                if let host = task.node, nodes[host].statusDown { continue }
                bindings.append(
                    AppliedBinding(
                        networkID: network.id, taskID: binding.taskID, config: binding.config, disabled: binding.disabled))
            }
        }
        return bindings
    }

    /// Brings every reachable swarm node up to date, in node order.
    func syncAll() {
        for node in nodes { sync(node) }
    }

    /// Removes what a node should no longer have, then adds what it lacks: bindings are removed
    /// before peers (a backend leaves IPVS before its MAC leaves the FDB) and peers added before
    /// bindings (an IPVS destination is reachable when it appears).
    func sync(_ node: NodeRecord) {
        guard node.inSwarm, node.reachable else { return }
        let networking = node.networking
        let wantedBindings = desiredBindings(node)
        var kept: [AppliedBinding] = []
        for applied in appliedBindings[node.index] {
            if wantedBindings.contains(where: { $0.networkID == applied.networkID && $0.taskID == applied.taskID }) {
                kept.append(applied)
            } else {
                networking.removeServiceBinding(applied.config)
            }
        }
        let wantedPeers = desiredPeers(node)
        var keptPeers: [PeerKey] = []
        for peer in appliedPeers[node.index] {
            if wantedPeers.contains(peer) {
                keptPeers.append(peer)
            } else {
                networking.removePeer(
                    networkID: peer.networkID, address: peer.address, mac: MACAddress.docker(for: peer.address),
                    vtep: peer.vtep)
            }
        }
        for peer in wantedPeers where !keptPeers.contains(peer) {
            networking.addPeer(
                networkID: peer.networkID, address: peer.address, mac: MACAddress.docker(for: peer.address), vtep: peer.vtep)
            keptPeers.append(peer)
        }
        appliedPeers[node.index] = keptPeers
        for wanted in wantedBindings {
            if let index = kept.firstIndex(where: { $0.networkID == wanted.networkID && $0.taskID == wanted.taskID }) {
                if wanted.disabled && !kept[index].disabled {
                    networking.disableServiceBinding(wanted.config)
                    kept[index].disabled = true
                }
            } else {
                networking.addServiceBinding(wanted.config)
                if wanted.disabled { networking.disableServiceBinding(wanted.config) }
                kept.append(wanted)
            }
        }
        appliedBindings[node.index] = kept
    }
}
