import Foundation
import ScaleFiles
import ScaleSim

extension DashboardState {
    /// Applies what happened and returns the work the runtime must do.
    public mutating func reduce(_ action: DashboardAction) -> [DashboardEffect] {
        switch action {
        case .keyPressed(let key):
            return keyPressed(key)
        case .clicked(let x, let y):
            guard !isTooSmall, overlay == .none, let snapshot else { return [] }
            let layout = topologyLayout(snapshot)
            if let box = layout.boxes.first(where: { $0.rect.contains(x: x, y: y) && layout.area.contains(x: x, y: y) }) {
                selection = box.id
            }
            return []
        case .resized(let width, let height):
            screenWidth = width
            screenHeight = height
            return []
        case .snapshotArrived(let snapshot):
            absorb(snapshot)
            return []
        case .commandAnswered(let command, let result, let time):
            if case .setUsers(let users) = command, pendingUsers?.value == users { pendingUsers?.answered = true }
            switch result {
            case .applied: log(CommandGrammar.encode(command), tone: .accent, at: time)
            case .refused(let reason): log("refused: \(CommandGrammar.encode(command)): \(reason)", tone: .error, at: time)
            }
            return []
        case .presetLoaded(let info, let changes):
            preset = info
            selection = nil
            topologyScroll = 0
            lastNoticeSeen = 0
            bottlenecks = []
            log("loaded \(info.name): \(info.description)", tone: .title)
            for change in changes { log("  " + change, tone: .accent) }
            return []
        case .presetFailed(let message):
            log(message, tone: .error)
            return []
        case .presetSaved(let path):
            log("saved the live topology as \(path)", tone: .healthy)
            return []
        case .saveFailed(let message):
            log("could not save: \(message)", tone: .error)
            return []
        case .recording(.started(let path)):
            recordingPath = path
            log("recording into \(path)", tone: .accent)
            return []
        case .recording(.stopped(let path)):
            recordingPath = nil
            log("recording saved: \(path) (scaletop replay FILE plays it)", tone: .healthy)
            return []
        case .replayProgressed(let progress):
            if replay?.progress?.finished == false, progress.finished {
                log("replay finished: L takes over to go on live", tone: .title)
            }
            replay?.progress = progress
            return []
        case .tookOver:
            replay = nil
            log("took over: live from here; every key works", tone: .title)
            return []
        case .recording(.failed(let message)):
            recordingPath = nil
            log("recording stopped: \(message)", tone: .error)
            return []
        }
    }

