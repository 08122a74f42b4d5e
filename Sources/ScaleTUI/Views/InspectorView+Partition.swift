import ScaleSim

extension InspectorView {
    /// The inspector's lines on the network partitions of `node`'s data center: each cut
    /// link, what failed across it and what went stale, and a catch-up under way.
    static func partitionLines(_ node: NodeSnapshot, in snapshot: SimulationSnapshot?) -> [(String, String)] {
        guard let snapshot, let dc = node.spec.dc else { return [] }
        var lines: [(String, String)] = []
        for p in snapshot.partitions where p.dataCenters.contains(dc) {
            let other = p.dataCenters.first { $0 != dc } ?? dc
            let figures =
                "\(Format.count(p.failedWrites)) writes failed, \(Format.count(p.staleReads)) stale reads"
            if p.healedAt == nil {
                lines.append(("partition", "cut from \(other) since \(Format.duration(p.cutAt)): " + figures))
            } else if let caughtUp = p.caughtUpAt, caughtUp > snapshot.time {
                lines.append(
                    (
                        "catching up",
                        "\(Format.count(p.writesHeld)) held writes, done in \(Format.duration(caughtUp - snapshot.time))"
                    ))
            }
        }
        return lines
    }
}
