import Foundation
import ScaleSim

extension Advisor {
    /// A retry storm: in the last second the clients sent two attempts or more per request,
    /// so retries, not users, are the load. Names the key that defends the retries:
    /// "retry storm: 2.8 attempts per request: j adds a retry budget and jitter".
    static func retryStorm(in snapshot: SimulationSnapshot, keyMap: KeyMap) -> Advice? {
        guard let amplification = snapshot.clientsLastSecond.amplification, amplification >= 2 else { return nil }
        let attempts = String(format: "%.1f", amplification)
        let defend = "\(key(.toggleDefendedRetries, keyMap)) adds a retry budget and jitter"
        return Advice(
            wordings: ["retry storm: \(attempts) attempts per request: \(defend)", "retry storm: \(defend)"], tone: .bottleneck)
    }

    /// Wasted work: the bottleneck `node` spends the last second serving more attempts their
    /// users had given up on than the system answered in time (the backlog a storm leaves
    /// behind). Names the key that caps its queue:
    /// "db 100% busy on requests their users gave up on: O on it caps its queue".
    static func wastedWork(on node: NodeSnapshot, in snapshot: SimulationSnapshot, keyMap: KeyMap) -> Advice? {
        let wasted = snapshot.clientsLastSecond.servedAfterAbandon
        guard wasted > 0, wasted > snapshot.system?.completed ?? 0, node.spec.concurrencyLimit == nil else { return nil }
        let cap = "\(key(.editConcurrencyLimit, keyMap)) on it caps its queue"
        return Advice(
            wordings: [
                "\(node.id) \(Format.percent(node.servingUtilization)) busy on requests their users gave up on: \(cap)",
                "\(node.id) busy on abandoned requests: \(cap)",
            ], tone: .bottleneck)
    }
}