    /// The topology's layout on the current screen, as the view draws it.
    public func topologyLayout(_ snapshot: SimulationSnapshot, keepVisible: String? = nil) -> TopologyLayout {
        TopologyLayout.make(snapshot, in: screenLayout.topology, scroll: topologyScroll, keepVisible: keepVisible)
    }

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
                log("\(Format.count(limit)) requests in flight, the engine's limit: new arrivals are dropped until some finish",
                    tone: .error, at: notice.time)
            case .sessionsDropped(let node, let servers, let sessions, let removed):
                log(Format.sessionsDropped(node: node, servers: servers, sessions: sessions, removed: removed), tone: .warm, at: notice.time)
            case .replicaResync(let node, let server, let duration):
                log("\(Format.serverNames(node, [server])) fell too far behind: out of service for \(Format.duration(duration)) to re-sync",
                    tone: .bottleneck, at: notice.time)
            }
            lastNoticeSeen = notice.sequence
        }
        for node in new.nodes where node.bottleneck && !bottlenecks.contains(node.id) {
            log("\(node.id) \(Self.bottleneckSymptom(node.window))", tone: .bottleneck)
        }
        bottlenecks = Set(new.nodes.filter(\.bottleneck).map(\.id))
        if let selection, !new.nodes.contains(where: { $0.id == selection }) { self.selection = nil }
    }

    /// What made the engine flag a node, from its last second: busy, dropping or queueing.
    static func bottleneckSymptom(_ window: NodeWindow?) -> String {
        let busy = "\(Format.percent(window?.utilization ?? 0)) busy"
        guard let window else { return "saturated" }
        if window.utilization >= Engine.bottleneckUtilization { return "saturated (\(busy))" }
        if window.dropped > 0 { return "dropping requests (\(Format.count(window.dropped))/s, \(busy))" }
        return "queue growing (\(window.queueLength) waiting, \(busy))"
    }

    mutating func keyPressed(_ key: Key) -> [DashboardEffect] {
        if isTooSmall {
            if keyMap.action(for: key) == .quit { requestQuit(); return [.quit] }
            return []
        }
        if prompt != nil { return promptKey(key) }
        if overlay != .none {
            switch keyMap.action(for: key) {
            case .quit?: requestQuit(); return [.quit]
            case .toggleHelp? where overlay == .help: overlay = .none
            case .toggleExplanation? where overlay == .explanation: overlay = .none
            case .back?: overlay = .none
            case .selectDown?, .scrollDown?: helpScroll = min(helpScroll + (key == .pageDown ? 10 : 1), max(0, HelpOverlay.lines(keyMap).count - (screenHeight - 5)))
            case .selectUp?, .scrollUp?: helpScroll = max(0, helpScroll - (key == .pageUp ? 10 : 1))
            default: break
            }
            return []
        }
        guard let action = keyMap.action(for: key) else { return [] }
        if replay != nil { return performInReplay(action, key: key) }
        return perform(action, key: key)
    }

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

    /// How far `,` and `.` jump in a replay.
    public static let seekStep: SimTime = 30 * Nanos.perSecond

    mutating func promptKey(_ key: Key) -> [DashboardEffect] {
        switch key {
        case .escape:
            prompt = nil
        case .enter:
            let line = prompt?.text.trimmingCharacters(in: .whitespaces) ?? ""
            guard !line.isEmpty else { prompt = nil; return [] }
            do {
                let command = try PromptCommand.parse(line)
                prompt = nil
                switch command {
                case .simulation(let command): return [.send(command)]
                case .load(let preset): return [.loadPreset(preset)]
                }
            } catch {
                prompt?.error = error.description
            }
        case .character(":"):
            // No command word holds a colon: a second `:` starts a new line, empty, as the
            // first did, rather than extending one that failed.
            prompt = PromptState()
        case .backspace, .delete:
            if prompt?.text.isEmpty == true { prompt = nil } else { prompt?.text.removeLast() }
            prompt?.error = nil
        case .character(let c):
            if (prompt?.text.count ?? 0) < 200 { prompt?.text.append(c) }
            prompt?.error = nil
        case .control("c"):
            requestQuit()
            return [.quit]
        case .control("u"):
            prompt?.text = ""
            prompt?.error = nil
        default:
            break
        }
        return []
    }

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
            pendingUsers = (target, false)
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
        case .scrollUp: topologyScroll = max(0, topologyScroll - max(1, screenHeight / 3))
        case .scrollDown:
            if let snapshot {
                let layout = topologyLayout(snapshot)
                topologyScroll = min(max(0, layout.contentHeight - layout.area.height), layout.scroll + max(1, screenHeight / 3))
            }
        case .scrollLogBack: scrollLog(by: max(1, logRows / 2))
        case .scrollLogForward: scrollLog(by: -max(1, logRows / 2))
        case .toggleLogFilter:
            logFollowsSelection.toggle()
            logScroll = 0
            if logFollowsSelection && selection == nil { log("the event log follows the selection: Tab selects a node", tone: .dim) }
        case .openPrompt: prompt = PromptState()
        case .savePreset: return [.savePreset]
        case .toggleRecording: return [.toggleRecording]
        case .seekBack, .seekForward, .takeOver:
            log("\(keyMap.binding(for: action)?.label ?? "") works in a replay (scaletop replay FILE)", tone: .dim)
        case .loadStage:
            guard case .character(let c) = key, let stage = c.wholeNumberValue else { return [] }
            return [.loadPreset(String(format: "%02d", stage))]
        default:
            guard let snapshot else { return [] }
            switch CommandTargets(snapshot: snapshot, selection: selection).command(for: action) {
            case .success(let command): return [.send(command)]
            case .failure(let reason): log(reason.message, tone: .warm)
            }
        }
        return []
    }

    /// The fastest and slowest speeds `]` and `[` reach, in simulated seconds per wall second.
    public static let maxSpeed = 1024.0
    public static let minSpeed = 1.0 / 64

    /// Moves the selection through the boxes as laid out on screen.
    mutating func moveSelection(_ action: KeyAction) {
        guard let snapshot else { return }
        let layout = topologyLayout(snapshot)
        let boxes = layout.boxes
        guard !boxes.isEmpty else { return }
        guard let current = boxes.firstIndex(where: { $0.id == selection }) else {
            selection = (action == .selectPrevious ? boxes.last : boxes.first)?.id
            topologyScroll = topologyLayout(snapshot, keepVisible: selection).scroll
            return
        }
        let here = boxes[current].rect
        func distance(_ r: Rect) -> Int { abs((r.x + r.width / 2) - (here.x + here.width / 2)) + 4 * abs(r.y - here.y) }
        let next: TopologyLayout.Box?
        switch action {
        case .selectNext: next = boxes[(current + 1) % boxes.count]
        case .selectPrevious: next = boxes[(current + boxes.count - 1) % boxes.count]
        case .selectUp: next = boxes.filter { $0.rect.maxY <= here.y }.min { distance($0.rect) < distance($1.rect) }
        case .selectDown: next = boxes.filter { $0.rect.y >= here.maxY }.min { distance($0.rect) < distance($1.rect) }
        case .selectLeft: next = boxes.filter { $0.rect.maxX <= here.x && $0.rect.y < here.maxY && $0.rect.maxY > here.y }.min { distance($0.rect) < distance($1.rect) }
        case .selectRight: next = boxes.filter { $0.rect.x >= here.maxX && $0.rect.y < here.maxY && $0.rect.maxY > here.y }.min { distance($0.rect) < distance($1.rect) }
        default: next = nil
        }
        guard let next else { return }
        selection = next.id
        topologyScroll = topologyLayout(snapshot, keepVisible: next.id).scroll
    }
}
