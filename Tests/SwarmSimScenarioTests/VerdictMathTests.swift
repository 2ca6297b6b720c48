import SwarmSimCore
import Testing

@testable import SwarmSimScenario

@Suite struct VerdictMathTests {
    /// Critical values from the standard chi-square table: P(X ≥ x) = 0.05 and 0.01.
    @Test(arguments: [
        (1, 3.841, 0.05), (2, 5.991, 0.05), (3, 7.815, 0.05), (10, 18.307, 0.05),
        (1, 6.635, 0.01), (5, 15.086, 0.01), (30, 50.892, 0.01),
    ])
    func chiSquareMatchesTheTable(df: Int, x: Double, p: Double) {
        #expect(abs(ChiSquare.pValue(statistic: x, degreesOfFreedom: df) - p) < 5e-4)
    }

    @Test func chiSquareEdges() {
        #expect(ChiSquare.pValue(statistic: 0, degreesOfFreedom: 3) == 1)
        #expect(ChiSquare.pValue(statistic: 1000, degreesOfFreedom: 1) < 1e-100)
        #expect(ChiSquare.statistic(observed: [60, 40], expected: [50, 50]) == 4)
    }

    @Test func nearestRankPercentiles() {
        let values = (1...10).map { SimDuration.milliseconds(Int64($0)) }
        let p = Percentiles(values.reversed())
        #expect(p.value(at: 50) == .milliseconds(5))
        #expect(p.value(at: 90) == .milliseconds(9))
        #expect(p.value(at: 99) == .milliseconds(10))
        #expect(p.value(at: 100) == .milliseconds(10))
        #expect(p.minimum == .milliseconds(1))
        #expect(Percentiles([]).value(at: 50) == nil)
    }

    @Test func distributionFindsTheWorstTaskAndCountsSilentOnes() {
        let check = DistributionCheck(
            served: [("lbapp1.1", 700), ("lbapp1.2", 300)],
            expected: DistributionCheck.uniform(["lbapp1.1", "lbapp1.2", "lbapp1.3"]))
        #expect(check.total == 1000)
        #expect(check.rows.map(\.task) == ["lbapp1.1", "lbapp1.2", "lbapp1.3"])
        #expect(check.worst?.task == "lbapp1.1")
        #expect(abs(check.largestDifference - (0.7 - 1.0 / 3)) < 1e-12)
        #expect(check.chiSquarePValue < 1e-10)
    }

    @Test func uniformRoundRobinPassesChiSquare() {
        let check = DistributionCheck(
            served: [("a", 5001), ("b", 4999)], expected: DistributionCheck.uniform(["a", "b"]))
        #expect(check.largestDifference < 0.001)
        #expect(check.chiSquarePValue > 0.9)
    }

    @Test func weightedShares() {
        let shares = DistributionCheck.weighted([("a", 3), ("b", 1), ("c", 0)])
        #expect(shares.map(\.share) == [0.75, 0.25, 0])
    }
}

@Suite struct CapturePlanTests {
    let eth0 = CapturePlan.Device(node: "host01", namespaceLabel: nil, deviceLabel: "eth0", isNodeUnderlay: true)
    let sboxEth1 = CapturePlan.Device(node: "host01", namespaceLabel: "ingress_sbox", deviceLabel: "eth1")
    let task = CapturePlan.Device(node: "host02", namespaceLabel: "lbapp1.1", deviceLabel: "eth0")
    let bridge = CapturePlan.Device(node: "host01", namespaceLabel: nil, deviceLabel: "br-ingress")

    @Test func pointNames() {
        #expect(eth0.pointName == "host01:eth0")
        #expect(sboxEth1.pointName == "host01:ingress_sbox-eth1")
        #expect(task.pointLabel == "lbapp1.1-eth0")
    }

    @Test func requestsMatchDevicesNamespacesAndTheUnderlay() {
        let plan = CapturePlan(.points(["underlay", "host01:ingress_sbox", "host01:br-ingress"]))
        #expect(plan.captures(eth0))
        #expect(plan.captures(sboxEth1))
        #expect(plan.captures(bridge))
        #expect(!plan.captures(task))
        #expect(CapturePlan(.points(["host02:lbapp1.1"])).captures(task))
        #expect(!CapturePlan(.points(["host01:lbapp1.1"])).captures(task))
        #expect(CapturePlan(.all).captures(task))
        #expect(!CapturePlan(.none).captures(eth0))
    }

    @Test func unknownPointsAreReported() {
        let plan = CapturePlan(.points(["host01:eth0", "host03:eth0", "nonsense"]))
        #expect(plan.unmatchedPoints(among: [eth0, task]) == ["host03:eth0", "nonsense"])
    }
}
