import Foundation
import Testing

/// Figures that must not move: reports of every shipped preset and recordings made in the
/// dashboard, kept in Fixtures/ since before the restructuring of docs/architecture.md.
///
/// A report matches its fixture byte for byte once keys added since some fixtures were made
/// are taken out of both where they hold nothing (`rejected: 0`). A change that moves a figure on purpose bumps
/// `Engine.revision` and re-records the fixtures with `SCALETOP_RECORD_FIXTURES=1`; old
/// recordings then say which revision made them (docs/replay.md).
@Suite struct FixtureTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let recording = ProcessInfo.processInfo.environment["SCALETOP_RECORD_FIXTURES"] == "1"

    /// Every shipped preset, by the name `scaletop run` takes.
    static let presets = [
        "00", "01", "02", "03", "04", "05", "05s", "05v", "06", "07", "08", "09",
        "bench-network", "million-users", "ten-million-users",
    ]
    /// Presets whose 120 s reports are also kept over three seeds.
    static let seededPresets = ["03", "05", "08"]
    static let recordings = ["dashboard-05", "dashboard-08"]

    /// Report keys added after the fixtures were made, each with the value it holds when the
    /// feature it reports is unused: alone, and as `--seeds` merges it.
    static let addedKeys = [#""rejected":0"#, #""rejected":{"ci95":0,"mean":0}"#]

    /// `report` without the added keys that hold their unused value: the key and the comma
    /// that joins it to its neighbour, when the value ends there.
    static func withoutAddedKeys(_ report: String) -> String {
        addedKeys.reduce(report) { text, key in
            text.replacingOccurrences(of: key + ",", with: "")
                .replacingOccurrences(of: "," + key + "}", with: "}")
                .replacingOccurrences(of: "{" + key + "}", with: "{}")
        }
    }

    /// `report` with the scaletop version that made it left out: a version is no figure, and
    /// it names the commit of the build (`0.2.0 (abc1234)`), which moves with every commit.
    static func withoutVersion(_ report: String) -> String {
        report.replacing(#/"scaletop_version":"[^"]*"/#, with: #""scaletop_version":"""#)
    }

    /// Compares `report` with the fixture `name`, or writes it there when re-recording.
    static func check(_ report: String, against name: String) throws {
        let file = folder.appendingPathComponent("reports/\(name).json")
        if recording {
            try report.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let fixture = try String(contentsOf: file, encoding: .utf8)
        #expect(
            withoutVersion(withoutAddedKeys(report)) == withoutVersion(withoutAddedKeys(fixture)),
            "\(name): the report differs from Fixtures/reports/\(name).json")
    }

    @Test func theWithoutAddedKeysFilterTakesOutOnlyUnusedKeys() {
        #expect(Self.withoutAddedKeys(#"{"a":1,"rejected":0,"b":2}"#) == #"{"a":1,"b":2}"#)
        #expect(Self.withoutAddedKeys(#"{"rejected":0,"b":2}"#) == #"{"b":2}"#)
        #expect(Self.withoutAddedKeys(#"{"a":1,"rejected":0}"#) == #"{"a":1}"#)
        #expect(Self.withoutAddedKeys(#"{"a":1,"rejected":3}"#) == #"{"a":1,"rejected":3}"#)
        #expect(Self.withoutAddedKeys(#"{"a":1,"rejected":0.5}"#) == #"{"a":1,"rejected":0.5}"#)
        #expect(Self.withoutAddedKeys(#"{"a":1,"rejected":0.5,"b":2}"#) == #"{"a":1,"rejected":0.5,"b":2}"#)
        #expect(Self.withoutAddedKeys(#"{"a":{"rejected":0},"b":[{"x":1,"rejected":0}]}"#) == #"{"a":{},"b":[{"x":1}]}"#)
        #expect(Self.withoutAddedKeys(#"{"a":1,"rejected":{"ci95":0,"mean":0},"b":2}"#) == #"{"a":1,"b":2}"#)
        #expect(
            Self.withoutAddedKeys(#"{"a":1,"rejected":{"ci95":1.5,"mean":3}}"#) == #"{"a":1,"rejected":{"ci95":1.5,"mean":3}}"#)
    }

    @Test func theWithoutVersionFilterTakesOutOnlyTheVersion() {
        #expect(
            Self.withoutVersion(#"{"a":1,"scaletop_version":"0.2.0 (abc1234)","b":2}"#)
                == Self.withoutVersion(#"{"a":1,"scaletop_version":"0.1.0","b":2}"#))
        #expect(Self.withoutVersion(#"{"a":1,"scaletop_version":"0.1.0","b":2}"#) == #"{"a":1,"scaletop_version":"","b":2}"#)
        #expect(Self.withoutVersion(#"{"a":1,"b":"0.1.0"}"#) == #"{"a":1,"b":"0.1.0"}"#)
    }

    /// The one engine's figures (engine revision 7, the same as 3 for every preset alone):
    /// the partitioned engine, which runs a system of several partitions by default, is held
    /// to them in RunThreadsTests.
    @Test(arguments: presets)
    func presetReportsKeepEveryFigure(preset: String) throws {
        let result = try CLI.run(["run", preset, "--duration", "120s", "--warmup", "20s", "--report", "json", "--one-engine"])
        #expect(result.status == 0, "\(result.stderr)")
        try Self.check(result.stdout, against: preset)
    }

    @Test(arguments: seededPresets)
    func seedAggregatesKeepEveryFigure(preset: String) throws {
        let result = try CLI.run(
            ["run", preset, "--duration", "120s", "--warmup", "20s", "--seeds", "3", "--report", "json", "--one-engine"])
        #expect(result.status == 0, "\(result.stderr)")
        try Self.check(result.stdout, against: "\(preset)-seeds3")
    }

    /// A recording made in the dashboard verifies and replays to its report, or, once the
    /// engine revision has moved past the one it was recorded with, says so (exit 3).
    @Test(arguments: recordings)
    func dashboardRecordingsVerify(name: String) throws {
        let file = Self.folder.appendingPathComponent("recordings/\(name).jsonl")
        let result = try CLI.run(["replay", file.path, "--headless", "--verify", "--report", "json"])
        let header = try CLI.json(String(try String(contentsOf: file, encoding: .utf8).prefix { $0 != "\n" }))
        let recorded = try #require(header["engine_revision"] as? Int)
        if result.status == 3 {
            #expect(result.stderr.contains("recorded with engine revision \(recorded)"), "\(result.stderr)")
            #expect(!result.stderr.contains("simulates revision \(recorded);"))
            return
        }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("verified"), "\(result.stderr)")
        try Self.check(result.stdout, against: name)
    }
}
