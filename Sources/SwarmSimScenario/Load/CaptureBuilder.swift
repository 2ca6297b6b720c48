import Yams

/// `capture:`.
struct CaptureBuilder {
    let reader: YAMLReader

    func capture(_ node: Node?, name: String) -> CaptureSection {
        var section = CaptureSection.defaults(name: name)
        guard let node, let f = reader.mapping(node, "capture", allowed: ["dir", "points", "filter", "snaplen", "pcapng"])
        else { return section }
        section.location = f.location
        if let d = f["dir"].flatMap({ reader.string($0, "dir") }) { section.dir = d }
        if let p = f["points"] {
            if case .scalar = p {
                switch reader.string(p, "points") {
                case "all": section.points = .all
                case "none": section.points = .none
                case let other?: reader.fail(p, "expected all, none or a list of capture points for points, found '\(other)'")
                case nil: break
                }
            } else if let items = reader.strings(p, "points") {
                section.points = .list(items.map { CapturePointSpec(name: $0.0, location: reader.location($0.1)) })
            }
        }
        section.filter = f["filter"].flatMap { reader.string($0, "filter") }
        if let s = f["snaplen"].flatMap({ reader.int($0, "snaplen", 1...262_144) }) { section.snaplen = s }
        if let b = f["pcapng"].flatMap({ reader.bool($0, "pcapng") }) { section.pcapng = b }
        return section
    }
}
