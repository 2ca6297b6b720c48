import Foundation

/// `report.json`: what a run measured, for people and for CI (scenario-format.md "report.json").
///
/// Encoded with sorted keys and fixed number formats so the same scenario and seed give the same
/// bytes on every run. Times are seconds of simulated time; latencies are milliseconds.
public struct RunReport: Codable, Sendable, Equatable {
    public struct Task: Codable, Sendable, Equatable {
        public var name: String
        public var node: String
        public var containerID: String
        public var addresses: [String: String]
        public var served: Int

        public init(name: String, node: String, containerID: String, addresses: [String: String], served: Int) {
            self.name = name
            self.node = node
            self.containerID = containerID
            self.addresses = addresses
            self.served = served
        }
    }

    public struct Latency: Codable, Sendable, Equatable {
        public var count: Int
        public var p50: Double
        public var p90: Double
        public var p99: Double
        public var max: Double

        public init(count: Int, p50: Double, p90: Double, p99: Double, max: Double) {
            self.count = count
            self.p50 = p50
            self.p90 = p90
            self.p99 = p99
            self.max = max
        }
    }

    public struct Failure: Codable, Sendable, Equatable {
        public var step: Int
        public var time: Double
        public var target: String
        public var reason: String

        public init(step: Int, time: Double, target: String, reason: String) {
            self.step = step
            self.time = time
            self.target = target
            self.reason = reason
        }
    }

    public struct Service: Codable, Sendable, Equatable {
        public var name: String
        public var id: String
        public var requests: Int
        public var failed: Int
        public var tasks: [Task]
        public var failures: [Failure]
        public var latency: Latency?

        public init(
            name: String, id: String, requests: Int, failed: Int, tasks: [Task], failures: [Failure], latency: Latency?
        ) {
            self.name = name
            self.id = id
            self.requests = requests
            self.failed = failed
            self.tasks = tasks
            self.failures = failures
            self.latency = latency
        }
    }

    public struct CaptureCount: Codable, Sendable, Equatable {
        public var point: String
        public var packets: Int
        public var file: String?

        public init(point: String, packets: Int, file: String?) {
            self.point = point
            self.packets = packets
            self.file = file
        }
    }

    public struct Verdict: Codable, Sendable, Equatable {
        public var expectation: String
        public var location: String
        public var measured: String
        public var passed: Bool

        public init(expectation: String, location: String, measured: String, passed: Bool) {
            self.expectation = expectation
            self.location = location
            self.measured = measured
            self.passed = passed
        }
    }

    public var scenario: String
    public var seed: UInt64
    public var simulatedSeconds: Double
    public var services: [Service]
    public var captures: [CaptureCount]
    public var expectations: [Verdict]
    public var passed: Bool

    public init(
        scenario: String, seed: UInt64, simulatedSeconds: Double, services: [Service], captures: [CaptureCount],
        expectations: [Verdict], passed: Bool
    ) {
        self.scenario = scenario
        self.seed = seed
        self.simulatedSeconds = simulatedSeconds
        self.services = services
        self.captures = captures
        self.expectations = expectations
        self.passed = passed
    }

    /// The JSON bytes: pretty-printed, keys sorted, slashes unescaped, a final newline.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }
}
