import SwarmSimCore

/// A load generator (in the spirit of `ab`, `hey`, `wrk2`) that records every request: when
/// it started and ended, which server answered, why it failed.
///
/// The target's name is resolved once at the start; if it does not resolve, every request
/// fails with `.resolve`. A closed loop keeps `concurrency` requests in flight, starting the
/// next as each ends. An open loop issues request i at its arrival time (start + i/rate, or
/// exponential gaps) whether or not earlier ones have ended; `concurrency` does not limit it.
///
/// Without keep-alive every request has its own connection (or UDP socket), closed by the
/// client once the answer is in, so the client's side holds the TIME-WAIT: with Linux's
/// 60 s TIME-WAIT and the 28232 ports of `ip_local_port_range`, more than that many requests
/// per minute to one server run out of source ports (`.addressNotAvailable`), as on Linux.
/// With keep-alive an idle channel is reused before a new one is opened; one that failed or
/// timed out is closed, never reused.
///
/// Invariant: when `completion` runs, every record has an `end`, and each one either has a
/// `failure` or names the server that answered (a success whose answer `identify` cannot
/// name counts as a `.protocol` failure).
public final class LoadGenerator {
    public let spec: LoadSpec
    public let context: AppContext
    let identify: ([UInt8]) -> String?
    public private(set) var records: [RequestRecord] = []
    private var completion: (([RequestRecord]) -> Void)?
    private var address = IPv4Address.any
    private var peer = ""
    private var httpRequest = HTTPLoadRequest(HTTPRequest())
    private var nextIndex = 0
    private var ended = 0
    private var idle: [LoadChannel] = []
    /// The channel carrying each request still out, by request index (an array beside
    /// `records` rather than a dictionary: no hashing per request).
    private var inFlight: [LoadChannel?] = []
    /// The requests' timeout deadlines in the order they were issued, from `deadlinesHead` on.
    /// Every request has the same timeout and requests are issued as time goes on, so the
    /// deadlines never decrease: one timer, set for the earliest request still out, serves all
    /// of them (as a kernel timer wheel serves many sockets), instead of a timer set and
    /// cancelled per request. Requests that ended are skipped when the timer fires.
    private var deadlines: [(at: SimTime, index: Int)] = []
    private var deadlinesHead = 0
    private var timeoutTimer: AppTimers.Token?
    private var arrivalRandom: RandomStream?
    private var runStart = SimTime.zero
    private var nextArrival = SimTime.zero

    /// Starts a run now; `completion` gets every record, in index order, once all have ended.
    @discardableResult
    public static func start(_ spec: LoadSpec, context: AppContext, identify: @escaping ([UInt8]) -> String? = ServerIdentity.default,
                             completion: @escaping ([RequestRecord]) -> Void) -> LoadGenerator {
        let generator = LoadGenerator(spec: spec, context: context, identify: identify, completion: completion)
        generator.begin()
        return generator
    }

    private init(spec: LoadSpec, context: AppContext, identify: @escaping ([UInt8]) -> String?,
                 completion: @escaping ([RequestRecord]) -> Void) {
        self.spec = spec
        self.context = context
        self.identify = identify
        self.completion = completion
        records.reserveCapacity(spec.requests)
        inFlight.reserveCapacity(spec.requests)
    }

    /// Whether every request has ended.
    public var isFinished: Bool { ended == spec.requests }

    private func begin() {
        runStart = context.timers.now
        if case .exponential(let name) = spec.arrivals { arrivalRandom = context.timers.simulation.randomStream(named: name) }
        guard spec.requests > 0 else {
            finishIfDone()
            return
        }
        context.resolver.resolve(spec.host) { [self] result in
            guard case .success(let addresses) = result, let first = addresses.first else {
                let now = context.timers.now
                for index in 0..<spec.requests {
                    records.append(RequestRecord(index: index, start: now, end: now, failure: .resolve))
                }
                ended = spec.requests
                finishIfDone()
                return
            }
            address = first
            peer = "\(first):\(spec.port)"
            var host = spec.host
            if spec.port != 80 { host += ":\(spec.port)" }
            httpRequest = HTTPLoadRequest(
                HTTPRequest(target: spec.path, headers: ["Host": host, "User-Agent": "swarmsim-load", "Accept": "*/*"]))
            if spec.rate != nil {
                nextArrival = context.timers.now
                arrive()
            } else {
                for _ in 0..<min(spec.concurrency, spec.requests) { issue() }
            }
        }
    }

