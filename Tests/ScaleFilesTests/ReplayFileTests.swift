import Foundation
import Testing
import ScaleSim
@testable import ScaleFiles

@Suite struct ReplayFileTests {
    static let spec = try! PresetDecoder.decode(basePreset, file: "base.yaml")
    static let script = [
        ScheduledCommand(at: 2 * Nanos.perSecond, command: .setServers(node: "web", count: 3)),
        ScheduledCommand(at: 4_500 * Nanos.perMillisecond, command: .setUsers(300)),
    ]

    /// The lines of a recording of `spec` over `seconds` with `script`, as `run --record` writes them.
    static func recording(seconds: Int64 = 6, script: [ScheduledCommand] = script) -> [ReplayRecord] {
        var records = [ReplayRecord.header(ReplayHeader(spec: spec, presetName: "base", seed: 9))]
        var engine = Engine(spec: spec, seed: 9)
        engine.run(until: seconds * Nanos.perSecond, applying: script, onSecond: { records.append(.checkpoint(of: $0)) }) {
            records.append(
                .command(microseconds: $0.at / 1000, action: .simulation($0.command), wallMilliseconds: $0.at / 1_000_000))
        }
        records.append(.end(of: engine))
        return records
    }

    static func text(_ records: [ReplayRecord]) -> String {
        records.map { $0.jsonLine + "\n" }.joined()
    }

    static func parse(_ text: String) throws(ReplayError) -> ReplayFile {
        try ReplayReader.parse(Data(text.utf8), file: "r.jsonl")
    }

