import Foundation
import ScaleFiles
import Synchronization
import Testing
@testable import ScaleTUI

/// The whole loop (input, reducer, engine task, frames) on an in-memory terminal.
@Suite struct DashboardAppTests {
    /// Runs a dashboard over `preset` on its own thread, as the real one owns the main
    /// thread, with `script` deciding each key from the screen; returns the last screen.
    static func session(
        _ preset: String, width: Int = 120, height: Int = 40, script: @escaping @Sendable (String) -> InputEvent?
    ) async throws -> String {
        let loaded = try PresetCatalog(environment: [:]).load(preset)
        let lastScreen = Mutex("")
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread {
                let terminal = MemoryTerminal(width: width, height: height)
                // The engine's task runs on the shared pool, which other tests' long
                // synchronous work can hold for minutes on two cores: a generous bound.
                let deadline = Date().addingTimeInterval(600)
                terminal.script = { terminal in
                    // A session that never reaches its last key fails rather than hangs.
                    Date() > deadline ? .key(.character("q")) : script(terminal.screen.text)
                }
                let app = DashboardApp(terminal: terminal, preset: loaded, seed: nil, speed: 1, catalog: PresetCatalog(environment: [:]))
                app.run()
                lastScreen.withLock { $0 = terminal.screen.text }
                done.resume()
            }.start()
        }
        return lastScreen.withLock { $0 }
    }

    /// A session that presses each key once its screen shows the text before it; returns
    /// how many keys were pressed and the last screen.
    static func session(_ preset: String, width: Int = 120, height: Int = 40, steps: [(waitFor: String, key: Character)]) async throws -> (pressed: Int, screen: String) {
        let pressed = Mutex(0)
        let screen = try await session(preset, width: width, height: height) { screen in
            pressed.withLock { pressed in
                guard pressed < steps.count, screen.contains(steps[pressed].waitFor) else { return nil }
                pressed += 1
                return .key(.character(steps[pressed - 1].key))
            }
        }
        return (pressed.withLock { $0 }, screen)
    }

    @Test func aKeyGoesThroughTheEngineToTheScreen() async throws {
        let (pressed, screen) = try await Self.session("00", steps: [("app x1", "a"), ("app x2", "q")])
        #expect(pressed == 2, "the added server never showed")
        #expect(screen.contains("add server app"))
    }

    @Test func aStageKeyLoadsTheStageAndSaysWhatChanged() async throws {
        let (pressed, screen) = try await Self.session(
            "02", width: 160, height: 48, steps: [("02-dns-round-robin", "3"), ("loaded 03-load-balancer", "q")])
        #expect(pressed == 2)
        #expect(screen.contains("added lb"))
    }
}
