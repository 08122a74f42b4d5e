import ArgumentParser
import Foundation
import ScaleFiles
import ScaleSim

/// `scaletop bench`: times the engine on fixed scenarios; one key=value line each.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract:
            "Measure the engine (docs/benchmark.md). Scenarios: reference (the reference queueing network against its analytic mean), ten-million-users (the preset of that name; stage9 is its old name), twenty-million-users (the preset of that name, a million requests/s), cache (one 1M-entry cache per policy), render (the dashboard's frame, key and CPU costs), replay (ten-million-users replayed against run; an hour's file size). Only when named: global (the preset of that name, a million requests/s over four data centers), presets (300 s of each shipped preset), soak (3 simulated hours of a million users, memory at 10 min and at the end). With --c-baseline PATH, reference runs the C reference program at PATH in turns with the engine and adds the ratio of their events/s."
    )

    @Argument(help: "Scenarios to run (default: all).")
    var scenarios: [String] = []

    @Flag(help: "Print the results as a JSON array instead of lines.")
    var json = false

    @Option(help: "Runs per scenario; the median is reported.")
    var runs = 5

    @Option(help: "Simulated time of the soak scenario, at least 10m.")
    var soakDuration = "3h"

    @Option(
        help: ArgumentHelp(
            "The C reference program (docs/benchmark.md): reference runs it as 'PATH 2000000 1 rand' in turns with the engine, --runs times each, and adds c_events_per_s and c_ratio from the best run of each.",
            valueName: "path"))
    var cBaseline: String?

    @Option(help: "How long one run of the C baseline may take before it is stopped.")
    var cBaselineTimeout = "60s"

    @Option(
        help: ArgumentHelp(
            "The big presets' scenarios run the partitioned engine (docs/architecture.md, Windows and messages) on this many threads (1 to 1024), then on 1 thread, and add the parallel efficiency; without it they run in one engine.",
            valueName: "n"))
    var threads: String?

    static let all = ["reference", "ten-million-users", "twenty-million-users", "cache", "render", "replay"]
    /// Scenarios run only when named: each takes minutes.
    static let onRequest = ["global", "presets", "soak"]
    /// Old names still accepted, so scripts written with them go on working.
    static let aliases = ["stage9": "ten-million-users"]

    func run() throws {
        let chosen = scenarios.isEmpty ? Self.all : scenarios
        for name in chosen where !(Self.all + Self.onRequest).contains(Self.aliases[name] ?? name) {
            throw badInput(
                "bench: unknown scenario '\(TerminalSafe.text(name))'; known: \((Self.all + Self.onRequest).joined(separator: ", "))"
            )
        }
        guard runs >= 1 else { throw badInput("--runs: expected at least 1, got \(runs)") }
        let baselineTimeout = try parseDuration(cBaselineTimeout, option: "--c-baseline-timeout")
        let threadCount = try threads.map(Self.threadCount)
        let partitionable = ["ten-million-users", "twenty-million-users", "global"]
        if threadCount != nil && !chosen.contains(where: { partitionable.contains(Self.aliases[$0] ?? $0) }) {
            throw badInput("--threads: it applies to \(partitionable.joined(separator: ", ")), none of which is asked for")
        }
        // The C program is looked at now: a bad path ends the command before any scenario runs.
        let baseline = try cBaseline.map { path in
            guard chosen.contains("reference") else {
                throw badInput("--c-baseline: it is compared with the reference scenario, which is not among those asked for")
            }
            return try CBaseline(path: path, timeout: baselineTimeout)
        }
        let output = Output(standardOutputFor: "the results")
        var results: [BenchResult] = []
        for name in chosen {
            let scenarioResults: [BenchResult]
            switch Self.aliases[name] ?? name {
            case "ten-million-users", "twenty-million-users", "global":
                let preset = Self.aliases[name] ?? name
                scenarioResults = [
                    try threadCount.map { try partitionedScenario(preset: preset, named: name, threads: $0) }
                        ?? millionsOfUsersScenario(preset: preset, named: name)
                ]
            case "cache": scenarioResults = cacheScenarios()
            case "render": scenarioResults = [try renderScenario()]
            case "replay": scenarioResults = [try replayScenario()]
            case "presets": scenarioResults = try presetScenarios()
            case "soak": scenarioResults = [try soakScenario()]
            default: scenarioResults = [try reference(against: baseline)]
            }
            for result in scenarioResults where !json { try output.line(result.line) }
            // Each scenario takes a while: its lines go out as it ends.
            try output.flush()
            results += scenarioResults
        }
        if json { try output.line(JSONValue.array(results.map(\.json)).encoded()) }
        try output.finish()
    }

    /// The number `--threads` gives: a whole number from 1 to `PartitionedEngine.maxThreads`.
    static func threadCount(_ text: String) throws -> Int {
        guard let count = Int(text), (1...PartitionedEngine.maxThreads).contains(count) else {
            throw badInput(
                "--threads: expected a whole number from 1 to \(PartitionedEngine.maxThreads), got '\(TerminalSafe.text(text))'")
        }
        return count
    }

    /// The reference network (docs/benchmark.md), random routing: 2,000,000 requests, drained.
    /// With a C `baseline`, each run of the engine follows one of the baseline, and the line
    /// adds the best of each side and their ratio.
    func reference(against baseline: CBaseline?) throws -> BenchResult {
        var spec = try loadPreset("bench-network").spec
        let requests = 2_000_000
        spec.workload.requestLimit = requests
        var walls: [Double] = []
        var summary: RunSummary?
        var baselineRates: [Double] = []
        for _ in 0..<runs {
            if let baseline { baselineRates.append(try baseline.eventsPerSecond()) }
            var engine = Engine(spec: spec)
            let clock = ContinuousClock()
            let start = clock.now
            engine.runUntilDrained()
            let elapsed = clock.now - start
            walls.append(elapsed.seconds)
            summary = engine.summary()
        }
        let wall = walls.sorted()[walls.count / 2]
        let completed = summary?.endToEnd.counts.completed ?? 0
        let analytic = QueueingTheory.jacksonResponse(spec).map { $0 * 1000 }
        var comparison: [(String, BenchResult.Value)] = []
        if let baselineBest = baselineRates.max(), let bestWall = walls.min() {
            let best = Double(4 * completed) / bestWall
            comparison = [
                ("best_events_per_s", .int(Int(best))),
                ("c_events_per_s", .int(Int(baselineBest))),
                ("c_ratio", .double(best / baselineBest, digits: 3)),
            ]
        }
        var result = BenchResult(fields: [
            ("scenario", .string("reference")),
            ("requests", .int(completed)),
            ("events", .int(4 * completed)),
            ("wall_s", .double(wall, digits: 3)),
            ("events_per_s", .int(Int(Double(4 * completed) / wall))),
            ("req_per_s", .int(Int(Double(completed) / wall))),
            ("mean_ms", .double((summary?.endToEnd.meanLatency ?? .nan) / 1e6, digits: 4)),
            ("analytic_ms", .double(analytic ?? .nan, digits: 4)),
            ("rss_mib", .int(ResourceUsage.peakResidentMiB())),
        ])
        // Every line ends with rss_mib.
        result.fields.insert(contentsOf: comparison, at: result.fields.count - 1)
        return result
    }
}

