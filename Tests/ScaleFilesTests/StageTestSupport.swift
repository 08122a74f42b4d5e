@testable import ScaleFiles
import ScaleSim
import Testing

/// Shipped stage presets, run headless through the engine as `scaletop run` does.
enum Stage {
    /// The shipped preset `name` (a stage number such as `03`, or a full name), decoded.
    static func spec(_ name: String) throws -> SystemSpec {
        try PresetCatalog(environment: [:]).resolve(name).decode()
    }

    /// `topology`'s nodes, data centers and latencies under `workload`'s workload: what the
    /// earlier stage would face under the later stage's users. The entry stays the
    /// topology's own.
    static func spec(_ topology: SystemSpec, under workload: SystemSpec) -> SystemSpec {
        var spec = topology
        spec.workload = workload.workload
        spec.workload.entry = topology.workload.entry
        return spec
    }

    /// Runs `spec` for `seconds` simulated seconds, leaving the first `warmup` seconds out
    /// of the figures; `commands` run at their second.
    static func run(
        _ spec: SystemSpec, seconds: Int, warmup: Int = 0, seed: UInt64 = 7,
        commands: [(at: Int, command: SimCommand)] = []
    ) -> Engine {
        var engine = Engine(spec: spec, seed: seed, warmup: SimTime(warmup) * Nanos.perSecond)
        for (at, command) in commands.sorted(by: { $0.at < $1.at }) {
            engine.run(until: SimTime(at) * Nanos.perSecond)
            #expect(engine.execute(command) == .applied, "\(command)")
        }
        engine.run(until: SimTime(seconds) * Nanos.perSecond)
        return engine
    }
}

extension RunSummary {
    /// The node `id`; a test that names a missing node fails.
    func node(_ id: String) throws -> NodeSummary {
        try #require(nodes.first { $0.id == id }, "no node \(id)")
    }

    /// Dropped, timed-out and failed requests end to end.
    var errors: Int { endToEnd.counts.dropped + endToEnd.counts.timedOut + endToEnd.counts.failed }

    /// End-to-end figures of one request class.
    func requestClass(_ requestClass: RequestClass) throws -> ClassSummary {
        try #require(endToEnd.classes.first { $0.requestClass == requestClass })
    }
}

extension NodeSummary {
    /// Utilization of the busiest server of the pool.
    var busiestServer: Double { serverUtilization.max() ?? 0 }
    var errors: Int { dropped + timedOut + failed }
}

extension Engine {
    /// Requests that failed, were dropped or timed out in the whole seconds ending after
    /// `from` and up to `to` (simulated seconds).
    func errors(from: Int, to: Int) -> Int {
        systemHistory.elements
            .filter { $0.end > SimTime(from) * Nanos.perSecond && $0.end <= SimTime(to) * Nanos.perSecond }
            .reduce(0) { $0 + $1.dropped + $1.timedOut + $1.failed }
    }
}

/// The commands each shipped preset's explanation suggests (written `` `:command` ``)
/// parse, and the simulation carries them out on that preset, one a second, in order.
@Suite struct ExplanationCommandTests {
    @Test func suggestedCommandsWork() throws {
        for source in PresetCatalog(environment: [:]).shipped {
            let spec = try source.decode()
            let suggested = spec.explanation.split(separator: "`").enumerated()
                .filter { $0.offset % 2 == 1 && $0.element.hasPrefix(":") }
                .map { String($0.element.dropFirst()) }
            var engine = Engine(spec: spec)
            for text in suggested {
                let command = try CommandGrammar.parse(text)
                engine.run(until: engine.now + Nanos.perSecond)
                #expect(engine.execute(command) == .applied, "\(source.name): \(text)")
            }
        }
    }
}
