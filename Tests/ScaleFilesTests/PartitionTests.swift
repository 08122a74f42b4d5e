@testable import ScaleFiles
@testable import ScaleSim
import Testing

/// Network partitions between data centers (Components/DataCenter/Engine+Partition.swift)
/// and the `partition` preset: its figures against the arithmetic of its comments.
@Suite(.serialized) struct PartitionTests {
    static let second = Nanos.perSecond
    static let millisecond = Nanos.perMillisecond

    /// The shipped preset, cut from 60s to 120s by its script, run to 150s: heal, catch-up
    /// (about 6 s) and some time after.
    static let run: Engine = {
        var engine = Engine(spec: try! Stage.spec("partition"))
        engine.run(until: 150 * second)
        return engine
    }()

    static var episode: PartitionEpisode { run.partitionEpisodes[0] }

    @Test func thePresetCutsTheLinkForAMinuteAndHealsIt() throws {
        #expect(Self.run.partitionEpisodes.count == 1)
        let episode = Self.episode
        #expect(episode.dataCenters == ["us-east", "eu-west"])
        #expect(episode.cutAt == 60 * Self.second)
        #expect(episode.healedAt == 120 * Self.second)
        #expect(Set(episode.cutOff) == ["cache-eu", "db-replica-eu"])
        #expect(episode.resyncs == 0)
    }

    /// eu-west's users write 2,000/s × 0.5 × 0.05 = 50 times a second, all across the
    /// link: about 3,000 writes in the minute (a Poisson count: standard deviation 55).
    @Test func writesAtRiskAreTheCutSidesWriteRateTimesTheMinute() throws {
        let episode = Self.episode
        #expect(abs(episode.failedWrites - 3_000) < 250, "\(episode.failedWrites)")
        // Only writes cross the link; reads stay in eu-west.
        #expect(episode.failedRequests == episode.failedWrites)
        // Without retries each is one user's failed write, and nothing else failed.
        let summary = Self.run.summary()
        #expect(try summary.requestClass(.write).counts.failed == episode.failedWrites)
        #expect(summary.endToEnd.counts.failed == episode.failedWrites)
        #expect(summary.endToEnd.counts.timedOut == 0 && summary.endToEnd.counts.dropped == 0)
    }

