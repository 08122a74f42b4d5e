/// What one engine partition sends another (docs/architecture.md, "Windows and messages").
enum EngineMessage: Sendable {
    /// A request crossing to a node the receiver simulates, as it left its sender, with the
    /// calls through circuit breakers its attempt carries (latest first).
    case request(RequestTable.Slot, breakerCalls: [BreakerCall] = [])
    /// A write committed at primary `primary`, for the receiver's replicas and caches of its
    /// data (Parallel/Engine+CommitsAcross.swift).
    case commit(primary: Int32, key: UInt32, position: LogPosition, committed: SimTime)
    /// The answer to a miss at the receiver's CDN edge `cache`, served here, to fill it.
    case fill(cache: Int32, key: UInt32, version: CachedVersion)
    /// The outcome of a call let through in `epoch` by one of the receiver's circuit
    /// breakers, whose attempt ended here (Parallel/Engine+BreakersAcross.swift).
    case breakerOutcome(epoch: UInt32, failed: Bool)
    /// A user request's retry, failed here, for its region's home partition to start at the
    /// message's time, when its backoff is over (Parallel/Engine+RetriesAcross.swift).
    case retry(RequestTable.Slot)
}

/// An engine's part in a partitioned run: which partition it is, which partition simulates
/// each node and each region's users, and what it sends. Empty when one engine runs the
/// whole system, and then the engine never looks further than `isPartitioned`.
struct PartitionCrossing: Sendable {
    var index: Int32 = 0
    /// The partition simulating each node, by node index; empty for the whole system.
    var owners: [Int32] = []
    /// Whether each user region's arrivals are simulated here.
    var homeRegions: [Bool] = []
    /// The partition simulating each user region's arrivals, where its retries start.
    var regionHomes: [Int32] = []
    /// Messages sent during the current window (lent by the coordinator for the window);
    /// between windows, what a command sends, which the coordinator delivers at once
    /// (`PartitionedEngine.deliverSentAtBarrier`).
    var outbox = Outbox<EngineMessage>(source: 0)
    /// The partitions to tell of each primary's writes, by node index (see
    /// Engine+CommitsAcross.swift).
    var commitSubscribers: [[Engine.CommitSubscriber]] = []
    /// Reads of this window to settle at its end, and the first commit of each key (of each
    /// primary) heard of at that end.
    var freshnessChecks: [Engine.FreshnessCheck] = []
    var firstCommits: [UInt64: SimTime] = [:]
    /// Failovers of dead primaries still to come, which the coordinator carries out at a
    /// barrier (Parallel/PartitionedEngine+Failover.swift); the same in every partition.
    var failovers: [PendingFailover] = []
    /// What this partition counted in the second its last tick closed, for the whole
    /// system's window (Parallel/PartitionedEngine+Windows.swift).
    var closedWindow: ClosedWindow?
    /// The nodes a removal just took out of this copy and what it lost in them, for the
    /// coordinator's one notice (Parallel/PartitionedEngine+Structure.swift).
    var removal: (nodes: [String], losses: Engine.RemovalLosses)?
    /// True for a scratch copy that tries a command and never runs: the caches it adds keep
    /// no storage (Parallel/PartitionedEngine+Structure.swift).
    var keepsNoCacheStorage = false
    /// How far apart the epochs this partition hands its circuit breakers are: the number
    /// of partitions, each partition starting at its own index past those handed out before
    /// the split, so no two hand out the same one (Components/CircuitBreaker).
    var breakerEpochStep: UInt32 = 1

    @inline(__always) var isPartitioned: Bool { !owners.isEmpty }

    /// True if node `node` is simulated by another partition.
    @inline(__always) func isForeign(_ node: Int32) -> Bool { owners[Int(node)] != index }

    /// True if node `node` is simulated here: always in a whole-system engine. A command
    /// applies in every partition's copy of a node, but only the owner's copy schedules
    /// what follows from it (a health check, the autoscaler's actions).
    @inline(__always) func simulates(_ node: Int) -> Bool { owners.isEmpty || owners[node] == index }
}

/// One partition of a system: a whole `Engine` that simulates only its own data centers'
/// nodes and its own regions' users, and hands requests for other nodes to their partition.
///
/// Every copy holds the whole structure, so node, server and route indices are the same in
/// all of them; only the owner's state of a node is live.
struct EnginePartition: SimulationPartition {
    var engine: Engine

    mutating func run(through end: SimTime, outbox: inout Outbox<EngineMessage>) {
        swap(&engine.crossing.outbox, &outbox)
        engine.run(until: end)
        swap(&engine.crossing.outbox, &outbox)
    }

