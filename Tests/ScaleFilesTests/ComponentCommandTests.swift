@testable import ScaleFiles
@testable import ScaleSim
import Testing

/// Adding and taking away components while the simulation runs: what each command does to
/// the routes and to the requests in flight, and the refusals that keep the system whole.
@Suite struct ComponentCommandTests {
    static let second = Nanos.perSecond
    static let millisecond = Nanos.perMillisecond

    /// A stage preset running for `seconds`, ready for a command.
    static func running(_ stage: String, seconds: Int = 3) throws -> Engine {
        var engine = Engine(spec: try Stage.spec(stage), seed: 5)
        engine.run(until: SimTime(seconds) * second)
        return engine
    }

    static func command(_ line: String) throws -> SimCommand { try CommandGrammar.parse(line) }

    /// Every end-to-end request is counted once: finished one way or still in flight.
    static func expectConservation(_ engine: Engine, _ comment: Comment? = nil) {
        let e = engine.summary().endToEnd
        let c = e.counts
        #expect(c.requests == c.completed + c.dropped + c.timedOut + c.failed + c.rejected + e.inFlight, comment)
    }

    // MARK: Refusals

    /// Bad commands of every class: a name nothing has, the wrong kind, a name taken, a
    /// removal that would leave requests or users with nowhere to go. Each is refused with
    /// its reason and leaves the system as it was.
    @Test(arguments: [
        ("01", "add db nowhere", "no node named nowhere"),
        ("01", "remove db nowhere", "no node named nowhere"),
        ("09", "add queue nowhere job", "no node named nowhere"),
        ("09", "remove queue nowhere", "no node named nowhere"),
        ("05", "remove lb nowhere", "no node named nowhere"),
        ("05", "remove cache nowhere", "no node named nowhere"),
        ("07", "remove session-store nowhere", "no node named nowhere"),
        ("05", "remove lb app", "app is not a load balancer"),
        ("05", "remove cache db", "db is not a cache"),
        ("06", "remove cache cdn-us", "remove cdn REGION"),
        ("09", "remove queue app", "app is not a message queue"),
        ("07", "remove session-store app", "app is not a session store"),
        ("05", "remove db app", "app is not a database"),
        ("05", "add db db", "db is not an app server"),
        ("06", "add queue cdn-us job", "a message queue goes behind an app server"),
        ("05", "add queue cache job", "a message queue goes behind an app server"),
        ("01", "add db app", "app already sends its reads and writes on, to db"),
        ("09", "add queue app job", "app already queues its job requests in jobs"),
        ("07", "add dc us-east like us-east near eu 10ms", "there is a data center named us-east already"),
        ("07", "add dc eu-west like nowhere near eu 10ms", "no data center named nowhere; there are us-east"),
        ("07", "add dc eu-west like us-east near mars 10ms", "no user region named mars; there are us, eu"),
        ("07", "add dc eu-west like us-east near eu 10ms mars 5ms", "no user region named mars"),
        ("07", "remove dc us-east", "us-east is the only data center"),
        ("08", "remove dc us-east", "depends on"),
        ("08", "remove dc nowhere", "no data center named nowhere; there are us-east, eu-west"),
        ("04", "remove db db", "db-replica holds a copy of db's data"),
        ("05", "remove cdn us", "us has no CDN edge; there is none"),
        ("06", "remove cdn mars", "mars has no CDN edge; edges serve us, eu"),
        ("bench-network", "add dc x like nowhere near all 1ms", "no data center named nowhere"),
    ])
    func badCommandsAreRefusedAndChangeNothing(stage: String, line: String, reason: String) throws {
        var engine = try Self.running(stage)
        let before = engine.spec
        let structure = engine.structure()
        let result = engine.execute(try Self.command(line))
        guard case .refused(let said) = result else {
            Issue.record("\(stage): \(line) was applied")
            return
        }
        #expect(said.contains(reason), "\(line): \(said)")
        #expect(!said.contains("\n"), "one line")
        #expect(engine.spec == before)
        #expect(engine.structure() == structure)
        #expect(engine.refusedCommands.last?.reason == said)
    }

    /// A command thousands of regions long is refused by its first unknown region, and the
    /// text report shows its start and its reason, not megabytes of it.
    @Test func aHugeRefusedCommandStaysReadableInTheReport() throws {
        let regions = (0..<20_000).map { "r\($0) 1ms" }.joined(separator: " ")
        var engine = try Self.running("07")
        let result = engine.execute(try Self.command("add dc x like us-east near eu 1ms " + regions))
        #expect(result == .refused("no user region named r0; there are us, eu"))
        let text = TextReport.render(RunReport(summary: engine.summary(), preset: "07").json)
        let line = try #require(text.split(separator: "\n").first { $0.contains("add dc x") })
        #expect(line.count < 320 && line.hasSuffix("no user region named r0; there are us, eu"), "\(line)")
    }

