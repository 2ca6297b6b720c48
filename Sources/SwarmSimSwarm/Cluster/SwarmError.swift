/// A user-facing error of the swarm control plane, worded as the docker CLI prints it.
///
/// Scenario steps print `description` as the failing command's stderr, so the text follows the
/// daemon's gRPC wording (`Error response from daemon: rpc error: code = ... desc = ...`) or the
/// CLI's own (`Error: No such service: x`). Cases that swarmsim does not model say so plainly.
public struct SwarmError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The complete message, as printed on stderr.
    public let description: String

    public init(_ description: String) {
        self.description = description
    }

    /// `Error response from daemon: <message>`.
    static func daemon(_ message: String) -> SwarmError {
        SwarmError("Error response from daemon: \(message)")
    }

    /// A swarmkit control-API error relayed by the daemon: `rpc error: code = <code> desc = <desc>`.
    static func rpc(_ code: String, _ desc: String) -> SwarmError {
        daemon("rpc error: code = \(code) desc = \(desc)")
    }

    static func noSuchService(_ name: String) -> SwarmError { SwarmError("Error: No such service: \(name)") }
    static func noSuchObject(_ name: String) -> SwarmError { SwarmError("Error: No such object: \(name)") }
    static func noSuchNode(_ name: String) -> SwarmError { daemon("node \(name) not found") }
    static func networkNotFound(_ name: String) -> SwarmError { daemon("network \(name) not found") }
    static let notInSwarm = daemon(
        "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node"
            + " to swarm and try again."
    )
    static let alreadyInSwarm = daemon(
        "This node is already part of a swarm. Use \"docker swarm leave\" to leave this swarm and join another one."
    )
    /// Something real Docker accepts that swarmsim does not model: said plainly, never ignored.
    static func unsupported(_ what: String) -> SwarmError { SwarmError("swarmsim: \(what)") }
}
