import ScaleFiles
import ScaleSim
@testable import ScaleTUI

/// Real simulations to draw: shipped presets run for a few simulated seconds.
enum Fixtures {
    static func preset(_ name: String) throws -> LoadedPreset {
        try PresetCatalog(environment: [:]).load(name)
    }

    /// The snapshot of `name` after `seconds` simulated seconds, `commands` applied first.
    static func snapshot(_ name: String, seconds: Int = 5, seed: UInt64 = 1, commands: [SimCommand] = []) async throws
        -> SimulationSnapshot
    {
        let loaded = try preset(name)
        var engine = Engine(spec: loaded.spec, seed: seed, keyTrace: loaded.keyTrace)
        for command in commands { engine.execute(command) }
        engine.run(until: SimTime(seconds) * Nanos.perSecond)
        return engine.simulationSnapshot(historyLimit: SimulationDriver.historyLimit)
    }

    /// A dashboard state showing `name`, as the app builds it.
    static func state(
        _ name: String, width: Int, height: Int, seconds: Int = 5, commands: [SimCommand] = [], unicode: Bool = true
    ) async throws -> DashboardState {
        let loaded = try preset(name)
        var state = DashboardState(preset: PresetInfo(loaded), width: width, height: height, unicode: unicode)
        _ = state.reduce(.snapshotArrived(try await snapshot(name, seconds: seconds, commands: commands)))
        return state
    }
}
