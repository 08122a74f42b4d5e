import ArgumentParser
import Foundation
import ScaleFiles
import ScaleSim

/// `scaletop compare A B`: runs two designs on the same seeds and reports each figure side
/// by side with the paired difference B − A (docs/compare.md).
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two designs on the same traffic, with confidence intervals."
    )

    @Argument(help: "Design A: a preset file, a stage number (03, 05v) or a name.")
    var a: String

    @Argument(help: "Design B: a preset, or the same preset as A with --set-b changes.")
    var b: String

    @Option(help: "Seeds to run (seed, seed+1, ...); both designs run every one.")
    var seeds = 5

    @Option(help: "Simulated time of each run, e.g. 90s, 10m.")
    var duration = "60s"

    @Option(help: "Leave the first part of each run out of the figures, e.g. 10s.")
    var warmup = "10s"

    @Option(help: "First random seed (default: A's).")
    var seed: UInt64?

    @Option(name: .customLong("set-a"), help: "Override a value of design A by path, e.g. nodes.app.servers=25.")
    var setA: [String] = []

    @Option(name: .customLong("set-b"), help: "Override a value of design B by path, e.g. nodes.app.servers=25.")
    var setB: [String] = []

    @Option(help: "Report format: text (with text charts on a terminal), json, csv, or html (a page with charts).")
    var report: RunCommand.ReportFormat = .text

    @Option(help: "Write the report to this file instead of standard output.")
    var out: String?

    @Flag(help: "Overwrite the --out file if it exists.")
    var force = false

    func run() throws {
        let length = try parseDuration(duration, option: "--duration")
        let warmupLength = try parseDuration(warmup, option: "--warmup")
        guard length > 0 else { throw badInput("--duration: must be longer than zero") }
        guard warmupLength < length else { throw badInput("--warmup (\(warmup)) must be shorter than --duration (\(duration))") }
        guard (1...1000).contains(seeds) else { throw badInput("--seeds: expected 1 to 1000, got \(seeds)") }
        let loadedA = try loadPreset(a, overrides: setA)
        let loadedB = try loadPreset(b, overrides: setB)
        let inputs =
            inputIdentities([
                (loadedA.source.isShipped ? nil : loadedA.source.origin, "preset A"),
                (loadedB.source.isShipped ? nil : loadedB.source.origin, "preset B"),
            ]) + (out == nil ? standardOutputIdentity() : [])
        let output = try Output(path: out, force: force, avoiding: inputs)
        do {
            let firstSeed = seed ?? loadedA.spec.seed
            let seedList = (0..<seeds).map { firstSeed &+ UInt64($0) }
            let comparison = Comparison(
                designA: Self.name(loadedA, setA), designB: Self.name(loadedB, setB), seeds: seedList,
                a: Self.reports(loadedA, seeds: seedList, length: length, warmup: warmupLength),
                b: Self.reports(loadedB, seeds: seedList, length: length, warmup: warmupLength))
            let result = ComparisonReport(comparison: comparison, duration: length, warmup: warmupLength)
            switch report {
            case .text:
                try output.write(result.text)
                try output.write(ChartOutput.terminalCharts(result.charts, reportGoesToStandardOutput: out == nil))
            case .json: try output.write(result.json.encoded() + "\n")
            case .csv: try output.write(result.csv)
            case .html:
                try output.write(
                    ChartOutput.page(
                        title: "scaletop compare: \(comparison.designA) against \(comparison.designB)", text: result.text,
                        charts: result.charts))
            }
            try output.finish()
        } catch {
            output.discard()
            throw error
        }
    }

    /// The design as the report names it: the preset, then its changes.
    static func name(_ loaded: LoadedPreset, _ changes: [String]) -> String {
        ([TerminalSafe.text(loaded.name.verbatim)] + changes.map { "--set " + TerminalSafe.text($0) }).joined(separator: " ")
    }

    /// One report per seed, in seed order, each seed on its own core.
    static func reports(_ loaded: LoadedPreset, seeds: [UInt64], length: SimTime, warmup: SimTime) -> [JSONValue] {
        RunCommand.runSeeds(
            spec: loaded.spec, seeds: seeds, length: length, warmup: warmup, script: [], keyTrace: loaded.keyTrace
        ).map { RunReport(summary: $0, preset: loaded.name).json }
    }
}
