import Foundation
import ScaleFiles
import ScaleSim
import TestSupport
import Testing
@testable import ScaleTUI

/// `replay --export-cast`: asciicast v2 files rendered through the dashboard's views, and
/// the ANSI renderer behind them.
@Suite struct CastExportTests {
    // MARK: - The cast file

    @Test func aCastIsAsciicastV2AtTheRecordedPaceAndShowsTheDashboard() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var recording = try RecordingBuilder(presetName: "00-single-server")
        recording.run(to: 5)
        recording.command(.simulation(.setUsers(1500)), wallMilliseconds: 5000)
        recording.run(to: 10)
        // The last server cannot go: the engine refuses, and the log says so.
        recording.command(.simulation(.removeServers(node: "app", count: 1)), wallMilliseconds: 10_000)
        recording.run(to: 30)
        // 64x for 640 simulated seconds: ten seconds of cast, far more windows than frames.
        recording.command(.speed(64), wallMilliseconds: 30_000)
        recording.run(to: 670)
        let file = try recording.write(to: dir.appendingPathComponent("r.jsonl"))

        let out = dir.appendingPathComponent("r.cast").path
        let summary = try CastExporter.export(file, to: out, size: (120, 40))
        let cast = try Cast(path: out)

        #expect(cast.header["version"] as? Int == 2)
        #expect(cast.header["width"] as? Int == 120)
        #expect(cast.header["height"] as? Int == 40)
        #expect((cast.header["env"] as? [String: Any])?["TERM"] as? String == "xterm-256color")
        #expect(cast.header["timestamp"] is Int)
        #expect(summary.frames == cast.events.count)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out)).count
        #expect(summary.bytes == bytes)

        let times = cast.events.map(\.time)
        #expect(times == times.sorted(), "event times must not decrease")
        #expect(cast.mostEventsInOneSecond <= 30)
        // 30 s at 1x, then 640 s at 64x.
        #expect(abs(summary.duration - 40) < 0.1, "duration \(summary.duration)")
        #expect(abs((times.last ?? 0) - summary.duration) < 1e-6)
        // Every whole second at 1x changes the clock: about one frame a second until 30 s.
        #expect(times.filter { $0 < 29.5 }.count >= 29)
        #expect(times.contains { abs($0 - 5) < 1.0 / 30 }, "the command at 5 s shows at 5 s of cast time")

