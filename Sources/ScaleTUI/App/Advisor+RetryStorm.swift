import Foundation
import ScaleSim

extension Advisor {
    /// A retry storm: in the last second the clients sent two attempts or more per request,
    /// so retries, not users, are the load. Names the key that defends the retries:
    /// "retry storm: 2.8 attempts per request: j adds a retry budget and jitter".
    static func retryStorm(in snapshot: SimulationSnapshot, keyMap: KeyMap) -> Advice? {
        guard let amplification = snapshot.clientsLastSecond.amplification, amplification >= 2 else { return nil }
        let attempts = String(format: "%.1f", amplification)
        return Advice(
            text:
                "retry storm: \(attempts) attempts per request: \(key(.toggleDefendedRetries, keyMap)) adds a retry budget and jitter",
            tone: .bottleneck)
    }
}
