/// Which columns `ipvsadm -L` prints (`print_title` / `print_service_entry` of `ipvsadm.c`).
public enum IPVSAdmListFormat: Sendable, CaseIterable {
    /// `ipvsadm -Ln`: Forward, Weight, ActiveConn, InActConn.
    case standard
    /// `ipvsadm -Ln --stats`: Conns, InPkts, OutPkts, InBytes, OutBytes.
    case stats
    /// `ipvsadm -Ln --thresholds`: Uthreshold, Lthreshold, ActiveConn, InActConn.
    case thresholds
    /// `ipvsadm -Ln --persistent-conn`: Weight, PersistConn, ActiveConn, InActConn.
    case persistentConnections
}

/// `ipvsadm` (v1.31) output for an `IPVS` state, byte for byte: numeric form (`-n`) only, since
/// the simulator has no resolver for `gethostbyaddr`/`getservbyport`. The printf formats and
/// their quirks are kept: `%-10u` leaves trailing spaces on destination rows, service names are
/// cut at 33 characters and destination names at 28, and sorting uses libipvs's comparators
/// (which subtract addresses as unsigned and return the difference as `int`) under glibc's
/// merge sort.
extension IPVS {
    /// `ipvsadm -Ln` (and `--stats`, `--thresholds`, `--persistent-conn`, `--exact`,
    /// `--nosort`). With `sort: false` destinations come in kernel list order (newest first)
    /// and services in creation order (the kernel's would be its service hash order).
    public func ipvsadmList(format: IPVSAdmListFormat = .standard, exact: Bool = false, sort: Bool = true) -> String {
        var out = "IP Virtual Server version \(Self.version) (size=\(Self.connectionTableSize))\n"
        out += Self.title(format)
        for service in listedServices(sort: sort) {
            out += Self.serviceEntry(service, format: format, rule: false, exact: exact, sort: sort)
        }
        return out
    }

    /// `ipvsadm -Sn` (`--save -n`): one `-A` line per service followed by its `-a` lines.
    public func ipvsadmSave(sort: Bool = true) -> String {
        var out = ""
        for service in listedServices(sort: sort) {
            out += Self.serviceEntry(service, format: .standard, rule: true, exact: false, sort: sort)
        }
        return out
    }

    /// `ipvsadm -Lnc`: the connection table as `/proc/net/ip_vs_conn` lists it (hash bucket
    /// order, newest first within a bucket), with the time left before expiry at `now`.
    public func ipvsadmConnections(now: SimTime) -> String {
        runTimers(upTo: now)
        var out = "IPVS connection entries\n"
        out += "pro expire \(Self.pad("state", 11)) \(Self.pad("source", 18)) \(Self.pad("virtual", 18)) destination\n"
        for c in connections {
            let remaining = c.expires - now
            let seconds = max(0, remaining.nanoseconds / 1_000_000) / 1000  // jiffies_delta_to_msecs / 1000
            let expire = Self.zeroPad(Int(seconds / 60), 2) + ":" + Self.zeroPad(Int(seconds % 60), 2)
            out += Self.pad(Self.protocolName(c.protocolNumber), 3) + " " + Self.pad(expire, 6) + " "
            out += Self.pad(c.stateName, 11) + " " + Self.pad("\(c.clientAddress):\(c.clientPort)", 18) + " "
            out += Self.pad("\(c.virtualAddress):\(c.virtualPort)", 18) + " "
            out += "\(c.destinationAddress):\(c.destinationPort)\n"
        }
        return out
    }

    /// `ipvsadm -L --timeout`: "Timeout (tcp tcpfin udp): 900 120 300".
    public func ipvsadmTimeouts() -> String {
        let t = timeouts
        return "Timeout (tcp tcpfin udp): \(t.tcp) \(t.tcpFin) \(t.udp)\n"
    }

    // MARK: - Pieces

    /// Services in listing order: sorted by `ipvs_cmp_services` unless `--nosort`.
    private func listedServices(sort: Bool) -> [IPVSService] {
        sort ? Self.glibcMergeSort(services, by: Self.compareServices) : services
    }

    /// `print_title`.
    static func title(_ format: IPVSAdmListFormat) -> String {
        let prot = "Prot LocalAddress:Port"
        switch format {
        case .stats:
            return pad(prot, 33) + " " + ["Conns", "InPkts", "OutPkts", "InBytes", "OutBytes"].map { rpad($0, 8) }
                .joined(separator: " ") + "\n  -> RemoteAddress:Port\n"
        case .thresholds:
            return pad(prot, 33) + " " + ["Uthreshold", "Lthreshold", "ActiveConn", "InActConn"].map { pad($0, 10) }
                .joined(separator: " ") + "\n  -> RemoteAddress:Port\n"
        case .persistentConnections:
            return pad(prot, 33) + " " + pad("Weight", 9) + " " + pad("PersistConn", 11) + " " + pad("ActiveConn", 10)
                + " " + pad("InActConn", 10) + "\n  -> RemoteAddress:Port\n"
        case .standard:
            return "Prot LocalAddress:Port Scheduler Flags\n"
                + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
        }
    }

