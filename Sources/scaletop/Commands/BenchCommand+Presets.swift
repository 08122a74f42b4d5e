import Foundation
import ScaleFiles
import ScaleSim

extension BenchCommand {
    /// Simulated seconds of each run of the `presets` scenario.
    static let presetRunSeconds: SimTime = 300

    /// The `presets` scenario: every shipped stage preset, its variants and the big presets
    /// (all but the benchmark network), each run for 300 simulated seconds from a cold
    /// start, as `scaletop run PRESET --duration 300s` does; one line per preset with the
    /// median run.
    ///
    /// `dropped` counts the requests that did not complete: dropped, timed out or failed.
    /// `rss_mib` is the process's peak so far, so it grows down the list.
    func presetScenarios() throws -> [BenchResult] {
        let names = PresetCatalog(environment: [:]).shipped.map(\.name.verbatim).filter { $0 != "bench-network" }
        return try names.map { name in
            let loaded = try loadPreset(name)
            let end = Self.presetRunSeconds * Nanos.perSecond
            var walls: [Double] = []
            var summaries: [RunSummary] = []
            let clock = ContinuousClock()
            for _ in 0..<runs {
                var engine = Engine(spec: loaded.spec, keyTrace: loaded.keyTrace)
                let start = clock.now
                engine.run(until: end)
                walls.append((clock.now - start).seconds)
                summaries.append(engine.summary())
            }
            let middle = walls.indices.sorted { walls[$0] < walls[$1] }[walls.count / 2]
            let wall = walls[middle]
            let counts = summaries[middle].endToEnd.counts
            return BenchResult(fields: [
                ("scenario", .string("presets")),
                ("preset", .string(name)),
                ("requests", .int(counts.requests)),
                ("wall_s", .double(wall, digits: 3)),
                ("speed_x", .double(Nanos.seconds(end) / wall, digits: 2)),
                ("req_per_s", .int(Int(Double(counts.requests) / wall))),
                ("dropped", .int(counts.dropped + counts.timedOut + counts.failed)),
                ("rss_mib", .int(ResourceUsage.peakResidentMiB())),
            ])
        }
    }
}