    mutating func receive(_ messages: [PartitionMessage<EngineMessage>]) {
        engine.makeStorageUnique()
        for message in messages { engine.receive(message) }
        engine.settleFreshnessChecks()
    }
}

extension Engine {
    /// Why this system cannot yet run in partitions, or nil when it can: every effect
    /// between its partitions must be one the partitioned engine carries as a message.
    ///
    /// Today those are requests travelling on routes with a latency, users sent to a data
    /// center other than their nearest, a primary's writes reaching replicas and caches
    /// in another, the outcomes of calls through a circuit breaker, and retries going back
    /// to their region's partition; a script may hold only the commands a partitioned run
    /// takes. Every other effect of docs/design/partitioned-engine-audit.md still reaches
    /// across at once, so a system that has one runs as one partition.
    public var reasonNotPartitioned: String? {
        let plan = partitionPlan
        guard plan.partitions.count > 1 else { return "it is one partition" }
        let partitionOf = dataCenterPartitions(plan)
        for effect in crossDataCenterEffects() where partitionOf[effect.from] != partitionOf[effect.to] {
            switch effect.kind {
            case .route, .users, .replication, .cacheWrites, .breakerOutcomes, .retries: continue
            case .call:
                return "\(effect.name) crosses partitions, which the partitioned engine does not carry yet"
            }
        }
        let owner = owners(in: plan)
        for n in nodes.indices where nodes[n].kind == .cache || nodes[n].kind == .cdn {
            for table in nodes[n].routes + nodes[n].hitRoutes + nodes[n].missRoutes {
                if let far = table.routes.first(where: { owner[Int($0.target)] != owner[n] }) {
                    return "\(spec.nodes[n].id)'s requests to \(spec.nodes[Int(far.target)].id) would fill it "
                        + "from another partition"
                }
            }
        }
        if let scheduled = script.first(where: {
            $0.command.changesStructure || partitionedRunRefusal(of: $0.command) != nil
        }) {
            // Whether a change of structure keeps the partitions is known only when it comes.
            let what = scheduled.command.changesStructure ? "adds or removes nodes" : "has a command"
            let taken = scheduled.command.changesStructure ? "takes only live" : "does not take yet"
            return "its script \(what) at \(Nanos.seconds(scheduled.at)) s, which a partitioned run \(taken)"
        }
        if let lookahead = plan.lookahead, let refusal = scriptedRetriesRefusal(lookahead: lookahead) { return refusal }
        if spec.workload.requestLimit != nil { return "it stops at a request limit" }
        if !workload.traceKeys.isEmpty { return "its keys come from a trace" }
        if client.timeout > 0 { return "its clients give up after a deadline" }
        return scriptedBreakerRefusal(plan: plan)
    }

    /// Why partitioned `revision` ran this system in one engine, or nil when it ran it in
    /// partitions: before revision 6, also a system with circuit breakers or retries, or
    /// one whose script holds a command that revision refused. A replay of an older
    /// recording runs as its revision did, so it verifies (docs/replay.md, "Engine revisions").
    func reasonNotPartitioned(revision: Int) -> String? {
        if let reason = reasonNotPartitioned { return reason }
        guard revision < 6 else { return nil }
        if !breakers.isEmpty { return "it has circuit breakers" }
        if spec.workload.retries.limit > 0 { return "its retries cross partitions" }
        if let scheduled = script.first(where: { olderRevisionRefusal(of: $0.command, revision: revision) != nil }) {
            return "its script has a command at \(Nanos.seconds(scheduled.at)) s, which revision \(revision) did not take"
        }
        return nil
    }

    /// The system split into its partitions, ready to run (see `reasonNotPartitioned`,
    /// which must be nil): each copy simulates its own nodes and regions from time zero.
    func partitioned() -> [EnginePartition] {
        precondition(reasonNotPartitioned == nil, "the system cannot run in partitions")
        let plan = partitionPlan
        let partitionOf = dataCenterPartitions(plan)
        let owners = owners(in: plan)
        let regionHomes = regionLatency.indices.map { partitionOf[nearestDataCenter(region: $0)] }
        return plan.partitions.indices.map { p in
            var copy = self
            copy.becomePartition(
                Int32(p), of: plan.partitions.count, owners: owners,
                homeRegions: workload.regionShares.indices.map { regionHomes[$0] == p })
            copy.crossing.regionHomes = workload.regionShares.indices.map { Int32(regionHomes[$0]) }
            return EnginePartition(engine: copy)
        }
    }

    /// The partition each data center belongs to, by data center index.
    /// The partition simulating each node, by node index.
    func owners(in plan: PartitionPlan) -> [Int32] {
        let partitionOf = dataCenterPartitions(plan)
        return nodes.indices.map { Int32(partitionOf[homeDataCenter(of: $0)]) }
    }

