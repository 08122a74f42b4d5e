import Foundation
import Testing
@testable import ScaleTUI

@Suite struct KeyMapTests {
    @Test func noKeyIsBoundTwice() {
        let keys = KeyMap.standard.bindings.flatMap(\.keys)
        #expect(Set(keys).count == keys.count)
    }

    @Test func theIssuesKeysAreBound() {
        let map = KeyMap.standard
        let expected: [(Key, KeyAction)] = [
            (.character("q"), .quit), (.control("c"), .quit), (.character("?"), .toggleHelp), (.function(1), .toggleHelp),
            (.character(" "), .togglePause), (.character("+"), .doubleUsers), (.character("-"), .halveUsers),
            (.character("["), .slower), (.character("]"), .faster), (.tab, .selectNext), (.up, .selectUp),
            (.enter, .toggleInspector), (.character("a"), .addAppServer), (.character("r"), .addReplica),
            (.character("c"), .addCache), (.character(":"), .openPrompt), (.character("w"), .savePreset),
            (.character("0"), .loadStage), (.character("9"), .loadStage),
        ]
        for (key, action) in expected {
            #expect(map.action(for: key) == action, "\(key)")
        }
    }

    @Test func helpOverlayListsEveryBinding() {
        var state = DashboardState(
            preset: PresetInfo(name: "00", title: "", description: "", explanation: ""), width: 200, height: 60)
        _ = state.reduce(.keyPressed(.character("?")))
        let screen = DashboardView.render(state).text
        for binding in KeyMap.standard.bindings {
            #expect(screen.contains(binding.help), "help lacks \(binding.label): \(binding.help)")
        }
        // Two columns hold every line: nothing to scroll, and no hint saying there is.
        #expect(!screen.contains("Up and Down scroll"))
    }

    @Test func helpScrollsToEveryBindingOnASmallScreen() {
        var state = DashboardState(
            preset: PresetInfo(name: "00", title: "", description: "", explanation: ""), width: 80, height: 24)
        _ = state.reduce(.keyPressed(.character("?")))
        var seen = ""
        for _ in 0..<KeyMap.standard.bindings.count {
            seen += DashboardView.render(state).text
            _ = state.reduce(.keyPressed(.down))
        }
        #expect(state.overlay == .help)
        for binding in KeyMap.standard.bindings {
            #expect(seen.contains(binding.help), "never shown at 80x24: \(binding.help)")
        }
    }

    @Test func docsListEveryBinding() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../docs/dashboard.md").standardized
        let text = try String(contentsOf: docs, encoding: .utf8)
        for binding in KeyMap.standard.bindings {
            #expect(text.contains("| `\(binding.label)` | \(binding.help) |"), "docs/dashboard.md lacks \(binding.label)")
        }
    }
}
