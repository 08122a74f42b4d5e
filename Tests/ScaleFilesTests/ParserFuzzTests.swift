import Foundation
import Testing
import ScaleSim
import TestSupport
@testable import ScaleFiles

/// Fuzz tests for every parser that reads a user's file: preset YAML, script files (and the
/// command grammar behind them), key traces and replay files.
///
/// Each test mutates real inputs (every shipped preset, the scripts of docs/scripts.md,
/// traces in every format TraceReader knows, replay files written by `ReplayRecord`) and
/// adds some made from scratch. Every input must end in a value that survives a cheap
/// round trip, or in a clear error: a non-empty message, naming the file, at a line within
/// the input where the parser reports one, with nothing a terminal would act on. A crash
/// stops the run; a hang or a slow input fails its test with the input's index.
///
/// Input `i` of a test comes from a generator seeded with the test's seed and `i` alone, so
/// a failure reproduces by index (`FuzzHarness.input(seed:index:...)`). The hostile YAML of
/// `PresetSafetyTests` (alias bombs, deep nesting, oversize text) is not repeated here; the
/// mutations only mix anchors, aliases and nesting into ordinary presets.
@Suite struct ParserFuzzTests {
    // MARK: - Seeds

    /// Every shipped preset.
    static let presetSeeds: [[UInt8]] = PresetCatalog(environment: [:]).shipped.map { Array($0.text.utf8) }

    /// The scripts of docs/scripts.md, and one with every form of the grammar.
    static let scriptSeeds: [[UInt8]] =
        [
            """
            # kill the database for a minute
            at 2m   kill db
            at 3m   restore db      # reads and writes fail in between
            """,
            """
            # Clients retry twice, 200ms apart then 400ms.
            at 0s   set retries 2 200ms

            at 2m   kill db
            at 3m   restore db
            """,
            """
            # Users double every two minutes ...
            at 2m   set users 2000
            at 4m   set users 4000
            at 6m   set users 8000
            at 8m   set users 16_000

            # ... and the operator keeps up, a little late each time.
            at 3m   add server app 2
            at 5m   add server app 4
            at 7m   add replica db 2
            at 9m   scale up db
            """,
            "at 5m   flush cache\r\nat 10m  set ttl cache 30s          # expire\r\nat 15m  set eviction cache lfu\r\n",
            "\u{FEFF}at 1m   scale up db\nat 2m   scale up db\nat 3m   slow db 2.5\nat 4m   slow db 1\nat 5m   scale down db 2\n",
            """
            at 1m   add db app
            at 3m   add lb app
            at 5m   add cache db-replica 30000
            at 8m   add dc eu-west like us-east near eu 10ms   # us: 80ms, derived
            at 8m   add dc ap-south like us-east near asia 0.5ms us 1.25s eu 10s
            at 9m   add queue app job
            at 9m   add queue app-eu job 32
            """,
            """
            at 1m   remove queue jobs-eu
            at 2m   remove dc eu-west
            at 3m   remove session-store sessions
            at 4m   remove cdn eu
            at 5m   remove cache cache
            at 6m   remove lb lb
            at 7m   remove db db
            """,
        ].map { Array($0.utf8) } + [
            Array(
                CommandGrammar.reference.enumerated().map { "at \($0.offset)s \(example($0.element.syntax))" }.joined(
                    separator: "\n"
                ).utf8)
        ]

    /// Single commands for `CommandGrammar.parse`: one example of every form.
    static let commandSeeds: [[UInt8]] = CommandGrammar.reference.map { Array(example($0.syntax).utf8) }

    /// Traces: plain keys, CSV with time and op (quoted fields, CRLF, a byte order mark).
    static let traceSeeds: [[UInt8]] = [
        "b\na\nb\nc\na\n",
        "\u{FEFF}user:1\r\n\r\n  user:2 \t\r\nuser:1\nkey\n",
        "key,time,op\nx,0.5,read\ny,1,GET\nx,1.25,write\nx,2,Set\ny,2,get\n",
        "ts,Key,extra\n1,\"a,b\",z\n2,\"say \"\"hi\"\"\",z\n3,  c  ,z\n",
        "op,key\nread,k1\nwrite,k2\nset,k1\n",
        "time,key\n0,a\n0.000000001,b\n12.5,a\n12.5,c\n3600,a",
    ].map { Array($0.utf8) }

    /// Replay files: a recording with commands and checkpoints, one with pacing and stage
    /// loads, and one whose last line is cut short.
    static let replaySeeds: [[UInt8]] = {
        let recorded = ReplayFileTests.text(ReplayFileTests.recording(seconds: 3))
        let spec = ReplayFileTests.spec
        let actions: [ReplayAction] = [
            .pause, .resume, .speed(0.5), .speed(.infinity), .load(name: "base", preset: PresetEncoder.yaml(spec), seed: 3),
            .simulation(.setUsers(200)),
        ]
        let paced = ReplayFileTests.text(
            [
                ReplayRecord.header(
                    ReplayHeader(spec: spec, presetName: "base", seed: 9, warmup: 500 * Nanos.perMillisecond, terminal: "80x24"))
            ]
                + actions.enumerated().map {
                    .command(microseconds: Int64($0.offset) * 1_000, action: $0.element, wallMilliseconds: 7)
                }
                + [.checkpoint(microseconds: 9_000, digest: 0xDEAD_BEEF), .end(microseconds: 9_500, digest: 1)])
        return [recorded, paced, String(recorded.dropLast(20))].map { Array($0.utf8) }
    }()

