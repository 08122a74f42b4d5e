import Foundation
@testable import ScaleFiles
import ScaleSim
import Testing

/// `t` seconds as simulated time.
private func seconds(_ t: Int64) -> SimTime { t * Nanos.perSecond }

@Suite struct ScriptFileTests {
    /// The error parsing `text` as `s.txt` gives, or `nil` if it parses.
    static func error(_ text: String) -> PresetError? {
        do throws(PresetError) {
            _ = try ScriptFile.parse(text, file: "s.txt")
            return nil
        } catch {
            return error
        }
    }

    @Test func commentsBlankLinesAndSpacing() throws {
        let text = """
            # Kill the database for a minute.

            at 0s     set users 1000
            \tat 2m kill db   # boom
               # an indented comment
            at 3m restore db#no space needed
            at 1.5m set ttl cache none

            """
        #expect(
            try ScriptFile.parse(text, file: "s.txt") == [
                ScheduledCommand(at: 0, command: .setUsers(1000)),
                ScheduledCommand(at: 90 * Nanos.perSecond, command: .setTTL(node: "cache", ttl: nil)),
                ScheduledCommand(at: seconds(120), command: .kill(node: "db", server: nil)),
                ScheduledCommand(at: seconds(180), command: .restore(node: "db", server: nil)),
            ])
    }

    @Test func commandsRunInTimeOrderAndTiesKeepFileOrder() throws {
        let text = "at 5m set users 3\nat 1m set users 1\nat 5m set users 4\nat 1m set users 2\nat 5m set users 5"
        let commands = try ScriptFile.parse(text, file: "s.txt")
        #expect(commands.map(\.command) == [1, 2, 3, 4, 5].map { SimCommand.setUsers($0) })
        #expect(commands.map(\.at) == [seconds(60), seconds(60), seconds(300), seconds(300), seconds(300)])
    }

    @Test func emptyScripts() throws {
        #expect(try ScriptFile.parse("", file: "s.txt").isEmpty)
        #expect(try ScriptFile.parse("# nothing yet\n\n   \n", file: "s.txt").isEmpty)
    }

    @Test func lineEndingsAndByteOrderMark() throws {
        let expected = [
            ScheduledCommand(at: seconds(1), command: .flush(node: "c")),
            ScheduledCommand(at: seconds(2), command: .flush(node: "d")),
        ]
        #expect(try ScriptFile.parse("at 1s flush c\r\nat 2s flush d\r\n", file: "s.txt") == expected)
        #expect(try ScriptFile.parse("\u{FEFF}at 1s flush c\rat 2s flush d", file: "s.txt") == expected)
        // Line numbers count CRLF once.
        #expect(
            Self.error("# one\r\n\r\nat 1s flsh c\r\n")
                == PresetError(
                    file: "s.txt", line: 3, column: 7,
                    message:
                        "unknown command \"flsh\"; expected one of: set, add, remove, scale, autoscale, breaker, flush, kill, restore, slow, partition, heal (did you mean flush?)"
                ))
    }

    @Test(arguments: [
        (
            "at 5m sett users 3", 7,
            "unknown command \"sett\"; expected one of: set, add, remove, scale, autoscale, breaker, flush, kill, restore, slow, partition, heal (did you mean set?)"
        ),
        ("kill db", 1, "at DURATION COMMAND: expected at, as in \"at 60s add replica db 2\", got \"kill\""),
        ("at", 3, "at DURATION COMMAND: expected a duration such as 250ms, 90s, 10m or 1.5h, got nothing"),
        ("at 5 kill db", 4, "at DURATION COMMAND: expected a duration such as 250ms, 90s, 10m or 1.5h, got \"5\""),
        ("at -5s kill db", 4, "at DURATION COMMAND: expected a duration such as 250ms, 90s, 10m or 1.5h, got \"-5s\""),
        (
            "at 5m", 6,
            "expected a command (set, add, remove, scale, autoscale, breaker, flush, kill, restore, slow, partition, heal), got nothing"
        ),
        (
            "at 5m # later", 6,
            "expected a command (set, add, remove, scale, autoscale, breaker, flush, kill, restore, slow, partition, heal), got nothing"
        ),
        ("at 5m kill db 1 2 # two servers?", 17, "kill NODE [SERVER]: expected the end of the command, got \"2\""),
        ("  at 1m  set users  -3", 21, "set users N: expected a number of users from 1 to 100_000_000, got \"-3\""),
        (
            "at 5m add queue app jobs", 21,
            "add queue NODE static|read|write|job [WORKERS]: expected a request class: one of static, read, write, job, "
                + "got \"jobs\" (did you mean job?)"
        ),
        (
            "at 5m add dc eu-west like us-east near eu 11s   # too far", 43,
            "add dc NAME like DC near REGION LATENCY [REGION LATENCY]...: expected a one-way latency from 0s to 10s, "
                + "such as 80ms, got \"11s\""
        ),
        (
            "at 5m add dc eu-west like us-east nearby eu 10ms", 35,
            "add dc NAME like DC near REGION LATENCY [REGION LATENCY]...: expected near, then the user region the new "
                + "data center is near, got \"nearby\" (did you mean near?)"
        ),
        (
            "at 5m add dc eu-west like us-east near eu 10ms eu 20ms", 48,
            "add dc NAME like DC near REGION LATENCY [REGION LATENCY]...: region \"eu\" is given twice; give each region one latency"
        ),
        ("at 5m remove cdn#eu", 17, "remove cdn REGION: expected a region name, got nothing"),
        ("at 5m remove lb lb app", 20, "remove lb LB: expected the end of the command, got \"app\""),
    ])
    func errorsNameTheLineAndColumn(line: String, column: Int, message: String) throws {
        let text = "# a script\nat 1s set users 10\n" + line + "\nat 9m kill db\n"
        #expect(Self.error(text) == PresetError(file: "s.txt", line: 3, column: column, message: message))
    }

    @Test func componentCommandsReadLikeEveryOther() throws {
        let text = """
            at 9m   add queue app job 32   # the consumers' workers
            at 8m   add dc eu-west like us-east near eu 10ms
            at 1m   add db app
            at 10m  remove dc eu-west
            """
        #expect(
            try ScriptFile.parse(text, file: "s.txt") == [
                ScheduledCommand(at: seconds(60), command: .addDatabase(node: "app")),
                ScheduledCommand(
                    at: seconds(480),
                    command: .addDataCenter(
                        DataCenterCopy(name: "eu-west", model: "us-east", region: "eu", latency: 10 * Nanos.perMillisecond))),
                ScheduledCommand(at: seconds(540), command: .addQueue(node: "app", requestClass: .job, workers: 32)),
                ScheduledCommand(at: seconds(600), command: .removeDataCenter("eu-west")),
            ])
    }

    @Test func theFirstBadLineIsReported() throws {
        let error = try #require(Self.error("at 1s kill db\nat 2s kil db\nat 3s restre db\n"))
        #expect(error.line == 2)
        #expect(error.description.hasPrefix("s.txt:2:7: unknown command \"kil\""))
    }

    @Test func fileNamesAndMessagesAreSafeForTerminals() throws {
        do throws(PresetError) {
            _ = try ScriptFile.parse("at 1s kill \u{1B}]0;x\u{07}", file: "evil\u{1B}.txt")
            Issue.record("a control character passed as a node id")
        } catch {
            #expect(!error.description.unicodeScalars.contains { TerminalSafe.isUnsafe($0) })
            #expect(error.file == "evil\\u{1b}.txt")
        }
    }

    // MARK: - Files

    @Test func readsFiles() throws {
        let directory = try PresetCatalogTests.TempDirectory()
        let path = try directory.write("outage.script", "at 2m kill db\nat 3m restore db\n")
        #expect(
            try ScriptFile.read(file: path) == [
                ScheduledCommand(at: seconds(120), command: .kill(node: "db", server: nil)),
                ScheduledCommand(at: seconds(180), command: .restore(node: "db", server: nil)),
            ])
        let bad = try directory.write("bad.script", "at 2m kill db\nat 3m restore\n")
        #expect(
            throws: PresetError(
                file: bad, line: 2, column: 14, message: "restore NODE [SERVER]: expected a node id, got nothing")
        ) {
            try ScriptFile.read(file: bad)
        }
    }

    @Test func unreadableFilesNameTheFile() throws {
        let directory = try PresetCatalogTests.TempDirectory()
        let missing = directory.path + "/missing.script"
        #expect(throws: PresetError(file: missing, message: "no such file")) { try ScriptFile.read(file: missing) }
        #expect(throws: PresetError(file: directory.path, message: "this is a directory, not a script file")) {
            try ScriptFile.read(file: directory.path)
        }
        let latin1 = try directory.write("latin1.script", Data("# caf".utf8) + Data([0xE9, 0x0A]))
        #expect(throws: PresetError(file: latin1, line: 1, message: "the file is not UTF-8 text")) {
            try ScriptFile.read(file: latin1)
        }
        let big = try directory.write("big.script", Data(repeating: 0x20, count: ScriptFile.maxBytes + 1))
        #expect(throws: PresetError(file: big, message: "the file is 4194305 bytes, more than the limit of 4 MiB")) {
            try ScriptFile.read(file: big)
        }
        let justRight = try directory.write("full.script", Data(repeating: 0x20, count: ScriptFile.maxBytes))
        #expect(try ScriptFile.read(file: justRight).isEmpty)
    }
}