    /// The service name column: "FWM  256" / "-f 256", or "TCP  10.0.0.2:80" (cut at 33
    /// characters) / "-t 10.0.0.2:80".
    static func serviceName(_ service: IPVSService, rule: Bool) -> String {
        if service.fwmark != 0 {
            return rule ? "-f \(service.fwmark)" : "FWM  \(service.fwmark)"
        }
        let vname = "\(service.address):\(service.port)"
        if rule { return "\(optionFromProtocol(service.protocolNumber)) \(vname)" }
        return String((pad(protocolName(forService: service.protocolNumber), 4) + " " + vname).prefix(33))
    }

    /// `print_service_entry`.
    static func serviceEntry(
        _ service: IPVSService, format: IPVSAdmListFormat, rule: Bool, exact: Bool, sort: Bool
    ) -> String {
        let name = serviceName(service, rule: rule)
        let hasSchedulerFlags = !service.flags.isDisjoint(with: .schedulerFlags)
        var out: String
        if rule {
            out = "-A \(name) -s \(service.schedulerName)"
            if hasSchedulerFlags { out += " -b " + schedulerFlagsText(service) }
        } else if format == .stats {
            let s = service.stats
            out = pad(name, 33)
            for value in [s.connections, s.inPackets, s.outPackets, s.inBytes, s.outBytes] {
                out += largeNumber(value, exact: exact)
            }
        } else {
            out = "\(name) \(service.schedulerName)"
            if hasSchedulerFlags { out += " (" + schedulerFlagsText(service) + ")" }
        }
        out += "\n"
        let dests = sort ? glibcMergeSort(service.destinations, by: compareDestinations) : service.destinations
        for dest in dests {
            var dname = dest.addressPortText
            if rule {
                let forwarding = dest.forwarding
                out += "-a \(name) -r \(dname) \(forwarding.ipvsadmSwitch) -w \(dest.weight)"
                // print_tunnel_rule for the default tunnel type, ipip.
                out += forwarding == .tunnel ? " --tun-type ipip\n" : "\n"
                continue
            }
            dname = String(dname.prefix(28))
            switch format {
            case .stats:
                out += "  -> " + pad(dname, 28)
                let s = dest.stats
                for value in [s.connections, s.inPackets, s.outPackets, s.inBytes, s.outBytes] {
                    out += largeNumber(value, exact: exact)
                }
                out += "\n"
            case .thresholds:
                out += "  -> " + pad(dname, 28) + " " + pad("\(dest.upperThreshold)", 10) + " "
                    + pad("\(dest.lowerThreshold)", 10) + " " + pad(unsigned(dest.activeConnections), 10) + " "
                    + pad(unsigned(dest.inactiveConnections), 10) + "\n"
            case .persistentConnections:
                out += "  -> " + pad(dname, 28) + " " + pad(unsigned(dest.weight), 9) + " "
                    + pad(unsigned(dest.persistentConnections), 11) + " " + pad(unsigned(dest.activeConnections), 10)
                    + " " + pad(unsigned(dest.inactiveConnections), 10) + "\n"
            case .standard:
                out += "  -> " + pad(dname, 28) + " " + pad(dest.forwarding.description, 7) + " "
                    + pad("\(dest.weight)", 6) + " " + pad(unsigned(dest.activeConnections), 10) + " "
                    + pad(unsigned(dest.inactiveConnections), 10) + "\n"
            }
        }
        return out
    }

    /// `print_sched_flags`: named flags for sh and mh, "flag-N" for the others.
    static func schedulerFlagsText(_ service: IPVSService) -> String {
        let names: [String]
        switch service.schedulerName {
        case "sh": names = ["sh-fallback", "sh-port", ""]
        case "mh": names = ["mh-fallback", "mh-port", ""]
        default: names = ["flag-1", "flag-2", "flag-3"]
        }
        let bits: [IPVSServiceFlags] = [.scheduler1, .scheduler2, .scheduler3]
        return zip(bits, names).filter { service.flags.contains($0.0) && !$0.1.isEmpty }.map(\.1).joined(separator: ",")
    }

