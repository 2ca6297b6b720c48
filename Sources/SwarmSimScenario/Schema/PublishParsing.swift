/// `-p/--publish` values as the docker CLI reads them (cli/opts/port.go): the short form
/// `[PUBLISHED:]TARGET[/PROTOCOL]` (`81:80`, `81:80/udp`, `80`) and the long CSV form
/// `published=8080,target=80,mode=host,protocol=udp`.
public enum PublishParsing {
    public struct Failure: Error, Equatable, Sendable {
        public var message: String
    }

    /// The port, with a placeholder location that the caller replaces.
    public static func parse(_ text: String, location: SourceLocation = .wholeFile("")) -> Result<Publish, Failure> {
        text.contains("=") ? long(text, location) : short(text, location)
    }

    static func port(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.allSatisfy(\.isASCIIDigit), let n = Int(text), (1...65535).contains(n) else { return nil }
        return n
    }

    static func short(_ text: String, _ location: SourceLocation) -> Result<Publish, Failure> {
        var body = Substring(text)
        var proto = Publish.PortProtocol.tcp
        if let slash = body.lastIndex(of: "/") {
            let name = body[body.index(after: slash)...]
            guard let p = Publish.PortProtocol(rawValue: name.lowercased()) else {
                return .failure(Failure(message: "invalid proto: \(name)"))
            }
            proto = p
            body = body[..<slash]
        }
        let parts = body.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            guard let target = port(parts[0]) else { return .failure(Failure(message: "invalid containerPort: \(parts[0])")) }
            return .success(Publish(published: nil, target: target, protocol: proto, location: location))
        case 2:
            guard let published = port(parts[0]) else { return .failure(Failure(message: "invalid hostPort: \(parts[0])")) }
            guard let target = port(parts[1]) else { return .failure(Failure(message: "invalid containerPort: \(parts[1])")) }
            return .success(Publish(published: published, target: target, protocol: proto, location: location))
        default:
            return .failure(Failure(message: "hostip is not supported"))
        }
    }

    static func long(_ text: String, _ location: SourceLocation) -> Result<Publish, Failure> {
        var published: Int?
        var target: Int?
        var proto = Publish.PortProtocol.tcp
        var mode = Publish.Mode.ingress
        for field in text.split(separator: ",") {
            let kv = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard kv.count == 2 else { return .failure(Failure(message: "invalid field '\(field)' must be a key=value pair")) }
            let key = kv[0].lowercased()
            let value = kv[1]
            switch key {
            case "published":
                guard let p = port(value) else { return .failure(Failure(message: "invalid published port: \(value)")) }
                published = p
            case "target":
                guard let p = port(value) else { return .failure(Failure(message: "invalid target port: \(value)")) }
                target = p
            case "protocol":
                guard let p = Publish.PortProtocol(rawValue: value.lowercased()) else {
                    return .failure(Failure(message: "invalid protocol value '\(value)'"))
                }
                proto = p
            case "mode":
                guard let m = Publish.Mode(rawValue: value.lowercased()) else {
                    return .failure(Failure(message: "invalid publish mode value (\(value)): must be either 'ingress' or 'host'"))
                }
                mode = m
            default:
                return .failure(Failure(message: "invalid field key \(kv[0])"))
            }
        }
        guard let target else { return .failure(Failure(message: "missing mandatory field \"target\"")) }
        return .success(Publish(published: published, target: target, protocol: proto, mode: mode, location: location))
    }
}
