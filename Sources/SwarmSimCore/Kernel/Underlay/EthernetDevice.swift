/// A machine's physical NIC on the underlay segment (`eth0` of a node or outside host).
///
/// It keeps the transmit side of the wire: frames are serialised one after another and at most
/// `txQueueLength` frames (Linux's default `txqueuelen` 1000) wait or are on the wire; a frame
/// arriving at a full queue is dropped and counted in `txDropped`.
public final class EthernetDevice: NetDevice {
    public unowned(unsafe) let segment: UnderlaySegment
    public var txQueueLength = 1000
    /// When each queued frame finishes serialising, oldest first.
    private var finishTimes: [SimTime] = []
    private var finishHead = 0

    init(name: String, namespace: NetworkNamespace, mac: MACAddress, mtu: Int, segment: UnderlaySegment) {
        self.segment = segment
        super.init(name: name, namespace: namespace, mac: mac, mtu: mtu)
    }

    override func deviceTransmit(_ packet: PacketBuffer) {
        segment.carry(packet, from: self)
    }

    /// Queues a frame for the wire and returns when its last bit leaves, or nil when the queue is full.
    func enqueueForTransmission(length: Int, serialisation: SimDuration) -> SimTime? {
        let now = world.now
        while finishHead < finishTimes.count && finishTimes[finishHead] <= now { finishHead += 1 }
        if finishHead > 1024 {
            finishTimes.removeFirst(finishHead)
            finishHead = 0
        }
        guard finishTimes.count - finishHead < txQueueLength else {
            txDropped += 1
            return nil
        }
        let start = max(now, finishTimes.last ?? now)
        let finish = start + serialisation
        finishTimes.append(finish)
        return finish
    }
}
