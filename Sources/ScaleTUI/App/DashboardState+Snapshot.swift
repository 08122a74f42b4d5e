import ScaleFiles
import ScaleSim

extension DashboardState {
    /// Takes in a new snapshot: logs the engine's new notices, at their own times, and
    /// bottleneck changes.
    ///
    /// Snapshots come from one engine until `presetLoaded` says another started (a replay
    /// seeking back re-simulates the same stage, whose notices keep their numbers), so the
    /// notice cursor needs no guess from the clock.
    mutating func absorb(_ new: SimulationSnapshot) {
        snapshot = new
        if pendingUsers?.answered == true || pendingUsers?.value == new.users { pendingUsers = nil }
        if pendingSpeed == new.speed { pendingSpeed = nil }
        for notice in new.notices where notice.sequence > lastNoticeSeen {
            log(notice)
            lastNoticeSeen = notice.sequence
        }
        for node in new.nodes where node.bottleneck && !bottlenecks.contains(node.id) {
            log("\(node.id) \(Self.bottleneckSymptom(node.window))", tone: .bottleneck)
        }
        bottlenecks = Set(new.nodes.filter(\.bottleneck).map(\.id))
        if let selection, !new.nodes.contains(where: { $0.id == selection }) { self.selection = nil }
    }

    /// Logs an engine notice at the simulated time it happened.
    private mutating func log(_ notice: EngineNotice) {
        switch notice.event {
        case .scheduledCommand(let command, .applied):
            log("script: \(CommandGrammar.encode(command))", tone: .accent, at: notice.time)
        case .scheduledCommand(let command, .refused(let reason)):
            log("script refused: \(CommandGrammar.encode(command)): \(reason)", tone: .error, at: notice.time)
        case .autoscaled(let node, let from, let to):
            log("autoscaler: \(node) \(from) -> \(to) servers", tone: .accent, at: notice.time)
        case .failover(let primary, let lost):
            log("failover: a replica took over \(primary); \(lost) writes lost", tone: .bottleneck, at: notice.time)
        case .requestLimitReached(let limit):
            log(
                "\(Format.count(limit)) requests in flight, the engine's limit: new arrivals are dropped until some finish",
                tone: .error, at: notice.time)
        case .sessionsDropped(let node, let servers, let sessions, let removed):
            log(
                Format.sessionsDropped(node: node, servers: servers, sessions: sessions, removed: removed), tone: .warm,
                at: notice.time)
        case .replicaResync(let node, let server, let duration):
            log(
                "\(Format.serverNames(node, [server])) fell too far behind: out of service for \(Format.duration(duration)) to re-sync",
                tone: .bottleneck, at: notice.time)
        case .nodesRemoved(let nodes, let failed, let jobs):
            let losses = [
                failed > 0 ? "\(Format.count(failed)) \(failed == 1 ? "request" : "requests") inside failed" : nil,
                jobs > 0 ? "\(Format.count(jobs)) queued \(jobs == 1 ? "job" : "jobs") lost" : nil,
            ].compactMap { $0 }
            log(
                "removed \(nodes.joined(separator: ", "))" + (losses.isEmpty ? "" : ": " + losses.joined(separator: ", ")),
                tone: losses.isEmpty ? .accent : .warm, at: notice.time)
        case .partitionCaughtUp(let dataCenters, let writes, let after):
            log(
                "partition \(dataCenters.joined(separator: " | ")) healed: replicas caught up on \(Format.count(writes)) held writes in \(Format.duration(after))",
                tone: .accent, at: notice.time)
        case .breakerChanged(let from, let to, let state, let rate):
            log(
                Format.breakerChange(from: from, to: to, state: state, failureRate: rate),
                tone: state == .closed ? .healthy : .bottleneck, at: notice.time)
        }
    }

    /// What made the engine flag a node, from its last second: busy, dropping or queueing.
    static func bottleneckSymptom(_ window: NodeWindow?) -> String {
        let busy = "\(Format.percent(window?.utilization ?? 0)) busy"
        guard let window else { return "saturated" }
        if window.utilization >= Engine.bottleneckUtilization { return "saturated (\(busy))" }
        if window.dropped > 0 { return "dropping requests (\(Format.count(window.dropped))/s, \(busy))" }
        return "queue growing (\(window.queueLength) waiting, \(busy))"
    }
}