    /// A line of `syntax` as `CommandGrammar.reference` writes it, with its placeholders filled.
    ///
    /// A placeholder written more than once (the regions of `add dc`) takes its fills in turn.
    static func example(_ syntax: String) -> String {
        let fills = [
            "NODE": ["web"], "POOL": ["web"], "DB": ["db"], "CACHE": ["cache"], "DC": ["us"], "N": ["3"], "R": ["1.5"],
            "STEPS": ["2"], "SERVER": ["0"], "FACTOR": ["2.5"], "D": ["30s"], "BACKOFF": ["200ms"], "TARGET": ["0.7"],
            "MIN": ["1"], "MAX": ["4"], "WARMUP": ["10s"], "COOLDOWN": ["30s"], "ENTRIES": ["1000"], "REGION": ["eu", "us"],
            "RATE": ["500"], "BURST": ["50"], "WORKERS": ["8"], "QUEUE": ["jobs"], "LB": ["lb"], "STORE": ["sessions"],
            "NAME": ["eu-west"], "LATENCY": ["10ms", "80ms"], "FROM": ["web"], "TO": ["db"], "THRESHOLD": ["0.5"],
            "WINDOW": ["20"], "MIN_REQUESTS": ["10"], "OPEN_FOR": ["5s"], "PROBES": ["3"], "BUDGET": ["0.1"],
        ]
        var used: [String: Int] = [:]
        return syntax.split(separator: " ").map { word -> String in
            let bare = word.trimmingCharacters(in: CharacterSet(charactersIn: "[]."))
            if let fill = fills[bare] {
                defer { used[bare, default: 0] += 1 }
                return fill[min(used[bare, default: 0], fill.count - 1)]
            }
            let choices = bare.split(separator: "|").map(String.init)
            if choices.count > 1 { return fills[choices.last!]?[0] ?? fills[choices[0]]?[0] ?? choices[0] }
            return bare
        }.joined(separator: " ")
    }

    // MARK: - Dictionaries

    /// Tokens the mutator splices in: each parser's own words and numbers at its edges.
    static let yamlTokens = [
        ": ", "- ", "[", "]", "{", "}", ", ", "&a ", "*a", "<<: *a", "!!str ", "!!binary ", "!!map ", "? ", "|", ">-", "---\n",
        "...\n", "%YAML 1.1\n", "\"", "'", "# ", "\t", "~", "null", "true", "no", "1e309", "-1", "0x7fffffffffffffff",
        "99999999999999999999999", ".nan", ".inf", "-.inf", "0", "1_000", "10ms", "1h", "-5s", "1e-300s", "nodes:", "kind: db",
        "routes:", "replica_of: db", "id: web", "service: {distribution: exponential, mean: 10ms}", "\\u0000", "\"\\x1b[31m\"",
    ]
    static let scriptTokens = [
        "at ", " ", "0s", "1ms", "99999999999h", "1e308s", "-1s", "nan", "inf", "set ", "users ", "rate ", "servers ", "add ",
        "remove ", "server ", "replica ", "kill ", "restore ", "dc ", "slow ", "scale ", "up ", "down ", "flush ", "ttl ", "none",
        "eviction ", "lfu", "lru", "retries ", "rate-limit ", "50000001", "16_000", "#", "\t", "9223372036854775807",
        "18446744073709551616", "0.0000001",
        "1__0", "_1", "1.", ".5", "1e", "2m30s", "\r", "\r\n", "db ", "queue ", "job", "jobs", "static ", "lb ", "cdn ",
        "session-store ", "health-check ", "cache ", "like ", "near ", "eu ", "us ", "10ms ", "10s", "10.000000001s", "-0s",
        "0.5ns",
    ]
    static let traceTokens = [
        ",", "\"", "\"\"", "key", "time", "op", "read", "write", "get", "set", "\r\n", "\u{FEFF}", "1e308", "-1", "nan", "inf",
        "0.000000000001", "99999999999999999999", "12.5", "9223372036.854775807", " ", "\t", "\n", "KEY,", ",time", "1e-400",
    ]
    static let replayTokens = [
        "{", "}", "[", "]", ",", ":", "\"type\":", "\"t_us\":", "\"digest\":", "\"command\":", "\"preset\":", "\"seed\":",
        "\"version\":", "\"checkpoint\"", "\"end\"", "\"header\"", "\"command\"", "null", "true", "[]", "{}",
        "9223372036854775807", "-9223372036854775808", "18446744073709551616", "1e400", "-1", "0.5", "\"ffffffffffffffff\"",
        "\"0000000000000000\"", "\\u0000", "\\ud800", "\\n", "\"load x\"", "\"speed 1e309\"", "\"speed max\"", "\"pause\"",
        "\"set users 99999999\"", "\"kill db\"", "\n",
    ]

    // MARK: - Tests

    /// The seeds themselves are valid, so mutations start from inputs that reach deep into
    /// each parser.
    @Test func everySeedEndsInAValue() {
        #expect(Self.presetSeeds.count >= 10)
        let runs: [(String, [[UInt8]], ([UInt8]) -> FuzzOutcome)] = [
            ("preset", Self.presetSeeds, Self.checkPreset), ("script", Self.scriptSeeds, Self.checkScript),
            ("command", Self.commandSeeds, Self.checkCommand), ("trace", Self.traceSeeds, Self.checkTrace),
            ("replay", Self.replaySeeds, Self.checkReplay),
        ]
        for (name, seeds, check) in runs {
            for (index, seed) in seeds.enumerated() {
                let outcome = check(seed)
                #expect(outcome == .value, "\(name) seed \(index): \(outcome)\n\(String(decoding: seed, as: UTF8.self))")
            }
        }
    }

    /// Preset YAML: every shipped preset mutated; a value must encode to YAML that decodes
    /// back to the same system.
    @Test func presetYAMLEndsInAValueOrAClearError() {
        let stats = FuzzHarness.run(seed: 0x5EED_0001, count: 2_500, seeds: Self.presetSeeds, tokens: Self.yamlTokens) {
            Self.checkPreset($0)
        }
        #expect(stats.values > 0 && stats.errors > 0, "\(stats)")
    }

