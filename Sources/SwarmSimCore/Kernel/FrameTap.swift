/// A capture point's view of a device: every frame the device sends or receives is shown to its
/// taps, exactly as it is on the wire at that moment.
///
/// Capture is a tap on a device, not a feature of the stack (as in smoltcp): the kernel model
/// calls `record` and knows nothing of files or formats. `comment` carries the reason swarmsim
/// rewrote or dropped the frame (which rule, which IPVS decision), for the pcapng packet comment.
public protocol FrameTap: AnyObject {
    /// Records one Ethernet frame seen at `time`. `frame` is only valid during the call.
    func record(_ frame: UnsafeRawBufferPointer, at time: SimTime, comment: String?)
}
