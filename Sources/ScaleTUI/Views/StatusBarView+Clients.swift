import ScaleSim

extension StatusBarView {
    /// Attempts per user request over the last second (`2.9 att/req`), shown while clients
    /// retry; warm from 2 on, the mark of a retry storm (docs/dashboard.md).
    static func attemptsField(_ snapshot: SimulationSnapshot) -> StatusField? {
        guard snapshot.workload.retries.limit > 0, let amplification = snapshot.clientsLastSecond.amplification else {
            return nil
        }
        let figure = String(format: "%.1f", amplification)
        let storm = amplification >= 2
        return StatusField(
            "\(figure) att/req", wide: "\(figure) attempts/request",
            storm ? Style(.warm, bold: true, reverse: true) : plain, priority: storm ? 2 : 6, widePriority: 8)
    }
}
