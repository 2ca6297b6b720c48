import CPcap

/// A capture filter in tcpdump (BPF) syntax, compiled by libpcap: `udp port 53`, `host 10.0.0.2`,
/// `icmp or arp`.
///
/// Using libpcap's own compiler means the scenario's `filter:` accepts exactly what `tcpdump`
/// accepts and rejects the rest with the same message, and that the filter runs the same BPF
/// program the kernel would. The program is compiled once for Ethernet (`DLT_EN10MB`) framing,
/// the link type of every capture point, and then run against each frame in userspace with
/// `pcap_offline_filter`.
///
/// A filter holds no mutable state after `init`, so one instance can be shared by every capture
/// point of a run.
public final class CaptureFilter {
    /// The expression as written, for reports and error messages.
    public let expression: String
    /// The snapshot length the program was compiled for; the program accepts a frame by
    /// returning this many bytes.
    public let snaplen: Int

    /// The compiled program. Heap-allocated so its address is stable for libpcap.
    private let program: UnsafeMutablePointer<bpf_program>

    /// Compiles `expression`, or throws `CaptureError.invalidFilter` with libpcap's message.
    ///
    /// Complexity: libpcap's compiler and optimiser, linear-ish in the expression; done once.
    public init(expression: String, snaplen: Int = CaptureLimits.defaultSnaplen) throws(CaptureError) {
        try CaptureLimits.check(snaplen: snaplen)
        // A "dead" pcap_t is libpcap's handle for compiling without a device; it is needed only
        // while compiling (the bpf_program is self-contained), so it is closed right away.
        guard let handle = pcap_open_dead(DLT_EN10MB, Int32(snaplen)) else {
            throw .libpcap("pcap_open_dead(DLT_EN10MB, \(snaplen)) failed")
        }
        defer { pcap_close(handle) }
        let program = UnsafeMutablePointer<bpf_program>.allocate(capacity: 1)
        program.initialize(to: bpf_program())
        // Optimise (1) as tcpdump does; the netmask only matters for `ip broadcast`, which then
        // reports libpcap's "netmask not known" error rather than guessing.
        if pcap_compile(handle, program, expression, 1, PCAP_NETMASK_UNKNOWN) != 0 {
            let message = String(cString: pcap_geterr(handle))
            program.deinitialize(count: 1)
            program.deallocate()
            throw .invalidFilter(expression: expression, message: message)
        }
        self.expression = expression
        self.snaplen = snaplen
        self.program = program
    }

    deinit {
        pcap_freecode(program)
        program.deinitialize(count: 1)
        program.deallocate()
    }

    /// Whether the filter accepts `frame`, an Ethernet frame of which `frame.count` bytes are
    /// present out of `originalLength` on the wire.
    ///
    /// Pass the whole frame when you have it: as in the kernel, the filter looks at the frame
    /// before snaplen truncation. Complexity: the BPF program's length (no loops in BPF), no
    /// allocation.
    public func matches(_ frame: UnsafeRawBufferPointer, originalLength: Int) -> Bool {
        var header = pcap_pkthdr()
        header.caplen = bpf_u_int32(truncatingIfNeeded: frame.count)
        header.len = bpf_u_int32(truncatingIfNeeded: max(originalLength, frame.count))
        guard let base = frame.baseAddress else {
            // An empty buffer has no address; BPF reads nothing from it, but wants a pointer.
            var empty: UInt8 = 0
            return pcap_offline_filter(program, &header, &empty) != 0
        }
        return pcap_offline_filter(program, &header, base.assumingMemoryBound(to: UInt8.self)) != 0
    }
}