@Suite struct PresetScriptTests {
    /// `basePreset` (17 lines) with a `script:` key from line 18.
    static func preset(_ script: String) -> String { basePreset + "\nscript:\n" + script }

    @Test func scriptItemsDecodeInTimeOrder() throws {
        let spec = try #require(
            decoded(
                Self.preset(
                    """
                      - at 6m restore db
                      - at 2m kill db        # a YAML comment
                      - "at 2m set users 200"
                      - at 1m add replica no-such-node 2   # nodes are checked when the command runs
                    """)))
        #expect(
            spec.script == [
                ScheduledCommand(at: seconds(60), command: .addReplicas(primary: "no-such-node", count: 2)),
                ScheduledCommand(at: seconds(120), command: .kill(node: "db", server: nil)),
                ScheduledCommand(at: seconds(120), command: .setUsers(200)),
                ScheduledCommand(at: seconds(360), command: .restore(node: "db", server: nil)),
            ])
    }

    @Test func noScriptIsAnEmptyScript() throws {
        #expect(try #require(decoded(basePreset)).script.isEmpty)
        #expect(try #require(decoded(basePreset + "\nscript: []")).script.isEmpty)
        #expect(try #require(decoded(basePreset + "\nscript:")).script.isEmpty)
    }

    @Test func scriptsCanBeSetFromTheCommandLine() throws {
        let spec = try #require(decoded(basePreset, overrides: ["script=[at 1m kill db, at 2m restore db]"]))
        #expect(spec.script.map(\.command) == [.kill(node: "db", server: nil), .restore(node: "db", server: nil)])
        #expect(
            decodeError(basePreset, overrides: ["script=[at 1m kil db]"])
                == PresetError(
                    file: "--set", path: "script",
                    message:
                        "unknown command \"kil\"; expected one of: set, add, remove, scale, autoscale, breaker, flush, kill, restore, slow, partition, heal (did you mean kill?)"
                ))
    }

    @Test(arguments: [
        // A plain item: the column is the offending word's.
        (
            "  - at 2m kill db\n  - at 3m kil db", 20, 11, "script[1]",
            "unknown command \"kil\"; expected one of: set, add, remove, scale, autoscale, breaker, flush, kill, restore, slow, partition, heal (did you mean kill?)"
        ),
        (
            "  - at 2m set users 0", 19, 21, "script[0]",
            "set users N: expected a number of users from 1 to 100_000_000, got \"0\""
        ),
        ("  - at 2m kill db 1 2", 19, 21, "script[0]", "kill NODE [SERVER]: expected the end of the command, got \"2\""),
        (
            "  -    kill db", 19, 8, "script[0]",
            "at DURATION COMMAND: expected at, as in \"at 60s add replica db 2\", got \"kill\""
        ),
        // A quoted item: the column is the item's.
        (
            "  - \"at 2m kil db\"", 19, 5, "script[0]",
            "unknown command \"kil\"; expected one of: set, add, remove, scale, autoscale, breaker, flush, kill, restore, slow, partition, heal (did you mean kill?)"
        ),
        (
            "  - at 2m kill db\n  - {at: 2m}", 20, 5, "script[1]",
            "expected a timed command such as \"at 60s add replica db 2\", got a mapping"
        ),
        (
            "  - at 2m kill db\n  -", 20, 4, "script[1]",
            "expected a timed command such as \"at 60s add replica db 2\", got nothing"
        ),
        (
            "  - \"# only a comment\"", 19, 5, "script[0]",
            "expected a timed command such as \"at 60s add replica db 2\", got \"# only a comment\""
        ),
        ("  - |\n    at 1m kill db\n    at 2m restore db", 19, 5, "script[0]", "expected one line of text, got several lines"),
    ])
    func itemErrorsAreLocated(script: String, line: Int, column: Int, path: String, message: String) throws {
        #expect(
            decodeError(Self.preset(script))
                == PresetError(
                    file: "test.yaml", line: line, column: column, path: path, message: message))
    }

    @Test func aScriptMustBeAList() throws {
        #expect(
            decodeError(basePreset + "\nscript: at 5m kill db")
                == PresetError(
                    file: "test.yaml", line: 18, column: 9, path: "script",
                    message: "expected a list of timed commands such as \"at 60s add replica db 2\", got \"at 5m kill db\""))
    }
}

