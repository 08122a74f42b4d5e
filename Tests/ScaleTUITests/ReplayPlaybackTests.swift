import Foundation
import ScaleFiles
import ScaleSim
import Testing
@testable import ScaleTUI

/// A replay played by the dashboard's driver, on a clock of the test's own.
@Suite struct ReplayPlaybackTests {
    static let second = Nanos.perSecond

    /// A recording of stage 00 made as the dashboard makes one begun at `recordingFrom`
    /// seconds: the commands of the whole session (made at 18 s and 20 s, at speed 1), the
    /// checkpoints from then on, the end at `end` seconds; then, with `loadAt`, a `load` of
    /// stage 01 at that time instead of the end, which ends `after` seconds later.
    static func recording(recordingFrom: Int64 = 15, end: Int64 = 23, loadAt: Int64? = nil, after: Int64 = 5) throws -> ReplayFile
    {
        let spec = try PresetCatalog(environment: [:]).load("00").spec
        let commands = [
            ScheduledCommand(at: 18 * second, command: .setUsers(1_500)),
            ScheduledCommand(at: 20 * second, command: .addServers(node: "app", count: 1)),
        ]
        var records = [ReplayRecord.header(ReplayHeader(spec: spec, presetName: "00-single-server", seed: spec.seed))]
        var engine = Engine(spec: spec, seed: spec.seed)
        let stop = (loadAt ?? end) * second
        engine.run(until: stop, applying: commands) { engine in
            if engine.now >= recordingFrom * second { records.append(.checkpoint(of: engine)) }
        } onCommand: { scheduled in
            records.append(
                .command(
                    microseconds: scheduled.at / 1_000, action: .simulation(scheduled.command),
                    wallMilliseconds: scheduled.at / 1_000_000))
        }
        if loadAt != nil {
            let next = try PresetCatalog(environment: [:]).load("01")
            records.append(
                .command(
                    microseconds: stop / 1_000, action: .load(name: next.name, preset: PresetEncoder.yaml(next.spec), seed: nil),
                    wallMilliseconds: stop / 1_000_000))
            engine = Engine(spec: next.spec, seed: nil)
            engine.run(until: after * second, checkpointEvery: second) { records.append(.checkpoint(of: $0)) }
        }
        records.append(.end(of: engine))
        let text = records.map { $0.jsonLine + "\n" }.joined()
        return try ReplayReader.parse(Data(text.utf8), file: "r.jsonl")
    }

    /// Jumps by `offset`; returns what happened.
    static func seek(_ playback: ReplayPlayback, by offset: SimTime) -> [DashboardAction] {
        var actions: [DashboardAction] = []
        playback.perform(.seek(offset), into: &actions)
        return actions
    }

    /// Plays `wall` time; returns what happened.
    static func play(_ playback: ReplayPlayback, for wall: Duration) -> [DashboardAction] {
        var actions: [DashboardAction] = []
        _ = playback.play(for: wall, into: &actions) { false }
        return actions
    }

    /// The commands answered, with the times the engine took them.
    static func answers(_ actions: [DashboardAction]) -> [(command: SimCommand, time: SimTime)] {
        actions.compactMap { if case .commandAnswered(let command, _, let time) = $0 { (command, time) } else { nil } }
    }

    /// The presets loaded.
    static func loads(_ actions: [DashboardAction]) -> [String] {
        actions.compactMap { if case .presetLoaded(let info, _) = $0 { info.name.verbatim } else { nil } }
    }

    @Test func jumpingForwardStopsAtTheEndOfTheRecording() throws {
        let playback = ReplayPlayback(file: try Self.recording(), factor: 1)
        _ = Self.seek(playback, by: DashboardState.seekStep)
        #expect(playback.replayer.isFinished)
        #expect(playback.replayer.run.now == 23 * Self.second)
        #expect(playback.snapshot(behind: false).time == 23 * Self.second)
        #expect(playback.progress.percent == 100)
        // Once more changes nothing.
        _ = Self.seek(playback, by: DashboardState.seekStep)
        #expect(playback.replayer.run.now == 23 * Self.second)
    }

    @Test func jumpingForwardPastAStagesEndStartsTheNextStage() throws {
        let playback = ReplayPlayback(file: try Self.recording(loadAt: 21), factor: 1)
        #expect(Self.loads(Self.seek(playback, by: DashboardState.seekStep)) == ["01-web-db-split"])
        #expect(playback.replayer.stage == 1)
        #expect(playback.replayer.run.now == 0)
    }

