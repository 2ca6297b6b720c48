/// A running server application: the layer above counts the requests it answers and stops it
/// with its container.
public protocol ServerApplication: AnyObject {
    /// Called as each request is answered.
    var onRequestServed: (() -> Void)? { get set }
    /// Stops the server as a killed process stops: its sockets close.
    func stop()
}

extension HTTPServer: ServerApplication {}
extension TCPEchoServer: ServerApplication {}
extension UDPEchoServer: ServerApplication {}
extension RedisNodeApp: ServerApplication {}
extension RedisServer: ServerApplication {
    public func stop() { close() }
}
