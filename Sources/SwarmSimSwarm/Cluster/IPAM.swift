import SwarmSimCore

/// The addresses of one overlay subnet, handed out as swarmkit asks libnetwork's IPAM to:
/// `com.docker.network.ipam.serial=true` (cnmallocator `setIPAMSerialAlloc`), i.e. the next free
/// address after the last one handed out, wrapping at the end, so a released address is not
/// reused until the pool has gone round once.
struct SerialAddressPool {
    let subnet: IPv4Prefix
    /// The host number (offset in the subnet) of the last address handed out.
    private var last: UInt32 = 0
    private var inUse: Set<UInt32> = []

    init(subnet: IPv4Prefix) {
        self.subnet = subnet
    }

    /// Marks `address` as used (the gateway, a user-chosen address). Returns false if it is
    /// outside the subnet, the network or broadcast address, or already used.
    mutating func reserve(_ address: IPv4Address) -> Bool {
        guard subnet.contains(address) else { return false }
        let host = address.value - subnet.address.value
        guard host != 0, UInt64(host) != subnet.size - 1, !inUse.contains(host) else { return false }
        inUse.insert(host)  // a specific address does not move the serial cursor (bitseq Set)
        return true
    }

    /// The next free address after the last one handed out; nil when the subnet is full. O(size) worst case.
    mutating func allocate() -> IPv4Address? {
        let size = UInt32(truncatingIfNeeded: subnet.size)
        guard size > 2 else { return nil }
        var candidate = last
        for _ in 0..<size {
            candidate = candidate + 1 >= size - 1 ? 1 : candidate + 1
            if !inUse.contains(candidate) {
                inUse.insert(candidate)
                last = candidate
                return subnet.host(candidate)
            }
        }
        return nil
    }

    mutating func release(_ address: IPv4Address) {
        guard subnet.contains(address) else { return }
        inUse.remove(address.value - subnet.address.value)
    }
}

/// The swarm's default address pool (`--default-addr-pool 10.0.0.0/8`, mask length 24): each
/// overlay without `--subnet` gets the first /24 that overlaps no subnet in use (libnetwork's
/// default IPAM walks its predefined pools in order).
struct DefaultAddressPool {
    let base: IPv4Prefix
    let length: Int

    init(base: IPv4Prefix = IPv4Prefix(address: IPv4Address(10, 0, 0, 0), length: 8), length: Int = 24) {
        self.base = base
        self.length = length
    }

    /// The first subnet of the pool overlapping none of `used`. O(pool subnets × used).
    func firstFree(avoiding used: [IPv4Prefix]) -> IPv4Prefix? {
        let count = UInt64(1) << UInt64(length - base.length)
        let step = UInt64(1) << UInt64(32 - length)
        var index: UInt64 = 0
        while index < count {
            let candidate = IPv4Prefix(
                address: IPv4Address(value: base.address.value + UInt32(truncatingIfNeeded: index * step)), length: length)
            if !used.contains(where: { $0.contains(candidate) || candidate.contains($0) }) { return candidate }
            index += 1
        }
        return nil
    }
}

/// A serial allocator over an integer range, as swarmkit's bitmaps with `serial=true` behave:
/// VXLAN IDs from 4096 (ovmanager `SetAnyInRange(4096, 2^24-1, true)`) and dynamically published
/// ports from 30000 (portallocator `dynamicPortSpace.GetID(true)`).
struct SerialNumberAllocator {
    let range: ClosedRange<Int>
    private var last: Int?
    private var inUse: Set<Int> = []

    init(range: ClosedRange<Int>) {
        self.range = range
    }

    mutating func allocate() -> Int? {
        var candidate = last.map { $0 + 1 } ?? range.lowerBound
        for _ in 0..<range.count {
            if candidate > range.upperBound { candidate = range.lowerBound }
            if !inUse.contains(candidate) {
                inUse.insert(candidate)
                last = candidate
                return candidate
            }
            candidate += 1
        }
        return nil
    }

    /// Marks a value chosen by the user as used; false if it already is.
    mutating func reserve(_ value: Int) -> Bool {
        inUse.insert(value).inserted
    }

    func isUsed(_ value: Int) -> Bool { inUse.contains(value) }

    mutating func release(_ value: Int) {
        inUse.remove(value)
    }
}
