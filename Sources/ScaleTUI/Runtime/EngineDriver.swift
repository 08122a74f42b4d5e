import ScaleFiles
import Synchronization

/// What runs the engine behind the dashboard: a live simulation, or a replay file played
/// back. The UI thread only sends requests and takes output; it never waits on either.
public protocol EngineDriver: Sendable {
    var mailbox: DriverMailbox { get }
    /// Runs until `stop()`; `presetName` names the running preset in recordings.
    func run(presetName: UntrustedText) async
}

extension EngineDriver {
    /// Queues a request for the driver's next tick.
    public func send(_ request: DriverRequest) { mailbox.send(request) }
    /// Everything the driver produced since the last call.
    public func take() -> DriverOutput { mailbox.take() }
    public func stop() { mailbox.stop() }
}

/// The two-way mailbox between the UI thread and a driver's task: requests in, output out,
/// each behind a lock held only for the swap.
public final class DriverMailbox: Sendable {
    private let inbox = Mutex<[DriverRequest]>([])
    private let outbox = Mutex(DriverOutput())
    private let stopped = Atomic<Bool>(false)

    public init() {}

    func send(_ request: DriverRequest) { inbox.withLock { $0.append(request) } }

    func take() -> DriverOutput {
        outbox.withLock { output in
            defer { output = DriverOutput() }
            return output
        }
    }

    func stop() { stopped.store(true, ordering: .relaxed) }

    var isStopped: Bool { stopped.load(ordering: .relaxed) }

    /// The requests sent since the last call, oldest first.
    func receive() -> [DriverRequest] {
        inbox.withLock { pending in
            defer { pending = [] }
            return pending
        }
    }

    /// Adds to the output waiting for the UI.
    func post(_ change: (inout DriverOutput) -> Void) { outbox.withLock { change(&$0) } }
}