    /// Script files, parsed in memory and (every tenth input, as raw bytes that may not be
    /// UTF-8) read from a file; a value's commands must be in time order and each must
    /// encode to text that parses back to it.
    @Test func scriptFilesEndInAValueOrAClearError() throws {
        let directory = try FuzzHarness.temporaryDirectory("scripts")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let stats = FuzzHarness.run(seed: 0x5EED_0002, count: 3_000, seeds: Self.scriptSeeds, tokens: Self.scriptTokens) {
            bytes in
            Self.checkScript(bytes)
        } everyTenth: { bytes, index in
            Self.checkScriptFile(bytes, path: directory + "/\(index).script")
        }
        #expect(stats.values > 0 && stats.errors > 0, "\(stats)")
    }

    /// Single commands, as the dashboard's `:` prompt reads them: a value must round-trip
    /// through `CommandGrammar.encode`; an error's column must lie within the line.
    @Test func commandLinesEndInACommandOrAClearError() {
        let stats = FuzzHarness.run(seed: 0x5EED_0003, count: 3_000, seeds: Self.commandSeeds, tokens: Self.scriptTokens) {
            Self.checkCommand($0)
        }
        #expect(stats.values > 0 && stats.errors > 0, "\(stats)")
    }

    /// Key traces, parsed in memory and (every tenth input) streamed from a file, which must
    /// agree; a value's ids, times and ops must be consistent.
    @Test func keyTracesEndInAValueOrAClearError() throws {
        let directory = try FuzzHarness.temporaryDirectory("traces")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let stats = FuzzHarness.run(seed: 0x5EED_0004, count: 3_000, seeds: Self.traceSeeds, tokens: Self.traceTokens) {
            Self.checkTrace($0)
        } everyTenth: { bytes, index in
            Self.checkTraceFile(bytes, path: directory + "/\(index).trace")
        }
        #expect(stats.values > 0 && stats.errors > 0, "\(stats)")
    }

    /// Replay files, as raw bytes; a value must write back, line by line, to a file that
    /// reads as the same recording.
    @Test func replayFilesEndInAValueOrAClearError() {
        let stats = FuzzHarness.run(seed: 0x5EED_0005, count: 2_000, seeds: Self.replaySeeds, tokens: Self.replayTokens) {
            Self.checkReplay($0)
        }
        #expect(stats.values > 0 && stats.errors > 0, "\(stats)")
    }

    /// Hostile replay files made on purpose rather than by mutation: control bytes in the
    /// header's names, extreme numbers in every numeric field, empty and giant lines, a cut
    /// last line, a valid prefix then garbage. Each must read fine or be refused with its
    /// line; a value's numbers must lie within the documented ranges the players can handle.
    @Test func hostileReplayFilesAreRefusedAtTheirLineOrReadWithinTheirRanges() {
        var outcomes: [FuzzOutcome] = []
        for (name, text) in HostileReplays.all() {
            let outcome = Self.checkReplay(Array(text.utf8))
            if case .problem(let problem) = outcome { Issue.record("\(name): \(problem)") }
            if outcome == .value, let problem = HostileReplays.outOfRange(text) { Issue.record("\(name): \(problem)") }
            outcomes.append(outcome)
        }
        #expect(outcomes.contains(.value) && outcomes.contains(.error))
    }

