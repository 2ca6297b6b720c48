/// Parsing a DNS message from bytes, with name decompression (RFC 1035 section 4.1.4).

extension DNSMessage {
    /// Parses a whole message. Every count is honoured: a count beyond the message is
    /// `.truncated`; bytes after the last record are ignored, as resolvers ignore them.
    ///
    /// Compression pointers must point strictly before the labels that contain them, which
    /// every encoder does and which makes pointer loops impossible; a label length with the
    /// reserved 01 or 10 prefix (64...191), a name over 255 bytes or a record whose RDATA does
    /// not fill RDLENGTH exactly is `.invalidField`. O(n) plus O(255) per name.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> DNSMessage {
        var reader = DNSReader(bytes: bytes, offset: 0)
        try reader.need(headerLength)
        let id = reader.u16()
        let flags = DNSFlags(rawValue: reader.u16())
        let questionCount = Int(reader.u16())
        let answerCount = Int(reader.u16())
        let authorityCount = Int(reader.u16())
        let additionalCount = Int(reader.u16())
        var message = DNSMessage(id: id, flags: flags)
        for _ in 0..<questionCount {
            let name = try reader.name()
            try reader.need(4)
            message.questions.append(
                DNSQuestion(name: name, type: DNSType(rawValue: reader.u16()), class: DNSClass(rawValue: reader.u16())))
        }
        for _ in 0..<answerCount { message.answers.append(try reader.record()) }
        for _ in 0..<authorityCount { message.authority.append(try reader.record()) }
        for _ in 0..<additionalCount { message.additional.append(try reader.record()) }
        return message
    }

    /// Parses a whole message from an array; see `parse(_: UnsafeRawBufferPointer)`.
    public static func parse(_ bytes: [UInt8]) throws(WireError) -> DNSMessage {
        // `withUnsafeBytes` rethrows untyped, so the typed error is carried out as a Result.
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(WireError) -> DNSMessage in try parse(raw) }
        }
        return try result.get()
    }
}

/// A cursor over a DNS message. Reads past the end throw `.truncated`.
struct DNSReader {
    let bytes: UnsafeRawBufferPointer
    var offset: Int

    /// Throws unless `count` more bytes are available.
    func need(_ count: Int) throws(WireError) {
        if offset + count > bytes.count {
            throw .truncated(layer: .dns, needed: offset + count, available: bytes.count)
        }
    }

    mutating func u16() -> UInt16 {
        defer { offset += 2 }
        return bytes.wireUInt16(at: offset)
    }

    mutating func u32() -> UInt32 {
        defer { offset += 4 }
        return bytes.wireUInt32(at: offset)
    }

    /// Reads a possibly compressed name and moves past it (past the first pointer, if any).
    mutating func name() throws(WireError) -> DNSName {
        var wire: [UInt8] = []
        var position = offset
        // Where the current run of labels started: a pointer must go strictly before it.
        var runStart = offset
        var resume: Int?
        while true {
            guard position < bytes.count else {
                throw .truncated(layer: .dns, needed: position + 1, available: bytes.count)
            }
            let length = Int(bytes[position])
            switch length >> 6 {
            case 0b00 where length == 0:
                offset = resume ?? position + 1
                return DNSName(uncheckedWire: wire)
            case 0b00:
                guard position + 1 + length <= bytes.count else {
                    throw .truncated(layer: .dns, needed: position + 1 + length, available: bytes.count)
                }
                if wire.count + 1 + length + 1 > DNSName.maximumWireLength {
                    throw .invalidField(layer: .dns, field: "name length", value: wire.count + 1 + length + 1)
                }
                wire.append(contentsOf: bytes[position..<(position + 1 + length)])
                position += 1 + length
            case 0b11:
                guard position + 2 <= bytes.count else {
                    throw .truncated(layer: .dns, needed: position + 2, available: bytes.count)
                }
                let target = Int(bytes.wireUInt16(at: position) & 0x3FFF)
                guard target < runStart else {
                    throw .invalidField(layer: .dns, field: "compression pointer", value: target)
                }
                if resume == nil { resume = position + 2 }
                position = target
                runStart = target
            default:
                throw .invalidField(layer: .dns, field: "label length", value: length)
            }
        }
    }

    /// Reads a resource record.
    mutating func record() throws(WireError) -> DNSResourceRecord {
        let name = try name()
        try need(10)
        let type = DNSType(rawValue: u16())
        let `class` = DNSClass(rawValue: u16())
        let ttl = u32()
        let length = Int(u16())
        try need(length)
        let end = offset + length
        let data = try recordData(type: type, class: `class`, length: length)
        if offset != end { throw .invalidField(layer: .dns, field: "RDLENGTH", value: length) }
        return DNSResourceRecord(name: name, class: `class`, ttl: ttl, data: data)
    }

    /// Reads RDATA of `length` bytes (already known to be in the message).
    mutating func recordData(type: DNSType, class: DNSClass, length: Int) throws(WireError) -> DNSRecordData {
        let end = offset + length
        // Fixed-size fields are checked against RDLENGTH, not only against the message end.
        func fits(_ count: Int, _ reader: DNSReader) throws(WireError) {
            if reader.offset + count > end { throw .invalidField(layer: .dns, field: "RDLENGTH", value: length) }
        }
        switch type {
        case .a where `class` == .in:
            try fits(4, self)
            return .a(IPv4Address(value: u32()))
        case .ns: return .ns(try name())
        case .cname: return .cname(try name())
        case .ptr: return .ptr(try name())
        case .mx:
            try fits(2, self)
            let preference = u16()
            return .mx(preference: preference, exchange: try name())
        case .srv:
            try fits(6, self)
            let priority = u16()
            let weight = u16()
            let port = u16()
            return .srv(priority: priority, weight: weight, port: port, target: try name())
        case .soa:
            let primary = try name()
            let mailbox = try name()
            try fits(20, self)
            return .soa(
                DNSStartOfAuthority(
                    primaryServer: primary, responsibleMailbox: mailbox, serial: u32(), refresh: u32(),
                    retry: u32(), expire: u32(), minimum: u32()))
        default:
            defer { offset = end }
            return .other(type, Array(bytes[offset..<end]))
        }
    }
}
