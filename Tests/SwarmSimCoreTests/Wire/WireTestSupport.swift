import Testing

@testable import SwarmSimCore

/// Shared helpers for the Wire tests. Names are prefixed so they cannot clash with other
/// suites in the same test target.
enum WireFixture {
    /// Bytes from hex text: whitespace is ignored, and so is everything after a '#' on a line,
    /// so fixtures can carry a comment per header.
    static func bytes(_ text: String) -> [UInt8] {
        var result: [UInt8] = []
        var pending: UInt8?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            for character in line.prefix(while: { $0 != "#" }) {
                guard let digit = character.hexDigitValue else {
                    precondition(character.isWhitespace, "bad fixture character \(character)")
                    continue
                }
                if let high = pending {
                    result.append(high << 4 | UInt8(digit))
                    pending = nil
                } else {
                    pending = UInt8(digit)
                }
            }
        }
        precondition(pending == nil, "odd number of hex digits in fixture")
        return result
    }

    /// Lowercase hex of `bytes`, for readable failure messages.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// Runs `parse` over a mutable copy of `bytes` and returns the error it threw, if any.
    static func error(
        _ bytes: [UInt8], _ parse: (UnsafeMutableRawBufferPointer) throws(WireError) -> Void
    ) -> WireError? {
        var copy = bytes
        return copy.withUnsafeMutableBytes { raw -> WireError? in
            do throws(WireError) {
                try parse(raw)
                return nil
            } catch {
                return error
            }
        }
    }

    /// `bytes` with `count` bytes at `offset` replaced by `value` (big-endian).
    static func patched(_ bytes: [UInt8], at offset: Int, _ value: UInt64, width: Int) -> [UInt8] {
        var copy = bytes
        for index in 0..<width {
            copy[offset + index] = UInt8(truncatingIfNeeded: value >> UInt64(8 * (width - 1 - index)))
        }
        return copy
    }
}

/// A bad-input case for an argument table: bytes and the error they must give.
struct WireBadInput: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    let expected: WireError

    init(_ name: String, _ bytes: [UInt8], _ expected: WireError) {
        self.name = name
        self.bytes = bytes
        self.expected = expected
    }

    var testDescription: String { name }
}

/// xorshift64* (Vigna): a tiny seeded generator for test data, independent of the simulator's
/// own `RandomStream`, so the tests do not share its code paths.
struct WireTestRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }

    mutating func u16() -> UInt16 { UInt16(truncatingIfNeeded: next() >> 20) }
    mutating func u32() -> UInt32 { UInt32(truncatingIfNeeded: next() >> 16) }
    mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next() >> 40) }
    /// In `0..<bound`; the slight modulo bias does not matter for test data.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in byte() } }
}

/// The real frames the Wire tests use, generated independently of this code and dissected
/// with `tshark -V` (checksum validation on): no malformed fields, every checksum correct.
enum WireFixtures {
    /// ARP request: who-has 10.0.0.3 tell 10.0.0.2, from 02:42:0a:00:00:02, broadcast.
    static let arpRequest = WireFixture.bytes(
        """
        ffffffffffff 02420a000002 0806                # Ethernet: broadcast <- 02:42:0a:00:00:02, ARP
        0001 0800 06 04 0001                          # ARP: Ethernet, IPv4, 6, 4, request
        02420a000002 0a000002                         # sender 02:42:0a:00:00:02 10.0.0.2
        000000000000 0a000003                         # target 00:00:00:00:00:00 10.0.0.3
        """)

    /// Linux `ping 10.0.0.3` from 10.0.0.2: echo request id 0x1c2b seq 1, 56 data bytes (a
    /// 16-byte struct timeval in host order, then iputils' pattern 0x10, 0x11, ...).
    static let icmpEcho = WireFixture.bytes(
        """
        02420a000003 02420a000002 0800                # Ethernet
        45 00 0054 8e4f 4000 40 01 9855               # IPv4: IHL 5, len 84, id 0x8e4f, DF, TTL 64, ICMP
        0a000002 0a000003                             # 10.0.0.2 -> 10.0.0.3
        08 00 0dc4 1c2b 0001                          # ICMP echo request, checksum 0x0dc4
        b2a1506600000000 00350c0000000000             # timeval
        101112131415161718191a1b1c1d1e1f              # ping's pattern 0x10...0x37
        202122232425262728292a2b2c2d2e2f
        3031323334353637
        """)

    /// `dig tasks.web` to Docker's embedded DNS: UDP 10.0.1.5:41000 -> 127.0.0.11:53.
    static let dnsQuery = WireFixture.bytes(
        """
        02420a000003 02420a000002 0800                # Ethernet
        45 00 0037 1234 4000 40 11 9e72               # IPv4: len 55, id 0x1234, DF, TTL 64, UDP
        0a000105 7f00000b                             # 10.0.1.5 -> 127.0.0.11
        a028 0035 0023 3cc9                           # UDP 41000 -> 53, len 35, checksum 0x3cc9
        5a3c 0100 0001 0000 0000 0000                 # DNS id 0x5a3c, RD, 1 question
        057461736b73 03776562 00 0001 0001            # tasks.web. A IN
        """)

