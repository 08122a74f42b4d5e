import ScaleSim

extension Advisor {
    /// An open partition: writes from the side without the primary fail, its replicas go
    /// stale; the key that heals it. Nil while no link is cut.
    static func partitionAdvice(for snapshot: SimulationSnapshot, keyMap: KeyMap) -> Advice? {
        guard let cut = snapshot.partitions.last(where: { $0.healedAt == nil }) else { return nil }
        let stale =
            cut.cutOff.isEmpty
            ? "" : ", \(cut.cutOff.joined(separator: ", ")) stale (\(Format.count(cut.staleReads)) stale reads)"
        let sides = cut.dataCenters.joined(separator: " | ")
        let heal = "\(key(.togglePartition, keyMap)) on a node of either side heals it"
        let failed = "\(Format.count(cut.failedWrites)) writes failed across it"
        return Advice(
            wordings: [
                "network partition \(sides): \(failed)\(stale); \(heal)", "network partition \(sides): \(failed); \(heal)",
                "partition \(sides): \(heal)",
            ], tone: .down)
    }
}
