import SwarmSimCore

/// Where a client command runs: its namespace, its timers, how it resolves names and the
/// host name it reports.
public struct AppContext {
    public let namespace: NetworkNamespace
    public let timers: AppTimers
    public let resolver: NameResolver
    public let hostname: String

    public init(namespace: NetworkNamespace, timers: AppTimers, resolver: NameResolver, hostname: String) {
        self.namespace = namespace
        self.timers = timers
        self.resolver = resolver
        self.hostname = hostname
    }
}

/// What a client command leaves behind, as a shell sees it.
public struct CommandResult: Equatable, Sendable {
    public var stdout: String
    public var stderr: String
    public var exitCode: Int32

    public init(stdout: String, stderr: String, exitCode: Int32) {
        self.stdout = stdout
        self.stderr = stderr
        self.exitCode = exitCode
    }
}
