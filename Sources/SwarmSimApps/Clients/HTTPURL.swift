/// An `http://host[:port][/path]` URL as the clients take it, the scheme optional.
public struct HTTPURL: Equatable, Sendable {
    public var host: String
    public var port: UInt16
    /// Whether the URL named the port (curl's `Host` header then carries it unless it is 80).
    public var explicitPort: Bool
    /// The request target: the path (at least `/`) and query, without the fragment.
    public var target: String

    public enum ParseError: Error, Equatable {
        case unsupportedScheme(String)
        case badPort
        case noHost
    }

    public static func parse(_ text: String) throws(ParseError) -> HTTPURL {
        var rest = Substring(text)
        if let separator = rest.firstRange(of: "://") {
            let scheme = rest[..<separator.lowerBound]
            guard scheme.lowercased() == "http" else { throw .unsupportedScheme(String(scheme)) }
            rest = rest[separator.upperBound...]
        }
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        var target = String(rest[authorityEnd...])
        if target.isEmpty || target.first == "?" { target = "/" + target }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host = authority
        var port: UInt16 = 80
        var explicitPort = false
        if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            let digits = authority[authority.index(after: colon)...]
            if !digits.isEmpty {
                guard digits.allSatisfy(\.isASCIIDigit), let value = UInt16(digits) else { throw .badPort }
                port = value
                explicitPort = true
            }
        }
        guard !host.isEmpty else { throw .noHost }
        return HTTPURL(host: String(host), port: port, explicitPort: explicitPort, target: target)
    }

    /// The `Host` header value: the name, with the port unless it is HTTP's default.
    var hostHeader: String { port == 80 ? host : "\(host):\(port)" }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
