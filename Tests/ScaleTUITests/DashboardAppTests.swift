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

    @Test func aKeyGoesThroughTheEngineToTheScreen() async throws {
        let step = Mutex(0)
        let screen = try await Self.session("00") { screen in
            step.withLock { step in
                switch step {
                case 0 where screen.contains("app x1"):
                    step = 1
                    return .key(.character("a"))
                case 1 where screen.contains("app x2"):
                    step = 2
                    return .key(.character("q"))
                default:
                    return nil
                }
            }
        }
        #expect(step.withLock { $0 } == 2, "the added server never showed")
        #expect(screen.contains("add server app"))
    }

    @Test func aStageKeyLoadsTheStageAndSaysWhatChanged() async throws {
        let step = Mutex(0)
        let screen = try await Self.session("02", width: 160, height: 48) { screen in
            step.withLock { step in
                switch step {
                case 0 where screen.contains("02-dns-round-robin"):
                    step = 1
                    return .key(.character("3"))
                case 1 where screen.contains("loaded 03-load-balancer"):
                    step = 2
                    return .key(.character("q"))
                default:
                    return nil
                }
            }
        }
        #expect(step.withLock { $0 } == 2)
        #expect(screen.contains("added lb"))
    }
}