    /// A line past `ReplayReader.maxLineLength` is refused at its line before it is held
    /// whole, however the file goes on.
    @Test func aGiantReplayLineIsRefusedAtItsLine() {
        let giant = String(repeating: " ", count: ReplayReader.maxLineLength + 1)
        for ending in ["\n", "", "\n{}\n"] {
            let text = FuzzRegression.replayHeaderLine + giant + ending
            #expect(
                throws: ReplayError(
                    file: "g.jsonl", line: 2, message: "line longer than 8 MiB, the longest a replay file may have")
            ) {
                try ReplayReader.parse(Data(text.utf8), file: "g.jsonl")
            }
        }
    }

    /// Inputs at the edges of every format, and every input that once failed a fuzz test.
    @Test(arguments: FuzzRegression.all)
    func regressionEndsInAValueOrAClearError(_ regression: FuzzRegression) {
        let bytes = Array(regression.text.utf8)
        let outcome =
            switch regression.parser {
            case .preset: Self.checkPreset(bytes)
            case .script: Self.checkScript(bytes)
            case .command: Self.checkCommand(bytes)
            case .trace: Self.checkTrace(bytes)
            case .replay: Self.checkReplay(bytes)
            }
        if case .problem(let problem) = outcome { Issue.record("\(regression.name): \(problem)") }
        if let expected = regression.expectsValue { #expect((outcome == .value) == expected, "\(regression.name)") }
    }

    // MARK: - Checks

    static func checkPreset(_ bytes: [UInt8]) -> FuzzOutcome {
        let text = String(decoding: bytes, as: UTF8.self)
        let spec: SystemSpec
        do {
            spec = try PresetDecoder.decode(text, file: "fuzz.yaml")
        } catch {
            return .checked(
                FuzzHarness.clearError(
                    description: error.description, message: error.message, file: error.file, expected: "fuzz.yaml",
                    line: error.line, lineRequired: false, lines: FuzzHarness.lineCount(bytes, yaml: true)))
        }
        let yaml = PresetEncoder.yaml(spec)
        do {
            let again = try PresetDecoder.decode(yaml, file: "again.yaml")
            return again == spec ? .value : .problem("the re-encoded preset decodes to another system:\n\(yaml)")
        } catch {
            return .problem("the re-encoded preset does not decode: \(error)\n\(yaml)")
        }
    }

    static func checkScript(_ bytes: [UInt8]) -> FuzzOutcome {
        let commands: [ScheduledCommand]
        do {
            commands = try ScriptFile.parse(String(decoding: bytes, as: UTF8.self), file: "fuzz.script")
        } catch {
            if error.column == nil || error.column! < 1 { return .problem("no column: \(error)") }
            return .checked(
                FuzzHarness.clearError(
                    description: error.description, message: error.message, file: error.file, expected: "fuzz.script",
                    line: error.line, lineRequired: true, lines: FuzzHarness.lineCount(bytes, yaml: false)))
        }
        for (earlier, later) in zip(commands, commands.dropFirst()) where earlier.at > later.at {
            return .problem("commands out of time order: \(earlier) before \(later)")
        }
        for command in commands {
            if let problem = roundTrip(command.command) { return .problem(problem) }
        }
        return .value
    }

    static func checkScriptFile(_ bytes: [UInt8], path: String) -> String? {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return "cannot write \(path)" }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fromFile: Result<[ScheduledCommand], PresetError> = Result { () throws(PresetError) in try ScriptFile.read(file: path)
        }
        switch fromFile {
        case .success(let commands):
            let inMemory = Result { () throws(PresetError) in
                try ScriptFile.parse(String(decoding: bytes, as: UTF8.self), file: path)
            }
            return inMemory == .success(commands) ? nil : "the file reads otherwise than its text parses"
        case .failure(let error):
            let check = FuzzHarness.clearError(
                description: error.description, message: error.message, file: error.file, expected: path,
                line: error.line, lineRequired: false, lines: FuzzHarness.lineCount(bytes, yaml: false))
            return check
        }
    }

    static func checkCommand(_ bytes: [UInt8]) -> FuzzOutcome {
        let line = String(decoding: bytes, as: UTF8.self)
        do {
            let command = try CommandGrammar.parse(line)
            return roundTrip(command).map(FuzzOutcome.problem) ?? .value
        } catch {
            guard !error.message.trimmingCharacters(in: .whitespaces).isEmpty else { return .problem("empty message") }
            guard (1...line.count + 1).contains(error.column) else {
                return .problem("column \(error.column) outside a line of \(line.count) characters: \(error)")
            }
            guard !error.description.unicodeScalars.contains(where: TerminalSafe.isUnsafe) else {
                return .problem("unsafe characters in \(error.description.debugDescription)")
            }
            return .error
        }
    }

    /// A problem if `command` does not encode to text that parses back to it.
    static func roundTrip(_ command: SimCommand) -> String? {
        let text = CommandGrammar.encode(command)
        do {
            let again = try CommandGrammar.parse(text)
            return again == command ? nil : "\(command) encodes to \(text.debugDescription), which parses to \(again)"
        } catch {
            return "\(command) encodes to \(text.debugDescription), which does not parse: \(error)"
        }
    }

    static func checkTrace(_ bytes: [UInt8]) -> FuzzOutcome {
        let trace: KeyTrace
        do {
            trace = try TraceReader.parse(String(decoding: bytes, as: UTF8.self), file: "fuzz.trace")
        } catch {
            return .checked(
                FuzzHarness.clearError(
                    description: error.description, message: error.message, file: error.file, expected: "fuzz.trace",
                    line: error.line, lineRequired: true, lines: FuzzHarness.lineCount(bytes, yaml: false)))
        }
        return traceProblem(trace).map(FuzzOutcome.problem) ?? .value
    }

    /// What is inconsistent in `trace`, or `nil`.
    static func traceProblem(_ trace: KeyTrace) -> String? {
        if trace.keys.contains(where: { Int($0) >= trace.distinctKeys }) { return "a key id beyond \(trace.distinctKeys)" }
        if Set(trace.keys).count != trace.distinctKeys { return "distinctKeys \(trace.distinctKeys) is not the keys' count" }
        if let times = trace.times {
            if times.count != trace.keys.count { return "\(times.count) times for \(trace.keys.count) keys" }
            if times.contains(where: { $0 < 0 }) { return "a negative time" }
            if zip(times, times.dropFirst()).contains(where: { $0 > $1 }) { return "times out of order" }
        }
        if let writes = trace.writes, writes.count != trace.keys.count {
            return "\(writes.count) ops for \(trace.keys.count) keys"
        }
        return nil
    }

    static func checkTraceFile(_ bytes: [UInt8], path: String) -> String? {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return "cannot write \(path)" }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let streamed = Result { () throws(PresetError) in try TraceReader.read(path: path) }
        if case .failure(let error) = streamed {
            let check = FuzzHarness.clearError(
                description: error.description, message: error.message, file: error.file, expected: path,
                line: error.line, lineRequired: true, lines: FuzzHarness.lineCount(bytes, yaml: false))
            if let check { return check }
        }
        // Valid UTF-8 reads the same streamed as parsed in memory.
        guard String(validating: bytes, as: UTF8.self) != nil else { return nil }
        let inMemory = Result { () throws(PresetError) in
            try TraceReader.parse(String(decoding: bytes, as: UTF8.self), file: path)
        }
        return inMemory == streamed ? nil : "streamed \(streamed), in memory \(inMemory)"
    }

    static func checkReplay(_ bytes: [UInt8]) -> FuzzOutcome {
        let file: ReplayFile
        do {
            file = try ReplayReader.parse(Data(bytes), file: "fuzz.jsonl")
        } catch {
            return .checked(
                FuzzHarness.clearError(
                    description: error.description, message: error.message, file: error.file, expected: "fuzz.jsonl",
                    line: error.line, lineRequired: true, lines: FuzzHarness.lineCount(bytes, yaml: false)))
        }
        let lines = FuzzHarness.lineCount(bytes, yaml: false)
        if let entry = file.entries.first(where: { $0.line < 2 || $0.line > lines }) {
            return .problem("entry at line \(entry.line) of \(lines)")
        }
        if zip(file.entries, file.entries.dropFirst()).contains(where: { $0.line >= $1.line }) {
            return .problem("entries out of line order")
        }
        if let warning = file.warnings.first(where: {
            $0.isEmpty || !$0.hasPrefix("fuzz.jsonl:") || $0.unicodeScalars.contains(where: TerminalSafe.isUnsafe)
        }) {
            return .problem("unclear warning \(warning.debugDescription)")
        }
        // Replayer turns the warmup into nanoseconds.
        if file.header.warmupMicroseconds.multipliedReportingOverflow(by: Nanos.perMicrosecond).overflow {
            return .problem("warmup_us \(file.header.warmupMicroseconds) overflows SimTime")
        }
        let written = ([ReplayRecord.header(file.header)] + file.entries.map(\.record)).map { $0.jsonLine + "\n" }.joined()
        do {
            let again = try ReplayReader.parse(Data(written.utf8), file: "again.jsonl")
            guard again.header == file.header, again.spec == file.spec, again.warnings.isEmpty,
                again.entries.map(\.record) == file.entries.map(\.record),
                again.entries.map(\.loadedSpec) == file.entries.map(\.loadedSpec)
            else { return .problem("the file written back reads as another recording:\n\(written)") }
        } catch {
            return .problem("the file written back does not read: \(error)\n\(written)")
        }
        return .value
    }
}

