/// Compares how many requests each task served with the shares an expectation asks for.
///
/// Shares are fractions of the successful requests. `tolerance` judges the largest absolute
/// difference between a task's measured and expected share; `chi2` judges the p-value of
/// Pearson's test over the same categories. Tasks that served nothing still count (a dead task
/// with an expected share of 50% is the failure this exists to catch).
public struct DistributionCheck: Sendable, Equatable {
    /// One task's line: what it served and what it should have.
    public struct Row: Sendable, Equatable {
        public var task: String
        public var served: Int
        public var measuredShare: Double
        public var expectedShare: Double
    }

    public let rows: [Row]
    public let total: Int

    /// - Parameters:
    ///   - served: requests served per task, in display order.
    ///   - expected: the expected share per task (summing to 1); tasks absent here expect 0.
    public init(served: [(task: String, count: Int)], expected: [(task: String, share: Double)]) {
        var names = served.map(\.task)
        for (task, _) in expected where !names.contains(task) { names.append(task) }
        let total = served.reduce(0) { $0 + $1.count }
        self.total = total
        rows = names.map { name in
            let count = served.first { $0.task == name }?.count ?? 0
            let share = expected.first { $0.task == name }?.share ?? 0
            return Row(
                task: name, served: count, measuredShare: total == 0 ? 0 : Double(count) / Double(total),
                expectedShare: share)
        }
    }

    /// The row whose measured share is farthest from its expected share.
    public var worst: Row? {
        rows.max { abs($0.measuredShare - $0.expectedShare) < abs($1.measuredShare - $1.expectedShare) }
    }

    /// The largest absolute share difference (0 with no rows).
    public var largestDifference: Double {
        worst.map { abs($0.measuredShare - $0.expectedShare) } ?? 0
    }

    /// Pearson's p-value over the rows; 1 when there is nothing to test.
    public var chiSquarePValue: Double {
        guard rows.count >= 2, total > 0 else { return 1 }
        let statistic = ChiSquare.statistic(
            observed: rows.map(\.served), expected: rows.map { $0.expectedShare * Double(total) })
        return ChiSquare.pValue(statistic: statistic, degreesOfFreedom: rows.count - 1)
    }

    /// Equal shares over `tasks`.
    public static func uniform(_ tasks: [String]) -> [(task: String, share: Double)] {
        tasks.map { ($0, 1 / Double(tasks.count)) }
    }

    /// Shares proportional to `weights` (IPVS weights; weight 0 expects nothing).
    public static func weighted(_ weights: [(task: String, weight: Int)]) -> [(task: String, share: Double)] {
        let sum = weights.reduce(0) { $0 + max(0, $1.weight) }
        return weights.map { ($0.task, sum == 0 ? 0 : Double(max(0, $0.weight)) / Double(sum)) }
    }
}
