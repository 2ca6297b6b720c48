import SwarmSimCore

/// The bytes of a reply as Docker's resolver (miekg/dns) sends them.
///
/// miekg/dns `Msg.Truncate(size)` first measures the message without compression and, if it
/// fits, sends it uncompressed (`Compress = false`); only a message that does not fit is
/// compressed, then cut after the last record that fits, with TC set when any record was
/// left out. So a short answer of Docker's embedded DNS repeats the owner name in full (dig
/// shows `MSG SIZE rcvd: 42` for one A record of "http."), and a long one is compressed.
extension DNSMessage {
    /// The message with every name written in full. O(n); allocates.
    func emitUncompressed() -> [UInt8] {
        var bytes: [UInt8] = []
        func u16(_ value: UInt16) {
            bytes.append(UInt8(value >> 8))
            bytes.append(UInt8(truncatingIfNeeded: value))
        }
        func u32(_ value: UInt32) {
            u16(UInt16(value >> 16))
            u16(UInt16(truncatingIfNeeded: value))
        }
        func name(_ name: DNSName) {
            for label in name.labels {
                let utf8 = Array(label.utf8)
                bytes.append(UInt8(utf8.count))
                bytes.append(contentsOf: utf8)
            }
            bytes.append(0)
        }
        u16(id)
        u16(flags.rawValue)
        for count in [questions.count, answers.count, authority.count, additional.count] { u16(UInt16(count)) }
        for question in questions {
            name(question.name)
            u16(question.type.rawValue)
            u16(question.class.rawValue)
        }
        for record in answers + authority + additional {
            name(record.name)
            u16(record.type.rawValue)
            u16(record.class.rawValue)
            u32(record.ttl)
            let lengthOffset = bytes.count
            u16(0)
            switch record.data {
            case .a(let address): u32(address.value)
            case .ns(let target), .cname(let target), .ptr(let target): name(target)
            case .mx(let preference, let exchange):
                u16(preference)
                name(exchange)
            case .srv(let priority, let weight, let port, let target):
                u16(priority)
                u16(weight)
                u16(port)
                name(target)
            case .soa(let soa):
                name(soa.primaryServer)
                name(soa.responsibleMailbox)
                for value in [soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum] { u32(value) }
            case .other(_, let data): bytes.append(contentsOf: data)
            }
            let length = bytes.count - lengthOffset - 2
            bytes[lengthOffset] = UInt8(length >> 8)
            bytes[lengthOffset + 1] = UInt8(truncatingIfNeeded: length)
        }
        return bytes
    }

    /// The reply bytes for a client that accepts `size` bytes, as miekg/dns `Truncate` and
    /// `Pack` produce them: uncompressed if that fits; else compressed, keeping the longest
    /// prefix of answer, then authority, then additional records that fits, and setting TC if
    /// any was dropped. Sizes under 512 count as 512 (RFC 6891 section 6.2.5). O(n²) in the
    /// number of records in the worst case, which replies of a few dozen records never feel.
    func emitTruncated(toFit size: Int) -> [UInt8] {
        let limit = Swift.max(size, DNSMessage.maximumUDPLength)
        let plain = emitUncompressed()
        if plain.count <= limit { return plain }
        var message = self
        let whole = message.emit()
        if whole.count <= limit { return whole }
        // Keep records in section order while the compressed message still fits.
        var kept = DNSMessage(id: id, flags: flags, questions: questions)
        let sections: [(WritableKeyPath<DNSMessage, [DNSResourceRecord]>, [DNSResourceRecord])] = [
            (\.answers, answers), (\.authority, authority), (\.additional, additional),
        ]
        outer: for (path, records) in sections {
            for record in records {
                var trial = kept
                trial[keyPath: path].append(record)
                if trial.emit().count > limit { break outer }
                kept = trial
            }
        }
        let dropped = kept.answers.count + kept.authority.count + kept.additional.count
            < answers.count + authority.count + additional.count
        message = kept
        message.flags.tc = flags.tc || dropped
        return message.emit()
    }
}