        let screen = try cast.screen()
        #expect(screen.rows[0].contains("00-single-server"))
        #expect(screen.rows[0].contains("00:11:10"), "the status bar shows the end time: \(screen.rows[0])")
        // The event log shows the commands as they happened, the engine's refusal too.
        let log = try cast.screen(through: 11).text
        #expect(log.contains("00:00:05 set users 1500"))
        #expect(log.contains("00:00:10 refused: remove server app: app needs at least one server"))
    }

    @Test func pausesTakeTheirRecordedWallTimeAndSpeedPacesTheRest() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var recording = try RecordingBuilder(presetName: "00-single-server")
        recording.run(to: 2)
        recording.command(.pause, wallMilliseconds: 2000)
        recording.command(.resume, wallMilliseconds: 7000)
        recording.command(.speed(4), wallMilliseconds: 7000)
        recording.run(to: 10)
        let file = try recording.write(to: dir.appendingPathComponent("r.jsonl"))

        let out = dir.appendingPathComponent("r.cast").path
        let summary = try CastExporter.export(file, to: out)
        let times = try Cast(path: out).events.map(\.time)

        #expect(!times.contains { $0 > 2.01 && $0 < 6.99 }, "nothing moves while paused: \(times)")
        #expect(times.contains { abs($0 - 7) < 0.01 }, "the resume shows at 7 s")
        // 8 simulated seconds at 4x after the resume.
        #expect(abs(summary.duration - 9) < 0.05, "duration \(summary.duration)")
    }

    @Test func theSizeComesFromTheCallerElseTheRecordingElseTheDefault() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var recording = try RecordingBuilder(presetName: "00-single-server", terminal: "100x30")
        recording.run(to: 2)
        let recorded = try recording.write(to: dir.appendingPathComponent("r.jsonl"))
        var unsized = try RecordingBuilder(presetName: "00-single-server", terminal: "70x20")
        unsized.run(to: 2)
        let tooSmall = try unsized.write(to: dir.appendingPathComponent("s.jsonl"))

        func header(_ file: ReplayFile, size: (Int, Int)?, name: String) throws -> (Int?, Int?) {
            let out = dir.appendingPathComponent(name).path
            _ = try CastExporter.export(file, to: out, size: size)
            let header = try Cast(path: out).header
            return (header["width"] as? Int, header["height"] as? Int)
        }
        #expect(try header(recorded, size: nil, name: "a.cast") == (100, 30))
        #expect(try header(recorded, size: (90, 25), name: "b.cast") == (90, 25))
        // A recorded size the dashboard cannot draw falls back to the default.
        #expect(try header(tooSmall, size: nil, name: "c.cast") == (120, 40))

        #expect(try CastExporter.size(parsing: "132x43") == (132, 43))
        for bad in ["120", "120x", "x40", "120x40x2", "60x20", "5000x40", "-120x40"] {
            #expect(throws: CastExportError.self) { try CastExporter.size(parsing: bad) }
        }
    }

    @Test func anExistingFileIsKeptUnlessForced() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var recording = try RecordingBuilder(presetName: "00-single-server")
        recording.run(to: 2)
        let file = try recording.write(to: dir.appendingPathComponent("r.jsonl"))
        let out = dir.appendingPathComponent("taken.cast")
        try "keep me\n".write(to: out, atomically: true, encoding: .utf8)

        #expect(throws: CastExportError.fileExists(path: out.path)) {
            try CastExporter.export(file, to: out.path)
        }
        #expect(try String(contentsOf: out, encoding: .utf8) == "keep me\n")
        let message = CastExportError.fileExists(path: out.path).description
        #expect(message.contains("--force") && !message.contains("\n"))

        _ = try CastExporter.export(file, to: out.path, force: true)
        #expect(try Cast(path: out.path).header["version"] as? Int == 2)

        let missing = dir.appendingPathComponent("no-such-folder/x.cast").path
        #expect(throws: CastExportError.self) { try CastExporter.export(file, to: missing) }
    }

    @Test func escapeSequencesInNamesNeverReachTheCast() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // OSC (set title, hyperlink), a bare CSI, a C1 CSI, BEL and a cursor move.
        let evil = "evil\u{1B}]0;owned\u{07}\u{1B}]8;;http://x\u{1B}\\\u{1B}[2J\u{9B}31m\u{9D}0;t\u{07}\r\n"
        var recording = try RecordingBuilder(presetName: evil)
        recording.run(to: 3)
        recording.command(
            .load(name: UntrustedText("stage\u{1B}]0;x\u{07}"), preset: PresetEncoder.yaml(recording.spec), seed: nil),
            wallMilliseconds: 3000)
        recording.run(to: 2)
        let file = try recording.write(to: dir.appendingPathComponent("r.jsonl"))
        #expect(file.header.presetName.verbatim == evil, "the name reaches the exporter as written")

        let out = dir.appendingPathComponent("r.cast").path
        _ = try CastExporter.export(file, to: out)
        let cast = try Cast(path: out)

        let title = try #require(cast.header["title"] as? String)
        #expect(!title.unicodeScalars.contains { TerminalSafe.isUnsafe($0) }, "title \(title)")
        for event in cast.events {
            #expect(!event.data.contains("\u{1B}]"), "an OSC sequence at \(event.time)")
            #expect(!event.data.unicodeScalars.contains { $0.value == 0x07 || (0x80...0x9F).contains($0.value) })
        }
        // Every escape in the stream is one of the renderer's own CSI sequences.
        let screen = try cast.screen()
        #expect(screen.foreignSequences.isEmpty, "\(screen.foreignSequences)")
        #expect(Set(screen.sequenceFinals).isSubset(of: ["H", "J", "m", "l", "h"]))
        // The names show (as far as the status bar's 20 characters go), their control
        // characters as `\u{..}` escapes.
        #expect(try cast.screen(through: 2).rows[0].contains("evil\\u{1b}]0;owned\\u"))
        #expect(screen.rows[0].contains("stage\\u{1b}]0;x\\u{7"))
    }

    // MARK: - Whatever a file holds

    /// Crafted lines after one second at 1x, as no reader need let through: speeds at the
    /// limits of a double (NaN too) and wall times at the limits of Int64.
    static let hostileLines: [(name: String, lines: [ReplayRecord])] = {
        let speeds: [(String, Double)] = [
            ("1e-300", 1e-300), ("least", .leastNonzeroMagnitude), ("1e300", 1e300), ("greatest", .greatestFiniteMagnitude),
            ("max", .infinity), ("nan", .nan),
        ]
        var cases = speeds.map { name, speed in
            ("speed \(name)", [ReplayRecord.command(microseconds: 1_000_000, action: .speed(speed), wallMilliseconds: 1000)])
        }
        for (pause, resume) in [(Int64.min, Int64.max), (.max, .min), (0, .max), (.max, .max)] {
            cases.append(
                (
                    "pause \(pause) resume \(resume)",
                    [
                        .command(microseconds: 1_000_000, action: .pause, wallMilliseconds: pause),
                        .command(microseconds: 1_000_000, action: .resume, wallMilliseconds: resume),
                    ]
                ))
        }
        cases.append(
            (
                "set users at wall \(Int64.max)",
                [
                    .command(microseconds: 1_000_000, action: .simulation(.setUsers(1500)), wallMilliseconds: .max)
                ]
            ))
        return cases
    }()

    @Test func anyPaceAFileAsksForGivesACastOfAtMostTenYears() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var recording = try RecordingBuilder(presetName: "00-single-server")
        recording.run(to: 1)
        let base = try recording.write(to: dir.appendingPathComponent("r.jsonl"))
        for (index, hostile) in Self.hostileLines.enumerated() {
            let lines: [ReplayRecord] =
                [.checkpoint(microseconds: 1_000_000, digest: 0)] + hostile.lines
                + [.checkpoint(microseconds: 2_000_000, digest: 0), .end(microseconds: 3_000_000, digest: 0)]
            let out = dir.appendingPathComponent("\(index).cast").path
            let summary = try CastExporter.export(base.replacingLines(with: lines), to: out)
            let cast = try Cast(path: out)
            let times = cast.events.map(\.time)
            #expect(summary.frames == cast.events.count && summary.frames > 0, "\(hostile.name)")
            #expect(times == times.sorted(), "\(hostile.name): \(times)")
            #expect(times.allSatisfy { (0...CastPacing.longest).contains($0) }, "\(hostile.name): \(times)")
            #expect(try cast.screen().rows[0].contains("00:00:03"), "\(hostile.name): the cast plays to the end")
        }
    }

    @Test func pacingStopsAtTenYears() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var recording = try RecordingBuilder(presetName: "00-single-server")
        recording.run(to: 1)
        // Times no reader lets through: the pacing's own arithmetic must hold anyway.
        let file = try recording.write(to: dir.appendingPathComponent("r.jsonl")).replacingLines(with: [
            .command(microseconds: .max, action: .pause, wallMilliseconds: .max),
            .command(microseconds: .max, action: .resume, wallMilliseconds: .min),
        ])
        var pacing = CastPacing(file)
        #expect(pacing.castTime(at: 0, speed: 1) == 0)
        #expect(pacing.castTime(at: .max, speed: 1) == CastPacing.longest)
        pacing.pass(anchorAt: .max, wallMilliseconds: .max, startsStage: false)
        pacing.pass(anchorAt: .max, wallMilliseconds: .min, startsStage: false)
        #expect(pacing.now == CastPacing.longest)
        #expect(pacing.castTime(at: .max, speed: .leastNonzeroMagnitude) == CastPacing.longest)
        #expect(pacing.castTime(at: .max, speed: .nan) == CastPacing.longest)

        #expect(CastPacing.longest == 3650 * 86_400)
        for (seconds, slot) in [(-Double.infinity, 0), (-1, 0), (.nan, 0), (0, 0), (1.01, 30), (1e300, 30 * 3650 * 86_400)] {
            #expect(CastFrames.slot(at: seconds) == slot, "\(seconds)")
        }
        #expect(CastFrames.slot(at: .infinity) == CastFrames.slot(at: CastPacing.longest))
    }

    // MARK: - The ANSI renderer

    @Test func identicalFramesDiffToNothing() async throws {
        let screen = DashboardView.render(try await Fixtures.state("00", width: 120, height: 40))
        let renderer = ANSIRenderer()
        #expect(renderer.diff(from: screen, to: screen).isEmpty)
        #expect(ANSIRenderer(color: false).diff(from: screen, to: screen).isEmpty)
    }

    @Test func aOneCellChangeIsOneCursorMoveAndThatCell() {
        let old = ScreenBuffer(width: 20, height: 5)
        var new = old
        new.put("X", x: 5, y: 2, style: Style(.healthy))
        let diff = ANSIRenderer().diff(from: old, to: new)
        #expect(diff == "\u{1B}[3;6H\u{1B}[0;32mX\u{1B}[0m")
        var plain = old
        plain.put("Y", x: 19, y: 4, style: .normal)
        #expect(ANSIRenderer().diff(from: old, to: plain) == "\u{1B}[5;20HY")
    }

    @Test func aControlCharacterInACellIsWrittenAsAQuestionMark() {
        // `put` stores what it is given; the renderer still never writes a control character.
        var buffer = ScreenBuffer(width: 4, height: 1)
        let controls: [Unicode.Scalar] = ["\u{1B}", "\u{9B}", "\u{07}", "\u{9D}"]
        for (x, scalar) in controls.enumerated() { buffer.put(scalar, x: x, y: 0, style: .normal) }
        let output = ANSIRenderer().fullFrame(buffer)
        #expect(output.hasSuffix("\u{1B}[1;1H????"))
        // Reset, home, erase and the row's cursor move: nothing from the cells.
        #expect(output.unicodeScalars.filter { $0 == "\u{1B}" }.count == 4)
    }

    @Test func aFullFrameThenADiffRebuildTheNewScreenWithItsStyles() async throws {
        let before = DashboardView.render(try await Fixtures.state("00", width: 120, height: 40))
        var state = try await Fixtures.state("00", width: 120, height: 40, seconds: 12, commands: [.setUsers(2500)])
        _ = state.reduce(.keyPressed(.tab))
        _ = state.reduce(.keyPressed(.enter))
        let after = DashboardView.render(state)
        for color in [true, false] {
            let renderer = ANSIRenderer(color: color)
            var screen = Screen(width: 120, height: 40)
            screen.feed(renderer.fullFrame(before))
            #expect(screen.matches(before, color: color))
            let diff = renderer.diff(from: before, to: after)
            screen.feed(diff)
            #expect(screen.matches(after, color: color))
            #expect(screen.foreignSequences.isEmpty)
            #expect(diff.utf8.count < renderer.fullFrame(after).utf8.count)
        }
    }

    @Test func stylesFollowTheCursesTheme() {
        #expect(ANSIRenderer.selectGraphicRendition(.normal, color: true) == ANSIRenderer.resetAttributes)
        #expect(ANSIRenderer.selectGraphicRendition(Style(.bottleneck), color: true) == "\u{1B}[0;1;31m")
        #expect(ANSIRenderer.selectGraphicRendition(Style(.bar, reverse: true), color: true) == "\u{1B}[0;7;37;44m")
        #expect(ANSIRenderer.selectGraphicRendition(Style(.dim), color: true) == "\u{1B}[0;90m")
        // Monochrome: no colour at all; healthy, warm, bottleneck and down still differ.
        #expect(ANSIRenderer.selectGraphicRendition(Style(.dim), color: false) == "\u{1B}[0;2m")
        let looks = [Tone.healthy, .warm, .bottleneck, .down].map { ANSIRenderer.selectGraphicRendition(Style($0), color: false) }
        #expect(Set(looks).count == 4)
        for tone in Tone.allCases {
            let sgr = ANSIRenderer.selectGraphicRendition(Style(tone, bold: true, reverse: true), color: false)
            #expect(!sgr.contains(";3") && !sgr.contains(";4") && !sgr.contains(";9"), "\(tone): \(sgr)")
        }
    }

    // MARK: - Helpers

    /// A fresh directory for a test's files, removed when the tests end.
    static func temporaryDirectory() throws -> URL { try TemporaryFolder.make(prefix: "scaletop-cast") }
}

