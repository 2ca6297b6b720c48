import SwarmSimCore

/// Where an application runs: the namespace whose sockets it uses, the timers it schedules
/// with, how it resolves names, and the host name it reports (`hostname` in a shell).
///
/// In a container the host name is the container id's first 12 hex digits, as Docker sets it;
/// on a node or an outside host it is the machine's name.
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

/// What a command leaves behind: what it printed on each stream and its exit status.
public struct CommandResult: Equatable, Sendable {
    public var stdout: String
    public var stderr: String
    public var exitCode: Int32

    public init(stdout: String = "", stderr: String = "", exitCode: Int32) {
        self.stdout = stdout
        self.stderr = stderr
        self.exitCode = exitCode
    }
}
