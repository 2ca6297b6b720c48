import SwarmSimCapture
import SwarmSimCore

extension ScenarioRun {
    /// Opens the capture session (unless capture is off) and taps every device that exists or
    /// will exist, as the plan decides.
    ///
    /// Devices created while the run goes (containers, LB namespaces) are tapped in a zero-delay
    /// timer after their creation, when the control plane has recorded what they belong to (a
    /// task's name for its container); no frame can cross a device before then, because frames
    /// only move in later events.
    func openCapture(directory: String) throws(CaptureError) {
        let section = scenario.capture
        guard settings.capture, section.points != .none else { return }
        capture = try CaptureSession(
            directory: directory, name: scenario.name, snaplen: section.snaplen,
            filter: settings.filter ?? section.filter, pcapng: section.pcapng)
        plan = CapturePlan(Self.request(section.points))
        for machine in world.machines {
            for namespace in machine.namespaces { for device in namespace.devices { pendingDevices.append(device) } }
        }
        tapPendingDevices()
    }

    static func request(_ points: CaptureSection.Points) -> CapturePlan.Request {
        switch points {
        case .all: .all
        case .none: .none
        case .list(let list): .points(list.map(\.name))
        }
    }

    /// Called for every new device: queued, and tapped once the current event is over.
    func deviceAdded(_ device: NetDevice) {
        guard capture != nil else { return }
        pendingDevices.append(device)
        guard !captureFlushScheduled else { return }
        captureFlushScheduled = true
        timers.after(.zero) { [unowned self] in
            captureFlushScheduled = false
            tapPendingDevices()
        }
    }

    func tapPendingDevices() {
        guard let capture, let plan else { return }
        let devices = pendingDevices
        pendingDevices = []
        for device in devices where !device.isDeleted {
            let descriptor = describe(device)
            guard plan.captures(descriptor) else { continue }
            // A replaced task keeps its slot's name, so a second container for `lbapp1.1` (or a
            // re-created device) takes the next free `~N` suffix: `lbapp1.1~2-eth0`.
            var attempt = 1
            var label = descriptor.pointLabel
            while captureFailure == nil {
                do {
                    device.addTap(try capture.point(node: descriptor.node, point: label, description: device.qualifiedName))
                    break
                } catch .duplicatePoint {
                    attempt += 1
                    label = descriptor.namespaceLabel.map { "\($0)~\(attempt)-\(descriptor.deviceLabel)" }
                        ?? "\(descriptor.deviceLabel)~\(attempt)"
                } catch {
                    // Out of file descriptors or disk: the run's captures are incomplete, which
                    // the runner reports as a failure rather than writing partial evidence.
                    captureFailure = error
                }
            }
        }
    }

    /// How the plan names a device: by node, by what its namespace is, and by device.
    func describe(_ device: NetDevice) -> CapturePlan.Device {
        let namespace = device.namespace
        let node = namespace.machine.name
        let isNode = scenario.swarm.nodes.contains { $0.name == node }
        if namespace.name.isEmpty {
            return CapturePlan.Device(
                node: node, namespaceLabel: nil, deviceLabel: device.name,
                isNodeUnderlay: isNode && device === nics[node])
        }
        let name = namespace.name
        if name == "ingress_sbox" {
            return CapturePlan.Device(node: node, namespaceLabel: name, deviceLabel: device.name)
        }
        if name.hasPrefix("lb_") || name.hasPrefix("1-") {
            let prefix = String(name.dropFirst(name.hasPrefix("lb_") ? 3 : 2))
            let network = cluster.networkList.first { $0.config.id.hasPrefix(prefix) }?.config.name ?? prefix
            if name.hasPrefix("lb_") {
                return CapturePlan.Device(node: node, namespaceLabel: "lb-\(network)", deviceLabel: device.name)
            }
            switch device.name {
            case "br0": return CapturePlan.Device(node: node, namespaceLabel: nil, deviceLabel: "br-\(network)")
            case "vxlan0": return CapturePlan.Device(node: node, namespaceLabel: nil, deviceLabel: "vxlan-\(network)")
            default: return CapturePlan.Device(node: node, namespaceLabel: "br-\(network)", deviceLabel: device.name)
            }
        }
        // A container: by task slot name, or by the docker run container's name.
        if let label = namespaceLabels[name] {
            return CapturePlan.Device(node: node, namespaceLabel: label, deviceLabel: device.name)
        }
        return CapturePlan.Device(node: node, namespaceLabel: name, deviceLabel: device.name)
    }
}
