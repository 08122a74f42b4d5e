import ScaleFiles
import ScaleSim

extension DashboardState {
    /// Applies what happened and returns the work the driver must do.
    ///
    /// Keys go through `keyPressed` (DashboardState+Keys.swift); snapshots through `absorb`
    /// (DashboardState+Snapshot.swift); the rest, news from the driver, is logged here.
    public mutating func reduce(_ action: DashboardAction) -> [DashboardEffect] {
        switch action {
        case .keyPressed(let key):
            return keyPressed(key)
        case .clicked(let x, let y):
            select(atX: x, y: y)
        case .resized(let width, let height):
            screenWidth = width
            screenHeight = height
        case .snapshotArrived(let snapshot):
            absorb(snapshot)
        case .commandAnswered(let command, let result, let time):
            if case .setUsers(let users) = command, pendingUsers?.value == users { pendingUsers?.answered = true }
            switch result {
            case .applied: log(CommandGrammar.encode(command), tone: .accent, at: time)
            case .refused(let reason): log("refused: \(CommandGrammar.encode(command)): \(reason)", tone: .error, at: time)
            }
            defendedRetriesAnswered(command, applied: result == .applied)
        case .presetLoaded(let info, let changes):
            preset = info
            selection = nil
            topologyScroll = 0
            lastNoticeSeen = 0
            bottlenecks = []
            log("loaded \(info.name): \(info.description)", tone: .title)
            for change in changes { log("  " + change, tone: .accent) }
        case .presetFailed(let message):
            log(message, tone: .error)
        case .presetSaved(let path):
            log("saved the live topology as \(path)", tone: .healthy)
        case .saveFailed(let message):
            log("could not save: \(message)", tone: .error)
        case .recording(.started(let path)):
            recordingPath = path
            log("recording into \(path)", tone: .accent)
        case .recording(.stopped(let path)):
            recordingPath = nil
            log("recording saved: \(path) (scaletop replay FILE plays it)", tone: .healthy)
        case .recording(.failed(let message)):
            recordingPath = nil
            log("recording stopped: \(message)", tone: .error)
        case .recording(.refused(let message)):
            log("cannot record: \(message)", tone: .error)
        case .replayProgressed(let progress):
            if replay?.progress?.finished == false, progress.finished {
                log("replay finished: L takes over to go on live", tone: .title)
            }
            replay?.progress = progress
        case .tookOver:
            replay = nil
            log("took over: live from here; every key works", tone: .title)
        }
        return []
    }
}