// MARK: - Regressions

/// An input kept for good: an edge of a format, or one that once failed a fuzz test.
struct FuzzRegression: Sendable, CustomTestStringConvertible {
    enum Parser: Sendable { case preset, script, command, trace, replay }

    let name: String
    let parser: Parser
    let text: String
    /// Whether it must decode (true) or fail (false); `nil` when either is fine.
    var expectsValue: Bool?

    var testDescription: String { name }

    static let all: [FuzzRegression] = [
        FuzzRegression(name: "empty preset", parser: .preset, text: "", expectsValue: false),
        FuzzRegression(name: "preset of NUL bytes", parser: .preset, text: "\0\0\0", expectsValue: false),
        FuzzRegression(name: "preset that is a bare alias", parser: .preset, text: "*a", expectsValue: false),
        FuzzRegression(
            name: "preset with a lone CR and NEL", parser: .preset, text: "version: 1\rname: x\u{85}", expectsValue: false),
        FuzzRegression(
            name: "preset with a huge worker count", parser: .preset,
            text: basePreset(line: 10, "    workers: 99999999999999999999999"), expectsValue: false),
        FuzzRegression(
            name: "preset with an infinite mean", parser: .preset,
            text: basePreset(line: 11, "    service: {distribution: exponential, mean: 1e309ms}"), expectsValue: false),
        FuzzRegression(name: "base preset", parser: .preset, text: basePreset, expectsValue: true),
        FuzzRegression(name: "empty script", parser: .script, text: "", expectsValue: true),
        FuzzRegression(name: "script of a lone CR", parser: .script, text: "\r", expectsValue: true),
        FuzzRegression(
            name: "script with a time past Int64", parser: .script, text: "at 99999999999999999h kill db", expectsValue: false),
        FuzzRegression(name: "script with NaN time", parser: .script, text: "at nans kill db", expectsValue: false),
        FuzzRegression(name: "command of ESC bytes", parser: .command, text: "kill \u{1B}[31mdb", expectsValue: nil),
        FuzzRegression(name: "empty command", parser: .command, text: "", expectsValue: false),
        FuzzRegression(
            name: "command with a count past Int64", parser: .command, text: "set users 18446744073709551616", expectsValue: false
        ),
        FuzzRegression(
            name: "add dc with every region given", parser: .command,
            text: "add dc ap like us-east near asia 0s us 0.5ms eu 1.25s sa 10s", expectsValue: true),
        FuzzRegression(
            name: "add dc with a region given twice", parser: .command,
            text: "add dc ap like us-east near asia 1s asia 2s", expectsValue: false),
        FuzzRegression(
            name: "add dc with a latency a nanosecond past the limit", parser: .command,
            text: "add dc ap like us-east near asia 10.000000001s", expectsValue: false),
        FuzzRegression(
            name: "add dc with a latency past ten years", parser: .command,
            text: "add dc ap like us-east near asia 99999999999999999999d", expectsValue: false),
        FuzzRegression(
            name: "add dc with a latency and no region", parser: .command, text: "add dc ap like us near asia 1s 2s",
            expectsValue: false),
        FuzzRegression(name: "add queue with no class", parser: .command, text: "add queue app", expectsValue: false),
        FuzzRegression(
            name: "script adding a queue of an unknown class", parser: .script, text: "at 1m add queue app jobs",
            expectsValue: false
        ),
        FuzzRegression(name: "empty trace", parser: .trace, text: "", expectsValue: true),
        FuzzRegression(name: "trace of a header only", parser: .trace, text: "key,time\n", expectsValue: true),
        FuzzRegression(name: "trace with an unclosed quote", parser: .trace, text: "key,op\n\"a,read\n", expectsValue: false),
        FuzzRegression(
            name: "trace with a time past Int64 nanoseconds", parser: .trace, text: "key,time\na,9223372037\n",
            expectsValue: false),
        FuzzRegression(name: "trace with a huge time", parser: .trace, text: "key,time\na,1e308\n", expectsValue: false),
        FuzzRegression(name: "empty replay", parser: .replay, text: "", expectsValue: false),
        FuzzRegression(name: "replay of a newline", parser: .replay, text: "\n", expectsValue: false),
        FuzzRegression(
            name: "replay header with a non-string preset", parser: .replay,
            text: "{\"type\":\"header\",\"format\":\"scaletop-replay\",\"version\":1,\"seed\":1,\"preset\":[]}\n",
            expectsValue: false),
        FuzzRegression(
            name: "replay header with a seed past UInt64", parser: .replay,
            text:
                "{\"type\":\"header\",\"format\":\"scaletop-replay\",\"version\":1,\"seed\":18446744073709551616,\"preset\":\"x\"}\n",
            expectsValue: false),
        // Found by replayFilesEndInAValueOrAClearError: a t_us past Int64.max / 1000 trapped
        // (arithmetic overflow) turning it into nanoseconds; a warmup_us as large trapped in
        // Replayer. Both are now errors at their line.
        FuzzRegression(
            name: "replay line with a t_us past SimTime", parser: .replay,
            text: replayHeaderLine + "{\"type\":\"checkpoint\",\"t_us\":9223372036854776,\"digest\":\"0000000000000000\"}\n",
            expectsValue: false),
        FuzzRegression(
            name: "replay line with the largest t_us (3650d)", parser: .replay,
            text: replayHeaderLine + "{\"type\":\"end\",\"t_us\":315360000000000,\"digest\":\"0000000000000000\"}\n",
            expectsValue: true),
        FuzzRegression(
            name: "replay line with a t_us past 3650d", parser: .replay,
            text: replayHeaderLine + "{\"type\":\"end\",\"t_us\":315360000000001,\"digest\":\"0000000000000000\"}\n",
            expectsValue: false),
        FuzzRegression(
            name: "replay header with a warmup_us past SimTime", parser: .replay,
            text: ReplayRecord.header(ReplayHeader(seed: 1, preset: basePreset, presetName: "base", warmupMicroseconds: .max))
                .jsonLine + "\n",
            expectsValue: false),
    ]

