import SwarmSimApps
import SwarmSimCapture
import SwarmSimCore
import SwarmSimSwarm

/// How a run is asked to behave, from the command line.
public struct RunSettings: Sendable {
    /// `--seed`: replaces the scenario's seed.
    public var seed: UInt64?
    /// `--out`: replaces the capture `dir`.
    public var outputDirectory: String?
    /// `--no-capture`: no pcap or pcapng files.
    public var capture = true
    /// `--filter`: replaces the capture filter.
    public var filter: String?
    /// `--json`: also write the report here.
    public var jsonPath: String?

    public init(
        seed: UInt64? = nil, outputDirectory: String? = nil, capture: Bool = true, filter: String? = nil,
        jsonPath: String? = nil
    ) {
        self.jsonPath = jsonPath
        self.seed = seed
        self.outputDirectory = outputDirectory
        self.capture = capture
        self.filter = filter
    }
}

/// One replay of a scenario: builds the simulated cluster, runs the steps on the simulated clock,
/// records what every request did, and judges the expectations.
///
/// The world is built from the scenario (machines on one underlay segment, one `NodeDaemon` per
/// node, the `SwarmCluster` of managers); steps then drive it the way an operator's commands
/// drive a real cluster. Applications start with their containers: every container gets the
/// embedded DNS server at 127.0.0.11 and, by its image, its server application.
public final class ScenarioRun {
    public let scenario: Scenario
    public let settings: RunSettings
    public let simulation: Simulation
    public let world: World
    let segment: UnderlaySegment
    let timers: AppTimers
    let ledger = RequestLedger()
    var cluster: SwarmCluster!
    var daemons: [NodeDaemon] = []
    var nics: [String: EthernetDevice] = [:]
    let hostsTable = HostsTable()
    /// Per container ID: its running server applications and DNS server, kept alive here.
    var containerApps: [String: [AnyObject]] = [:]
    var capture: CaptureSession?
    var plan: CapturePlan?
    /// A capture point that could not be opened mid-run (the run then fails with exit 2).
    var captureFailure: CaptureError?
    var pendingDevices: [NetDevice] = []
    var captureFlushScheduled = false
    /// Per container ID of a task: its service and slot name (`lbapp1.1`).
    var containerTasks: [String: (service: String, slot: String)] = [:]
    /// Container namespace name -> the label its capture points carry (slot or container name).
    var namespaceLabels: [String: String] = [:]
    /// Applications of stopped containers, kept until the run ends (callbacks may be pending).
    var retiredApps: [AnyObject] = []
    var loadGenerators: [LoadGenerator] = []
    /// What the run printed, line by line (the step transcript).
    public internal(set) var transcript: [String] = []
    /// Per step: the command's result (nil for a step that did not finish).
    public internal(set) var stepResults: [StepResult?]
    var stepsDone = 0
    /// When the last step finished (the run's length in the report and the transcript).
    var endTime = SimTime.zero
    /// Called with each transcript line as it is produced (printing as the run goes).
    public var echo: ((String) -> Void)?

    /// A finished step.
    public struct StepResult: Sendable, Equatable {
        public var start: SimTime
        public var end: SimTime
        public var output: String
        public var exitCode: Int32
    }

    public init(scenario: Scenario, settings: RunSettings = RunSettings()) {
        self.scenario = scenario
        self.settings = settings
        simulation = Simulation(seed: settings.seed ?? scenario.seed)
        world = World(simulation: simulation)
        let underlay = scenario.swarm.underlay
        segment = UnderlaySegment(
            world: world,
            defaults: LinkProperties(
                latency: underlay.latency, bandwidth: underlay.bandwidth, loss: underlay.loss, jitter: underlay.jitter))
        timers = AppTimers(simulation: simulation)
        stepResults = Array(repeating: nil, count: scenario.steps.count)
    }

    public var seed: UInt64 { simulation.seed }
}
