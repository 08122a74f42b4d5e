import Foundation
import Testing

/// `scaletop compare` and `scaletop capacity` as a user runs them: their answers, their
/// formats and their refusals (docs/compare.md, docs/capacity.md).
@Suite struct CompareCapacityCommandTests {
    @Test func comparingAPresetWithItselfShowsNoDifference() throws {
        let result = try CLI.run(["compare", "00", "00", "--seeds", "3", "--duration", "4s", "--warmup", "1s"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("A: 00-single-server\nB: 00-single-server\n"))
        #expect(result.stdout.contains("seeds 42,43,44"))
        let p99 = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("p99 ms") })
        #expect(p99.hasSuffix("0.00±0.00"), "\(p99)")
        #expect(!result.stdout.contains("*\n"))
    }

    @Test func aChangeThatMattersIsMarked() throws {
        let result = try CLI.run([
            "compare", "00", "00", "--set-b", "nodes.app.workers=5", "--seeds", "5", "--duration", "20s", "--warmup", "2s",
            "--report", "csv",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first == "metric,unit,a_mean,a_ci95,b_mean,b_ci95,difference_mean,difference_ci95,independent_ci95,differs")
        let mean = try #require(lines.first { $0.hasPrefix("mean_ms,") }).split(separator: ",")
        // Five workers instead of eight at half the load: requests queue longer.
        #expect(try #require(Double(mean[6])) > 10)
        #expect(mean[9] == "true")
        let json = try CLI.run([
            "compare", "00", "00", "--set-b", "nodes.app.workers=16", "--seeds", "2", "--duration", "3s", "--warmup", "1s",
            "--report", "json",
        ])
        let top = try CLI.json(json.stdout)
        #expect(top["b"] as? String == "00-single-server --set nodes.app.workers=16")
        #expect((top["rows"] as? [Any])?.isEmpty == false)
    }

    @Test func capacityAnswersPlainlyWhenThereIsNoKnee() throws {
        let meets = try CLI.run([
            "capacity", "00", "--slo", "p99<2s", "--max-users", "1500", "--seeds", "1", "--duration", "5s", "--warmup", "1s",
        ])
        #expect(meets.status == 0, "\(meets.stderr)")
        #expect(meets.stdout.contains("meets p99<2s at every load up to 1,500 users\n"))
        let fails = try CLI.run([
            "capacity", "00", "--slo", "p99<1ms", "--seeds", "1", "--duration", "3s", "--warmup", "1s",
        ])
        #expect(fails.status == 0, "\(fails.stderr)")
        #expect(fails.stdout.contains("even at 1 user\n"), "\(fails.stdout)")
    }

    @Test func aSweepWritesTheCurve() throws {
        let result = try CLI.run([
            "capacity", "00", "--slo", "errors<1%", "--sweep", "500..4000", "--points", "4", "--seeds", "1",
            "--duration", "30s", "--warmup", "5s", "--report", "csv",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let users = result.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[0] }
        #expect(users == ["500", "1667", "2833", "4000"])
        #expect(result.stdout.contains(",app,"))
    }

    @Test(arguments: [
        (["capacity", "00", "--slo", "p99<"], "--slo: \"p99<\": the limit is missing"),
        (["capacity", "00", "--slo", "p101<5ms"], "unknown measure \"p101\""),
        (["capacity", "00", "--slo", "errors<200%"], "at most 100%"),
        (["capacity", "00"], "--slo: give at least one objective"),
        (["capacity", "00", "--slo", "p99<1s", "--seeds", "0"], "--seeds: expected 1 to 1000, got 0"),
        (["capacity", "00", "--slo", "p99<1s", "--sweep", "100..1000", "--points", "1"], "--points: expected 2 to 1000, got 1"),
        (["capacity", "00", "--slo", "p99<1s", "--sweep", "5000..1000"], "--sweep: expected 1 <= LOW < HIGH"),
        (["capacity", "00", "--slo", "p99<1s", "--sweep", "lots"], "--sweep: expected LOW..HIGH users"),
        (["compare", "00", "00", "--seeds", "0"], "--seeds: expected 1 to 1000, got 0"),
        (["compare", "00", "00", "--set-b", "nodes.nope.servers=2"], "nope"),
        (["compare", "00", "no-such-preset"], "no-such-preset"),
    ])
    func badInputGetsOneMessageAndStatusTwo(_ arguments: [String], _ message: String) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func nothingIsWrittenOverWithoutForce() throws {
        let directory = try CLI.temporaryDirectory()
        let file = directory.appendingPathComponent("compare.json")
        try Data("keep".utf8).write(to: file)
        let refused = try CLI.run([
            "compare", "00", "00", "--seeds", "1", "--duration", "2s", "--warmup", "0s", "--out", file.path,
        ])
        #expect(refused.status == 2)
        #expect(try String(contentsOf: file, encoding: .utf8) == "keep")
        let forced = try CLI.run([
            "compare", "00", "00", "--seeds", "1", "--duration", "2s", "--warmup", "0s", "--out", file.path, "--force",
        ])
        #expect(forced.status == 0)
        #expect(try String(contentsOf: file, encoding: .utf8).hasPrefix("scaletop compare: seed 42"))
    }
}
