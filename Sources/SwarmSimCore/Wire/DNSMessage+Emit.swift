/// Building the bytes of a DNS message, with name compression (RFC 1035 section 4.1.4).
///
/// Compression is done as common servers do it: question and owner names, and names inside
/// NS, CNAME, PTR, MX and SOA RDATA (the types RFC 3597 section 4 allows), end in a pointer to
/// the longest suffix already written. SRV targets are written uncompressed, as RFC 2782
/// requires. Suffixes are matched byte for byte, so the case of every name
/// survives a round trip.

extension DNSMessage {
    /// The message as bytes. O(n) in the size of the message; allocates.
    public func emit() -> [UInt8] {
        var writer = DNSWriter()
        writer.u16(id)
        writer.u16(flags.rawValue)
        for count in [questions.count, answers.count, authority.count, additional.count] {
            precondition(count <= Int(UInt16.max), "too many DNS records for a 16-bit count")
            writer.u16(UInt16(count))
        }
        for question in questions {
            writer.name(question.name, compress: true)
            writer.u16(question.type.rawValue)
            writer.u16(question.class.rawValue)
        }
        for record in answers { writer.record(record) }
        for record in authority { writer.record(record) }
        for record in additional { writer.record(record) }
        return writer.bytes
    }

    /// The number of bytes `emit()` returns (with compression). O(n); builds the message.
    public var emitLength: Int { emit().count }

    /// Writes the message at the start of `bytes` and returns its length.
    /// - Precondition: `bytes.count >= emitLength`.
    @discardableResult
    public func emit(into bytes: UnsafeMutableRawBufferPointer) -> Int {
        let message = emit()
        precondition(bytes.count >= message.count, "DNS buffer too short for the message")
        bytes.copyBytes(from: message)
        return message.count
    }
}

/// Appends DNS fields to a byte array, remembering where each name suffix was written.
struct DNSWriter {
    var bytes: [UInt8] = []
    /// Offsets of name suffixes already written, keyed by their uncompressed wire labels.
    /// Only looked up, never iterated, so the output does not depend on hashing order.
    var suffixes: [[UInt8]: Int] = [:]

    init() {
        bytes.reserveCapacity(DNSMessage.maximumUDPLength)
    }

    mutating func u16(_ value: UInt16) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    mutating func u32(_ value: UInt32) {
        u16(UInt16(value >> 16))
        u16(UInt16(truncatingIfNeeded: value))
    }

    /// Writes `name`, ending in a pointer to the longest suffix already written if `compress`.
    mutating func name(_ name: DNSName, compress: Bool) {
        let wire = name.wire
        var label = 0
        while label < wire.count {
            let suffix = Array(wire[label...])
            if compress, let target = suffixes[suffix] {
                u16(0xC000 | UInt16(target))
                return
            }
            // Pointers hold 14 bits, so only suffixes in the first 16 KiB can be targets.
            if compress && bytes.count <= 0x3FFF { suffixes[suffix] = bytes.count }
            let length = Int(wire[label])
            bytes.append(contentsOf: wire[label..<(label + 1 + length)])
            label += 1 + length
        }
        bytes.append(0)
    }

    /// Writes a resource record, RDLENGTH filled in after the RDATA.
    mutating func record(_ record: DNSResourceRecord) {
        name(record.name, compress: true)
        u16(record.type.rawValue)
        u16(record.class.rawValue)
        u32(record.ttl)
        let lengthOffset = bytes.count
        u16(0)
        switch record.data {
        case .a(let address):
            u32(address.value)
        case .ns(let target), .cname(let target), .ptr(let target):
            name(target, compress: true)
        case .mx(let preference, let exchange):
            u16(preference)
            name(exchange, compress: true)
        case .srv(let priority, let weight, let port, let target):
            u16(priority)
            u16(weight)
            u16(port)
            name(target, compress: false)
        case .soa(let soa):
            name(soa.primaryServer, compress: true)
            name(soa.responsibleMailbox, compress: true)
            for value in [soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum] { u32(value) }
        case .other(_, let data):
            bytes.append(contentsOf: data)
        }
        let length = bytes.count - lengthOffset - 2
        precondition(length <= Int(UInt16.max), "DNS RDATA longer than 65535 bytes")
        bytes[lengthOffset] = UInt8(length >> 8)
        bytes[lengthOffset + 1] = UInt8(truncatingIfNeeded: length)
    }
}