    /// A Linux SYN: 10.0.0.2:45678 -> 10.0.0.3:80 with MSS 1460, SACK_PERM, TS, WS 7.
    static let tcpSyn = WireFixture.bytes(
        """
        02420a000003 02420a000002 0800                # Ethernet
        45 00 003c 4d2a 4000 40 06 d98d               # IPv4: len 60, id 0x4d2a, DF, TTL 64, TCP
        0a000002 0a000003                             # 10.0.0.2 -> 10.0.0.3
        b26e 0050 3ade68b1 00000000                   # TCP 45678 -> 80, seq 0x3ade68b1, ack 0
        a0 02 faf0 ac64 0000                          # offset 10, SYN, window 64240, checksum 0xac64
        020405b4 0402080a 0a1b2c3d 00000000 01030307  # MSS 1460, SACK_PERM+TS, NOP WS 7
        """)

    /// The first data segment of the same connection: PSH,ACK with timestamps and a request.
    static let tcpData = WireFixture.bytes(
        """
        02420a000003 02420a000002 0800                # Ethernet
        45 00 0051 4d2b 4000 40 06 d977               # IPv4: len 81, id 0x4d2b, DF, TTL 64, TCP
        0a000002 0a000003                             # 10.0.0.2 -> 10.0.0.3
        b26e 0050 3ade68b2 9c4f0e21                   # TCP 45678 -> 80, seq, ack
        80 18 01f6 a570 0000                          # offset 8, PSH+ACK, window 502, checksum 0xa570
        0101080a 0a1b2c47 5e6f7081                    # NOP NOP TS
        474554202f20485454502f312e310d0a              # "GET / HTTP/1.1\\r\\n"
        486f73743a207765620d0a0d0a                    # "Host: web\\r\\n\\r\\n"
        """)

    /// `tcpData` carried over a Docker overlay: node 192.168.1.10 -> 192.168.1.11, UDP
    /// 37721 -> 4789, VXLAN VNI 4097, outer UDP checksum computed.
    static let vxlan = WireFixture.bytes(
        """
        525400123457 525400123456 0800                # outer Ethernet between the nodes
        45 00 0083 beef 0000 40 11 3815               # outer IPv4: len 131, id 0xbeef, no DF, UDP
        c0a8010a c0a8010b                             # 192.168.1.10 -> 192.168.1.11
        9359 12b5 006f c04a                           # UDP 37721 -> 4789, len 111, checksum 0xc04a
        08 000000 001001 00                           # VXLAN I flag, VNI 4097
        """) + Array(tcpData)

    /// A UDP packet with an IPv4 option (Router Alert), DSCP EF and ECT(1): IHL 6.
    static let ipv4Options = WireFixture.bytes(
        """
        02420a000003 02420a000002 0800                # Ethernet
        46 b9 0023 0007 4000 40 11 9101               # IPv4: IHL 6, DSCP 46, ECN 1, len 35, id 7
        0a000002 0a000003                             # 10.0.0.2 -> 10.0.0.3
        94040000                                      # option: Router Alert
        8707 8708 000b 545a 686921                    # UDP 34567 -> 34568, len 11, "hi!"
        """)

    /// Port unreachable from 127.0.0.11 for `dnsQuery`, quoting its IP header and 8 bytes.
    static let portUnreachable = WireFixture.bytes(
        """
        02420a000002 02420a000003 0800                # Ethernet
        45 c0 0038 3456 0000 40 01 bb9f               # IPv4: DSCP CS6, len 56, no DF, ICMP
        7f00000b 0a000105                             # 127.0.0.11 -> 10.0.1.5
        03 03 1fb3 00000000                           # ICMP destination unreachable, port
        45000037 12344000 40119e72 0a000105 7f00000b  # quoted IPv4 header
        a0280035 00233cc9                             # quoted UDP header
        """)

    /// The embedded DNS's answer to `dnsQuery`: two A records, owner names compressed to the
    /// question (0xc00c). DNS message only.
    static let dnsAnswer = WireFixture.bytes(
        """
        5a3c 8180 0001 0002 0000 0000                 # id, QR RD RA, 1 question, 2 answers
        057461736b73 03776562 00 0001 0001            # tasks.web. A IN
        c00c 0001 0001 00000258 0004 0a000107         # tasks.web. 600 A 10.0.1.7
        c00c 0001 0001 00000258 0004 0a000108         # tasks.web. 600 A 10.0.1.8
        """)

    /// An SRV answer: the target uncompressed (RFC 2782), the additional A record's owner
    /// compressed into the question's "web" label (0xc017).
    static let dnsSRV = WireFixture.bytes(
        """
        0102 8580 0001 0001 0000 0001                 # id, QR AA RD RA, 1 q, 1 answer, 1 additional
        055f68747470 045f746370 03776562 00 0021 0001 # _http._tcp.web. SRV IN
        c00c 0021 0001 00000258 0011                  # _http._tcp.web. 600 SRV, RDLENGTH 17
        0000 0000 0050 057765622d31 03776562 00       # 0 0 80 web-1.web.
        057765622d31 c017 0001 0001 00000258 0004     # web-1.web. 600 A
        0a000107                                      # 10.0.1.7
        """)
}
