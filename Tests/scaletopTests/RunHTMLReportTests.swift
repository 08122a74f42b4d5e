import Foundation
import Testing
import TestSupport

@Suite struct RunHTMLReportTests {
    /// Preset 00 with a script of its own, written into a fresh folder with a script file.
    func presetAndScript() throws -> (folder: URL, preset: URL, script: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("run-html-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Presets/00-single-server.yaml")
        let preset = folder.appendingPathComponent("scripted.yaml")
        try (String(contentsOf: shipped, encoding: .utf8) + "script:\n  - at 6s set users 3000\n")
            .write(to: preset, atomically: true, encoding: .utf8)
        let script = folder.appendingPathComponent("later.script")
        try "at 12s set users 1000\n".write(to: script, atomically: true, encoding: .utf8)
        return (folder, preset, script)
    }

    @Test func aRunPageHasItsChartsCommandMarksAndSummary() throws {
        let (folder, preset, script) = try presetAndScript()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("run.html")
        let result = try CLI.run([
            "run", preset.path, "--duration", "20s", "--warmup", "3s", "--script", script.path, "--report", "html",
            "--out", out.path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let page = try String(contentsOf: out, encoding: .utf8)
        for reference in ["http://", "https://", "src=", "<script", "<link"] { #expect(!page.contains(reference)) }
        let html = try XMLTree.parse(page)
        let charts = html.all("svg")
        #expect(
            charts.map { $0.all("text", class: "chart-title").first?.text } == [
                "Throughput", "Response time, end to end", "Utilization by node",
            ])
        // A point a second, in time order, for every series that has data each second.
        let throughput = charts[0].all("g", class: "series")
        #expect(throughput.compactMap { $0.attributes["data-name"] }.prefix(2) == ["arrivals", "completed"])
        for line in throughput {
            let points = try #require(line.all("polyline").first?.attributes["points"]).split(separator: " ")
            #expect(points.count == 20)
            let xs = points.map { Double($0.split(separator: ",")[0])! }
            #expect(xs == xs.sorted())
        }
        #expect(charts[2].all("g", class: "series").map { $0.attributes["data-name"] } == ["app"])
        // Tripled users from 6 s: the busy seconds after stand above the calm ones before.
        let completed = throughput[1].all("polyline")[0].attributes["points"]!.split(separator: " ").map {
            Double($0.split(separator: ",")[1])!
        }
        #expect(completed[8] < completed[3], "SVG y grows downwards: more throughput is higher up")
        for chart in charts {
            let marks = chart.all("g", class: "mark").map(\.allText)
            #expect(marks == ["warm-up ends", "6s: set users 3000", "12s: set users 1000"])
            #expect(chart.all("g", class: "x-axis")[0].all("text", class: "axis-title").map(\.text) == ["simulated time (s)"])
        }
        let headings = html.all("h2").map(\.text)
        #expect(headings == ["Over time", "End to end", "Request classes", "Nodes", "Timed commands", "Text report"])
        let tables = html.all("table")
        let nodeCells = tables[2].all("td").map(\.text)
        #expect(nodeCells.prefix(4) == ["app", "app", "us-east", "1x8"])
        #expect(tables[3].all("td").map(\.text) == ["6s", "set users 3000", "12s", "set users 1000"])
        #expect(html.all("pre").first?.text.contains("requests") == true)
    }

    @Test func aLongRunIsChartedAtCoarserSteps() throws {
        // 1,300 s is past the 1,200 points a series gets: a point every 2 seconds, 650 of them.
        let result = try CLI.run(["run", "00", "--duration", "1300s", "--report", "html"])
        #expect(result.status == 0, "\(result.stderr)")
        let html = try XMLTree.parse(result.stdout)
        #expect(html.all("p").first?.text.hasSuffix("Each point of the charts is the mean of 2 seconds.") == true)
        for chart in html.all("svg") {
            let counts = chart.all("g", class: "series").map {
                $0.all("polyline").map { $0.attributes["points"]!.split(separator: " ").count }.reduce(0, +)
            }
            #expect(counts.allSatisfy { $0 == 650 }, "\(counts)")
        }
    }

    @Test func htmlGoesToStandardOutputAndRefusesSeveralSeeds() throws {
        let result = try CLI.run(["run", "00", "--duration", "3s", "--report", "html"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("<!DOCTYPE html>"))
        #expect(try XMLTree.parse(result.stdout).all("svg").count == 3)
        let seeds = try CLI.run(["run", "00", "--duration", "3s", "--report", "html", "--seeds", "2"])
        #expect(seeds.status == 2)
        #expect(seeds.stderr.contains("--report html charts one seed's time series; drop --seeds"))
        #expect(seeds.stdout.isEmpty)
    }

    @Test func replayRefusesHTML() throws {
        let folder = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let recording = folder.appendingPathComponent("run.jsonl").path
        #expect(try CLI.run(["run", "00", "--duration", "2s", "--record", recording]).status == 0)
        let replay = try CLI.run(["replay", recording, "--headless", "--report", "html"])
        #expect(replay.status == 2)
        #expect(replay.stderr == "scaletop: --report html: replay --headless writes text, json or csv; use scaletop run\n")
        #expect(replay.stdout.isEmpty)
    }
}