    /// us-east keeps committing its own 50 writes/s, which wait for eu-west's replicas;
    /// each replica applies them at 2 ms apiece once they arrive 80 ms after the heal.
    @Test func catchUpIsTheHeldWritesTimesTheApplyTime() throws {
        let episode = Self.episode
        #expect(abs(episode.writesHeld - 3_000) < 250, "\(episode.writesHeld)")
        let expected = 80 * Self.millisecond + SimTime(episode.writesHeld) * 2 * Self.millisecond
        let catchUp = try #require(episode.catchUpTime)
        #expect(abs(catchUp - expected) <= Nanos.perMicrosecond, "\(catchUp) vs \(expected)")
        #expect(
            Self.run.notices.recent.contains {
                $0.event == .partitionCaughtUp(dataCenters: ["us-east", "eu-west"], writes: episode.writesHeld, after: catchUp)
            })
    }

    /// Stale reads come from eu-west's cache and replicas; there are some, and no more than
    /// the reads they answered while cut off and catching up.
    @Test func staleReadsAreCountedWhereTheDataWasCutOff() throws {
        let episode = Self.episode
        #expect(episode.staleReads > 100, "\(episode.staleReads)")
        // European reads: 2,000/s × 0.5 × 0.65 = 650/s over the 66 s cut and catch-up.
        #expect(episode.staleReads < 650 * 66)
        // Without a partition, the same minute of the same traffic gives far fewer.
        var calm = Engine(spec: try Self.calmSpec())
        calm.run(until: 150 * Self.second)
        let calmStale = ["cache-eu", "db-replica-eu"].map { calm.nodes[Int(calm.nodeIndex[$0]!)].counters.staleReads }
        let cutStale = ["cache-eu", "db-replica-eu"].map {
            Self.run.nodes[Int(Self.run.nodeIndex[$0]!)].counters.staleReads
        }
        #expect(cutStale.reduce(0, +) - calmStale.reduce(0, +) > episode.staleReads / 2)
    }

    /// The preset without its script.
    static func calmSpec() throws -> SystemSpec {
        var spec = try Stage.spec("partition")
        spec.script = []
        return spec
    }

    /// The held writes reach each replica in commit order, after everything shipped before
    /// the cut, and bring it to the primary's position of the heal exactly at the catch-up.
    @Test func replicationIsDeliveredInOrderAfterTheHeal() throws {
        var engine = Engine(spec: try Stage.spec("partition"))
        engine.run(until: 120 * Self.second - 1)
        let db = Int(engine.nodeIndex["db"]!)
        let pool = Int(engine.nodeIndex["db-replica-eu"]!)
        let replicas = engine.nodes[pool].activeServers.map(Int.init)
        // During the cut the replicas receive nothing: their logs hold no write after 60s.
        for s in replicas {
            engine.catchUp(replica: s)
            #expect(engine.servers[s].applyLog.isEmpty)
            #expect(engine.servers[s].applied < engine.logPosition(primary: db) - 2_000)
        }
        engine.run(until: 120 * Self.second)
        let atHeal = engine.logPosition(primary: db)
        let episode = engine.partitionEpisodes[0]
        for s in replicas {
            let log = engine.servers[s].applyLog
            let positions = log.entries.suffix(log.backlog).map(\.position)
            #expect(positions.count == episode.writesHeld)
            #expect(zip(positions, positions.dropFirst()).allSatisfy { $0 < $1 })
            #expect(positions.last == atHeal)
        }
        let caughtUp = try #require(episode.caughtUpAt)
        engine.run(until: caughtUp - 1)
        for s in replicas {
            engine.catchUp(replica: s)
            #expect(engine.servers[s].applied < atHeal)
        }
        engine.run(until: caughtUp)
        for s in replicas {
            engine.catchUp(replica: s)
            #expect(engine.servers[s].applied >= atHeal)
        }
    }

    /// A partition kills nothing: no failover, no write lost, every server up; geo-DNS
    /// sends every user where it did without the partition.
    @Test func noFailoverAndGeoDNSUnchanged() throws {
        let engine = Self.run
        #expect(!engine.notices.recent.contains { if case .failover = $0.event { true } else { false } })
        #expect(engine.summary().writesLost == 0)
        #expect(engine.servers.indices.allSatisfy { !engine.servers[$0].down })
        var calm = Engine(spec: try Self.calmSpec())
        calm.run(until: 150 * Self.second)
        for entry in ["lb", "lb-eu"] {
            let n = Int(engine.nodeIndex[entry]!)
            #expect(engine.nodes[n].counters.arrivals == calm.nodes[n].counters.arrivals, "\(entry)")
        }
    }

    /// The report carries the figures under `partitions`; a run without one has no such key.
    @Test func theReportListsThePartition() throws {
        let report = RunReport(summary: Self.run.summary(), preset: UntrustedText("partition"))
        guard case .object(let top) = report.json, case .array(let list)? = top["partitions"],
            case .object(let fields)? = list.first
        else {
            Issue.record("no partitions in the report")
            return
        }
        #expect(fields["writes_at_risk"] == .int(Self.episode.failedWrites))
        #expect(fields["stale_reads"] == .int(Self.episode.staleReads))
        #expect(fields["cut_at_s"] == .number(60))
        #expect(fields["healed_at_s"] == .number(120))
        #expect(fields["catch_up_s"] == .number(Nanos.seconds(Self.episode.catchUpTime!)))
        var calm = Engine(spec: try Self.calmSpec())
        calm.run(until: Self.second)
        guard case .object(let calmTop) = RunReport(summary: calm.summary(), preset: UntrustedText("p")).json else { return }
        #expect(calmTop["partitions"] == nil)
        let text = TextReport.render(report.json)
        #expect(text.contains("partition us-east|eu-west: cut 60.0 s, healed 120.0 s; writes at risk"))
    }

    // MARK: Bad input

    @Test func theGrammarReadsBackWhatItWritesAndRefusesASelfPartition() throws {
        for command in [SimCommand.partition("us-east", "eu-west"), .heal("eu-west", "us-east")] {
            #expect(try CommandGrammar.parse(CommandGrammar.encode(command)) == command)
        }
        for (line, column, message) in [
            ("partition us us", 14, "a data center cannot be partitioned from itself"),
            ("heal us", 8, "expected a second data center name, got nothing"),
            ("partition", 10, "expected a data center name, got nothing"),
            ("partition us eu asia", 17, "expected the end of the command"),
            ("heal us e/u", 9, "expected a second data center name of 1 to 64"),
        ] {
            #expect {
                _ = try CommandGrammar.parse(line)
            } throws: { error in
                guard let error = error as? CommandSyntaxError else { return false }
                return error.column == column && error.message.contains(message)
            }
        }
    }

    @Test(arguments: [
        (
            "at 120s heal us-east eu-west", "at 120s heal us-east nowhere", 55,
            "no data center named nowhere; there are us-east, eu-west"
        ),
        ("at 60s partition us-east eu-west", "at 60s partition eu-west eu-west", 54, "cannot be partitioned from itself"),
        ("at 120s heal", "at 20s heal", 55, "us-east and eu-west are not partitioned at that time"),
        ("at 120s heal us-east eu-west", "at 120s partition eu-west us-east", 55, "partitioned already by an earlier command"),
    ])
    func presetScriptErrorsNameFileLineAndField(original: String, replacement: String, line: Int, message: String) throws {
        let text = try PresetCatalog(environment: [:]).resolve("partition").text
        let bad = text.replacingOccurrences(of: original, with: replacement)
        let error = try #require(decodeError(bad))
        #expect(error.description.contains("test.yaml:\(line):"), "\(error)")
        #expect(error.description.contains(message), "\(error)")
        #expect(error.description.contains("script["), "\(error)")
    }

    /// A live command that cannot apply is refused, recorded, and changes nothing.
    @Test func liveRefusalsLeaveTheSystemUnchanged() throws {
        var engine = Engine(spec: try Self.calmSpec())
        engine.run(until: 5 * Self.second)
        let refusals: [(SimCommand, String)] = [
            (.partition("us-east", "us-east"), "cannot be partitioned from itself"),
            (.partition("us-east", "mars"), "no data center named mars; there are us-east, eu-west"),
            (.heal("us-east", "eu-west"), "are not partitioned"),
        ]
        for (command, reason) in refusals {
            let before = engine.partitionEpisodes
            guard case .refused(let said) = engine.execute(command) else {
                Issue.record("\(command) applied")
                continue
            }
            #expect(said.contains(reason), "\(said)")
            #expect(engine.partitionEpisodes == before)
            #expect(!engine.partitions.active)
        }
        #expect(engine.refusedCommands.count == refusals.count)
        let spec = engine.spec
        #expect(engine.execute(.partition("eu-west", "us-east")) == .applied)
        // Failure injection, not design: `w` saves the spec, which did not change.
        #expect(engine.spec == spec)
        guard case .refused(let again) = engine.execute(.partition("us-east", "eu-west")) else {
            Issue.record("partitioned twice")
            return
        }
        #expect(again.contains("partitioned already"))
        guard case .refused(let removal) = engine.execute(.removeDataCenter("eu-west")) else {
            Issue.record("removed a partitioned data center")
            return
        }
        #expect(removal.contains("heal it"))
        #expect(engine.execute(.heal("us-east", "eu-west")) == .applied)
        #expect(!engine.partitions.active)
        #expect(engine.spec == spec)
    }
}