    /// A valid header line, for `basePreset`.
    static var replayHeaderLine: String {
        ReplayRecord.header(ReplayHeader(spec: ReplayFileTests.spec, presetName: "base", seed: 1)).jsonLine + "\n"
    }
}

// MARK: - Harness

/// How one input ended: a value, a clear error, or a problem to report.
enum FuzzOutcome: Equatable {
    case value
    case error
    case problem(String)

    /// `.error` for a clear error, or the problem `problem` names.
    static func checked(_ problem: String?) -> FuzzOutcome { problem.map(FuzzOutcome.problem) ?? .error }
}

/// How many inputs of a run ended in a value and in an error.
struct FuzzStats: CustomStringConvertible {
    var values = 0
    var errors = 0
    var slowest: Duration = .zero
    var description: String { "\(values) values, \(errors) errors, slowest \(slowest)" }
}

/// A seeded random source: `Xoshiro256StarStar`, so every input is the same on every run.
struct FuzzRandom {
    var generator: Xoshiro256StarStar

    init(seed: UInt64) { generator = Xoshiro256StarStar(seed: seed) }

    /// A uniform integer in `0..<bound` (`bound` > 0).
    mutating func below(_ bound: Int) -> Int { generator.below(bound) }
    /// True one time in `n`.
    mutating func oneIn(_ n: Int) -> Bool { below(n) == 0 }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    /// A uniform integer in `range`.
    mutating func inRange(_ range: ClosedRange<Int>) -> Int { range.lowerBound + below(range.count) }
}

enum FuzzHarness {
    /// The longest any one input may take; a hang shows as an input over it.
    static let timeLimit: Duration = .seconds(3)

    /// Runs `count` inputs through `check` (and every tenth through `everyTenth` too),
    /// recording an issue, with the input's index and start, for each problem.
    static func run(
        seed: UInt64, count: Int, seeds: [[UInt8]], tokens: [String],
        check: ([UInt8]) -> FuzzOutcome, everyTenth: (([UInt8], Int) -> String?)? = nil
    ) -> FuzzStats {
        let clock = ContinuousClock()
        let tokenBytes = tokens.map { Array($0.utf8) }
        var stats = FuzzStats()
        var problems = 0
        for index in 0..<count {
            let bytes = input(seed: seed, index: index, seeds: seeds, tokens: tokenBytes)
            let start = clock.now
            var outcome = check(bytes)
            if index % 10 == 0, let everyTenth, let problem = everyTenth(bytes, index) { outcome = .problem(problem) }
            let took = clock.now - start
            stats.slowest = max(stats.slowest, took)
            if took > timeLimit { outcome = .problem("took \(took)") }
            switch outcome {
            case .value: stats.values += 1
            case .error: stats.errors += 1
            case .problem(let problem):
                problems += 1
                // Enough to see a pattern without drowning the log.
                if problems <= 5 {
                    let shown = String(decoding: bytes.prefix(600), as: UTF8.self).debugDescription
                    Issue.record("input \(index) of seed \(seed) (\(bytes.count) bytes): \(problem)\ninput: \(shown)")
                }
            }
        }
        return stats
    }

