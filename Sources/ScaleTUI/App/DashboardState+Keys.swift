import Foundation
import ScaleSim

extension DashboardState {
    /// The fastest and slowest speeds `]` and `[` reach, in simulated seconds per wall second.
    public static let maxSpeed = 1024.0
    public static let minSpeed = 1.0 / 64

    /// Routes a key to what has it now: a too small screen takes only quit, then the open
    /// prompt, an overlay, a replay's gate, and last the key map's action.
    mutating func keyPressed(_ key: Key) -> [DashboardEffect] {
        if isTooSmall {
            if keyMap.action(for: key) == .quit { requestQuit(); return [.quit] }
            return []
        }
        if prompt != nil { return promptKey(key) }
        if overlay != .none { return overlayKey(key) }
        guard let action = keyMap.action(for: key) else { return [] }
        if replay != nil { return performInReplay(action, key: key) }
        return perform(action, key: key)
    }

    /// Keys while the help or the explanation covers the screen: close it, scroll it, quit.
    mutating func overlayKey(_ key: Key) -> [DashboardEffect] {
        switch keyMap.action(for: key) {
        case .quit?: requestQuit(); return [.quit]
        case .toggleHelp? where overlay == .help: overlay = .none
        case .toggleExplanation? where overlay == .explanation: overlay = .none
        case .back?: overlay = .none
        case .selectDown?, .scrollDown?:
            let lastStart = max(0, HelpOverlay.lines(keyMap).count - (screenHeight - 5))
            helpScroll = min(helpScroll + (key == .pageDown ? 10 : 1), lastStart)
        case .selectUp?, .scrollUp?: helpScroll = max(0, helpScroll - (key == .pageUp ? 10 : 1))
        default: break
        }
        return []
    }

    /// What a key map action does on the main screen.
    mutating func perform(_ action: KeyAction, key: Key) -> [DashboardEffect] {
        switch action {
        case .quit:
            requestQuit()
            return [.quit]
        case .toggleHelp:
            overlay = .help
            helpScroll = 0
        case .toggleExplanation: overlay = .explanation
        case .togglePause:
            return snapshot?.paused == true ? [.resume] : [.pause]
        case .doubleUsers, .halveUsers:
            guard let users = pendingUsers?.value ?? snapshot?.users else { return [] }
            let target = action == .doubleUsers ? min(WorkloadSpec.maxUsers, users * 2) : max(1, users / 2)
            guard target != users else { return [] }
            pendingUsers = PendingUsers(value: target)
            return [.send(.setUsers(target))]
        case .faster, .slower:
            let speed = pendingSpeed ?? snapshot?.speed ?? 1
            let target = action == .faster ? min(Self.maxSpeed, speed * 2) : max(Self.minSpeed, speed / 2)
            pendingSpeed = target
            return [.setSpeed(target)]
        case .selectNext, .selectPrevious, .selectUp, .selectDown, .selectLeft, .selectRight:
            moveSelection(action)
        case .toggleInspector: inspectorOpen.toggle()
        case .back:
            if inspectorOpen { inspectorOpen = false } else { selection = nil }
        case .scrollUp, .scrollDown:
            scrollTopology(down: action == .scrollDown)
        case .scrollLogBack: scrollLog(by: max(1, logRows / 2))
        case .scrollLogForward: scrollLog(by: -max(1, logRows / 2))
        case .toggleLogFilter:
            logFollowsSelection.toggle()
            logScroll = 0
            if logFollowsSelection && selection == nil {
                log("the event log follows the selection: Tab selects a node", tone: .dim)
            }
        case .openPrompt: prompt = PromptState()
        case .editRateLimit: openRateLimitPrompt()
        case .editConcurrencyLimit: openConcurrencyLimitPrompt()
        case .toggleDefendedRetries: return toggleDefendedRetries()
        case .editQueue, .editDataCenter, .confirmRemoval, .confirmDataCenterRemoval: openComponentPrompt(action)
        case .savePreset: return [.savePreset]
        case .toggleRecording:
            return [recordingPath == nil ? .startRecording(width: screenWidth, height: screenHeight) : .stopRecording]
        case .seekBack, .seekForward, .takeOver:
            log("\(keyMap.binding(for: action)?.label ?? "") works in a replay (scaletop replay FILE)", tone: .dim)
        case .loadStage:
            guard case .character(let c) = key, let stage = c.wholeNumberValue else { return [] }
            return [.loadPreset(String(format: "%02d", stage))]
        case .addAppServer, .removeAppServer, .addReplica, .addCache, .addLoadBalancer, .cycleBalancePolicy, .addCDN,
            .addSessionStore, .toggleAutoscale, .addShard, .scaleUp, .scaleDown, .toggleDataCenter, .addWorkers,
            .togglePartition, .toggleKill, .toggleSlow, .cycleEviction, .cycleTTL, .flushCache, .toggleCoalescing,
            .toggleRetries, .addDatabase, .toggleBreaker:
            guard let snapshot else { return [] }
            switch CommandTargets(snapshot: snapshot, selection: selection).command(for: action) {
            case .success(let command): return [.send(command)]
            case .failure(let reason): log(reason.message, tone: .warm)
            }
        }
        return []
    }
}
