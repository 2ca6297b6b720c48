import SwarmSimCore

/// What a record source says about one question, in the terms of Docker's embedded resolver
/// (moby `daemon/libnetwork/resolver.go`).
public enum DNSLookupResult: Equatable, Sendable {
    /// The name is known: NOERROR with these answer records (none for a type the name lacks,
    /// as an AAAA query for an IPv4-only service gets) and these additional records (the
    /// targets' A records of an SRV answer).
    case answer([DNSResourceRecord], additional: [DNSResourceRecord])
    /// The name does not exist: what an upstream server says when the query is forwarded.
    case nxDomain
    /// No local record and nobody to forward to: the embedded server answers SERVFAIL
    /// (`serveDNS` when `forwardExtDNS` returns nil).
    case notHandled
    /// The forwarder is saturated (`forwardExtDNS` could not take its semaphore): REFUSED.
    case refused

    /// NOERROR with `records` and no additional section.
    public static func records(_ records: [DNSResourceRecord]) -> DNSLookupResult {
        .answer(records, additional: [])
    }
}

/// Where a `DNSServer` finds its records: the control plane's view of the networks a
/// container is attached to. Called once per question, with the querying address, since
/// Docker answers differently per sandbox and per source.
public protocol DNSRecordSource: AnyObject {
    func lookup(name: String, type: DNSType, client: IPv4Address) -> DNSLookupResult
}
