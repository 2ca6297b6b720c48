import SwarmSimCore

/// A scenario file, read and checked: the cluster, the timeline of steps, what to capture and what
/// to expect. Every element keeps its `SourceLocation` so that run-time errors can point at it.
public struct Scenario: Equatable, Sendable {
    /// `[a-z0-9][a-z0-9_-]*`; names the output folder.
    public var name: String
    public var description: String?
    /// Seeds every random choice of the run (default 1).
    public var seed: UInt64
    /// Stop at this simulated time; nil runs until every step is done and traffic has drained.
    public var until: SimDuration?
    public var swarm: SwarmSection
    public var steps: [Step]
    public var capture: CaptureSection
    public var expectations: [Expectation]
    /// The path the scenario was read from, as given.
    public var file: String
    /// Where the top-level mapping starts.
    public var location: SourceLocation

    public init(
        name: String, description: String? = nil, seed: UInt64 = 1, until: SimDuration? = nil,
        swarm: SwarmSection, steps: [Step] = [], capture: CaptureSection, expectations: [Expectation] = [],
        file: String, location: SourceLocation
    ) {
        self.name = name
        self.description = description
        self.seed = seed
        self.until = until
        self.swarm = swarm
        self.steps = steps
        self.capture = capture
        self.expectations = expectations
        self.file = file
        self.location = location
    }
}
