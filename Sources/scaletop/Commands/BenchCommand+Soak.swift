import Foundation
import ScaleFiles
import ScaleSim

extension BenchCommand {
    /// When the soak takes its first memory sample: by then caches, queues and the
    /// dashboard's history windows have reached their working size.
    static let soakFirstSample: SimTime = 600 * Nanos.perSecond

    /// The `soak` scenario: the `million-users` preset (stage 9's message-queue topology at
    /// 1,000,000 users x 0.05 requests/s) for `--soak-duration` of simulated time, 3 h by
    /// default, headless and run once whatever `--runs` says.
    ///
    /// Each simulated second it takes the snapshot the dashboard draws from, so the
    /// per-second windows and the notice log are exercised as in a live session. It reads
    /// the resident set (VmRSS, not the peak) at 10 minutes and at the end:
    /// `rss_growth_pct` is the change between them, and `flat` says whether it stayed
    /// within 10%.
    func soakScenario() throws -> BenchResult {
        let length = try parseDuration(soakDuration, option: "--soak-duration")
        guard length >= Self.soakFirstSample else {
            throw badInput(
                "--soak-duration: expected at least 10m (the first memory sample), got '\(TerminalSafe.text(soakDuration))'")
        }
        let loaded = try loadPreset("million-users")
        var engine = Engine(spec: loaded.spec)
        let clock = ContinuousClock()
        let start = clock.now
        var firstSampleMiB = 0
        var largestMiB = 0
        var snapshotNodes = 0
        while engine.now < length {
            engine.run(until: min(engine.now + Nanos.perSecond, length))
            snapshotNodes = engine.simulationSnapshot().nodes.count
            if engine.now % (60 * Nanos.perSecond) == 0 || engine.now == length {
                largestMiB = max(largestMiB, ResourceUsage.residentMiB())
            }
            if firstSampleMiB == 0 && engine.now >= Self.soakFirstSample {
                firstSampleMiB = ResourceUsage.residentMiB()
            }
        }
        let wall = (clock.now - start).seconds
        let endMiB = ResourceUsage.residentMiB()
        let growth = firstSampleMiB > 0 ? Double(endMiB - firstSampleMiB) / Double(firstSampleMiB) * 100 : .nan
        let counts = engine.summary().endToEnd.counts
        return BenchResult(fields: [
            ("scenario", .string("soak")),
            ("users", .int(loaded.spec.workload.users)),
            ("simulated_s", .int(Int(length / Nanos.perSecond))),
            ("nodes", .int(snapshotNodes)),
            ("requests", .int(counts.requests)),
            ("wall_s", .double(wall, digits: 1)),
            ("speed_x", .double(Nanos.seconds(length) / wall, digits: 2)),
            ("req_per_s", .int(Int(Double(counts.requests) / wall))),
            (
                "error_rate",
                .double(
                    counts.requests > 0
                        ? Double(counts.dropped + counts.timedOut + counts.failed) / Double(counts.requests) : .nan, digits: 4)
            ),
            ("rss_10min_mib", .int(firstSampleMiB)),
            ("rss_end_mib", .int(endMiB)),
            ("rss_max_mib", .int(max(largestMiB, endMiB))),
            ("rss_growth_pct", .double(growth, digits: 1)),
            ("flat", .string(abs(growth) <= 10 ? "yes" : "no")),
        ])
    }
}
