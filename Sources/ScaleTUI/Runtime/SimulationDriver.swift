import ScaleSim
import Synchronization

/// What the dashboard asks of the simulation between two ticks.
public enum DriverRequest: Sendable {
    case command(SimCommand)
    case pause
    case resume
    case setSpeed(Double)
    /// Start over from a preset (a stage key).
    case load(SystemSpec, keyTrace: [UInt32])
    /// Send back the live topology (for `w`).
    case fetchSpec
}

/// What came back from the simulation since the UI last looked.
public struct DriverOutput: Sendable {
    /// The newest snapshot, if one arrived since the last take.
    public var snapshot: SimulationSnapshot?
    public var answers: [(SimCommand, CommandResult)] = []
    public var specs: [SystemSpec] = []
}

/// Runs the simulation at its own pace on its own task, independent of the frame rate.
///
/// The UI thread never awaits: it drops requests into a mailbox and takes whatever output
/// is ready, both behind a lock held only for the swap. The actor is crossed once per tick,
/// never per request.
public final class SimulationDriver: Sendable {
    public let simulation: Simulation
    private let inbox = Mutex<[DriverRequest]>([])
    private let outbox = Mutex(DriverOutput())
    private let stopped = Atomic<Bool>(false)
    /// How often the engine is ticked and a snapshot published.
    public static let tickInterval: Duration = .milliseconds(33)
    /// Windows of history each snapshot carries, for the inspector's sparklines.
    public static let historyLimit = 180

    public init(simulation: Simulation) {
        self.simulation = simulation
    }

    /// Queues a request for the next tick.
    public func send(_ request: DriverRequest) {
        inbox.withLock { $0.append(request) }
    }

    /// Everything that arrived since the last call.
    public func take() -> DriverOutput {
        outbox.withLock { output in
            defer { output = DriverOutput() }
            return output
        }
    }

    public func stop() { stopped.store(true, ordering: .relaxed) }

    /// Ticks the simulation until `stop()`, at wall-clock pace.
    public func run() async {
        let clock = ContinuousClock()
        var last = clock.now
        while !stopped.load(ordering: .relaxed) {
            await handleRequests()
            let now = clock.now
            let elapsed = now - last
            last = now
            await simulation.tick(wallSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            let snapshot = await simulation.snapshot(historyLimit: Self.historyLimit)
            outbox.withLock { $0.snapshot = snapshot }
            try? await Task.sleep(until: now + Self.tickInterval, clock: clock)
        }
    }

    private func handleRequests() async {
        let requests = inbox.withLock { pending in
            defer { pending = [] }
            return pending
        }
        for request in requests {
            switch request {
            case .command(let command):
                let result = await simulation.apply(command)
                outbox.withLock { $0.answers.append((command, result)) }
            case .pause: await simulation.pause()
            case .resume: await simulation.resume()
            case .setSpeed(let factor): await simulation.setSpeed(factor)
            case .load(let spec, let keyTrace): await simulation.load(spec, keyTrace: keyTrace)
            case .fetchSpec:
                let spec = await simulation.spec
                outbox.withLock { $0.specs.append(spec) }
            }
        }
    }
}