    /// Input `index` of the run seeded `seed`: mostly a seed input with one to four
    /// mutations, sometimes random bytes or tokens.
    static func input(seed: UInt64, index: Int, seeds: [[UInt8]], tokens: [[UInt8]]) -> [UInt8] {
        var random = FuzzRandom(seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        switch random.below(20) {
        case 0:
            return (0..<random.below(300)).map { _ in UInt8(truncatingIfNeeded: random.generator.next()) }
        case 1:
            var bytes: [UInt8] = []
            for _ in 0..<random.below(60) {
                bytes += random.pick(tokens)
                bytes += random.pick([[0x20], [0x0A], [], [0x20, 0x20]])
            }
            return bytes
        default:
            var bytes = random.pick(seeds)
            let mutations = random.pick([1, 1, 1, 2, 2, 3, 4])
            for _ in 0..<mutations { mutate(&bytes, random: &random, seeds: seeds, tokens: tokens) }
            return bytes
        }
    }

    /// Applies one random mutation to `bytes`.
    static func mutate(_ bytes: inout [UInt8], random: inout FuzzRandom, seeds: [[UInt8]], tokens: [[UInt8]]) {
        let position = random.below(bytes.count + 1)
        /// A random range of `bytes`, mostly short.
        func range() -> Range<Int> {
            let length = min(bytes.count - position, random.oneIn(4) ? random.below(bytes.count + 1) : random.below(16))
            return position..<(position + length)
        }
        switch random.below(12) {
        case 0:  // Bit flips.
            for _ in 0..<random.inRange(1...8) where !bytes.isEmpty {
                bytes[random.below(bytes.count)] ^= UInt8(1) << random.below(8)
            }
        case 1:  // Random bytes.
            bytes.insert(
                contentsOf: (0..<random.inRange(1...16)).map { _ in UInt8(truncatingIfNeeded: random.generator.next()) },
                at: position)
        case 2: bytes.removeSubrange(range())
        case 3: bytes.insert(contentsOf: Array(bytes[range()]), at: position)
        case 4:  // Lines spliced in from another input.
            let donor = random.pick(seeds).split(separator: 0x0A, omittingEmptySubsequences: false)
            let taken = donor[random.below(donor.count)...].prefix(random.inRange(1...4)).joined(separator: [0x0A])
            bytes.insert(contentsOf: Array(taken) + [0x0A], at: lineStart(bytes, at: position))
        case 5: bytes.removeSubrange(position...)
        case 6:  // Random scalars: controls, C1, direction marks, line separators, anything.
            var text = ""
            for _ in 0..<random.inRange(1...8) {
                let value = random.pick([
                    random.below(0x20), 0x7F, 0x80 + random.below(0x20), 0x202E, 0x2028, 0xFEFF, 0x85,
                    random.below(0xD800), 0x1_0000 + random.below(0x10_0000),
                ])
                text.unicodeScalars.append(Unicode.Scalar(UInt32(value)) ?? "?")
            }
            bytes.insert(
                contentsOf: Array(text.utf8)
                    + (random.oneIn(3) ? random.pick([[0xC0], [0xFF], [0xED, 0xA0, 0x80], [0x80]]) : []),
                at: position)
        case 7:  // A very long run: within the parsers' limits mostly, past the 1 MiB ones now and then.
            let length = random.oneIn(40) ? (1 << 20) + random.below(64) : random.pick([100, 5_000, 60_000])
            let unit = random.oneIn(2) ? [random.pick(Array("x9 ,:-[\"#".utf8))] : random.pick(tokens)
            var run: [UInt8] = []
            run.reserveCapacity(length + unit.count)
            while run.count < length { run += unit.isEmpty ? [0x78] : unit }
            bytes.insert(contentsOf: run, at: position)
        case 8:  // A huge, tiny or odd number in place of a number.
            let number = random.pick([
                "99999999999999999999999999", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
                "18446744073709551615", "1e308", "1e309", "-1e309", "1e-400", "0", "-0", "nan", "inf", "0x10",
                "4294967296", "1.7976931348623157e308", "0.1e1000", "00000000000000000001",
            ])
            if let digits = bytes[position...].firstIndex(where: isDigit) {
                let end = bytes[digits...].firstIndex { !isDigit($0) && $0 != UInt8(ascii: ".") } ?? bytes.count
                bytes.replaceSubrange(digits..<end, with: Array(number.utf8))
            } else {
                bytes.insert(contentsOf: Array(number.utf8), at: position)
            }
        case 9:  // Deep nesting: brackets, braces, or indented keys.
            let depth = random.pick([random.inRange(2...80), random.inRange(100...3_000)])
            switch random.below(3) {
            case 0:
                bytes.insert(
                    contentsOf: [UInt8](repeating: 0x5B, count: depth) + [UInt8](repeating: 0x5D, count: random.below(depth + 1)),
                    at: position)
            case 1:
                bytes.insert(
                    contentsOf: Array(String(repeating: "{\"a\":", count: depth).utf8)
                        + [UInt8](repeating: 0x7D, count: random.below(depth + 1)), at: position)
            default:
                let nested =
                    (0..<min(depth, 300)).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n") + " v\n"
                bytes.insert(contentsOf: Array(nested.utf8), at: lineStart(bytes, at: position))
            }
        case 10:  // Lines swapped or duplicated.
            var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
            let a = random.below(lines.count), b = random.below(lines.count)
            if random.oneIn(2) { lines.swapAt(a, b) } else { lines.insert(lines[a], at: b) }
            bytes = Array(lines.joined(separator: [0x0A]))
        default:  // A token of the format.
            let token = random.pick(tokens)
            if random.oneIn(2) {
                bytes.insert(contentsOf: token, at: position)
            } else {
                bytes.replaceSubrange(range(), with: token)
            }
        }
    }

    static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

    /// The start of the line holding `position`.
    static func lineStart(_ bytes: [UInt8], at position: Int) -> Int {
        (bytes[..<position].lastIndex(of: 0x0A)).map { $0 + 1 } ?? 0
    }

    /// The most lines a parser could count in `bytes`: one plus every line break, where YAML
    /// also breaks at CR, NEL and the Unicode separators. (libyaml puts an error at the end
    /// of a stream one line past the text's last; the reader moves it back.)
    static func lineCount(_ bytes: [UInt8], yaml: Bool) -> Int {
        var count = 1
        for (i, byte) in bytes.enumerated() {
            if byte == 0x0A || byte == 0x0D { count += 1 }
            // NEL is C2 85; LS and PS are E2 80 A8 and E2 80 A9.
            if yaml, byte == 0x85 || byte == 0xA8 || byte == 0xA9, i > 0, bytes[i - 1] == 0xC2 || bytes[i - 1] == 0x80 {
                count += 1
            }
        }
        return count
    }

    /// `nil` if the error is clear: a message, the file named first, a line inside the input
    /// (required or not), and nothing a terminal acts on; otherwise what is wrong.
    static func clearError(
        description: String, message: String, file: String, expected: String, line: Int?, lineRequired: Bool, lines: Int
    ) -> String? {
        let quoted = description.debugDescription
        if message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return "empty message: \(quoted)" }
        if file != expected || !description.hasPrefix(expected + ":") { return "does not name \(expected): \(quoted)" }
        if lineRequired && line == nil { return "no line: \(quoted)" }
        if let line, !(1...lines).contains(line) { return "line \(line) outside 1...\(lines): \(quoted)" }
        if description.unicodeScalars.contains(where: TerminalSafe.isUnsafe) { return "unsafe characters in \(quoted)" }
        return nil
    }

    /// A new, empty directory for one test's files, removed when the tests end.
    static func temporaryDirectory(_ name: String) throws -> String {
        try TemporaryFolder.make(prefix: "scaletop-fuzz-\(name)").path
    }
}

