import Foundation
import Testing

@Suite struct CommandLineTests {
    @Test func helpAndVersion() throws {
        let help = try CLI.run(["--help"])
        #expect(help.status == 0)
        for command in ["run", "bench", "presets", "check"] { #expect(help.stdout.contains(command)) }
        let version = try CLI.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
    }

    @Test func usageErrorsExitWith64() throws {
        #expect(try CLI.run(["run", "00", "--no-such-flag"]).status == 64)
        #expect(try CLI.run(["run"]).status == 64)
    }

    @Test func presetsListsShippedPresetsInOrder() throws {
        let result = try CLI.run(["presets"], environment: ["XDG_DATA_HOME": try CLI.temporaryDirectory().path])
        #expect(result.status == 0)
        let names = result.stdout.split(separator: "\n").map { $0.split(separator: " ").first.map(String.init) ?? "" }
        #expect(names.first == "00-single-server")
        #expect(names.contains("bench-network"))
        let paths = try CLI.run(["presets", "--path"], environment: ["XDG_DATA_HOME": "/tmp/xdg"])
        #expect(paths.stdout.contains("/tmp/xdg/scaletop/presets"))
    }

    @Test func checkValidatesWithoutRunning() throws {
        let ok = try CLI.run(["check", "00", "bench-network"])
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("00: ok"))
    }

    @Test func aStageVariantRunsByItsNumberAndLetter() throws {
        let directory = try CLI.temporaryDirectory()
        for (number, name) in [("05v", "05v-vertical"), ("05s", "05s-sharding")] {
            let result = try CLI.run(
                ["run", number, "--duration", "2s", "--report", "json"], environment: ["XDG_DATA_HOME": directory.path])
            #expect(result.status == 0, "\(number): \(result.stderr)")
            #expect(result.stdout.contains("\"\(name)\""), "\(number)")
        }
        let check = try CLI.run(["check", "05v", "05s"], environment: ["XDG_DATA_HOME": directory.path])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("05v: ok"))
    }

    @Test func aScriptThatLoadsAPresetIsAnErrorSayingWhy() throws {
        let directory = try CLI.temporaryDirectory()
        let script = directory.appendingPathComponent("stages.script")
        try "at 1s set users 2000\nat 10s   load 03\n".write(to: script, atomically: true, encoding: .utf8)
        let result = try CLI.run(["run", "00", "--duration", "2s", "--script", script.path])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("stages.script:2:10: load starts the run over from a preset"), "\(result.stderr)")
        #expect(result.stderr.contains(": prompt"))
    }

    @Test func errorsNameTheProgramOnce() throws {
        let directory = try CLI.temporaryDirectory()
        let script = directory.appendingPathComponent("bad.script")
        try "at 1s kil db\n".write(to: script, atomically: true, encoding: .utf8)
        let record = directory.appendingPathComponent("r.jsonl").path
        #expect(try CLI.run(["run", "00", "--duration", "2s", "--record", record]).status == 0)
        // Standard input and output are not terminals here, so the dashboard and the
        // replay viewer refuse to start.
        let failures: [[String]] = [
            [], ["dashboard", "00"], ["replay", record], ["run", "no-such-preset"], ["check", "no-such-preset"],
            ["run", "00", "--duration", "soon"], ["run", "00", "--script", script.path],
        ]
        for arguments in failures {
            let result = try CLI.run(arguments, environment: ["XDG_DATA_HOME": directory.path])
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.hasPrefix("scaletop: "), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("scaletop: scaletop"), "\(arguments): \(result.stderr)")
        }
        let dashboard = try CLI.run(["dashboard", "00"])
        #expect(dashboard.stderr.hasPrefix("scaletop: the dashboard needs a terminal ("), "\(dashboard.stderr)")
    }

    @Test func benchPrintsTheReferenceLine() throws {
        let result = try CLI.run(["bench", "reference", "--runs", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        let fields = Dictionary(
            uniqueKeysWithValues: result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                .split(separator: " ").map { pair -> (String, String) in
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    return (String(parts[0]), String(parts.count > 1 ? parts[1] : ""))
                })
        #expect(fields["scenario"] == "reference")
        #expect(fields["requests"] == "2000000")
        #expect(fields["events"] == "8000000")
        #expect(fields["analytic_ms"] == "15.4669")
        let mean = try #require(Double(fields["mean_ms"] ?? ""))
        // Standard error of the mean over 2M requests is about 0.1%: 1% is ten of them.
        #expect(abs(mean / 15.4669 - 1) < 0.01)
        for key in ["wall_s", "events_per_s", "req_per_s", "rss_mib"] { #expect(fields[key] != nil) }
    }
}