    /// A latency past the limit never parses; the engine refuses one made in code too.
    @Test func aLatencyPastTheLimitIsRefused() throws {
        #expect(throws: CommandSyntaxError.self) { try Self.command("add dc eu-west like us-east near eu 11s") }
        #expect(throws: CommandSyntaxError.self) { try Self.command("add dc eu-west like us-east near eu -1ms") }
        var engine = try Self.running("07")
        let far = DataCenterCopy(name: "x", model: "us-east", region: "eu", latency: 11 * Self.second)
        #expect(engine.execute(.addDataCenter(far)) != .applied)
        #expect(engine.spec.datacenters.count == 1)
    }

    /// A balancer spreading over two pools, a cache missing to two nodes, a store some node
    /// sends requests to: taking them away would leave requests nowhere.
    @Test func removalsThatWouldStrandRequestsAreRefused() throws {
        var spec = try Stage.spec("05")
        for k in spec.nodes.indices {
            switch spec.nodes[k].id {
            case "lb": spec.nodes[k].routes.append(RouteSpec(to: "db"))
            case "cache": spec.nodes[k].routes.append(RouteSpec(to: "db", outcome: .miss))
            default: break
            }
        }
        spec.nodes[0].routes = spec.nodes[0].routes.map { route in
            var split = route
            split.probability = 0.5
            return split
        }
        var engine = Engine(spec: spec, seed: 1)
        for (line, reason) in [
            ("remove lb lb", "lb does not forward everything to one pool (it sends to app, db)"),
            ("remove cache cache", "cache has no one node behind it (it sends to db, db-replica)"),
        ] {
            guard case .refused(let said) = engine.execute(try Self.command(line)) else {
                Issue.record("\(line) was applied")
                continue
            }
            #expect(said.contains(reason), "\(said)")
        }
    }

    // MARK: What each command does

    @Test func removingALoadBalancerSendsItsTrafficToThePool() throws {
        var engine = try Self.running("03")
        let failedBefore = engine.summary().endToEnd.counts.failed
        #expect(engine.execute(try Self.command("remove lb lb")) == .applied)
        #expect(engine.spec.node("lb") == nil)
        // Requests on their way to the balancer (tens of milliseconds from the users) go on
        // to the pool instead: none fails.
        guard case .nodesRemoved(["lb"], 0, 0)? = engine.notices.recent.last?.event else {
            Issue.record("\(String(describing: engine.notices.recent.last))")
            return
        }
        #expect(engine.summary().endToEnd.counts.failed == failedBefore)
        #expect(engine.spec.datacenters == [DataCenterSpec(name: "us-east", entry: "app")])
        engine.run(until: engine.now + 10 * Self.second)
        let app = try engine.summary().node("app")
        #expect(app.arrivals > 15_000, "about 1,800/s reach the pool directly")
        Self.expectConservation(engine)
    }

    @Test func removingACacheSendsReadsWhereItsMissesWentAndCountsWhatWasInside() throws {
        var engine = try Self.running("05", seconds: 20)
        let failedBefore = engine.summary().endToEnd.counts.failed
        #expect(engine.execute(try Self.command("remove cache cache")) == .applied)
        let app = try #require(engine.spec.node("app"))
        #expect(app.routes.contains { $0.to == "db-replica" && $0.classes == [.read] })
        guard case .nodesRemoved(let removed, let failed, let jobs)? = engine.notices.recent.last?.event else {
            Issue.record("no notice of the removal")
            return
        }
        #expect(removed == ["cache"] && jobs == 0)
        #expect(engine.summary().endToEnd.counts.failed - failedBefore == failed)
        engine.run(until: engine.now + 5 * Self.second)
        #expect(try engine.summary().node("db-replica").arrivals > 10_000, "every read now reaches the replicas")
        Self.expectConservation(engine)
    }

    @Test func removingAQueueLosesItsBacklogAndTheProducerDoesTheWorkAgain() throws {
        var engine = try Self.running("09", seconds: 1)
        // Starved consumers: a backlog builds up.
        #expect(engine.execute(try Self.command("set workers jobs 1")) == .applied)
        engine.run(until: 20 * Self.second)
        let backlog = try engine.summary().node("jobs").queueLength
        #expect(backlog > 1_000)
        #expect(engine.execute(try Self.command("remove queue jobs")) == .applied)
        guard case .nodesRemoved(["jobs"], _, let lost)? = engine.notices.recent.last?.event else {
            Issue.record("no notice of the removal")
            return
        }
        #expect(lost > 1_000, "the queued jobs went with the queue")
        // The queue's consumers sent nothing on: jobs end at the app, which answers them itself.
        #expect(try #require(engine.spec.node("app")).routes.allSatisfy { $0.classes?.contains(.job) != true })
        let completedBefore = engine.summary().endToEnd.counts.completed
        engine.run(until: engine.now + 5 * Self.second)
        #expect(engine.summary().endToEnd.counts.completed > completedBefore)
        Self.expectConservation(engine)
    }