/// Builds a replay file of stage 0 line by line, as a recording would hold it.
///
/// Checkpoint digests are zero: export never verifies them.
struct RecordingBuilder {
    let spec: SystemSpec
    private var records: [ReplayRecord]
    /// Simulated time of the current stage.
    private var clock: SimTime = 0

    init(presetName: String, terminal: String? = nil) throws {
        spec = try Fixtures.preset("00").spec
        records = [
            .header(
                ReplayHeader(
                    spec: spec, presetName: UntrustedText(presetName), seed: 7, terminal: terminal.map { UntrustedText($0) }))
        ]
    }

    /// Runs to `seconds` of the current stage, a checkpoint at every whole second.
    mutating func run(to seconds: Int64) {
        let end = seconds * Nanos.perSecond
        while clock / Nanos.perSecond < seconds {
            clock = (clock / Nanos.perSecond + 1) * Nanos.perSecond
            records.append(.checkpoint(microseconds: clock / Nanos.perMicrosecond, digest: 0))
        }
        clock = end
    }

    /// Logs `action` now; a load starts the stage's clock over.
    mutating func command(_ action: ReplayAction, wallMilliseconds: Int64) {
        records.append(.command(microseconds: clock / Nanos.perMicrosecond, action: action, wallMilliseconds: wallMilliseconds))
        if case .load = action { clock = 0 }
    }

