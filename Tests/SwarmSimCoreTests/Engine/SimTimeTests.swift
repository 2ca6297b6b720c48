import Testing
@testable import SwarmSimCore

@Suite struct SimTimeTests {
    @Test func pointPlusIntervalIsAPoint() {
        let t = SimTime.zero + .milliseconds(500)
        #expect(t.nanoseconds == 500_000_000)
        #expect(t - SimTime.zero == .milliseconds(500))
        #expect((t - .microseconds(100)).nanoseconds == 499_900_000)
    }

    @Test func additionSaturatesInsteadOfTrapping() {
        let far = SimTime(nanoseconds: .max - 1) + .seconds(10)
        #expect(far == .distantFuture)
    }

    @Test func logTimestampHasSixDecimals() {
        #expect(SimTime.zero.description == "0.000000s")
        #expect((SimTime.zero + .milliseconds(500)).description == "0.500000s")
        #expect(SimTime(nanoseconds: 12_345_678_999).description == "12.345678s")
    }

    @Test(arguments: [
        (SimDuration.nanoseconds(250), "250ns"),
        (.microseconds(100), "100us"),
        (.microseconds(1_500), "1.5ms"),
        (.seconds(2), "2s"),
        (.nanoseconds(1_000_001), "1.000001ms"),
        (.zero, "0ns"),
    ])
    func durationsPrintInScenarioUnits(duration: SimDuration, text: String) {
        #expect(duration.description == text)
    }

    @Test func negativeDurationsFormatWithSign() {
        #expect(SimDuration.milliseconds(-1).secondsString(decimals: 3) == "-0.001")
    }
}
