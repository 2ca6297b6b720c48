import SwarmSimCore

/// One entry of the timeline: a command, a load generator or a fault, where and when it runs.
public struct Step: Equatable, Sendable {
    public enum Action: Equatable, Sendable {
        case run(ShellCommandLine)
        case load(LoadSpec)
        case fault(Fault)
    }

    public var location: SourceLocation
    /// The node or host it runs on; nil: the first manager (always nil for a plain-string step).
    public var on: String?
    /// Start at this simulated time instead of after the previous step.
    public var at: SimDuration?
    public var action: Action
    public var expect: StepExpect?
}

/// A command line of a step, split into words and parsed.
public struct ShellCommandLine: Equatable, Sendable {
    /// As written in the file.
    public var text: String
    /// Shell words; a `$(...)` substitution is one opaque word.
    public var words: [String]
    public var command: Command
    public var location: SourceLocation
}

/// `load:`, a load generator instead of a command.
public struct LoadSpec: Equatable, Sendable {
    public enum LoadProtocol: String, Equatable, Sendable, CaseIterable {
        case http, tcp, udp
    }

    /// `host:port`: a node, host or IPv4 address, or `service:port` inside `network`.
    public var targetHost: String
    public var targetPort: Int
    /// nil: until the scenario's `until`.
    public var requests: Int?
    /// Requests in flight at once (closed loop). Default 1.
    public var concurrency: Int
    /// Requests per second (open loop) when given.
    public var rate: Double?
    /// Default `http`.
    public var `protocol`: LoadProtocol
    /// Run inside this overlay, as an attached container.
    public var network: String?
    /// Reuse connections.
    public var keepalive: Bool
    public var location: SourceLocation

    /// `host:port` as written.
    public var target: String { "\(targetHost):\(targetPort)" }
}

/// `fault:`, an event instead of a command.
public enum Fault: Equatable, Sendable {
    case nodeDown(String)
    case nodeUp(String)
    /// A task name, `lbapp1.1`.
    case killTask(String)
    case link(LinkFault)
    /// Groups of node and host names; links between groups go down.
    case partition([[String]])
}

/// `fault: {link: {between: [a, b], loss: 5%, latency: 2ms, down: true}}`.
public struct LinkFault: Equatable, Sendable {
    public var between: [String]
    public var loss: Double?
    public var latency: SimDuration?
    public var down: Bool?
}

/// `expect:` of a step: assertions on that step alone.
public struct StepExpect: Equatable, Sendable {
    /// A regular expression (written `/.../` or bare) that the output must match.
    public var output: String?
    /// The command's exit code.
    public var exit: Int32?
    public var location: SourceLocation
}
