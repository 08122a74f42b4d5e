import ScaleSim

extension DashboardState {
    /// How far `,` and `.` jump in a replay.
    public static let seekStep: SimTime = 30 * Nanos.perSecond

    /// Keys during a replay: viewing, pacing and seeking work; anything that would change
    /// the system waits until the viewer takes over.
    mutating func performInReplay(_ action: KeyAction, key: Key) -> [DashboardEffect] {
        guard var status = replay else { return [] }
        defer { replay = status }
        switch action {
        case .togglePause:
            status.viewerPaused.toggle()
            return [status.viewerPaused ? .pause : .resume]
        case .faster, .slower:
            status.factor = action == .faster ? min(Self.maxSpeed, status.factor * 2) : max(Self.minSpeed, status.factor / 2)
            return [.setSpeed(status.factor)]
        case .seekBack: return [.seek(-Self.seekStep)]
        case .seekForward: return [.seek(Self.seekStep)]
        case .takeOver: return [.takeOver]
        case .quit, .toggleHelp, .toggleExplanation, .selectNext, .selectPrevious, .selectUp, .selectDown, .selectLeft,
            .selectRight, .toggleInspector, .back, .scrollUp, .scrollDown, .scrollLogBack, .scrollLogForward, .toggleLogFilter:
            return perform(action, key: key)
        default:
            log("replaying: \(keyMap.binding(for: .takeOver)?.label ?? "L") takes over before the system can change", tone: .warm)
            return []
        }
    }
}