/// One scenario's figures, printable as a key=value line or a JSON object.
struct BenchResult {
    enum Value {
        case string(String)
        case int(Int)
        case double(Double, digits: Int)
    }

    var fields: [(String, Value)]

    var line: String {
        fields.map { key, value in
            switch value {
            case .string(let s): "\(key)=\(s)"
            case .int(let i): "\(key)=\(i)"
            case .double(let d, let digits): "\(key)=\(String(format: "%.\(digits)f", d))"
            }
        }.joined(separator: " ")
    }

    var json: JSONValue {
        .object(
            Dictionary(
                uniqueKeysWithValues: fields.map { key, value in
                    switch value {
                    case .string(let s): (key, JSONValue.string(s))
                    case .int(let i): (key, JSONValue.int(i))
                    case .double(let d, _): (key, JSONValue.number(d))
                    }
                }))
    }
}

/// Reads this process's memory use from /proc (Linux).
enum ResourceUsage {
    /// Resident set size now in MiB (VmRSS), 0 where /proc is missing.
    static func residentMiB() -> Int { statusMiB("VmRSS:") }

    /// Peak resident set size in MiB (VmHWM), 0 where /proc is missing.
    static func peakResidentMiB() -> Int { statusMiB("VmHWM:") }

    /// A `/proc/self/status` field given in kB, rounded up to MiB.
    private static func statusMiB(_ field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(field) {
            let kib = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return (kib + 1023) / 1024
        }
        return 0
    }
}
