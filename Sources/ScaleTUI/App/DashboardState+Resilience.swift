import ScaleFiles
import ScaleSim

/// The client and load-shedding keys: `j` (defended retries) and `O` (a concurrency limit).
extension DashboardState {
    /// The retry budget `j` sets: retries may add 10% of the first attempts.
    static let defendedRetryBudget = 0.1

    /// `j`: a 10% retry budget and full jitter on the workload; pressed again, the budget
    /// and jitter from before. The event log says which, and what it means (once taken:
    /// `defendedRetriesAnswered`).
    mutating func toggleDefendedRetries() -> [DashboardEffect] {
        guard let snapshot else { return [] }
        let retries = snapshot.workload.retries
        let command: SimCommand
        if let before = retryPolicyBeforeDefence {
            retryPolicyBeforeDefence = nil
            command = .setRetryPolicy(budget: before.budget, jitter: before.jitter)
            log("defended retries off: " + Self.describeRetryPolicy(before), tone: .dim)
        } else {
            retryPolicyBeforeDefence = retries
            command = Self.defendedRetries
        }
        return [.send(command)]
    }

    /// The policy `j` turns on.
    static let defendedRetries = SimCommand.setRetryPolicy(budget: defendedRetryBudget, jitter: .full)

    /// What `j` turning defended retries on means, once the engine took it; refused (a
    /// partitioned run does not take full jitter), they stay off, and `j` turns them on
    /// again.
    mutating func defendedRetriesAnswered(_ command: SimCommand, applied: Bool) {
        guard command == Self.defendedRetries, retryPolicyBeforeDefence != nil else { return }
        guard applied else {
            retryPolicyBeforeDefence = nil
            return
        }
        let retriesOff = snapshot?.workload.retries.limit == 0
        log(
            "defended retries on: retries may add at most 10% of first attempts, each waiting a random time up to its backoff"
                + (retriesOff ? " (retries are off: t turns them on)" : ""),
            tone: .dim)
    }

    static func describeRetryPolicy(_ retries: RetrySpec) -> String {
        let budget = retries.budget.map { "a retry budget of \(Int(($0 * 100).rounded()))%" } ?? "no retry budget"
        return "\(budget), \(retries.jitter.rawValue) jitter"
    }

    /// `O`: the prompt opened on the concurrency-limit command for the selected node, for
    /// the user to type the limit; on a node that has one, its removal, ready to enter.
    mutating func openConcurrencyLimitPrompt() {
        guard let snapshot else { return }
        switch CommandTargets(snapshot: snapshot, selection: selection).requireSelection(to: "limit its concurrency") {
        case .success(let node):
            let line =
                node.spec.concurrencyLimit == nil
                ? "set concurrency-limit \(node.id) " : CommandGrammar.encode(.setConcurrencyLimit(node: node.id, limit: nil))
            prompt = PromptState(text: line)
            log(
                node.spec.concurrencyLimit == nil
                    ? "type the most requests a server of \(node.id) may hold (in service plus queued), then Enter"
                    : "Enter removes \(node.id)'s concurrency limit of \(node.spec.concurrencyLimit ?? 0)",
                tone: .dim)
        case .failure(let reason):
            log(reason.message, tone: .warm)
        }
    }
}
