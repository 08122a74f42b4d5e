@testable import ScaleFiles
import ScaleSim
import Testing

/// `workload.client_timeout`, a retry spec's `budget` and `jitter`, and a node's
/// `concurrency_limit` and `queue_deadline`: read, refused when bad (file, line and field),
/// written back by the encoder; their commands parsed, encoded and refused.
@Suite struct PresetResilienceTests {
    /// `basePreset` with `text` as line 7, after the workload's entry.
    private func workload(_ text: String) -> String { basePreset(line: 6, "  entry: web\n" + text) }
    /// `basePreset` with `text` as line 11, after the web node's workers.
    private func web(_ text: String) -> String { basePreset(line: 10, "    workers: 2\n" + text) }

    @Test func readsEveryField() throws {
        let yaml = basePreset(
            line: 6,
            "  entry: web\n  client_timeout: 1500ms\n  retries: {limit: 3, backoff: 50ms, budget: 0.1, jitter: decorrelated}")
        let spec = try #require(
            decoded(replacing(yaml, line: 12, "    workers: 2\n    concurrency_limit: 40\n    queue_deadline: 1s")))
        #expect(spec.workload.clientTimeout == 1_500 * Nanos.perMillisecond)
        #expect(
            spec.workload.retries
                == RetrySpec(limit: 3, backoff: 50 * Nanos.perMillisecond, budget: 0.1, jitter: .decorrelated))
        #expect(spec.node("web")?.concurrencyLimit == 40)
        #expect(spec.node("web")?.queueDeadline == Nanos.perSecond)
        #expect(spec.node("db")?.concurrencyLimit == nil)
        // Written back and read again, the same system.
        let again = try #require(decoded(PresetEncoder.yaml(spec)))
        #expect(again == spec)
    }

    @Test func absentFieldsAreTheOldBehaviour() throws {
        let spec = try #require(decoded(basePreset))
        #expect(spec.workload.clientTimeout == nil)
        #expect(spec.workload.retries.budget == nil)
        #expect(spec.workload.retries.jitter == .half)
        let yaml = PresetEncoder.yaml(spec)
        for field in ["client_timeout", "budget", "jitter", "concurrency_limit", "queue_deadline"] {
            #expect(!yaml.contains(field))
        }
    }

    @Test(arguments: ["-1s", "0s", "0", "2h", ".nan", ".inf", "fast", "[1s]"])
    func refusesABadClientTimeout(_ value: String) throws {
        let error = try #require(decodeError(workload("  client_timeout: \(value)")))
        #expect(error.file == "test.yaml")
        #expect(error.line == 7)
        #expect(error.path == "workload.client_timeout")
        #expect(error.message.contains("expected"))
    }

    @Test(arguments: ["-0.1", "1.5", "2", ".nan", ".inf", "-.inf", "lots", "10%"])
    func refusesABadBudget(_ value: String) throws {
        let error = try #require(decodeError(workload("  retries: {limit: 3, budget: \(value)}")))
        #expect(error.line == 7)
        #expect(error.path == "workload.retries.budget")
        #expect(error.message.hasPrefix("expected a fraction from 0 to 1, such as 0.1 (10% of first attempts), got"))
    }

    @Test func refusesAnUnknownJitter() throws {
        let error = try #require(decodeError(workload("  retries: {limit: 3, jitter: ful}")))
        #expect(error.line == 7)
        #expect(error.path == "workload.retries.jitter")
        #expect(error.message.contains("none, full, decorrelated"))
        #expect(error.message.contains("full"))
    }

    @Test(arguments: ["0", "-1", "1.5", ".inf", ".nan", "1_000_001", "many"])
    func refusesABadConcurrencyLimit(_ value: String) throws {
        let error = try #require(decodeError(web("    concurrency_limit: \(value)")))
        #expect(error.line == 11)
        #expect(error.path == "nodes[0].concurrency_limit")
        #expect(error.message.hasPrefix("expected "))
        #expect(error.message.contains("1_000_000") || error.message.contains("from 1"))
    }

    @Test(arguments: ["-1s", "0s", "2h", ".nan", "soon"])
    func refusesABadQueueDeadline(_ value: String) throws {
        let error = try #require(decodeError(web("    queue_deadline: \(value)")))
        #expect(error.line == 11)
        #expect(error.path == "nodes[0].queue_deadline")
        #expect(error.message.contains("expected"))
    }

    @Test func aLoadBalancerTakesNeither() throws {
        let yaml = basePreset(line: 9, count: 3, "    kind: lb\n    service: none\n    concurrency_limit: 10")
        let error = try #require(decodeError(yaml))
        #expect(error.line == 11)
        #expect(error.path == "nodes[0].concurrency_limit")
        #expect(error.message.contains("load balancer"))
    }

    // MARK: Commands

    @Test(arguments: [
        ("set retry-policy 0.1 full", SimCommand.setRetryPolicy(budget: 0.1, jitter: .full)),
        ("set retry-policy none half", SimCommand.setRetryPolicy(budget: nil, jitter: .half)),
        ("set retry-policy 0 none", SimCommand.setRetryPolicy(budget: 0, jitter: .none)),
        ("set concurrency-limit db 64", SimCommand.setConcurrencyLimit(node: "db", limit: 64)),
        ("set concurrency-limit db none", SimCommand.setConcurrencyLimit(node: "db", limit: nil)),
        ("set queue-deadline db 1s", SimCommand.setQueueDeadline(node: "db", deadline: Nanos.perSecond)),
        ("set queue-deadline db none", SimCommand.setQueueDeadline(node: "db", deadline: nil)),
    ])
    func commandsRoundTrip(_ text: String, _ command: SimCommand) throws {
        #expect(try CommandGrammar.parse(text) == command)
        #expect(CommandGrammar.encode(command) == text)
    }

    @Test(arguments: [
        "set retry-policy 1.5 full", "set retry-policy -0.1 full", "set retry-policy nan full", "set retry-policy inf full",
        "set retry-policy 0.1 random", "set retry-policy 0.1", "set concurrency-limit db 0", "set concurrency-limit db -4",
        "set concurrency-limit db 2.5", "set concurrency-limit db", "set queue-deadline db -1s", "set queue-deadline db 0s",
        "set queue-deadline db soon", "set concurrency-limit db 5 extra",
    ])
    func badCommandsAreSyntaxErrors(_ text: String) {
        #expect(throws: CommandSyntaxError.self) { try CommandGrammar.parse(text) }
    }
}
