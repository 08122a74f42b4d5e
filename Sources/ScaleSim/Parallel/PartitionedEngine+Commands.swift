/// Commands in a partitioned run (docs/architecture.md, "Windows and messages").
///
/// A command applies at a barrier, after every event at or before its time, in every
/// partition: each copy keeps the whole structure, so node and server indices stay the
/// same everywhere, while only the owner's state of the node is live. Only commands whose
/// effect stays inside one partition are taken so far: the users and their rate (each
/// partition reschedules its own regions' arrivals) and the capacity of a node that holds
/// no data. Any other could reach across partitions at once (a replica's resync reads its
/// primary, a new route may be faster than the lookahead) and is refused. A script's
/// commands (the preset's and any added) apply the same way, at their times; a system whose
/// script holds a command not taken runs in one engine (`Engine.reasonNotPartitioned`).
extension PartitionedEngine {
    /// The design as it runs now, the same in every partition.
    public var spec: SystemSpec { simulation.partitions[0].engine.spec }

    /// Applies `command` now in every partition, or refuses it saying why; a refusal is
    /// kept with the run's refused commands, as one engine keeps it.
    @discardableResult
    public func execute(_ command: SimCommand) -> CommandResult {
        if let refusal = simulation.partitions[0].engine.partitionedRunRefusal(of: command) {
            let refused = RefusedCommand(at: now, command: command, reason: refusal)
            simulation.update(0) { $0.engine.refusedCommands.append(refused) }
            return .refused(refusal)
        }
        let owner = simulation.partitions[0].engine.nodeIndex[command.nodeID ?? ""].map {
            Int(simulation.partitions[0].engine.crossing.owners[Int($0)])
        }
        var result = CommandResult.applied
        for p in simulation.partitions.indices {
            let answer = simulation.update(p) { $0.engine.execute(command) }
            if p == (owner ?? 0) { result = answer }
        }
        return result
    }
}

extension Engine {
    /// Why a partitioned run of this system does not take `command`, or nil when it does.
    func partitionedRunRefusal(of command: SimCommand) -> String? {
        let notYet = "a partitioned run does not take this command yet (run without --threads for every command)"
        switch command {
        case .setUsers, .setRatePerUser:
            return nil
        case .setServers(let id, _), .addServers(let id, _), .removeServers(let id, _), .setWorkers(let id, _),
            .setSize(let id, _), .resize(let id, _):
            // An unknown node is refused by the engine itself, with its own words.
            guard let n = nodeIndex[id] else { return nil }
            switch nodes[Int(n)].kind {
            case .db, .replica, .cache, .cdn:
                return "\(id) holds data, whose copies reach across partitions: \(notYet)"
            case .app, .lb, .queue, .station, .sessionStore: return nil
            }
        default:
            return notYet
        }
    }
}

extension SimCommand {
    /// The node a capacity command changes.
    fileprivate var nodeID: String? {
        switch self {
        case .setServers(let id, _), .addServers(let id, _), .removeServers(let id, _), .setWorkers(let id, _),
            .setSize(let id, _), .resize(let id, _):
            id
        default: nil
        }
    }
}