@Suite struct ScriptDocumentationTests {
    static func document(_ name: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/" + name)
        return try String(contentsOf: url, encoding: .utf8)
    }

    @Test func everyFormIsDocumented() throws {
        let text = try Self.document("scripts.md")
        for entry in CommandGrammar.reference {
            // Inside a Markdown table, `|` is written `\|`.
            let cell = "| `" + entry.syntax.replacingOccurrences(of: "|", with: "\\|") + "` |"
            #expect(text.contains(cell), "docs/scripts.md lacks \(entry.syntax)")
        }
    }

    /// The script that grows stage 0 into stage 9 (Components) does: each minute's commands
    /// apply, and bring the design to that stage's preset.
    @Test func theStageGrowthExampleGrowsEachStage() throws {
        let text = try Self.document("scripts.md")
        let section = try #require(text.components(separatedBy: "### Growing stage 0 into stage 9").last)
        let block = try #require(section.components(separatedBy: "```script\n").dropFirst().first)
        let script = try ScriptFile.parse(try #require(block.components(separatedBy: "```").first), file: "docs/scripts.md")
        var engine = Engine(spec: try Stage.spec("00"), seed: 42)
        for minute in 1...9 {
            let commands = script.filter { $0.at == SimTime(minute) * Nanos.perMinute }
            #expect(!commands.isEmpty, "nothing at \(minute)m")
            for scheduled in commands {
                engine.run(until: engine.now + Nanos.perSecond)
                #expect(engine.execute(scheduled.command) == .applied, "\(CommandGrammar.encode(scheduled.command))")
            }
            let stage = "0\(minute)"
            let built = StageGrowthTests.Design(engine.spec), shipped = StageGrowthTests.Design(try Stage.spec(stage))
            #expect(built == shipped, "stage \(stage):\n\(built.difference(from: shipped))")
        }
        #expect(script.allSatisfy { (1...9).contains($0.at / Nanos.perMinute) && $0.at % Nanos.perMinute == 0 })
    }

    @Test func everyExampleScriptParses() throws {
        let text = try Self.document("scripts.md")
        let blocks = text.components(separatedBy: "```script\n").dropFirst()
        #expect(blocks.count >= 4)
        for block in blocks {
            let script = try #require(block.components(separatedBy: "```").first)
            #expect(try !ScriptFile.parse(script, file: "docs/scripts.md").isEmpty)
        }
    }
}
