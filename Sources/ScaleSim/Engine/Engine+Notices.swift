/// Something the engine did on its own that a person watching should hear about: a timed
/// command ran, the autoscaler acted, a replica was promoted, servers went with the
/// sessions they held.
///
/// Commands sent by the user are not notices: whoever sent them already knows the result
/// (but not the sessions a removal dropped, which are).
public struct EngineNotice: Sendable, Hashable {
    public enum Event: Sendable, Hashable {
        /// A command of the preset's or a script's timeline ran, or was refused.
        case scheduledCommand(SimCommand, CommandResult)
        /// The autoscaler changed a pool's size.
        case autoscaled(node: String, from: Int, to: Int)
        /// A replica took over from a dead primary; `writesLost` never reached it.
        case failover(primary: String, writesLost: Int)
        /// This many requests were alive at once, the engine's limit: new arrivals are
        /// dropped until some finish. Posted the first time only.
        case requestLimitReached(Int)
        /// Servers of `node` (pool positions) that were removed (or went down) held this
        /// many live sticky sessions, lost with them. The pool's `sessions_lost` counts a
        /// user later, when their next request lands on another server.
        case sessionsDropped(node: String, servers: [Int], sessions: Int, removed: Bool)
        /// Server `server` (a pool position) of replica pool `node` fell too far behind its
        /// primary and is out of service for `duration` while it copies the data again.
        case replicaResync(node: String, server: Int, duration: SimTime)
        /// A command took `nodes` out of the system: `requestsFailed` users' requests inside
        /// them or on their way failed, and `jobsLost` queued jobs went with them.
        case nodesRemoved(nodes: [String], requestsFailed: Int, jobsLost: Int)
        /// The replicas cut off by the partition of `dataCenters` have applied the `writes`
        /// held back from them, `after` the heal.
        case partitionCaughtUp(dataCenters: [String], writes: Int, after: SimTime)
        /// The circuit breaker on the link from `from` to `to` changed state; on opening,
        /// `failureRate` is its window's rate that opened it (nil when a probe failed).
        case breakerChanged(from: String, to: String, state: BreakerState, failureRate: Double?)
    }

    public var time: SimTime
    public var event: Event
    /// 1 for the engine's first notice, then counting up: lets readers skip what they saw.
    public var sequence: Int
}

/// The engine's latest notices, oldest first, in fixed memory.
public struct NoticeLog: Sendable {
    public static let capacity = 64
    private var ring = WindowRing<EngineNotice>(capacity: NoticeLog.capacity)
    /// Notices ever posted, including those the ring no longer holds.
    public private(set) var total = 0

    public var recent: [EngineNotice] { ring.elements }

    /// Whether `requestLimitReached` has been posted.
    public private(set) var reachedRequestLimit = false

    mutating func post(_ event: EngineNotice.Event, at time: SimTime) {
        if case .requestLimitReached = event { reachedRequestLimit = true }
        total += 1
        ring.append(EngineNotice(time: time, event: event, sequence: total))
    }
}

/// Merging the notice logs of several engine partitions.
///
/// See docs/design/partitioned-engine-audit.md, K3. It lives here, not in a file of its own,
/// because it reaches the private ring.
extension NoticeLog {
    /// The notices of `logs`, given in partition order, in one log as one engine posts them.
    ///
    /// They are ordered by time, then partition, then each log's own sequence; the last
    /// `capacity` are kept, numbered so the newest is the sum of the logs' totals. A log's notices are in time order, so each of the merged last `capacity` has fewer
    /// than `capacity` notices after it in its own log: it is still in that log's ring.
    static func merged(_ logs: [NoticeLog]) -> NoticeLog {
        var notices: [(partition: Int, notice: EngineNotice)] = []
        for (partition, log) in logs.enumerated() { notices += log.recent.map { (partition, $0) } }
        notices.sort {
            ($0.notice.time, $0.partition, $0.notice.sequence) < ($1.notice.time, $1.partition, $1.notice.sequence)
        }
        var result = NoticeLog()
        result.total = logs.reduce(0) { $0 + $1.total }
        result.reachedRequestLimit = logs.contains { $0.reachedRequestLimit }
        let kept = notices.suffix(capacity)
        for (k, entry) in kept.enumerated() {
            var notice = entry.notice
            notice.sequence = result.total - kept.count + k + 1
            result.ring.append(notice)
        }
        return result
    }
}