    static func error(_ text: String) -> ReplayError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func recordsReadBackAsWritten() throws {
        let records = Self.recording()
        let file = try Self.parse(Self.text(records))
        #expect(
            file.header
                == ReplayHeader(
                    seed: 9, preset: PresetEncoder.yaml(Self.spec), presetName: "base", created: file.header.created,
                    scaletopVersion: UntrustedText(scaletopVersion)))
        #expect(file.spec == Self.spec)
        #expect(file.entries.map(\.record) == Array(records.dropFirst()))
        #expect(file.entries.map(\.line) == Array(2...records.count))
        #expect(file.warnings.isEmpty)
        #expect(file.isComplete)
    }

    @Test func pacingAndLoadLinesRoundTrip() throws {
        let yaml = PresetEncoder.yaml(Self.spec)
        let actions: [ReplayAction] = [
            .pause, .resume, .speed(0.5), .speed(.infinity), .load(name: "base", preset: yaml, seed: 3),
        ]
        let records =
            [ReplayRecord.header(ReplayHeader(spec: Self.spec, presetName: "base", seed: 9))]
            + actions.map { .command(microseconds: 1_000, action: $0, wallMilliseconds: 7) }
        let file = try Self.parse(Self.text(records))
        #expect(file.entries.map(\.record) == Array(records.dropFirst()))
        #expect(file.entries.last?.loadedSpec == Self.spec)
        #expect(actions.map(\.text) == ["pause", "resume", "speed 0.5", "speed max", "load base"])
    }

    @Test func replayingGivesTheRecordedRunAndVerifiesEveryCheckpoint() throws {
        var replayer = Replayer(file: try Self.parse(Self.text(Self.recording())))
        try replayer.runToEnd(verify: true)
        #expect(replayer.verifiedCheckpoints == 7)
        var straight = Engine(spec: Self.spec, seed: 9)
        straight.run(until: 6 * Nanos.perSecond, applying: Self.script)
        #expect(replayer.run.summary() == straight.summary())
    }

    @Test func aChangedDigestOrCommandDivergesAtItsCheckpoint() throws {
        var records = Self.recording()
        // Line 5 is the checkpoint at 3 s (header, 1 s, 2 s, the command at 2 s, 3 s).
        guard case .checkpoint(let t, let digest) = records[4] else { Issue.record("no checkpoint at line 5"); return }
        #expect(t == 3_000_000)
        records[4] = .checkpoint(microseconds: t, digest: digest ^ 1)
        var replayer = Replayer(file: try Self.parse(Self.text(records)))
        #expect(throws: ReplayDivergence(line: 5, time: 3 * Nanos.perSecond, expected: digest ^ 1, actual: digest)) {
            try replayer.runToEnd(verify: true)
        }

        // The command at 2 s asks for 4 web servers instead of 3: the checkpoint at 3 s differs.
        records = Self.recording()
        records[3] = .command(
            microseconds: 2_000_000, action: .simulation(.setServers(node: "web", count: 4)), wallMilliseconds: 2_000)
        replayer = Replayer(file: try Self.parse(Self.text(records)))
        do {
            try replayer.runToEnd(verify: true)
            Issue.record("no divergence")
        } catch {
            #expect(error.line == 5)
            #expect(error.time == 3 * Nanos.perSecond)
        }
    }

    @Test func pacingLinesNeverChangeTheSimulation() throws {
        var records = Self.recording()
        records.insert(.command(microseconds: 2_500_000, action: .pause, wallMilliseconds: 2_500), at: 4)
        records.insert(.command(microseconds: 2_500_000, action: .speed(4), wallMilliseconds: 9_000), at: 5)
        var replayer = Replayer(file: try Self.parse(Self.text(records)))
        try replayer.runToEnd(verify: true)
        #expect(replayer.verifiedCheckpoints == 7)
        #expect(replayer.paused && replayer.speed == 4)
    }

    @Test func aLoadStartsANewEngineAtTimeZero() throws {
        var records = Self.recording(seconds: 2)
        records.removeLast()
        var users = Self.spec
        users.workload.users = 50
        records.append(
            .command(
                microseconds: 2_000_000, action: .load(name: "fewer", preset: PresetEncoder.yaml(users), seed: 4),
                wallMilliseconds: 2_000))
        var engine = Engine(spec: users, seed: 4)
        engine.run(until: Nanos.perSecond, checkpointEvery: Nanos.perSecond) { records.append(.checkpoint(of: $0)) }
        records.append(.end(of: engine))
        var replayer = Replayer(file: try Self.parse(Self.text(records)))
        try replayer.runToEnd(verify: true)
        #expect(replayer.stage == 1)
        #expect(replayer.presetName == "fewer")
        #expect(replayer.run.summary() == engine.summary())
    }

    @Test func seekingGivesTheStateAtThatTime() throws {
        let file = try Self.parse(Self.text(Self.recording()))
        let replayer = Replayer.seek(file, to: 4_700 * Nanos.perMillisecond)
        var straight = Engine(spec: Self.spec, seed: 9)
        straight.run(until: 4_700 * Nanos.perMillisecond, applying: Self.script)
        #expect(replayer.run.digest() == straight.digest())
        #expect(replayer.run.now == 4_700 * Nanos.perMillisecond)
    }

    @Test func aLastLineCutShortIsSkippedWithAWarning() throws {
        let text = Self.text(Self.recording())
        // Cut in the middle of the end line: no newline at the end.
        let cut = try Self.parse(String(text.dropLast(20)))
        #expect(!cut.isComplete)
        #expect(cut.entries.count == Self.recording().count - 2)
        #expect(cut.warnings.count == 1)
        #expect(cut.warnings[0].contains("r.jsonl:\(Self.recording().count):"))
        // A last line that is not JSON, newline or not, is skipped the same way.
        let garbled = try Self.parse(text + "{\"type\":\"checkp\n")
        #expect(garbled.warnings.count == 1)
        #expect(garbled.entries.count == Self.recording().count - 1)
    }

    @Test func badFilesAreErrorsAtTheirLine() {
        let lines = Self.text(Self.recording()).split(separator: "\n").map(String.init)
        func joined(_ lines: [String]) -> String { lines.map { $0 + "\n" }.joined() }
        var broken = lines
        broken[3] = "{\"type\": \"command\", \"t_us\": "
        #expect(Self.error(joined(broken))?.line == 4)
        #expect(Self.error(joined(broken))?.message.contains("not a JSON object") == true)

        #expect(Self.error("")?.message.contains("empty") == true)
        #expect(Self.error("{\"type\":\"checkpoint\"}\n")?.message.contains("not a scaletop replay file") == true)
        #expect(Self.error("hello\nworld\n")?.line == 1)
        var version = lines
        version[0] = version[0].replacingOccurrences(of: "\"version\":1", with: "\"version\":7")
        #expect(Self.error(joined(version))?.message == "unknown replay format version 7; this scaletop reads version 1")
        var noPreset = lines
        noPreset[0] = noPreset[0].replacingOccurrences(of: "\"preset\":", with: "\"presets\":")
        #expect(
            Self.error(joined(noPreset))
                == ReplayError(file: "r.jsonl", line: 1, message: "the header has no preset (the preset YAML inline)"))
        var badCommand = lines
        badCommand[3] = badCommand[3].replacingOccurrences(of: "set servers", with: "sett servers")
        #expect(Self.error(joined(badCommand))?.line == 4)
        var backwards = lines
        backwards.swapAt(4, 5)
        #expect(Self.error(joined(backwards))?.message.contains("earlier than the line before") == true)
        #expect(Self.error(joined(lines + [lines[2]]))?.message == "a line after the end line")
        let load = ReplayRecord.command(microseconds: 0, action: .load(name: "x", preset: "", seed: nil), wallMilliseconds: 0)
            .jsonLine
        #expect(
            Self.error(joined([lines[0], load.replacingOccurrences(of: ",\"preset\":\"\"", with: "")]))?.message.contains(
                "has no preset") == true)
        #expect(Self.error(joined([lines[0], load]))?.message.contains("does not decode") == true)
    }

    /// (line index in `recording()`, field, value as JSON text, words of the message)
    static let numbersOutOfRange: [(Int, String, String, String)] = [
        (0, "seed", "-1", "field seed: expected a whole number from 0 to 18446744073709551615"),
        (0, "seed", "18446744073709551616", "field seed: expected a whole number from 0 to 18446744073709551615"),
        (0, "seed", "1.5", "field seed: expected a whole number"),
        (0, "warmup_us", "-1", "warmup_us must not be negative"),
        (0, "warmup_us", "9223372036854775808", "field warmup_us: expected a whole number from 0 to"),
        (0, "version", "1.5", "field version: expected a whole number (1)"),
        (1, "t_us", "-1", "t_us must not be negative"),
        (1, "t_us", "1e-300", "field t_us: expected a whole number from 0 to"),
        (1, "t_us", "9223372036854775807", "t_us must be at most"),
        (1, "t_us", "\"NaN\"", "field t_us: expected a whole number from 0 to 315360000000000, got \"NaN\""),
        (3, "wall_ms", "-1", "wall_ms must be from 0 to 315360000000 (ten years), got -1"),
        (3, "wall_ms", "315360000001", "wall_ms must be from 0 to 315360000000"),
        (3, "wall_ms", "9223372036854775807", "wall_ms must be from 0 to 315360000000"),
        (3, "wall_ms", "-9223372036854775809", "field wall_ms: expected a whole number from 0 to 315360000000"),
        (3, "wall_ms", "0.5", "field wall_ms: expected a whole number"),
        (3, "command", "\"speed 1e-300\"", "speed X: expected a factor from"),
        (3, "command", "\"speed 1025\"", "speed X: expected a factor from"),
        (3, "command", "\"speed nan\"", "speed X: expected a factor from"),
        (3, "command", "\"speed -0\"", "speed X: expected a factor from"),
    ]

    @Test(arguments: 0..<numbersOutOfRange.count)
    func aNumberOutOfItsRangeIsRefusedWithItsLineAndField(index: Int) throws {
        let (line, field, value, words) = Self.numbersOutOfRange[index]
        var lines = Self.text(Self.recording()).split(separator: "\n").map(String.init)
        lines[line] = HostileReplays.replacing(field, in: lines[line], with: value)
        let error = Self.error(lines.map { $0 + "\n" }.joined())
        #expect(error?.line == line + 1, "\(field) \(value): \(String(describing: error))")
        #expect(error?.message.contains(words) == true, "\(field) \(value): \(String(describing: error))")
    }

    @Test func numbersAtTheEdgesOfTheirRangesRead() throws {
        var lines = Self.text(Self.recording()).split(separator: "\n").map(String.init)
        lines[0] = HostileReplays.replacing("seed", in: lines[0], with: "18446744073709551615")
        lines[3] = HostileReplays.replacing("wall_ms", in: lines[3], with: "315360000000")
        let file = try Self.parse(lines.map { $0 + "\n" }.joined())
        #expect(file.header.seed == .max)
        #expect(
            file.entries[2].record
                == .command(
                    microseconds: 2_000_000, action: .simulation(.setServers(node: "web", count: 3)),
                    wallMilliseconds: 315_360_000_000))
        for speed in ["0.000001", "1024", "max"] {
            lines[3] = HostileReplays.replacing("command", in: lines[3], with: "\"speed \(speed)\"")
            #expect(throws: Never.self, "speed \(speed)") { try Self.parse(lines.map { $0 + "\n" }.joined()) }
        }
    }

    @Test func aReplayFileIsReadFromARegularFileOnly() throws {
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString).fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        for path in [fifo, "/dev/zero", "/dev/urandom"] {
            let error = #expect(throws: ReplayError.self) { try ReplayReader.read(file: path) }
            #expect(
                error?.message.hasSuffix("not a replay file: it must be a regular file") == true,
                "\(path): \(String(describing: error))")
        }
        // Streamed from the file, the recording reads as from memory.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString).jsonl")
        try Self.text(Self.recording()).write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let read = try ReplayReader.read(file: file.path)
        #expect(read.entries == (try ReplayReader.parse(Data(Self.text(Self.recording()).utf8), file: file.path)).entries)
    }

    @Test func theHeaderCarriesTheEngineRevisionAndAFileWithoutOneIsRevisionOne() throws {
        let text = Self.text(Self.recording())
        let field = "\"engine_revision\":\(Engine.revision),"
        #expect(text.split(separator: "\n")[0].contains(field))
        let file = try Self.parse(text)
        #expect(file.header.engineRevision == Engine.revision)
        #expect(file.isVerifiable)
        #expect(file.revisionNote == nil)

        let unrevised = try Self.parse(text.replacingOccurrences(of: field, with: ""))
        #expect(unrevised.header.engineRevision == 1)
        #expect(unrevised.isVerifiable == (Engine.revision == 1))
    }

    @Test func aFileOfAnotherRevisionPlaysWithoutComparingDigests() throws {
        var records = Self.recording()
        guard case .header(var header) = records[0], case .checkpoint(let t, let digest) = records[4] else {
            Issue.record("no header or no checkpoint at line 5")
            return
        }
        let newer = Engine.verifiableRevisions.max()! + 1
        header.engineRevision = newer
        records[0] = .header(header)
        records[4] = .checkpoint(microseconds: t, digest: digest ^ 1)
        let file = try Self.parse(Self.text(records))
        #expect(!file.isVerifiable)
        #expect(
            file.revisionNote == "recorded with engine revision \(newer); this build simulates revisions "
                + "3, 4, 5, 6, 7 and 8: it plays, but cannot verify")
        var replayer = Replayer(file: file)
        try replayer.runToEnd(verify: true)
        #expect(replayer.verifiedCheckpoints == 0)
        var straight = Engine(spec: Self.spec, seed: 9)
        straight.run(until: 6 * Nanos.perSecond, applying: Self.script)
        #expect(replayer.run.summary() == straight.summary())
    }

    /// A recording of revision 3 keeps verifying after revision 7 changed how a route splits
    /// by class, and one of 7 verifies too; read as the other revision, the same lines
    /// diverge at the first checkpoint after the split: a cache added in front of the
    /// database of a network that sends 80% of its traffic elsewhere by probability.
    @Test(arguments: [3, Engine.revision])
    func aRouteSplitVerifiesInTheRevisionThatRecordedIt(revision: Int) throws {
        let spec = try PresetCatalog(environment: [:]).load("bench-network").spec
        let split = [ScheduledCommand(at: 2 * Nanos.perSecond, command: .addCache(front: "db", entries: 500))]
        func recording(as revision: Int) -> String {
            var records = [
                ReplayRecord.header(ReplayHeader(spec: spec, presetName: "bench-network", seed: 9, engineRevision: revision))
            ]
            var engine = Engine(spec: spec, seed: 9)
            engine.followsRevision = revision
            engine.run(until: 5 * Nanos.perSecond, applying: split, onSecond: { records.append(.checkpoint(of: $0)) }) {
                records.append(.command(microseconds: $0.at / 1000, action: .simulation($0.command), wallMilliseconds: 0))
            }
            records.append(.end(of: engine))
            return Self.text(records)
        }
        let text = recording(as: revision)
        var replayer = Replayer(file: try Self.parse(text))
        try replayer.runToEnd(verify: true)
        #expect(replayer.verifiedCheckpoints == 6)
        let other = revision == 3 ? Engine.revision : 3
        let misread = text.replacingOccurrences(of: "\"engine_revision\":\(revision),", with: "\"engine_revision\":\(other),")
        var misreader = Replayer(file: try Self.parse(misread))
        #expect(throws: ReplayDivergence.self) { try misreader.runToEnd(verify: true) }
    }

    @Test func badEngineRevisionsAreErrorsOnTheHeaderLine() {
        let text = Self.text(Self.recording())
        let field = "\"engine_revision\":\(Engine.revision),"
        for (value, shown) in [
            ("-3", "-3"), ("0", "0"), ("2.5", "2.5"), ("\"1\"", "\"1\""), ("1e30", "1e+30"),
            ("99999999999999999999", "1e+20"), ("5000000", "5000000"),
            ("1e400", "a number beyond any revision"), ("false", "false"), ("{}", "an object"),
            ("[]", "an array"), ("null", "null"),
        ] {
            let error = Self.error(text.replacingOccurrences(of: field, with: "\"engine_revision\":\(value),"))
            #expect(
                error
                    == ReplayError(
                        file: "r.jsonl", line: 1,
                        message: "engine_revision: expected a whole number from 1 to 1000000, got \(shown)"), "\(value)")
        }
    }

    @Test func theWriterNeverOverwritesUnlessForced() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "keep me\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ReplayError.self) { try ReplayWriter(creating: path, force: false) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me\n")

        let records = Self.recording(seconds: 1)
        do {
            let writer = try ReplayWriter(creating: path, force: true)
            for record in records { try writer.write(record) }
        }
        #expect(try ReplayReader.read(file: path).entries.map(\.record) == Array(records.dropFirst()))
    }
}
