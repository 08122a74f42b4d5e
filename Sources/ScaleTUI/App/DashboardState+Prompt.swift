import Foundation
import ScaleFiles
import ScaleSim

extension DashboardState {
    /// The longest line the prompt takes.
    static let promptLimit = 200

    /// Edits the `:` prompt: Enter parses the line, Esc closes it, Ctrl-U clears it.
    mutating func promptKey(_ key: Key) -> [DashboardEffect] {
        switch key {
        case .escape:
            prompt = nil
        case .enter:
            return enterPromptLine()
        case .character(":"):
            // No command word holds a colon: a second `:` starts a new line, empty, as the
            // first did, rather than extending one that failed.
            prompt = PromptState()
        case .backspace, .delete:
            if prompt?.text.isEmpty == true { prompt = nil } else { prompt?.text.removeLast() }
            prompt?.error = nil
            prompt?.note = nil
        case .character(let c):
            if (prompt?.text.count ?? 0) < Self.promptLimit { prompt?.text.append(c) }
            prompt?.error = nil
            prompt?.note = nil
        case .control("c"):
            requestQuit()
            return [.quit]
        case .control("u"):
            prompt?.text = ""
            prompt?.error = nil
            prompt?.note = nil
        default:
            break
        }
        return []
    }

    /// Parses the line: a command goes to the engine and closes the prompt; an error stays
    /// in place, with its column, until the next edit.
    private mutating func enterPromptLine() -> [DashboardEffect] {
        let line = prompt?.text.trimmingCharacters(in: .whitespaces) ?? ""
        guard !line.isEmpty else {
            prompt = nil
            return []
        }
        do {
            let command = try PromptCommand.parse(line)
            prompt = nil
            switch command {
            case .simulation(let command): return [.send(command)]
            case .load(let preset): return [.loadPreset(preset)]
            }
        } catch {
            prompt?.error = error.description
            return []
        }
    }

    /// `g`: the prompt opened on the rate-limit command for the selected node, for the
    /// user to type what the key cannot guess, the rate (and a burst); on a node that
    /// already has a limit, its removal, ready to enter. With no node selected, the log
    /// says what to select.
    mutating func openRateLimitPrompt() {
        guard let snapshot else { return }
        switch CommandTargets(snapshot: snapshot, selection: selection).requireSelection(to: "limit its rate") {
        case .success(let node):
            let line =
                node.spec.rateLimit == nil
                ? "set rate-limit \(node.id) " : CommandGrammar.encode(.removeRateLimit(node: node.id))
            prompt = PromptState(text: line)
        case .failure(let reason):
            log(reason.message, tone: .warm)
        }
    }

    /// `m`, `D`, `X` and `Z`: the prompt opened on the command the key stands for, with a
    /// note saying what Enter does; a removal waits there for Enter, never sent by the key
    /// alone. When nothing fits, the log says what to select.
    mutating func openComponentPrompt(_ action: KeyAction) {
        guard let snapshot else { return }
        let targets = CommandTargets(snapshot: snapshot, selection: selection)
        let line: Result<String, NoTarget>
        let note: String
        switch action {
        case .editQueue:
            line = targets.queueLine
            note = "class, workers (default \(CommandGrammar.defaultQueueWorkers)), Enter"
        case .editDataCenter:
            line = targets.dataCenterCopy.map(CommandGrammar.encode)
            note = "edit the name, region or latency, then Enter"
        case .confirmRemoval:
            line = targets.removal.map(CommandGrammar.encode)
            note = "Enter removes it, Esc keeps it"
        case .confirmDataCenterRemoval:
            line = targets.dataCenterRemoval.map(CommandGrammar.encode)
            note = "Enter removes it and its nodes, Esc keeps it"
        default:
            return
        }
        switch line {
        case .success(let text): prompt = PromptState(text: text, note: note)
        case .failure(let reason): log(reason.message, tone: .warm)
        }
    }
}
