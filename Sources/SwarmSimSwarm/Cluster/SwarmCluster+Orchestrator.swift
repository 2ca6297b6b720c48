import SwarmSimCore

/// The replicated and global orchestrators, the allocator's per-task work and the scheduler.
extension SwarmCluster {
    func isLive(_ task: TaskRecord) -> Bool { task.desiredState == .running }

    func matchesConstraints(_ service: ServiceRecord, _ node: NodeRecord) -> Bool {
        service.spec.constraints.allSatisfy { text in
            PlacementConstraint(text)?.matches(id: node.id, hostname: node.name, role: node.role, labels: node.labels)
                ?? false
        }
    }

    func reconcileAll() {
        for service in services { reconcile(service) }
        schedulePendingTasks()
    }

    func reconcileGlobalServices() {
        for service in services where service.spec.mode == .global { reconcile(service) }
    }

    /// Brings a service's live tasks to its spec: missing slots (or eligible nodes) get new tasks,
    /// surplus ones are shut down (scale-down removes the highest slots first).
    func reconcile(_ service: ServiceRecord) {
        let live = tasks.filter { $0.serviceID == service.id && isLive($0) }
        switch service.spec.mode {
        case .replicated(let replicas):
            let slots = Set(live.map(\.slot))
            let missing = (1...max(replicas, 1)).filter { $0 <= replicas && !slots.contains($0) }
            for task in live.sorted(by: { $0.slot > $1.slot }) where task.slot > replicas {
                shutdownGracefully(task)
            }
            if !missing.isEmpty { createTasks(service, slots: missing, nodes: []) }
        case .global:
            for task in live {
                guard let index = task.node else { continue }
                let node = nodes[index]
                if !node.inSwarm || node.statusDown || node.availability == .drain || !matchesConstraints(service, node) {
                    shutdownGracefully(task)
                }
            }
            let covered = Set(live.compactMap(\.node))
            let wanted = nodes.filter { $0.acceptsTasks && !covered.contains($0.index) && matchesConstraints(service, $0) }
            if !wanted.isEmpty { createTasks(service, slots: [], nodes: wanted.map(\.index)) }
        }
    }

    /// Creates tasks for replicated `slots` or global `nodes`: addresses first (the allocator runs
    /// before the scheduler), then placement, then node LB attachments, then the containers.
    func createTasks(_ service: ServiceRecord, slots: [Int], nodes globalNodes: [Int], startDelay: SimDuration? = nil) {
        var created: [TaskRecord] = []
        for slot in slots {
            created.append(TaskRecord(id: ids.objectID(), serviceID: service.id, slot: slot, image: service.spec.image, now: simulation.now))
        }
        for node in globalNodes {
            let task = TaskRecord(id: ids.objectID(), serviceID: service.id, slot: 0, image: service.spec.image, now: simulation.now)
            task.node = node
            created.append(task)
        }
        tasks.append(contentsOf: created)
        for task in created { allocateAddresses(task, service) }
        if globalNodes.isEmpty {
            place(created, service)
        } else {
            for task in created {
                guard let node = task.node else { continue }
                if nodes[node].acceptsTasks {
                    task.state = .assigned
                } else {
                    task.node = nil
                    task.state = .pending
                    task.error = "no suitable node (\(explanation(service)))"
                }
            }
        }
        launch(created.filter { $0.state == .assigned }, service, startDelay: startDelay)
    }

    /// The task's endpoint addresses: ingress first when the service publishes ingress ports, then
    /// the service's networks in order (swarmkit `taskCreateNetworkAttachments`).
    func allocateAddresses(_ task: TaskRecord, _ service: ServiceRecord) {
        var networkIDs = service.networkIDs
        if !service.ingressPorts.isEmpty, let ingress { networkIDs.insert(ingress.id, at: 0) }
        for id in networkIDs {
            guard let address = network(id: id).pool.allocate() else {
                task.error = "could not allocate an address on network \(network(id: id).name): subnet is full"
                continue
            }
            task.addresses.append((id, address))
        }
    }

    /// Places replicated tasks with the spread scheduler; unplaceable ones stay pending.
    func place(_ batch: [TaskRecord], _ service: ServiceRecord) {
        let candidates = nodes.filter { $0.acceptsTasks && matchesConstraints(service, $0) }.map { node in
            SpreadScheduler.Candidate(
                node: node.index,
                serviceTasks: tasks.filter { $0.serviceID == service.id && isLive($0) && $0.node == node.index }.count,
                totalTasks: tasks.filter { isLive($0) && $0.node == node.index }.count)
        }
        let placement = SpreadScheduler.place(count: batch.count, candidates: candidates)
        for (offset, task) in batch.enumerated() {
            if offset < placement.count {
                task.node = placement[offset]
                task.state = .assigned
                task.error = ""
            } else {
                task.state = .pending
                task.error = "no suitable node (\(explanation(service)))"
            }
            task.timestamp = simulation.now
        }
    }

    /// swarmkit's `Pipeline.Explain`: failures per filter, most first.
    func explanation(_ service: ServiceRecord) -> String {
        var notReady = 0
        var constraintFailures = 0
        for node in nodes where node.inSwarm {
            if !node.acceptsTasks {
                notReady += 1
            } else if !matchesConstraints(service, node) {
                constraintFailures += 1
            }
        }
        var parts: [(Int, String)] = []
        if notReady > 0 {
            parts.append((notReady, notReady == 1 ? "1 node not available for new tasks" : "\(notReady) nodes not available for new tasks"))
        }
        if constraintFailures > 0 {
            parts.append(
                (constraintFailures, constraintFailures == 1
                    ? "scheduling constraints not satisfied on 1 node"
                    : "scheduling constraints not satisfied on \(constraintFailures) nodes"))
        }
        if parts.count == 2 && parts[1].0 > parts[0].0 { parts.swapAt(0, 1) }
        return parts.map(\.1).joined(separator: "; ")
    }

    /// Node LB attachments for assigned tasks (in task order), then the containers.
    func launch(_ batch: [TaskRecord], _ service: ServiceRecord, startDelay: SimDuration?) {
        for task in batch {
            guard let node = task.node else { continue }
            for entry in task.addresses {
                let network = network(id: entry.networkID)
                guard !network.config.isIngress, network.loadBalancerAddresses[node] == nil else { continue }
                if let address = network.pool.allocate() { network.loadBalancerAddresses[node] = address }
            }
        }
        for task in batch {
            if let startDelay {
                timers.after(startDelay) { [weak self] in self?.start(task) }
            } else {
                start(task)
            }
        }
    }

    /// Tasks left pending get another chance when a node becomes eligible.
    func schedulePendingTasks() {
        for service in services {
            let pending = tasks.filter { $0.serviceID == service.id && isLive($0) && $0.state == .pending }
            guard !pending.isEmpty else { continue }
            if service.spec.mode == .global {
                for task in pending {
                    task.state = .shutdown
                    task.desiredState = .shutdown
                    releaseAddresses(task)
                }
                reconcile(service)
                continue
            }
            place(pending, service)
            launch(pending.filter { $0.state == .assigned }, service, startDelay: nil)
        }
    }

    func releaseAddresses(_ task: TaskRecord) {
        for entry in task.addresses { network(id: entry.networkID).pool.release(entry.address) }
    }
}