    /// Writes the file with its end line at `url`, through `ReplayWriter`, and reads it back.
    func write(to url: URL) throws -> ReplayFile {
        let writer = try ReplayWriter(creating: url.path, force: false)
        for record in records + [.end(microseconds: clock / Nanos.perMicrosecond, digest: 0)] { try writer.write(record) }
        return try ReplayReader.read(file: url.path)
    }
}

/// An asciicast v2 file, parsed.
struct Cast {
    struct Event {
        var time: Double
        var data: String
    }

    var header: [String: Any]
    var events: [Event] = []

    init(path: String) throws {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "", "the file ends with a newline")
        header = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        for line in lines.dropFirst() where !line.isEmpty {
            let array = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [Any], "not an array: \(line)")
            #expect(array.count == 3 && array[1] as? String == "o", "not an output event: \(line)")
            events.append(Event(time: try #require(array[0] as? Double), data: try #require(array[2] as? String)))
        }
    }

    /// The most events that start within any one second (the tolerance covers the six
    /// decimals times are written with).
    var mostEventsInOneSecond: Int {
        let times = events.map(\.time)
        return times.indices.map { i in times[i...].prefix { $0 < times[i] + 1 - 1e-6 }.count }.max() ?? 0
    }

    /// The screen after every event up to cast time `time`.
    func screen(through time: Double = .infinity) throws -> Screen {
        var screen = Screen(width: try #require(header["width"] as? Int), height: try #require(header["height"] as? Int))
        for event in events where event.time <= time { screen.feed(event.data) }
        #expect(screen.foreignSequences.isEmpty)
        return screen
    }
}

/// Just enough of a terminal to play the renderer's output: cursor moves, erase, SGR.
///
/// Anything else that starts with ESC, or any other control character, is collected in
/// `foreignSequences`.
struct Screen {
    let width: Int
    let height: Int
    private var cells: [[Character]]
    /// The SGR sequence in force when each cell was written.
    private var looks: [[String]]
    private var x = 0
    private var y = 0
    private var sgr = ANSIRenderer.resetAttributes
    private(set) var foreignSequences: [String] = []
    /// The final byte of every CSI sequence seen.
    private(set) var sequenceFinals: [Character] = []

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        cells = Array(repeating: Array(repeating: " ", count: width), count: height)
        looks = Array(repeating: Array(repeating: ANSIRenderer.resetAttributes, count: width), count: height)
    }