    @Test func commandsAreReportedAtTheTimesTheyWereMade() throws {
        let playback = ReplayPlayback(file: try Self.recording(), factor: 1)
        // Seen at 4 s, then a jump over both commands.
        #expect(Self.answers(Self.play(playback, for: .seconds(4))).isEmpty)
        let answers = Self.answers(Self.seek(playback, by: DashboardState.seekStep))
        #expect(answers.map { $0.time } == [18 * Self.second, 20 * Self.second])
        #expect(answers.map { CommandGrammar.encode($0.command) } == ["set users 1500", "add server app"])
        // Played at its pace, the same.
        let paced = ReplayPlayback(file: try Self.recording(), factor: 1)
        var times: [SimTime] = []
        for _ in 0..<25 {
            times += Self.answers(Self.play(paced, for: .seconds(1))).map { $0.time }
        }
        #expect(times == [18 * Self.second, 20 * Self.second])
    }

    @Test func progressIsTheShareOfSimulatedTimeFromTheFirstSecond() throws {
        // Recorded from 15 s of a 23 s session: the lines are nearly all after 15 s.
        let playback = ReplayPlayback(file: try Self.recording(), factor: 1)
        var percents: [Int] = []
        for _ in 0..<23 {
            _ = Self.play(playback, for: .seconds(1))
            percents.append(playback.progress.percent)
        }
        #expect(percents.first == 100 / 23)
        #expect(percents[4] == 500 / 23)
        #expect(percents == percents.sorted())
        #expect(percents.last == 100)
        // Over two stages, the stages before count whole: 21 s, then 5 s of stage 01.
        let staged = ReplayPlayback(file: try Self.recording(loadAt: 21, after: 5), factor: 1)
        #expect(staged.stageLengths == [21 * Self.second, 5 * Self.second])
        _ = Self.seek(staged, by: DashboardState.seekStep)
        _ = Self.play(staged, for: .seconds(2))
        #expect(staged.progress.elapsed == 23 * Self.second)
        #expect(staged.progress.percent == 2_300 / 26)
    }

    @Test func theDashboardPlaysAReplayAtItsPaceAndTheViewerTakesItOver() throws {
        // 23 simulated seconds, `add server app` at 20 s; played at twice the recorded pace.
        let session = VirtualSession(replay: try Self.recording(), factor: 2)
        var commandShownAt: Duration?
        var endShownAt: Duration?
        var pressed: [Character] = []
        session.run { screen, elapsed in
            if commandShownAt == nil, screen.contains("add server app") { commandShownAt = elapsed }
            if endShownAt == nil, screen.contains("REPLAY 100% END") { endShownAt = elapsed }
            let next: Character? =
                switch pressed.count {
                case 0 where endShownAt != nil: "a"  // Refused: the system changes only after L.
                case 1 where screen.contains("takes over before"): "L"
                case 2 where screen.contains("took over"): "a"
                case 3 where screen.contains("app x3"): "q"
                default: nil
                }
            if let next { pressed.append(next) }
            return next.map { .key(.character($0)) }
        }
        #expect(pressed == ["a", "L", "a", "q"])
        let tick = EngineDriver.tickInterval * 2
        let shown = try #require(commandShownAt)
        #expect(shown >= .seconds(10) && shown <= .seconds(10) + tick, "\(shown)")
        let end = try #require(endShownAt)
        #expect(end >= .milliseconds(11_500) && end <= .milliseconds(11_500) + tick, "\(end)")
        // Live from the replay's engine: the server added after L joins the one the file added.
        #expect(session.app.state.replay == nil)
        #expect(session.app.state.snapshot?.nodes.first { $0.id == "app" }?.servers == 3)
    }

    // MARK: - Whatever a file holds

    /// A second-long recording of stage 00 whose lines are then replaced by crafted ones.
    static func crafted(_ records: [ReplayRecord]) throws -> ReplayFile {
        try recording(recordingFrom: 0, end: 1).replacingLines(with: records)
    }

    /// Pause and resume wall times, in milliseconds, up to the limits of Int64.
    static let pauses: [(pause: Int64, resume: Int64)] = [
        (.min, .max), (.max, .min), (.min, .min), (.max, .max), (0, .max), (.min, 0), (-1, .max), (0, 3_000),
    ]

    /// The viewer's factors: the smallest `--speed` takes, the slowest and fastest keys reach.
    static let factors: [Double] = [.leastNonzeroMagnitude, DashboardState.minSpeed, 1, DashboardState.maxSpeed]

