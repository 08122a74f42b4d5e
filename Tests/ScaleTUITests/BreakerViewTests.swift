import ScaleFiles
import ScaleSim
import Testing

@testable import ScaleTUI

/// A circuit breaker on the dashboard: the `B` key's command, the inspector's line, the
/// link's mark, the event log and the advisor.
@Suite struct BreakerViewTests {
    /// Users at 100/s to `app`, which calls `db` through `breaker`; `db` dies at 1 s.
    static func snapshot(breaker: BreakerSpec?, until end: SimTime = 3 * Nanos.perSecond) -> SimulationSnapshot {
        let spec = SystemSpec(
            name: "guarded",
            workload: WorkloadSpec(users: 1_000, ratePerUser: 0.1, entry: "app"),
            nodes: [
                NodeSpec(
                    id: "app", kind: .app, workers: 100, service: .deterministic(mean: Nanos.perMillisecond),
                    routes: [RouteSpec(to: "db", breaker: breaker)]),
                NodeSpec(id: "db", kind: .db, workers: 100, service: .deterministic(mean: 2 * Nanos.perMillisecond)),
            ])
        var engine = Engine(
            spec: spec, seed: 1, script: [ScheduledCommand(at: Nanos.perSecond, command: .kill(node: "db", server: nil))])
        engine.run(until: end)
        return engine.simulationSnapshot()
    }

    @Test func theKeyPutsAStandardBreakerOnTheFirstRouteAndTakesItOff() {
        let plain = Self.snapshot(breaker: nil, until: Nanos.perSecond / 2)
        #expect(
            CommandTargets(snapshot: plain, selection: "app").command(for: .toggleBreaker)
                == .success(.setBreaker(from: "app", to: "db", breaker: .standard)))
        let guarded = Self.snapshot(breaker: .standard, until: Nanos.perSecond / 2)
        #expect(
            CommandTargets(snapshot: guarded, selection: "app").command(for: .toggleBreaker)
                == .success(.setBreaker(from: "app", to: "db", breaker: nil)))
        // db has no route: it cannot take a breaker, and the refusal names the node that can.
        guard case .failure(let reason) = CommandTargets(snapshot: plain, selection: "db").command(for: .toggleBreaker) else {
            Issue.record("db took a breaker")
            return
        }
        #expect(reason.message.contains("app"), "\(reason.message)")
        #expect(KeyMap.standard.action(for: .character("B")) == .toggleBreaker)
    }

    @Test func anOpenBreakerShowsInTheInspectorTheLinkTheLogAndTheAdvisor() throws {
        let snapshot = Self.snapshot(breaker: .standard)
        let breaker = try #require(snapshot.breakers.first)
        #expect(breaker.state == .open)
        let app = try #require(snapshot.nodes.first { $0.id == "app" })
        let lines = InspectorView.breakerLines(of: app, in: snapshot)
        #expect(lines.count == 1)
        #expect(lines.first?.value.hasPrefix("-> db OPEN, ") == true, "\(lines)")
        #expect(lines.first?.value.hasSuffix("\(Format.count(breaker.shortCircuited)) short-circuited") == true)
        let link = try #require(snapshot.links.first { $0.from == "app" && $0.to == "db" })
        #expect(TopologyView.breakerMark(link, in: snapshot)?.text == "[OPEN]")
        let advice = Advisor.advice(for: snapshot)
        #expect(advice.text.hasPrefix("breaker app -> db OPEN, "), "\(advice.text)")
        #expect(advice.text.hasSuffix(" calls failed fast: db is down, k on it restores it"))
        // Whole on an 80-column screen.
        #expect(advice.text.count <= 79, "\(advice.text.count)")

        var state = DashboardState(
            preset: PresetInfo(name: UntrustedText("guarded"), title: "guarded", description: "", explanation: ""), width: 120,
            height: 40)
        _ = state.reduce(.snapshotArrived(snapshot))
        let logged = state.log.map(\.text)
        #expect(logged.contains { $0.hasPrefix("breaker app -> db opened: 50% of its calls failed") }, "\(logged)")
    }

    @Test func theLogWordsEachChange() {
        #expect(
            Format.breakerChange(from: "a", to: "b", state: .open, failureRate: 0.6)
                == "breaker a -> b opened: 60% of its calls failed; calls fail at once")
        #expect(
            Format.breakerChange(from: "a", to: "b", state: .open, failureRate: nil)
                == "breaker a -> b opened again: a probe failed")
        #expect(
            Format.breakerChange(from: "a", to: "b", state: .halfOpen, failureRate: nil)
                == "breaker a -> b half-open: letting probes through")
        #expect(
            Format.breakerChange(from: "a", to: "b", state: .closed, failureRate: nil)
                == "breaker a -> b closed: the probes succeeded")
    }
}
