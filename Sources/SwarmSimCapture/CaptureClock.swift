import SwarmSimCore

/// Maps simulated time to the wall-clock nanoseconds written into capture files.
///
/// The scenario format fixes capture timestamps as "simulated time from the Unix epoch 0 plus
/// the scenario's start", so files are byte-identical run to run and never depend on the host
/// clock. `epoch` is that start: the Unix time of simulated time zero.
struct CaptureClock {
    /// The Unix time of `SimTime.zero`; already checked by `CaptureLimits.check(epoch:)`.
    let epoch: SimDuration

    /// The last nanosecond classic pcap can represent (32-bit seconds).
    static let maximum: UInt64 = (UInt64(CaptureLimits.maximumEpochSeconds) + 1) * 1_000_000_000 - 1

    /// Unix nanoseconds of `time`, clamped to what the file formats can hold. O(1).
    ///
    /// Clamping rather than trapping: a scenario may legally run for centuries of simulated
    /// time, and a wrong timestamp in a capture is better than a crash of the whole run.
    func unixNanoseconds(_ time: SimTime) -> UInt64 {
        let (sum, overflow) = epoch.nanoseconds.addingReportingOverflow(time.nanoseconds)
        if overflow { return time.nanoseconds > 0 ? Self.maximum : 0 }
        if sum < 0 { return 0 }
        return min(UInt64(sum), Self.maximum)
    }
}
