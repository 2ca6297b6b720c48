import SwarmSimCore
import Testing

@testable import SwarmSimScenario

@Suite struct UnitsTests {
    static let durations: [(String, Int64)] = [
        ("250ns", 250), ("100us", 100_000), ("1.5ms", 1_500_000), ("2s", 2_000_000_000), ("0.000000001s", 1),
        ("1m", 60_000_000_000), ("1.25us", 1_250), ("0s", 0), ("3.000ms", 3_000_000),
    ]

    @Test(arguments: durations) func durationIsExact(text: String, nanoseconds: Int64) {
        #expect(Units.duration(text) == SimDuration(nanoseconds: nanoseconds))
    }

    @Test(arguments: ["", "2", "1.5", "0.5ns", "1.0000000001s", "fast", ".5s", "1.s", "-1s", "1 s", "99999999999999999999s"])
    func badDuration(text: String) {
        #expect(Units.duration(text) == nil)
    }

    static let rates: [(String, UInt64)] = [
        ("10Gbps", 10_000_000_000), ("100Mbps", 100_000_000), ("1.5Gbps", 1_500_000_000), ("64kbps", 64_000),
        ("800bps", 800),
    ]

    @Test(arguments: rates) func rateInBitsPerSecond(text: String, bits: UInt64) {
        #expect(Units.bitsPerSecond(text) == bits)
    }

    @Test(arguments: ["10G", "10 Gbps", "0.5bps", "fast"]) func badRate(text: String) {
        #expect(Units.bitsPerSecond(text) == nil)
    }

    static let fractions: [(String, Double)] = [("2%", 0.02), ("0.02", 0.02), ("100%", 1), ("0", 0), ("0.5%", 0.005)]

    @Test(arguments: fractions) func fraction(text: String, value: Double) throws {
        let parsed = try #require(Units.fraction(text))
        #expect(abs(parsed - value) < 1e-12)
    }

    @Test(arguments: ["101%", "1.5", "-1%", "2 %", "x"]) func badFraction(text: String) {
        #expect(Units.fraction(text) == nil)
    }

    @Test func requestRates() {
        #expect(Units.requestRate("5000/s") == 5000)
        #expect(Units.requestRate("2/ms") == 2000)
        #expect(Units.requestRate("0/s") == nil)
        #expect(Units.requestRate("5000/h") == nil)
    }

    @Test func addresses() {
        #expect(AddressParsing.ipv4("172.17.0.6") == IPv4Address(172, 17, 0, 6))
        #expect(AddressParsing.ipv4("172.17.0.06") == nil)
        #expect(AddressParsing.ipv4("172.17.0") == nil)
        #expect(AddressParsing.prefix("10.0.0.0/24") == .success(IPv4Prefix(address: IPv4Address(10, 0, 0, 0), length: 24)))
        #expect(AddressParsing.prefix("10.0.0.1/24") == .failure(.hostBitsSet(IPv4Prefix(address: IPv4Address(10, 0, 0, 0), length: 24))))
        #expect(AddressParsing.prefix("10.0.0.0/33") == .failure(.malformed))
    }

    @Test func imagesWithTags() {
        #expect(KnownImages.application(of: "nginx:latest", images: [])?.app == .nginx)
        #expect(KnownImages.application(of: "redis:alpine", images: [])?.app == .redis)
        #expect(KnownImages.application(of: "docker.io/library/redis:7", images: [])?.app == .redis)
        #expect(KnownImages.application(of: "localhost:5000/nginx", images: []) == nil)
        #expect(KnownImages.application(of: "nginxx", images: []) == nil)
    }
}