    private func dataCenterPartitions(_ plan: PartitionPlan) -> [Int] {
        datacenters.map { dc in plan.partitions.firstIndex { $0.contains(dc.name) } ?? 0 }
    }

    /// Makes this fresh engine partition `index` of `count`: only its own regions' arrivals
    /// are scheduled, from their streams' start, as a whole-system engine schedules them.
    private mutating func becomePartition(_ index: Int32, of count: Int, owners: [Int32], homeRegions: [Bool]) {
        precondition(now == 0 && requests.live == 0, "a partition starts from time zero")
        makeStorageUnique()
        crossing = PartitionCrossing(index: index, owners: owners, homeRegions: homeRegions)
        crossing.breakerEpochStep = UInt32(count)
        breakerEpoch &+= UInt32(index)
        crossing.commitSubscribers = commitSubscribers(owners: owners)
        dropForeignCacheStorage()
        events = EventQueue()
        for region in workload.regionShares.indices {
            arrivalRandom[region] = Xoshiro256StarStar(seed: seed, purpose: .arrivals, index: UInt64(region))
            if homeRegions[region] {
                scheduleNextArrival(region: region)
            } else {
                workload.pendingSequences[region] = nil
            }
        }
        events.schedule(EventTarget.tick, at: Self.windowLength)
        if statsStart > 0 { events.schedule(EventTarget.statsStart, at: statsStart) }
    }

    /// Keeps no storage for another partition's caches, which are never read here (a
    /// 10,000,000-key cache's index alone is 40 MB): each holds one entry at most.
    private mutating func dropForeignCacheStorage() {
        for k in cacheStates.indices where crossing.isForeign(cacheStates[k].node) && cacheStates[k].cache.capacity > 1 {
            let cache = cacheStates[k].cache
            cacheStates[k].cache = KeyCache(capacity: 1, policy: cache.policy, ttl: cache.ttl, keySpace: 1)
        }
    }

    /// Hands request `r`, travelling to node `target` of another partition, to that
    /// partition, where it arrives at `time`; its slot here is free again.
    mutating func sendAcross(_ r: Int32, to target: Int32, from sender: Int32, arriving time: SimTime) {
        drawKey(of: Int(r))
        var slot = requests.slots[Int(r)]
        slot.node = target
        slot.server = sender
        slot.phase = .travelling
        let calls = slot.breakerCall >= 0 ? takeBreakerCalls(of: r) : []
        crossing.outbox.send(.request(slot, breakerCalls: calls), to: Int(crossing.owners[Int(target)]), at: time)
        requests.release(r)
    }

    /// Takes in what another partition sent, to happen at the message's time.
    mutating func receive(_ message: PartitionMessage<EngineMessage>) {
        switch message.payload {
        case .request(let slot, let calls):
            let r = requests.adopt(slot)
            if slot.breakerCall >= 0 { keepBreakerCalls(calls, of: r) }
            events.schedule(r, at: message.time)
        case .commit(let primary, let key, let position, let committed):
            receiveCommit(primary: Int(primary), key: key, position: position, committed: committed)
        case .fill(let cache, let key, let version):
            schedule(.fillArrives(cache: cache, key: key, version: version), at: message.time)
        case .breakerOutcome(let epoch, let failed):
            schedule(.breakerOutcome(epoch: epoch, failed: failed), at: message.time)
        case .retry(let slot):
            events.schedule(requests.adopt(slot), at: message.time)
        }
    }

    /// Sends the answer to request `r`'s miss at CDN edge `c` of another partition back to
    /// fill it. A region's users reach a data center of another partition only when geo-DNS
    /// sends them past a dead one; one engine fills the edge at once, the answer here takes
    /// the round trip between the region and its nearest data center of this partition,
    /// which is no shorter than the lookahead (the users' own effect).
    mutating func sendFillAcross(_ r: Int32, cache c: Int) {
        let region = min(Int(requests.slots[Int(r)].region), regionLatency.count - 1)
        let here = datacenters.indices.filter { datacenters[$0].entry >= 0 && crossing.simulates(Int(datacenters[$0].entry)) }
        let delay = here.map { 2 * regionLatency[region][$0] }.min() ?? 0
        let key = self.key(of: Int(r))
        crossing.outbox.send(
            .fill(cache: Int32(c), key: key, version: requests.slots[Int(r)].version),
            to: Int(crossing.owners[c]), at: now + delay)
    }

    /// The answer to a miss at CDN edge `c`, served in another partition, fills it.
    mutating func fillArrived(cache c: Int, key: UInt32, version: CachedVersion) {
        guard let k = cacheSlot(c) else { return }
        cacheStates[k].cache.insert(key, version: version, now: now)
    }
}
