extension Engine {
    /// A stable 64-bit fingerprint of the engine's state, for replay checkpoints.
    ///
    /// FNV-1a 64 over a canonical little-endian encoding of the clock, every random stream's state, the
    /// workload's rate and progress, the outcome totals of every request class, and every
    /// node's monotonic counters, pool sizes, cache counters and servers, in node and server
    /// order. Doubles enter as their IEEE 754 bit patterns. Never Swift's `Hasher`, which is
    /// seeded per process: the same state gives the same digest in every process and build.
    /// Reading it changes nothing.
    public func digest() -> UInt64 {
        var hash = FNV1a64()
        hash.add(now)
        for stream in Array(arrivalRandom) + retryRandom + nodes.flatMap({ [$0.serviceRandom, $0.routingRandom] }) {
            hash.add(stream)
        }
        for count in workload.arrivals { hash.add(count) }
        hash.add(workload.users)
        hash.add(workload.ratePerUser)
        hash.add(workload.generated)
        hash.add(requests.live)
        hash.add(events.count)
        for counts in outcomesAll.byClass {
            hash.add(counts.requests)
            hash.add(counts.completed)
            hash.add(counts.dropped)
            hash.add(counts.timedOut)
            hash.add(counts.failed)
            hash.add(counts.latencySum)
            // Counters added since recordings were first made enter only when not zero, so
            // the digests of systems that never use them do not move.
            if counts.rejected != 0 { hash.add(counts.rejected) }
        }
        hash.add(writesLost)
        hash.add(refusedCommands.count)
        hash.add(nodes.count)
        for n in nodes.indices {
            let c = counters(of: n)
            for value in [
                c.arrivals, c.completions, c.dropped, c.timedOut, c.failed, c.staleReads,
                c.sessionsLost, c.autoscalerActions, c.applied,
            ] {
                hash.add(value)
            }
            hash.add(c.applyLagSum)
            hash.add(c.latencySum)
            hash.add(c.busyArea)
            hash.add(c.capacityArea)
            hash.add(c.queueArea)
            if c.rejected != 0 { hash.add(c.rejected) }
            hash.add(nodes[n].activeServers.count)
            hash.add(nodes[n].retiredServers.count)
            hash.add(Int(nodes[n].workers))
            hash.add(nodes[n].size)
            hash.add(nodes[n].slowFactor)
            if let slot = cacheSlot(n) {
                let cache = cacheStates[slot].cache
                let k = cache.counters
                for value in [cache.count, k.hits, k.misses, k.evictions, k.expirations, k.invalidations, k.inserts] {
                    hash.add(value)
                }
                // Only when used, so recordings made before coalescing existed still verify.
                if k.coalesced != 0 { hash.add(k.coalesced) }
                let inFlight = cacheStates[slot].inFlight.count
                if inFlight != 0 { hash.add(inFlight) }
            }
            for s in nodes[n].allServers {
                let server = servers[Int(s)]
                hash.add(Int(server.busy))
                hash.add(serverTraffic[Int(s)].completions)
                hash.add(server.queue.count)
                hash.add(server.down ? 1 : 0)
            }
        }
        for datacenter in datacenters { hash.add(datacenter.down ? 1 : 0) }
        return hash.value
    }

    /// Runs to `end` as `run(until:)` does, stopping at every multiple of `interval` after
    /// the current time, up to and including `end`, to hand the engine to `onCheckpoint`.
    ///
    /// Stopping at a time changes nothing: events still run in (time, insertion) order, so
    /// the engine ends in the same state as `run(until: end)` leaves it. Replay files take a
    /// checkpoint every simulated second this way.
    public mutating func run(
        until end: SimTime, checkpointEvery interval: SimTime, _ onCheckpoint: (Engine) throws -> Void
    ) rethrows {
        precondition(interval > 0, "a checkpoint interval must be longer than zero")
        var next = (now / interval + 1) * interval
        while next <= end {
            run(until: next)
            try onCheckpoint(self)
            next += interval
        }
        run(until: end)
    }
}

/// FNV-1a, 64-bit (Fowler, Noll and Vo): a tiny hash with a fixed definition, fed bytes in
/// little-endian order so a digest is the same on every machine.
public struct FNV1a64: Sendable {
    public static let offsetBasis: UInt64 = 0xCBF2_9CE4_8422_2325
    public static let prime: UInt64 = 0x0000_0100_0000_01B3

    public private(set) var value = FNV1a64.offsetBasis

    public init() {}

    /// Mixes in one byte.
    @inline(__always)
    public mutating func add(byte: UInt8) {
        value = (value ^ UInt64(byte)) &* Self.prime
    }

    /// Mixes in the eight bytes of `word`, least significant first.
    public mutating func add(_ word: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { add(byte: UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
    }

    /// Mixes in a generator's four state words.
    public mutating func add(_ generator: Xoshiro256StarStar) {
        add(generator.state.0)
        add(generator.state.1)
        add(generator.state.2)
        add(generator.state.3)
    }

    /// Mixes in `value` as a 64-bit two's-complement word.
    public mutating func add(_ value: Int) { add(UInt64(bitPattern: Int64(value))) }

    /// Mixes in `value` as a 64-bit two's-complement word.
    public mutating func add(_ value: Int64) { add(UInt64(bitPattern: value)) }

    /// Mixes in the IEEE 754 bit pattern of `value`.
    public mutating func add(_ value: Double) { add(value.bitPattern) }
}