/// Replay files built to be hostile, field by field (see `hostileReplayFilesAre...`).
enum HostileReplays {
    /// Numbers at and past every edge, and spellings that are no JSON number.
    static let numbers = [
        "0", "-0", "-1", "1", "0.5", "1.0", "1e3", "1e-300", "1e309", "-1e309", "NaN", "nan", "\"NaN\"", "Infinity",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "18446744073709551615", "18446744073709551616", "315360000000", "315360000001", "null", "\"1\"",
    ]
    /// Factors for `speed X`.
    static let speeds = [
        "0", "-0", "-1", "1e-300", "0.000001", "0.0000009", "1", "1024", "1025", "1e309", "nan", "NaN", "inf", "max", "0x10",
        "1_0",
    ]
    /// Names with bytes a terminal acts on: ESC, BEL, CSI, OSC, C1 controls.
    static let names = [
        "\\u001b]0;pwned\\u0007\\u001b[2J", "\\u009b31m", "\\u009d0;x\\u009c", "a\\u0000b", "\\u202eevil", "\\r\\n",
    ]

    /// A recording's lines, valid, to mutate one field at a time.
    static var lines: [String] {
        ReplayFileTests.text(ReplayFileTests.recording(seconds: 2)).split(separator: "\n").map(String.init)
    }

    /// `line` with the value of `field` replaced by `value` (JSON text).
    static func replacing(_ field: String, in line: String, with value: String) -> String {
        guard let range = line.range(of: "\"\(field)\":") else {
            return line.replacingOccurrences(
                of: "{", with: "{\"\(field)\":\(value),", options: [], range: line.startIndex..<line.index(after: line.startIndex)
            )
        }
        var end = range.upperBound
        if line[end] == "\"" {
            end = line.index(after: end)
            while line[end] != "\"" { end = line.index(after: line[end] == "\\" ? line.index(after: end) : end) }
            end = line.index(after: end)
        } else {
            while line[end] != "," && line[end] != "}" { end = line.index(after: end) }
        }
        return line.replacingCharacters(in: range.upperBound..<end, with: value)
    }

    /// Every hostile file: (what it is, its text).
    static func all() -> [(String, String)] {
        let base = lines
        let command = base.firstIndex { $0.contains("\"type\":\"command\"") }!
        let checkpoint = base.firstIndex { $0.contains("\"type\":\"checkpoint\"") }!
        let end = base.count - 1
        func file(_ lines: [String]) -> String { lines.joined(separator: "\n") + "\n" }
        func with(_ index: Int, _ line: String) -> [String] {
            var copy = base
            copy[index] = line
            return copy
        }
        var files: [(String, String)] = []
        for value in numbers {
            for field in ["seed", "version", "warmup_us", "engine_revision"] {
                files.append(("header \(field) \(value)", file(with(0, replacing(field, in: base[0], with: value)))))
            }
            for (index, kind) in [(command, "command"), (checkpoint, "checkpoint"), (end, "end")] {
                files.append(("\(kind) t_us \(value)", file(with(index, replacing("t_us", in: base[index], with: value)))))
            }
            files.append(("command wall_ms \(value)", file(with(command, replacing("wall_ms", in: base[command], with: value)))))
            let load = replacing("command", in: base[command], with: "\"load x\"")
            let withPreset = replacing(
                "preset", in: load,
                with: ReplayRecord.header(ReplayHeader(spec: ReplayFileTests.spec, presetName: "x", seed: 1)).jsonLine.components(
                    separatedBy: "\"preset\":")[1].components(separatedBy: ",\"preset_name\"")[0])
            files.append(("load seed \(value)", file(with(command, replacing("seed", in: withPreset, with: value)))))
        }
        for speed in speeds {
            let line = replacing("command", in: base[command], with: "\"speed \(speed)\"")
            files.append(("speed \(speed)", file(with(command, line))))
        }
        for name in names {
            files.append(("preset_name \(name)", file(with(0, replacing("preset_name", in: base[0], with: "\"\(name)\"")))))
            files.append(
                ("command \(name)", file(with(command, replacing("command", in: base[command], with: "\"kill \(name)\"")))))
        }
        files.append(("empty lines between", file([base[0], "", ""] + base.dropFirst())))
        files.append(("empty line last", file(base + [""])))
        files.append(("only empty lines", String(repeating: "\n", count: 100_000)))
        files.append(("a cut last line", file(base) + String(base[end].prefix(20))))
        files.append(("a cut header", String(base[0].prefix(50))))
        files.append(("valid prefix then garbage", file(Array(base.prefix(3))) + "\u{1B}[2J\u{07}garbage\n{\"type\":\"end\"}\n"))
        files.append(
            (
                "valid prefix then binary",
                file(Array(base.prefix(3))) + String(decoding: [0xFF, 0xFE, 0x00, 0x9B, 0x0A], as: UTF8.self)
            ))
        files.append(
            (
                "a line of 1 MiB of digits",
                file([
                    base[0],
                    "{\"type\":\"checkpoint\",\"t_us\":" + String(repeating: "9", count: 1 << 20)
                        + ",\"digest\":\"0000000000000000\"}",
                ])
            ))
        return files
    }

    /// What in a file that read fine lies outside the ranges docs/replay.md gives; nil if nothing.
    static func outOfRange(_ text: String) -> String? {
        guard let file = try? ReplayReader.parse(Data(text.utf8), file: "h.jsonl") else { return "does not read" }
        if !(0...ReplayReader.maxMicroseconds).contains(file.header.warmupMicroseconds) {
            return "warmup_us \(file.header.warmupMicroseconds)"
        }
        for entry in file.entries {
            switch entry.record {
            case .command(let t, let action, let wall):
                if !(0...ReplayReader.maxMicroseconds).contains(t) { return "t_us \(t) at line \(entry.line)" }
                if !(0...ReplayReader.maxWallMilliseconds).contains(wall) { return "wall_ms \(wall) at line \(entry.line)" }
                if case .speed(let factor) = action, !(factor.isInfinite || ReplayReader.speedRange.contains(factor)) {
                    return "speed \(factor) at line \(entry.line)"
                }
            case .checkpoint(let t, _), .end(let t, _):
                if !(0...ReplayReader.maxMicroseconds).contains(t) { return "t_us \(t) at line \(entry.line)" }
            case .header:
                return "a second header at line \(entry.line)"
            }
        }
        return nil
    }
}
