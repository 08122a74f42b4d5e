/// What runs the engine behind the dashboard: a live simulation, or a replay file played
/// back. The UI thread only sends requests and takes output; it never waits on either.
public protocol EngineDriver: Sendable {
    func send(_ request: DriverRequest)
    func take() -> DriverOutput
    func stop()
    /// Runs until `stop()`; `presetName` names the running preset in recordings.
    func run(presetName: String) async
}

extension SimulationDriver: EngineDriver {}