    var rows: [String] { cells.map { String($0) } }
    var text: String { rows.joined(separator: "\n") }

    mutating func feed(_ data: String) {
        var scalars = data.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "\u{1B}" else {
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                    foreignSequences.append(String(scalar))
                } else if x < width, y < height {
                    cells[y][x] = Character(scalar)
                    looks[y][x] = sgr
                    x += 1
                }
                continue
            }
            guard scalars.next() == "[" else {
                foreignSequences.append("ESC without [")
                continue
            }
            var parameters = ""
            while let next = scalars.next() {
                guard ("0"..."9").contains(next) || next == ";" || next == "?" else {
                    sequenceFinals.append(Character(next))
                    apply(parameters, final: next)
                    break
                }
                parameters.unicodeScalars.append(next)
            }
        }
    }

    private mutating func apply(_ parameters: String, final: Unicode.Scalar) {
        switch final {
        case "H":
            let numbers = parameters.split(separator: ";").map { Int($0) ?? 1 }
            y = (numbers.first ?? 1) - 1
            x = (numbers.dropFirst().first ?? 1) - 1
        case "J" where parameters == "2":
            cells = Array(repeating: Array(repeating: " ", count: width), count: height)
            looks = Array(repeating: Array(repeating: sgr, count: width), count: height)
        case "m": sgr = "\u{1B}[" + parameters + "m"
        case "l" where parameters == "?25", "h" where parameters == "?25": break
        default: foreignSequences.append("CSI \(parameters) \(final)")
        }
    }

    /// True when every cell shows `buffer`'s character in the look `buffer`'s style has.
    func matches(_ buffer: ScreenBuffer, color: Bool) -> Bool {
        (0..<height).allSatisfy { y in
            String(cells[y]) == buffer.line(y)
                && (0..<width).allSatisfy { x in
                    looks[y][x] == ANSIRenderer.selectGraphicRendition(buffer[x, y].style, color: color)
                }
        }
    }
}
