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

    @Test func benchPrintsTheReferenceLine() throws {
        let result = try CLI.run(["bench", "reference", "--runs", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        let fields = Dictionary(uniqueKeysWithValues: result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
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