    /// `print_largenum`: `%9llu`, or scaled to K/M/G/T past 100 million; `--exact` widens.
    static func largeNumber(_ value: UInt64, exact: Bool) -> String {
        if exact {
            let text = String(value)
            return rpad(text, text.count <= 8 ? 9 : text.count + 1)
        }
        switch value {
        case ..<100_000_000: return rpad(String(value), 9)
        case ..<1_000_000_000: return rpad(String(value / 1000), 8) + "K"
        case ..<100_000_000_000: return rpad(String(value / 1_000_000), 8) + "M"
        case ..<100_000_000_000_000: return rpad(String(value / 1_000_000_000), 8) + "G"
        default: return rpad(String(value / 1_000_000_000_000), 8) + "T"
        }
    }

    /// ipvsadm's `protocol_name` for service rows: "TCP", "UDP", "SCTP" or "?".
    static func protocolName(forService proto: IPProtocol) -> String {
        switch proto {
        case .tcp: "TCP"
        case .udp: "UDP"
        case .sctp: "SCTP"
        default: "?"
        }
    }

    /// The kernel's `ip_vs_proto_name`, which `/proc/net/ip_vs_conn` prints.
    static func protocolName(_ proto: IPProtocol) -> String {
        switch proto.rawValue {
        case 0: "IP"
        case IPProtocol.udp.rawValue: "UDP"
        case IPProtocol.tcp.rawValue: "TCP"
        case IPProtocol.sctp.rawValue: "SCTP"
        case IPProtocol.icmp.rawValue: "ICMP"
        default: "IP_\(proto.rawValue)"
        }
    }

    /// ipvsadm's `option_from_protocol` for `-S`.
    static func optionFromProtocol(_ proto: IPProtocol) -> String {
        switch proto {
        case .tcp: "-t"
        case .udp: "-u"
        case .sctp: "--sctp-service"
        default: "--xxx-service"
        }
    }

    /// `%u` of a kernel `__u32` counter.
    static func unsigned(_ value: Int32) -> String { String(UInt32(bitPattern: value)) }

    /// `%-Ns`: left-justified, padded with spaces, never cut.
    static func pad(_ text: String, _ width: Int) -> String {
        let count = text.count
        return count >= width ? text : text + String(repeating: " ", count: width - count)
    }

    /// `%Ns`: right-justified.
    static func rpad(_ text: String, _ width: Int) -> String {
        let count = text.count
        return count >= width ? text : String(repeating: " ", count: width - count) + text
    }

    /// `%0Nd`.
    static func zeroPad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    // MARK: - Sorting as libipvs + glibc do it

    /// `ipvs_cmp_services`: fwmark, address family, protocol, address, port, each a C `int`
    /// difference (the 32-bit ones wrap).
    static func compareServices(_ a: IPVSService, _ b: IPVSService) -> Int {
        let fwmark = Int(Int32(truncatingIfNeeded: a.fwmark &- b.fwmark))
        if fwmark != 0 { return fwmark }
        let proto = Int(a.protocolNumber.rawValue) - Int(b.protocolNumber.rawValue)
        if proto != 0 { return proto }
        let address = Int(Int32(truncatingIfNeeded: a.address.value &- b.address.value))
        if address != 0 { return address }
        return Int(a.port) - Int(b.port)
    }

    /// `ipvs_cmp_dests`: address then port, as C `int` differences.
    static func compareDestinations(_ a: IPVSDestination, _ b: IPVSDestination) -> Int {
        let address = Int(Int32(truncatingIfNeeded: a.address.value &- b.address.value))
        if address != 0 { return address }
        return Int(a.port) - Int(b.port)
    }

    /// glibc's `qsort` (`msort_with_tmp`): a top-down merge sort that splits at `n / 2` and
    /// takes from the left run while `cmp(left, right) <= 0`. Reproducing it matters because
    /// libipvs's comparators are not transitive across the 2^31 wrap. O(n log n).
    static func glibcMergeSort<T>(_ items: [T], by compare: (T, T) -> Int) -> [T] {
        var items = items
        guard items.count > 1 else { return items }
        var scratch = items
        func sort(_ lower: Int, _ count: Int) {
            if count <= 1 { return }
            let n1 = count / 2
            let n2 = count - n1
            sort(lower, n1)
            sort(lower + n1, n2)
            var i = lower
            var j = lower + n1
            let iEnd = lower + n1
            let jEnd = lower + count
            var k = lower
            while i < iEnd && j < jEnd {
                if compare(items[i], items[j]) <= 0 {
                    scratch[k] = items[i]
                    i += 1
                } else {
                    scratch[k] = items[j]
                    j += 1
                }
                k += 1
            }
            while i < iEnd {
                scratch[k] = items[i]
                i += 1
                k += 1
            }
            // The rest of the right run is already in place.
            for m in lower..<k { items[m] = scratch[m] }
        }
        sort(0, items.count)
        return items
    }
}
