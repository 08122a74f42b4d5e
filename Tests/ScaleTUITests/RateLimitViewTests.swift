import ScaleSim
import Testing
@testable import ScaleTUI

/// A rate limiter on the screen: the box of a limited node says so and the inspector gives
/// its settings; every other cell stays as it was without one.
@Suite struct RateLimitViewTests {
    /// Stage 05 after 5 s at 120x40, the load balancer selected and inspected, with
    /// `limit` on it (or none), having turned `rejected` requests away in the last second.
    static func screen(limit: RateLimitSpec?, rejected: Int = 0) async throws -> (screen: ScreenBuffer, state: DashboardState) {
        var snapshot = try await Fixtures.snapshot("05")
        let lb = try #require(snapshot.nodes.firstIndex { $0.id == "lb" })
        snapshot.nodes[lb].spec.rateLimit = limit
        snapshot.nodes[lb].window?.rejected = rejected
        var state = DashboardState(preset: PresetInfo(try Fixtures.preset("05")), width: 120, height: 40)
        _ = state.reduce(.snapshotArrived(snapshot))
        _ = state.reduce(.keyPressed(.tab))
        _ = state.reduce(.keyPressed(.enter))
        #expect(state.selection == "lb")
        return (DashboardView.render(state), state)
    }

    @Test func aLimitedNodeSaysSoInItsBoxAndTheInspectorAndNothingElseMoves() async throws {
        let plain = try await Self.screen(limit: nil)
        let limited = try await Self.screen(limit: RateLimitSpec(rate: 5000))
        let rows = (0..<limited.screen.height).map { limited.screen.line($0) }
        #expect(rows.contains { $0.contains("limit 5.0k/s") }, "the lb's box marks the limit")
        #expect(rows.contains { $0.contains("│ rate limit  5000/s burst 5000") }, "the inspector gives the settings")
        // The advisor's "the next limit" is no rate limit.
        #expect(!plain.screen.text.contains("rate limit") && !plain.screen.text.contains("limit 5"))

        // What changed: the lb box's figures row, and inspector rows from the new line down.
        let layout = limited.state.topologyLayout(try #require(limited.state.snapshot))
        let box = try #require(layout.box("lb")).rect
        let inspector = try #require(limited.state.screenLayout.inspector)
        let diff = ScreenDiff(from: plain.screen, to: limited.screen)
        #expect(!diff.runs.isEmpty)
        for run in diff.runs {
            let inBox = run.row == box.y + 2 && run.columns.lowerBound >= box.x && run.columns.upperBound <= box.maxX
            let inInspector =
                inspector.contains(x: run.columns.lowerBound, y: run.row) && run.columns.upperBound <= inspector.maxX
            #expect(inBox || inInspector, "row \(run.row), columns \(run.columns) changed")
        }
    }

    @Test func theRejectionRateShowsInTheBoxAndTheInspector() async throws {
        let quiet = try await Self.screen(limit: RateLimitSpec(rate: 5000))
        #expect(!quiet.screen.text.contains("rej "), "no rejections, no figure")
        #expect(!quiet.screen.text.contains("by the rate limit"))
        let rejecting = try await Self.screen(limit: RateLimitSpec(rate: 5000), rejected: 310)
        let rows = (0..<rejecting.screen.height).map { rejecting.screen.line($0) }
        let layout = rejecting.state.topologyLayout(try #require(rejecting.state.snapshot))
        let box = try #require(layout.box("lb")).rect
        let figures = String(rows[box.y + 2].dropFirst(box.x).prefix(box.width))
        #expect(figures.contains("rej 310/s"), "the lb's box: \(figures)")
        #expect(rows.contains { $0.contains("│ rejected    310/s by the rate limit") }, "the inspector")
    }

    @Test func aFractionalLimitAndItsBurstAreWrittenInFull() async throws {
        let limited = try await Self.screen(limit: RateLimitSpec(rate: 2.5, burst: 40))
        #expect(limited.screen.text.contains("rate limit  2.5/s burst 40"))
        #expect(limited.screen.text.contains("limit 2.5/s"))
    }

    @Test func plainNumbersAreWrittenAsPresetsWriteThem() {
        #expect(Format.plain(5000) == "5000")
        #expect(Format.plain(2.5) == "2.5")
        #expect(Format.plain(RateLimitSpec.maxRate) == "50000000")
        #expect(Format.plain(0.125) == "0.125")
    }
}
