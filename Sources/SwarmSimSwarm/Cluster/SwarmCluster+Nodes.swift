import SwarmSimCore

/// Node faults and `docker node update --availability`.
extension SwarmCluster {
    /// The node stops answering: nothing is programmed on it; after the dispatcher grace period it
    /// is declared down, the other nodes drop its endpoints and bindings, and its tasks are
    /// rescheduled elsewhere.
    public func nodeDown(_ name: String) throws(SwarmError) {
        let node = try node(named: name)
        guard node.reachable else { return }
        node.reachable = false
        timers.after(dispatcherGracePeriod) { [weak self] in
            guard let self, !node.reachable, node.inSwarm else { return }
            node.statusDown = true
            for task in self.tasks where task.node == node.index && self.isLive(task) {
                task.desiredState = .shutdown
            }
            self.syncAll()
            self.reconcileAll()
        }
    }

    /// The node answers again: tasks that were rescheduled away are removed from it, it catches up
    /// with NetworkDB, and pending tasks may now be placed on it.
    public func nodeUp(_ name: String) throws(SwarmError) {
        let node = try node(named: name)
        guard !node.reachable else { return }
        node.reachable = true
        node.statusDown = false
        for task in tasks where task.node == node.index && !isLive(task) && task.containerCreated {
            removeContainer(of: task, finalState: .shutdown)
        }
        sync(node)
        for stale in staleContainers where stale.node == node.index { node.networking.removeContainer(id: stale.id) }
        staleContainers.removeAll { $0.node == node.index }
        for stale in staleLoadBalancers where stale.node == node.index {
            node.networking.removeLoadBalancerSandbox(networkID: stale.networkID)
        }
        staleLoadBalancers.removeAll { $0.node == node.index }
        syncAll()
        schedulePendingTasks()
        reconcileGlobalServices()
        for task in tasks where task.node == node.index && task.state == .assigned { start(task) }
    }

    /// `docker node update --availability active|pause|drain NODE`.
    public func updateAvailability(_ name: String, _ availability: NodeAvailability) throws(SwarmError) {
        let node = try node(named: name)
        guard node.inSwarm else { throw SwarmError.notInSwarm }
        node.availability = availability
        switch availability {
        case .drain:
            for task in tasks where task.node == node.index && isLive(task) { shutdownGracefully(task) }
            reconcileAll()
        case .active:
            schedulePendingTasks()
            reconcileGlobalServices()
        case .pause:
            break
        }
    }
}
