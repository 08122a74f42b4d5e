import ArgumentParser
import Foundation
import ScaleFiles
import ScaleSim

/// `scaletop run PRESET`: simulates headless, as fast as possible, and prints a report.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a preset headless and print a report."
    )

    enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json, csv, html
    }

    @Argument(help: "A preset: a file, a stage number (03, 05v) or a name.")
    var preset: String

    @Option(help: "Simulated time to run, e.g. 90s, 10m, 1.5h.")
    var duration = "60s"

    @Option(help: "Random seed (default: the preset's).")
    var seed: UInt64?

    @Option(name: .customLong("set"), help: "Override a preset value by path, e.g. workload.users=2000000.")
    var overrides: [String] = []

    @Option(help: "Apply the timed commands of this script file (docs/scripts.md) besides the preset's own.")
    var script: String?

    @Option(help: "Report format: text, json, csv (a per-second series), or html (a page with charts over time).")
    var report: ReportFormat = .text

    @Option(help: "Write the report to this file instead of standard output.")
    var out: String?

    @Option(help: "Record the run to this replay file (docs/replay.md).")
    var record: String?

    @Flag(help: "Overwrite the --out or --record file if it exists.")
    var force = false

    @Option(help: "Leave the first part of the run out of the statistics, e.g. 30s.")
    var warmup = "0s"

    @Option(help: "Run this many seeds (seed, seed+1, ...) and report means with 95% confidence intervals.")
    var seeds = 1

    @Option(
        help: ArgumentHelp(
            "Simulate a system of several partitions (groups of data centers) on this many threads (1 to 1024; default: one per core); the report is the same on any number (docs/architecture.md, Windows and messages).",
            valueName: "n"))
    var threads: String?

    @Flag(
        help:
            "Simulate in one engine on one core (engine revision \(Engine.revision)), as before partitions; the default runs a system of several partitions partitioned."
    )
    var oneEngine = false

    func run() throws {
        let length = try parseDuration(duration, option: "--duration")
        let warmupLength = try parseDuration(warmup, option: "--warmup")
        guard length > 0 else { throw badInput("--duration: must be longer than zero") }
        guard warmupLength < length else { throw badInput("--warmup (\(warmup)) must be shorter than --duration (\(duration))") }
        guard (1...1000).contains(seeds) else { throw badInput("--seeds: expected 1 to 1000, got \(seeds)") }
        if report == .csv && seeds > 1 { throw badInput("--report csv writes one seed's time series; drop --seeds") }
        if report == .html && seeds > 1 { throw badInput("--report html charts one seed's time series; drop --seeds") }
        if oneEngine && threads != nil { throw badInput("--one-engine and --threads: choose one") }
        let threadCount = try threads.map(BenchCommand.threadCount) ?? SystemRun.defaultThreads
        let loaded = try loadPreset(preset, overrides: overrides)
        let spec = loaded.spec
        let extra = try script.map(loadScript) ?? []
        let partitionThreads =
            oneEngine ? nil : Self.partitionThreads(threadCount, loaded: loaded, script: extra, asked: threads != nil)
        let firstSeed = seed ?? spec.seed
        // Neither output may be an input, the other one, or standard output's file when the
        // report goes there (docs/reports.md).
        let inputs =
            inputIdentities([
                (loaded.source.isShipped ? nil : loaded.source.origin, "the preset file"), (script, "the script"),
                (spec.workload.keys.trace.map(loaded.source.tracePath), "the key trace"),
            ]) + (out == nil ? standardOutputIdentity() : [])
        try refuseSameFiles(outputs: [(record, "--record"), (out, "--out")], inputs: inputs)
        let recorder = try record.map { path in
            try RunRecorder(
                path: path, force: force, loaded: loaded, seed: firstSeed, seeds: seeds, warmup: warmupLength,
                length: length, script: extra,
                engineRevision: partitionThreads == nil ? Engine.revision : Engine.partitionedRevision, avoiding: inputs)
        }
        let output: Output
        do {
            var avoided = inputs
            if let identity = recorder?.identity, let record {
                avoided.append((identity, "the --record file \(TerminalSafe.text(record))"))
            }
            output = try Output(path: out, force: force, avoiding: avoided)
        } catch {
            recorder?.discard()
            throw error
        }
        do {
            try write(
                loaded: loaded, length: length, warmup: warmupLength, seed: firstSeed, script: extra, threads: partitionThreads,
                into: output, recorder: recorder)
            try recorder?.close()
            try output.finish()
        } catch {
            // A failed run leaves no file it created; one that was there before stays.
            recorder?.discard()
            output.discard()
            throw error
        }
    }

    /// Runs and writes the report to `output`, and the recording to `recorder`: in partitions
    /// on `threads` threads when given.
    private func write(
        loaded: LoadedPreset, length: SimTime, warmup: SimTime, seed firstSeed: UInt64, script extra: [ScheduledCommand],
        threads: Int?, into output: Output, recorder: RunRecorder?
    ) throws {
        let spec = loaded.spec
        if report == .csv || report == .html || recorder != nil {
            var timeline = RunTimeline(duration: length)
            if report == .csv { try output.write(CSVReport.header + "\n") }
            let run = SystemRun(
                Engine(spec: spec, seed: firstSeed, warmup: warmup, keyTrace: loaded.keyTrace), threads: threads)
            try run.run(
                until: length, applying: extra,
                onSecond: { run in
                    if report == .csv {
                        let rows = CSVReport.rows(for: run.simulationSnapshot(historyLimit: 0))
                        try output.write(rows.map { $0 + "\n" }.joined())
                    }
                    if report == .html { timeline.record(run.simulationSnapshot(historyLimit: 0)) }
                    try recorder?.write(.checkpoint(of: run))
                },
                onCommand: { scheduled in
                    try recorder?.write(command: scheduled)
                })
            try recorder?.write(.end(of: run))
            let summary = run.summary()
            let json = RunReport(summary: summary, preset: loaded.name).json
            if report == .html {
                // The marks in the engine's order: by time, the preset's commands first at equal times.
                let commands = (spec.script + extra).enumerated().sorted {
                    ($0.element.at, $0.offset) < ($1.element.at, $1.offset)
                }
                .map(\.element)
                try output.write(
                    RunHTMLReport.document(
                        report: json, timeline: timeline, commands: commands, warmup: warmup, duration: length))
            } else if report != .csv {
                try output.write(render(json))
            }
            return
        }

        let seedList = (0..<seeds).map { firstSeed &+ UInt64($0) }
        let summaries: [RunSummary]
        if let threads {
            // Seeds one after another, each on every thread asked for.
            summaries = seedList.map { seed in
                let run = SystemRun(
                    Engine(spec: spec, seed: seed, warmup: warmup, keyTrace: loaded.keyTrace), threads: threads)
                run.run(until: length, applying: extra)
                return run.summary()
            }
        } else {
            summaries = Self.runSeeds(
                spec: spec, seeds: seedList, length: length, warmup: warmup, script: extra, keyTrace: loaded.keyTrace)
        }
        let reports = summaries.map { RunReport(summary: $0, preset: loaded.name).json }
        try output.write(render(reports.count == 1 ? reports[0] : SeedAggregate.merge(reports)))
    }

    /// The report as `--report` asks: JSON on one line, or text (CSV is written as it runs,
    /// HTML once its charts are gathered).
    func render(_ report: JSONValue) -> String {
        self.report == .json ? report.encoded() + "\n" : TextReport.render(report)
    }

    /// Runs every seed, on all cores; results come back in seed order.
    static func runSeeds(
        spec: SystemSpec, seeds: [UInt64], length: SimTime, warmup: SimTime, script: [ScheduledCommand],
        keyTrace: [UInt32]
    ) -> [RunSummary] {
        let results = SeedResults(count: seeds.count)
        DispatchQueue.concurrentPerform(iterations: seeds.count) { i in
            var engine = Engine(spec: spec, seed: seeds[i], warmup: warmup, keyTrace: keyTrace)
            engine.run(until: length, applying: script)
            results.store(engine.summary(), at: i)
        }
        return results.all
    }
}

extension RunCommand {
    /// `threads` when the system runs in partitions with `script` applied, nil when it runs in
    /// one engine; then, if threads were `asked` for, standard error says why.
    static func partitionThreads(_ threads: Int, loaded: LoadedPreset, script: [ScheduledCommand], asked: Bool) -> Int? {
        // Whether a system can run in partitions does not depend on the seed.
        let engine = Engine(spec: loaded.spec, seed: nil, script: script, keyTrace: loaded.keyTrace)
        if let reason = engine.reasonNotPartitioned {
            if asked { printError("scaletop: \(TerminalSafe.text(loaded.name.verbatim)) runs in one engine: \(reason)") }
            return nil
        }
        return threads
    }
}

/// Per-seed results written from worker threads, each into its own slot.
private final class SeedResults: @unchecked Sendable {
    private var slots: [RunSummary?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func store(_ summary: RunSummary, at index: Int) {
        lock.withLock { slots[index] = summary }
    }

    var all: [RunSummary] { lock.withLock { slots.compactMap { $0 } } }
}