    @Test(arguments: factors) func aRecordedPauseLastsItsWallTimeOverTheFactorWhateverItsWallTimes(factor: Double) throws {
        for (pause, resume) in Self.pauses {
            let file = try Self.crafted([
                .command(microseconds: 0, action: .pause, wallMilliseconds: pause),
                .command(microseconds: 0, action: .resume, wallMilliseconds: resume),
                .checkpoint(microseconds: 1_000_000, digest: 0), .end(microseconds: 2_000_000, digest: 0),
            ])
            let playback = ReplayPlayback(file: file, factor: 1)
            _ = Self.play(playback, for: .seconds(1))
            #expect(playback.replayer.paused)
            var actions: [DashboardAction] = []
            playback.perform(.setSpeed(factor), into: &actions)
            // The pause starts counting at the first tick that sees it: five seconds waited.
            for _ in 0..<6 { _ = Self.play(playback, for: .seconds(1)) }
            let lasts = (Double(resume) - Double(pause)) / factor
            #expect(playback.replayer.paused == (lasts > 5_000), "pause \(pause), resume \(resume), factor \(factor)")
            #expect((0...100).contains(playback.progress.percent))
        }
    }

    /// Speeds no recording makes, and some the reader refuses (NaN), times every factor.
    @Test(arguments: [Double.leastNonzeroMagnitude, 1e-300, 1e300, .greatestFiniteMagnitude, .infinity, .nan])
    func anyRecordedSpeedPlaysWithinTheRecording(speed: Double) throws {
        let file = try Self.crafted([
            .command(microseconds: 0, action: .speed(speed), wallMilliseconds: 0),
            .checkpoint(microseconds: 1_000_000, digest: 0), .end(microseconds: 2_000_000, digest: 0),
        ])
        for factor in Self.factors {
            let playback = ReplayPlayback(file: file, factor: factor)
            var times: [SimTime] = []
            for _ in 0..<3 {
                _ = Self.play(playback, for: .seconds(1))
                let snapshot = playback.snapshot(behind: false)
                times.append(snapshot.time)
                // The dashboard shows whatever speed this makes.
                var state = DashboardState(preset: PresetInfo(name: "00", spec: file.spec), width: 120, height: 40)
                _ = state.reduce(.snapshotArrived(snapshot))
                #expect(DashboardView.render(state).width == 120)
            }
            // Never past the end line by more than the 10 ms slice the playback advances in.
            let slice = 10 * Nanos.perMillisecond
            #expect(times == times.sorted() && times.allSatisfy { (0...2 * Self.second + slice).contains($0) }, "\(times)")
            // At the slowest keys' pace or faster the speed line is reached in the first tick.
            if factor >= DashboardState.minSpeed, speed * factor >= 1e3 {
                let finished = playback.replayer.isFinished
                #expect(finished, "speed \(speed) × \(factor) plays the rest at once")
            }
        }
    }

    @Test func progressOverStagesLongerThanATimeHoldsIsBounded() throws {
        let longest = Nanos.longest / Nanos.perMicrosecond
        let spec = try Self.recording(recordingFrom: 0, end: 1).spec
        let load = ReplayAction.load(name: "00-single-server", preset: PresetEncoder.yaml(spec), seed: nil)
        // 40 stages of ten years: four centuries, more than a SimTime holds in nanoseconds.
        let file = try Self.crafted(
            Array(repeating: .command(microseconds: longest, action: load, wallMilliseconds: 0), count: 40)
                + [.end(microseconds: longest, digest: 0)])
        let playback = ReplayPlayback(file: file, factor: 1)
        #expect(playback.stageLengths.count == 41)
        #expect(playback.progress.length == .max)
        #expect(playback.progress.percent == 0)

        let long = Nanos.longest
        #expect(ReplayProgress(elapsed: 3 * long, length: 4 * long, finished: false).percent == 75)
        #expect(ReplayProgress(elapsed: .max, length: .max, finished: false).percent == 100)
        #expect(ReplayProgress(elapsed: 23 * Self.second, length: 26 * Self.second, finished: false).percent == 2_300 / 26)
    }

    @Test func timesFromAFileAddAndScaleWithoutOverflow() {
        #expect(SimTime(saturatingMicroseconds: 3) == 3_000)
        #expect(SimTime(saturatingMicroseconds: .max) == .max)
        #expect(SimTime(saturatingMicroseconds: .min) == .min)
        #expect(SimTime(5).saturatingAdd(-7) == -2)
        #expect(SimTime.max.saturatingAdd(1) == .max)
        #expect(SimTime.min.saturatingAdd(-1) == .min)
    }
}

extension ReplayFile {
    /// This file with `records` for its lines, built as no reader would check them: the
    /// players must stay safe whatever a file holds. A load carries the header's preset.
    func replacingLines(with records: [ReplayRecord]) -> ReplayFile {
        var crafted = self
        crafted.entries = records.enumerated().map { index, record in
            let isLoad = if case .command(_, .load, _) = record { true } else { false }
            return ReplayFile.Entry(line: index + 2, record: record, loadedSpec: isLoad ? spec : nil)
        }
        return crafted
    }
}