    @Test func aQueueTakesOverTheRouteOfItsClass() throws {
        var engine = try Self.running("01")
        #expect(engine.execute(try Self.command("add queue app write 8")) == .applied)
        let queue = try #require(engine.spec.node("write-jobs"))
        #expect(queue.kind == .queue && queue.servers == 4 && queue.workers == 8 && queue.dc == "us-east")
        #expect(queue.routes == [RouteSpec(to: "db", classes: [.write], latency: 500 * Nanos.perMicrosecond)])
        let app = try #require(engine.spec.node("app"))
        #expect(Set(app.routes.map { "\($0.to) \($0.classes ?? [])" }) == ["db [read]", "write-jobs [write]"])
        engine.run(until: engine.now + 10 * Self.second)
        let db = try engine.summary().node("db")
        let jobs = try engine.summary().node("write-jobs")
        #expect(jobs.arrivals > 100 && db.arrivals > jobs.arrivals, "writes reach the database through the queue")
        // Taken away, the writes go straight to the database again.
        #expect(engine.execute(try Self.command("remove queue write-jobs")) == .applied)
        #expect(try #require(engine.spec.node("app")).routes.contains { $0.to == "db" && $0.classes == [.write] })
        Self.expectConservation(engine)
    }

    @Test func aDataCenterCopyIsReachedByGeoDNSAndReadsItsOwnReplicas() throws {
        var engine = try Self.running("03")
        #expect(engine.execute(try Self.command("add dc eu-west like us-east near eu 15ms")) == .applied)
        let spec = engine.spec
        #expect(spec.datacenters.last == DataCenterSpec(name: "eu-west", entry: "lb-eu"))
        #expect(
            Set(spec.latencies.filter { $0.dc == "eu-west" }.map { "\($0.region) \($0.latency / Self.millisecond)" }) == [
                "eu 15", "us 80",
            ])
        // Stage 03 has no replicas: the copy reads a new replica pool of db, writes cross.
        let replica = try #require(spec.node("db-replica-eu"))
        #expect(replica.kind == .replica && replica.replicaOf == "db" && replica.dc == "eu-west")
        #expect(replica.replicationDelay == 80 * Self.millisecond)
        let app = try #require(spec.node("app-eu"))
        #expect(
            app.routes.contains { $0.to == "db-replica-eu" && $0.classes == [.read] && $0.latency == 500 * Nanos.perMicrosecond })
        #expect(app.routes.contains { $0.to == "db" && $0.classes == [.write] && $0.latency == 80 * Self.millisecond })
        #expect(spec.node("db-eu") == nil, "a primary is not copied")
        engine.run(until: engine.now + 15 * Self.second)
        let summary = engine.summary()
        // After DNS caches expire, eu's 40% of 1,800/s arrive at the copy's balancer.
        #expect(try summary.node("lb-eu").arrivals > 2_000)
        #expect(try summary.node("db-replica-eu").arrivals > 1_000)
        Self.expectConservation(engine)
        // And it can go again: its users return to us-east.
        #expect(engine.execute(try Self.command("remove dc eu-west")) == .applied)
        #expect(engine.spec.nodes.map(\.id).sorted() == ["app", "db", "lb"])
        engine.run(until: engine.now + 5 * Self.second)
        Self.expectConservation(engine)
    }

    @Test func aSessionStoreTakenAwayLeavesStickySessions() throws {
        var engine = try Self.running("07")
        #expect(engine.execute(try Self.command("remove session-store sessions")) == .applied)
        let app = try #require(engine.spec.node("app"))
        #expect(app.calls == nil && app.sessions == .sticky)
        engine.run(until: engine.now + 5 * Self.second)
        Self.expectConservation(engine)
    }

    @Test func theSameCommandsGiveTheSameRun() throws {
        func run() throws -> RunSummary {
            var engine = try Self.running("05", seconds: 5)
            for line in [
                "remove cache cache", "add dc eu-west like us-east near eu 10ms", "remove lb lb-eu", "add cache db-replica-eu",
            ] {
                #expect(engine.execute(try Self.command(line)) == .applied, "\(line)")
                engine.run(until: engine.now + 2 * Self.second)
            }
            return engine.summary()
        }
        #expect(try run() == run())
    }
}
