import CPcap

/// A capture file read back through libpcap (classic pcap and pcapng alike): the check that
/// does not trust our own writer.
public struct ReadCapture {
    public struct Packet: Equatable {
        public var seconds: Int
        public var nanoseconds: Int
        public var capturedLength: Int
        public var originalLength: Int
        public var bytes: [UInt8]
        public var unixNanoseconds: Int64 { Int64(seconds) * 1_000_000_000 + Int64(nanoseconds) }
    }

    public var linkType: Int32
    public var snaplen: Int32
    public var packets: [Packet]

    /// Reads every packet of `path` with `pcap_open_offline_with_tstamp_precision(NANO)`.
    public init(path: String) throws {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard
            let handle = pcap_open_offline_with_tstamp_precision(path, UInt32(PCAP_TSTAMP_PRECISION_NANO), &errorBuffer)
        else {
            let message = errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            throw TestFailure("libpcap cannot open \(path): \(String(decoding: message, as: UTF8.self))")
        }
        defer { pcap_close(handle) }
        linkType = pcap_datalink(handle)
        snaplen = pcap_snapshot(handle)
        packets = []
        var header: UnsafeMutablePointer<pcap_pkthdr>? = nil
        var data: UnsafePointer<UInt8>? = nil
        while true {
            let status = pcap_next_ex(handle, &header, &data)
            if status == PCAP_ERROR_BREAK { break }  // end of file
            guard status == 1, let header, let data else {
                throw TestFailure("pcap_next_ex(\(path)) = \(status): \(String(cString: pcap_geterr(handle)))")
            }
            let h = header.pointee
            packets.append(
                Packet(
                    seconds: Int(h.ts.tv_sec), nanoseconds: Int(h.ts.tv_usec), capturedLength: Int(h.caplen),
                    originalLength: Int(h.len), bytes: Array(UnsafeBufferPointer(start: data, count: Int(h.caplen)))))
        }
    }
}
