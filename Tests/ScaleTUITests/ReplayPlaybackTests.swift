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
    static func recording(recordingFrom: Int64 = 15, end: Int64 = 23, loadAt: Int64? = nil, after: Int64 = 5) throws -> ReplayFile {
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
            records.append(.command(microseconds: scheduled.at / 1_000, action: .simulation(scheduled.command), wallMilliseconds: scheduled.at / 1_000_000))
        }
        if loadAt != nil {
            let next = try PresetCatalog(environment: [:]).load("01")
            records.append(.command(
                microseconds: stop / 1_000, action: .load(name: next.name, preset: PresetEncoder.yaml(next.spec), seed: nil),
                wallMilliseconds: stop / 1_000_000))
            engine = Engine(spec: next.spec, seed: nil)
            engine.run(until: after * second, checkpointEvery: second) { records.append(.checkpoint(of: $0)) }
        }
        records.append(.end(of: engine))
        let text = records.map { $0.jsonLine + "\n" }.joined()
        return try ReplayReader.parse(Data(text.utf8), file: "r.jsonl")
    }

    static func seek(_ playback: inout ReplayPlayback, by offset: SimTime) -> DriverOutput {
        var output = DriverOutput()
        #expect(!playback.handle([.seek(offset)], into: &output))
        playback.publish(behind: false, into: &output)
        return output
    }

    @Test func jumpingForwardStopsAtTheEndOfTheRecording() throws {
        var playback = ReplayPlayback(file: try Self.recording(), factor: 1)
        let output = Self.seek(&playback, by: DashboardState.seekStep)
        #expect(playback.replayer.isFinished)
        #expect(playback.replayer.engine.now == 23 * Self.second)
        #expect(output.snapshot?.time == 23 * Self.second)
        #expect(output.replay?.percent == 100)
        // Once more changes nothing.
        _ = Self.seek(&playback, by: DashboardState.seekStep)
        #expect(playback.replayer.engine.now == 23 * Self.second)
    }

    @Test func jumpingForwardPastAStagesEndStartsTheNextStage() throws {
        var playback = ReplayPlayback(file: try Self.recording(loadAt: 21), factor: 1)
        let output = Self.seek(&playback, by: DashboardState.seekStep)
        #expect(output.loads.map { $0.name } == ["01-web-db-split"])
        #expect(playback.replayer.stage == 1)
        #expect(playback.replayer.engine.now == 0)
    }

    @Test func commandsAreReportedAtTheTimesTheyWereMade() throws {
        var playback = ReplayPlayback(file: try Self.recording(), factor: 1)
        // Seen at 4 s, then a jump over both commands.
        var output = DriverOutput()
        _ = playback.play(for: .seconds(4), into: &output) { false }
        #expect(output.answers.isEmpty)
        output = Self.seek(&playback, by: DashboardState.seekStep)
        #expect(output.answers.map { $0.time } == [18 * Self.second, 20 * Self.second])
        #expect(output.answers.map { CommandGrammar.encode($0.command) } == ["set users 1500", "add server app"])
        // Played at its pace, the same.
        var paced = ReplayPlayback(file: try Self.recording(), factor: 1)
        var times: [SimTime] = []
        for _ in 0..<25 {
            var tick = DriverOutput()
            _ = paced.play(for: .seconds(1), into: &tick) { false }
            times += tick.answers.map { $0.time }
        }
        #expect(times == [18 * Self.second, 20 * Self.second])
    }

    @Test func progressIsTheShareOfSimulatedTimeFromTheFirstSecond() throws {
        // Recorded from 15 s of a 23 s session: the lines are nearly all after 15 s.
        var playback = ReplayPlayback(file: try Self.recording(), factor: 1)
        var percents: [Int] = []
        for _ in 0..<23 {
            var output = DriverOutput()
            _ = playback.play(for: .seconds(1), into: &output) { false }
            playback.publish(behind: false, into: &output)
            percents.append(try #require(output.replay?.percent))
        }
        #expect(percents.first == 100 / 23)
        #expect(percents[4] == 500 / 23)
        #expect(percents == percents.sorted())
        #expect(percents.last == 100)
        // Over two stages, the stages before count whole: 21 s, then 5 s of stage 01.
        var staged = ReplayPlayback(file: try Self.recording(loadAt: 21, after: 5), factor: 1)
        #expect(staged.stageLengths == [21 * Self.second, 5 * Self.second])
        _ = Self.seek(&staged, by: DashboardState.seekStep)
        var output = DriverOutput()
        _ = staged.play(for: .seconds(2), into: &output) { false }
        staged.publish(behind: false, into: &output)
        #expect(output.replay?.elapsed == 23 * Self.second)
        #expect(output.replay?.percent == 2_300 / 26)
    }
}