    /// Open loop: issue the request due now and schedule the next arrival.
    private func arrive() {
        issue()
        guard nextIndex < spec.requests, let rate = spec.rate else { return }
        let gap: Double
        if var random = arrivalRandom {
            // Inverse transform of a uniform in (0, 1].
            gap = -(1 - random.nextUnitDouble()).log / rate
            arrivalRandom = random
        } else {
            gap = 0
        }
        if arrivalRandom != nil {
            nextArrival = nextArrival + .nanoseconds(Int64((gap * 1e9).rounded()))
        } else {
            nextArrival = runStart + .nanoseconds(Int64((Double(nextIndex) * 1e9 / rate).rounded()))
        }
        context.timers.after(nextArrival - context.timers.now) { [self] in arrive() }
    }

    private func issue() {
        guard nextIndex < spec.requests else { return }
        let index = nextIndex
        nextIndex += 1
        let now = context.timers.now
        records.append(RequestRecord(index: index, start: now, peer: peer))
        inFlight.append(nil)
        let channel: LoadChannel
        if let reused = idle.popLast() {
            channel = reused
        } else {
            do {
                channel = try open()
            } catch {
                end(index, .failure(RequestFailure(error)), channel: nil)
                return
            }
        }
        deadlines.append((now + spec.timeout, index))
        if timeoutTimer == nil { armTimeout() }
        inFlight[index] = channel
        channel.request(index)
    }

    /// Sets the timeout timer for the earliest request still out, if any.
    private func armTimeout() {
        while deadlinesHead < deadlines.count && records[deadlines[deadlinesHead].index].end != nil { deadlinesHead += 1 }
        if deadlinesHead > 256 && deadlinesHead * 2 > deadlines.count {
            deadlines.removeFirst(deadlinesHead)
            deadlinesHead = 0
        }
        guard deadlinesHead < deadlines.count else { return }
        timeoutTimer = context.timers.after(deadlines[deadlinesHead].at - context.timers.now) { [self] in
            timeoutTimer = nil
            let now = context.timers.now
            var due: [Int] = []
            while deadlinesHead < deadlines.count && deadlines[deadlinesHead].at <= now {
                due.append(deadlines[deadlinesHead].index)
                deadlinesHead += 1
            }
            // Ending a request may issue the next, which sets the timer again if it is unset.
            for index in due { end(index, .failure(.timeout), channel: nil) }
            if timeoutTimer == nil { armTimeout() }
        }
    }

    /// A channel's answer to request `index` (or why there was none).
    func answered(_ index: Int, _ result: Result<[UInt8], RequestFailure>, channel: LoadChannel) {
        end(index, result, channel: channel)
    }

    private func open() throws(SocketError) -> LoadChannel {
        let namespace = context.namespace
        switch spec.protocol {
        case .http:
            return try HTTPLoadChannel(namespace: namespace, address: address, port: spec.port, request: httpRequest, generator: self)
        case .tcp: return try TCPLoadChannel(namespace: namespace, address: address, port: spec.port, generator: self)
        case .udp: return try UDPLoadChannel(namespace: namespace, address: address, port: spec.port, generator: self)
        }
    }

    private func end(_ index: Int, _ result: Result<[UInt8], RequestFailure>, channel: LoadChannel?) {
        guard records[index].end == nil else { return }
        let now = context.timers.now
        if let inflightChannel = inFlight[index].take() {
            let keep: Bool
            if case .success = result { keep = spec.keepAlive && inflightChannel.isReusable } else { keep = false }
            if keep {
                idle.append(inflightChannel)
            } else {
                inflightChannel.close()
            }
        }
        records[index].end = now
        switch result {
        case .success(let answer):
            if let server = identify(answer) {
                records[index].servedBy = server
                records[index].latency = now - records[index].start
            } else {
                records[index].failure = .protocol
            }
        case .failure(let failure):
            records[index].failure = failure
        }
        ended += 1
        if spec.rate == nil { issue() }
        finishIfDone()
    }

    private func finishIfDone() {
        guard ended == spec.requests, let completion else { return }
        self.completion = nil
        if let timeoutTimer { context.timers.cancel(timeoutTimer) }
        timeoutTimer = nil
        for channel in idle { channel.close() }
        idle = []
        completion(records)
    }
}

extension Double {
    /// The natural logarithm in plain arithmetic (no libm), so arrival times are the same on
    /// every platform: x = m * 2^e with m in [1, 2), ln x = e ln 2 + 2 atanh((m - 1) / (m + 1)).
    fileprivate var log: Double {
        precondition(self > 0, "log of a non-positive number")
        let e = Double(exponent)
        let m = significand
        let t = (m - 1) / (m + 1)
        let t2 = t * t
        var term = t
        var sum = 0.0
        var k = 1.0
        while true {
            let next = sum + term / k
            if next == sum { break }
            sum = next
            term *= t2
            k += 2
        }
        return e * 0.693_147_180_559_945_3 + 2 * sum
    }
}
