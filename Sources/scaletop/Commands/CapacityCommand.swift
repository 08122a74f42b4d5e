import ArgumentParser
import Foundation
import ScaleFiles
import ScaleSim

/// `scaletop capacity PRESET --slo p99<200ms`: the largest number of users the design
/// carries within its objectives, found by a search over the users, or the curve over a
/// `--sweep` (docs/capacity.md).
struct CapacityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capacity",
        abstract: "Find how many users a design carries within its objectives."
    )

    @Argument(help: "A preset: a file, a stage number (03, 05v) or a name.")
    var preset: String

    @Option(name: .customLong("slo"), help: "An objective, e.g. 'p99<200ms' or 'errors<0.1%'; repeat for more.")
    var objectives: [String] = []

    @Option(help: "Seeds run at each load (seed, seed+1, ...); the objectives hold the means.")
    var seeds = 3

    @Option(name: .customLong("max-users"), help: "The largest load the search tries.")
    var maxUsers = 10_000_000

    @Option(help: "Simulated time of each run, warm-up included, e.g. 11m.")
    var duration = "11m"

    @Option(help: "Leave the first part of each run out of the figures.")
    var warmup = "60s"

    @Option(help: "First random seed (default: the preset's).")
    var seed: UInt64?

    @Option(name: .customLong("set"), help: "Override a preset value by path, e.g. nodes.app.servers=30.")
    var overrides: [String] = []

    @Option(help: "Run the loads LOW..HIGH (e.g. 1000..100000) instead of searching.")
    var sweep: String?

    @Option(help: "How many loads --sweep runs, evenly spaced.")
    var points = 10

    @Option(help: "Report format: text (with text charts on a terminal), json, csv (the curve), or html (a page with charts).")
    var report: RunCommand.ReportFormat = .text

    @Option(help: "Write the report to this file instead of standard output.")
    var out: String?

    @Flag(help: "Overwrite the --out file if it exists.")
    var force = false

    func run() throws {
        guard !objectives.isEmpty else { throw badInput("--slo: give at least one objective, such as --slo 'p99<200ms'") }
        var parsed: [Objective] = []
        for text in objectives {
            do { parsed.append(try Objective(parsing: text)) } catch { throw badInput("--slo: " + error.message) }
        }
        let length = try parseDuration(duration, option: "--duration")
        let warmupLength = try parseDuration(warmup, option: "--warmup")
        guard length > 0 else { throw badInput("--duration: must be longer than zero") }
        guard warmupLength < length else { throw badInput("--warmup (\(warmup)) must be shorter than --duration (\(duration))") }
        guard (1...1000).contains(seeds) else { throw badInput("--seeds: expected 1 to 1000, got \(seeds)") }
        guard maxUsers >= 1 else { throw badInput("--max-users: expected at least 1, got \(maxUsers)") }
        guard (2...1000).contains(points) else { throw badInput("--points: expected 2 to 1000, got \(points)") }
        let loads = try sweep.map(sweepLoads)
        let loaded = try loadPreset(preset, overrides: overrides)
        let inputs =
            inputIdentities([(loaded.source.isShipped ? nil : loaded.source.origin, "the preset file")])
            + (out == nil ? standardOutputIdentity() : [])
        let output = try Output(path: out, force: force, avoiding: inputs)
        do {
            let firstSeed = seed ?? loaded.spec.seed
            let seedList = (0..<seeds).map { firstSeed &+ UInt64($0) }
            let evaluate = { (users: Int) -> (meets: Bool, measured: CapacityMeasure) in
                var spec = loaded.spec
                spec.workload.users = users
                let reports = RunCommand.runSeeds(
                    spec: spec, seeds: seedList, length: length, warmup: warmupLength, script: [],
                    keyTrace: loaded.keyTrace
                ).map { RunReport(summary: $0, preset: loaded.name).json }
                return CapacityMeasure.evaluate(reports: reports, objectives: parsed)
            }
            let outcome: CapacitySearch.Outcome?
            let walked: [CapacityReport.Point]
            if let loads {
                outcome = nil
                walked = loads.map { users in
                    let (meets, measured) = evaluate(users)
                    return CapacityReport.Point(users: users, meets: meets, measured: measured)
                }
            } else {
                let walk = CapacitySearch(start: loaded.spec.workload.users, maxUsers: maxUsers).run { evaluate($0) }
                outcome = walk.outcome
                walked = walk.points
            }
            let result = CapacityReport(
                preset: TerminalSafe.text(loaded.name.verbatim), objectives: parsed, seeds: seedList, duration: length,
                warmup: warmupLength, maxUsers: maxUsers, outcome: outcome, points: walked)
            switch report {
            case .text:
                try output.write(result.text)
                try output.write(ChartOutput.terminalCharts(result.charts, reportGoesToStandardOutput: out == nil))
            case .json: try output.write(result.json.encoded() + "\n")
            case .csv: try output.write(result.csv)
            case .html:
                try output.write(
                    ChartOutput.page(title: "scaletop capacity: \(result.preset)", text: result.text, charts: result.charts))
            }
            try output.finish()
        } catch {
            output.discard()
            throw error
        }
    }

    /// The loads of `--sweep LOW..HIGH` with `--points`, or exit status 2.
    func sweepLoads(_ text: String) throws -> [Int] {
        let bounds = text.split(separator: "..", omittingEmptySubsequences: false).map {
            Int($0.replacingOccurrences(of: "_", with: ""))
        }
        guard bounds.count == 2, let low = bounds[0], let high = bounds[1] else {
            throw badInput("--sweep: expected LOW..HIGH users, such as 1000..100000, got \(TerminalSafe.quoted(text))")
        }
        guard low >= 1 && low < high else {
            throw badInput("--sweep: expected 1 <= LOW < HIGH, got \(TerminalSafe.quoted(text))")
        }
        return CapacitySearch.sweep(from: low, to: high, count: points)
    }
}
