@testable import ScaleFiles
import ScaleSim
import Testing

/// How the rate-limit form's errors begin, and what they expect.
private let rateLimitUsage = "set rate-limit NODE RATE [BURST]"
private let rateExpected = "expected a rate greater than 0 and at most 50_000_000 per second, such as 500"
private let burstExpected = "expected a burst from 1 to 50_000_000 requests or the end of the command"

@Suite struct CommandGrammarTests {
    /// Every form in its canonical text, with the command it denotes.
    static let samples: [(text: String, command: SimCommand)] = [
        ("set users 2000000", .setUsers(2_000_000)),
        ("set rate 0.5", .setRatePerUser(0.5)),
        ("set retries 3 0.1s", .setRetries(limit: 3, backoff: 100 * Nanos.perMillisecond)),
        ("set retries 1 0s", .setRetries(limit: 1, backoff: 0)),
        ("set retry-policy 0.1 full", .setRetryPolicy(budget: 0.1, jitter: .full)),
        ("set concurrency-limit db 64", .setConcurrencyLimit(node: "db", limit: 64)),
        ("set queue-deadline db 1s", .setQueueDeadline(node: "db", deadline: Nanos.perSecond)),
        ("set retries off", .setRetries(limit: 0, backoff: 0)),
        ("set servers app 8", .setServers(node: "app", count: 8)),
        ("add server app", .addServers(node: "app", count: 1)),
        ("add server app 3", .addServers(node: "app", count: 3)),
        ("remove server app", .removeServers(node: "app", count: 1)),
        ("remove server app 2", .removeServers(node: "app", count: 2)),
        ("set workers app 16", .setWorkers(node: "app", count: 16)),
        ("set size db 0", .setSize(node: "db", size: 0)),
        ("set size db 3", .setSize(node: "db", size: 3)),
        ("scale up db", .resize(node: "db", steps: 1)),
        ("scale up db 2", .resize(node: "db", steps: 2)),
        ("scale down db", .resize(node: "db", steps: -1)),
        ("scale down db 3", .resize(node: "db", steps: -3)),
        ("set policy lb round_robin", .setPolicy(node: "lb", policy: .roundRobin)),
        ("set policy lb random", .setPolicy(node: "lb", policy: .random)),
        ("set policy lb least_connections", .setPolicy(node: "lb", policy: .leastConnections)),
        ("set policy lb consistent_hash", .setPolicy(node: "lb", policy: .consistentHash)),
        ("set health-check lb 2s", .setHealthCheck(node: "lb", interval: 2 * Nanos.perSecond)),
        ("set health-check lb 0.5ms", .setHealthCheck(node: "lb", interval: 500 * Nanos.perMicrosecond)),
        ("add lb app", .addLoadBalancer(pool: "app")),
        ("add replica db", .addReplicas(primary: "db", count: 1)),
        ("add replica db 2", .addReplicas(primary: "db", count: 2)),
        ("remove replica db", .removeReplicas(primary: "db", count: 1)),
        ("remove replica db 2", .removeReplicas(primary: "db", count: 2)),
        ("set shards db 4", .setShards(node: "db", count: 4)),
        ("add cache db", .addCache(front: "db", entries: CommandGrammar.defaultCacheEntries)),
        ("add cache db 50000", .addCache(front: "db", entries: 50_000)),
        ("set capacity cache 1000", .setCacheCapacity(node: "cache", entries: 1000)),
        ("set eviction cache lru", .setEviction(node: "cache", policy: .lru)),
        ("set eviction cache lfu", .setEviction(node: "cache", policy: .lfu)),
        ("set eviction cache fifo", .setEviction(node: "cache", policy: .fifo)),
        ("set ttl cache 30s", .setTTL(node: "cache", ttl: 30 * Nanos.perSecond)),
        ("set ttl cache 2.5ms", .setTTL(node: "cache", ttl: 2_500_000)),
        ("set ttl cache none", .setTTL(node: "cache", ttl: nil)),
        ("set write-policy cache invalidate", .setWritePolicy(node: "cache", policy: .invalidate)),
        ("set write-policy cache write_through", .setWritePolicy(node: "cache", policy: .writeThrough)),
        ("set write-policy cache ttl_only", .setWritePolicy(node: "cache", policy: .ttlOnly)),
        ("set coalesce cache on", .setCoalescing(node: "cache", on: true)),
        ("set coalesce cache off", .setCoalescing(node: "cache", on: false)),
        ("flush cache", .flush(node: "cache")),
        ("kill db", .kill(node: "db", server: nil)),
        ("kill app 0", .kill(node: "app", server: 0)),
        ("kill app 2", .kill(node: "app", server: 2)),
        ("restore db", .restore(node: "db", server: nil)),
        ("restore app 2", .restore(node: "app", server: 2)),
        ("slow db 3", .slow(node: "db", factor: 3)),
        ("slow db 0.5", .slow(node: "db", factor: 0.5)),
        ("slow eu-west_2 1e-07", .slow(node: "eu-west_2", factor: 1e-7)),
        ("autoscale web 0.6 2 20 30s 1m", .setAutoscale(node: "web", policy: AutoscaleSpec(target: 0.6, min: 2, max: 20))),
        (
            "autoscale web 0.5 1 4 0s 10s",
            .setAutoscale(
                node: "web", policy: AutoscaleSpec(target: 0.5, min: 1, max: 4, warmup: 0, cooldown: 10 * Nanos.perSecond))
        ),
        ("autoscale web off", .setAutoscale(node: "web", policy: nil)),
        ("set sessions web sticky", .setSessions(node: "web", mode: .sticky)),
        ("set sessions web none", .setSessions(node: "web", mode: .none)),
        ("add session-store web", .addSessionStore(pool: "web")),
        ("set rate-limit lb 500", .setRateLimit(node: "lb", rate: 500, burst: nil)),
        ("set rate-limit lb 0.5 20", .setRateLimit(node: "lb", rate: 0.5, burst: 20)),
        ("set rate-limit lb 50000000 1.5", .setRateLimit(node: "lb", rate: RateLimitSpec.maxRate, burst: 1.5)),
        ("remove rate-limit lb", .removeRateLimit(node: "lb")),
        ("breaker app db on", .setBreaker(from: "app", to: "db", breaker: .standard)),
        ("breaker app db off", .setBreaker(from: "app", to: "db", breaker: nil)),
        ("kill dc eu-west", .killDataCenter("eu-west")),
        ("restore dc eu-west", .restoreDataCenter("eu-west")),
        ("partition us-east eu-west", .partition("us-east", "eu-west")),
        ("heal us-east eu-west", .heal("us-east", "eu-west")),
        ("add cdn eu", .addCDN(region: "eu", entries: CommandGrammar.defaultCacheEntries)),
        ("add cdn all 200000", .addCDN(region: "all", entries: 200_000)),
    ]

    @Test func everySampleParsesAndEncodesCanonically() throws {
        for sample in Self.samples {
            #expect(try CommandGrammar.parse(sample.text) == sample.command, "\(sample.text)")
            #expect(CommandGrammar.encode(sample.command) == sample.text)
        }
    }

    @Test func everyReferenceFormHasASample() {
        let reference = CommandGrammar.reference
        #expect(reference.count == CommandGrammar.forms.count)
        for form in CommandGrammar.forms {
            let covered = (Self.samples + Self.componentSamples).contains { sample in
                let words = sample.text.split(separator: " ").map(String.init)
                return words.starts(with: form.keywords)
                    && !CommandGrammar.forms.contains {
                        $0.keywords.count > form.keywords.count && words.starts(with: $0.keywords)
                    }
            }
            #expect(covered, "no sample for \(form.syntax)")
            #expect(!form.meaning.isEmpty)
        }
        // Each form is picked by its own keywords.
        #expect(Set(CommandGrammar.forms.map(\.keywords)).count == CommandGrammar.forms.count)
    }

    @Test func spacingAndNumberSeparators() throws {
        #expect(try CommandGrammar.parse("  set\tusers   2_000_000  ") == .setUsers(2_000_000))
        #expect(try CommandGrammar.parse("set users +5") == .setUsers(5))
        #expect(try CommandGrammar.parse("set users 100_000_000") == .setUsers(WorkloadSpec.maxUsers))
        #expect(try CommandGrammar.parse("slow db 1_000.5") == .slow(node: "db", factor: 1000.5))
        #expect(try CommandGrammar.parse("set rate 2") == .setRatePerUser(2))
        #expect(try CommandGrammar.parse("set retries 2 1.5s") == .setRetries(limit: 2, backoff: 1_500_000_000))
        #expect(try CommandGrammar.parse("set retries 2 1500ms") == .setRetries(limit: 2, backoff: 1_500_000_000))
        #expect(try CommandGrammar.parse("kill 42") == .kill(node: "42", server: nil))
        #expect(CommandGrammar.encode(.slow(node: "db", factor: 1e16)) == "slow db 1e+16")
    }

    // MARK: - Round trip

    @Test func awkwardNumbersRoundTrip() throws {
        let awkward: [Double] = [
            0.1, 0.2, 0.3, 1e-7, 123456.789, 1.0 / 3, 2.0 / 3, 1e16, 1e22, 9_007_199_254_740_994, 4.35,
            .ulpOfOne, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, 1.0.nextUp, 1.0.nextDown,
        ]
        for value in awkward {
            for command in [SimCommand.slow(node: "db", factor: value), .setRatePerUser(value)] {
                #expect(try CommandGrammar.parse(CommandGrammar.encode(command)) == command, "\(value)")
            }
        }
    }

    @Test func randomCommandsRoundTrip() throws {
        var random = Xoshiro256StarStar(seed: 20_261_129)
        for _ in 0..<5_000 {
            let command = Self.randomCommand(&random)
            let text = CommandGrammar.encode(command)
            #expect(try CommandGrammar.parse(text) == command, "\(text)")
        }
    }

    /// A valid command of a random case, with values spread over their whole range.
    static func randomCommand(_ random: inout Xoshiro256StarStar) -> SimCommand {
        let node = randomID(&random)
        let count = randomInteger(&random, from: 1)
        switch random.below(39) {
        case 0: return .setUsers(1 + random.below(WorkloadSpec.maxUsers))
        case 1: return .setRatePerUser(randomFactor(&random))
        case 2: return .setRetries(limit: count, backoff: randomDuration(&random, from: 0))
        case 3: return .setRetries(limit: 0, backoff: 0)
        case 4: return .setServers(node: node, count: count)
        case 5: return .addServers(node: node, count: count)
        case 6: return .removeServers(node: node, count: count)
        case 7: return .setWorkers(node: node, count: count)
        case 8: return .setSize(node: node, size: randomInteger(&random, from: 0))
        case 9: return .resize(node: node, steps: random.below(2) == 0 ? count : -count)
        case 10: return .setPolicy(node: node, policy: BalancePolicy.allCases[random.below(BalancePolicy.allCases.count)])
        case 11: return .addLoadBalancer(pool: node)
        case 12: return .addReplicas(primary: node, count: count)
        case 13: return .removeReplicas(primary: node, count: count)
        case 14: return .setShards(node: node, count: count)
        case 15: return .addCache(front: node, entries: count)
        case 16: return .setCacheCapacity(node: node, entries: count)
        case 17: return .setEviction(node: node, policy: EvictionPolicy.allCases[random.below(EvictionPolicy.allCases.count)])
        case 18: return .setTTL(node: node, ttl: random.below(4) == 0 ? nil : randomDuration(&random, from: 1))
        case 19: return .setWritePolicy(node: node, policy: WritePolicy.allCases[random.below(WritePolicy.allCases.count)])
        case 20: return .flush(node: node)
        case 21: return .kill(node: node, server: random.below(2) == 0 ? nil : randomInteger(&random, from: 0))
        case 22: return .restore(node: node, server: random.below(2) == 0 ? nil : randomInteger(&random, from: 0))
        case 23:
            let burst = random.below(2) == 0 ? nil : 1 + min(randomFactor(&random), RateLimitSpec.maxBurst - 1)
            return .setRateLimit(node: node, rate: min(randomFactor(&random), RateLimitSpec.maxRate), burst: burst)
        case 24: return .removeRateLimit(node: node)
        case 25: return .addDatabase(node: node)
        case 26: return .removeDatabase(node)
        case 27:
            let requestClass = RequestClass.allCases[random.below(RequestClass.allCases.count)]
            return .addQueue(node: node, requestClass: requestClass, workers: count)
        case 28: return .removeQueue(node)
        case 29: return .addDataCenter(randomDataCenterCopy(&random))
        case 30: return .removeDataCenter(node)
        case 31: return .removeLoadBalancer(node)
        case 32: return .removeCache(node)
        case 33: return .removeCDN(region: node)
        case 34: return .removeSessionStore(node)
        case 35: return .setHealthCheck(node: node, interval: randomDuration(&random, from: 1))
        case 36: return .setCoalescing(node: node, on: random.below(2) == 0)
        default: return .slow(node: node, factor: randomFactor(&random))
        }
    }

    /// An id of 1 to 64 characters from the allowed alphabet.
    static func randomID(_ random: inout Xoshiro256StarStar) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
        return String((0...random.below(64)).map { _ in alphabet[random.below(alphabet.count)] })
    }

    /// An integer of a random number of bits, so small and huge values both come up.
    static func randomInteger(_ random: inout Xoshiro256StarStar, from lowest: Int) -> Int {
        let bits = random.below(64)
        return max(lowest, Int(truncatingIfNeeded: random.next() >> UInt64(1 + bits)))
    }

    /// A duration of a random magnitude up to `Nanos.longest`, exact to the nanosecond.
    static func randomDuration(_ random: inout Xoshiro256StarStar, from lowest: SimTime) -> SimTime {
        max(lowest, SimTime(randomInteger(&random, from: Int(lowest))) % (Nanos.longest + 1))
    }

    /// A positive finite double: a short decimal, a ratio, or any bit pattern.
    static func randomFactor(_ random: inout Xoshiro256StarStar) -> Double {
        switch random.below(3) {
        case 0: return Double(1 + random.below(1000)) / 100
        case 1: return Double(1 + random.below(1_000_000)) / Double(1 + random.below(1_000_000))
        default:
            while true {
                let value = Double(bitPattern: random.next() >> 1)
                if value.isFinite, value > 0 { return value }
            }
        }
    }

    // MARK: - Errors

    /// The error parsing `text` gives, or `nil` if it parses.
    static func error(_ text: String) -> CommandSyntaxError? {
        do throws(CommandSyntaxError) {
            _ = try CommandGrammar.parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        (
            "", 1,
            "expected a command (set, add, remove, scale, autoscale, breaker, flush, kill, restore, slow, partition, heal), got nothing"
        ),
        (
            "sett users 5", 1,
            "unknown command \"sett\"; expected one of: set, add, remove, scale, autoscale, breaker, flush, kill, restore, slow, partition, heal (did you mean set?)"
        ),
        (
            "set user 5", 5,
            "unknown word \"user\" after \"set\"; expected one of: users, rate, retries, retry-policy, servers, workers, size, "
                + "policy, health-check, sessions, rate-limit, concurrency-limit, queue-deadline, shards, capacity, eviction, ttl, write-policy, coalesce (did you mean users?)"
        ),
        ("scale", 6, "expected one of up, down after \"scale\", got nothing"),
        ("scale sideways db", 7, "unknown word \"sideways\" after \"scale\"; expected one of: up, down"),
        ("set users", 10, "set users N: expected a number of users from 1 to 100_000_000, got nothing"),
        ("set users 0", 11, "set users N: expected a number of users from 1 to 100_000_000, got \"0\""),
        ("set users 100_000_001", 11, "set users N: expected a number of users from 1 to 100_000_000, got \"100_000_001\""),
        ("set users 12x", 11, "set users N: expected a number of users from 1 to 100_000_000, got \"12x\""),
        ("set users 1.5", 11, "set users N: expected a number of users from 1 to 100_000_000, got \"1.5\""),
        ("set users 010", 11, "set users N: expected a number of users from 1 to 100_000_000, got \"010\""),
        (
            "set users 99999999999999999999", 11,
            "set users N: expected a number of users from 1 to 100_000_000, got \"99999999999999999999\""
        ),
        (
            "add server app -2", 16,
            "add server NODE [N]: expected a positive number of servers or the end of the command, got \"-2\""
        ),
        ("set servers app 0", 17, "set servers NODE N: expected a positive number of servers, got \"0\""),
        ("set servers 8", 14, "set servers NODE N: expected a positive number of servers, got nothing"),
        ("set size db -1", 13, "set size NODE N: expected an instance size of 0 or more, got \"-1\""),
        ("flush cache now", 13, "flush CACHE: expected the end of the command, got \"now\""),
        ("set retries off 3", 17, "set retries off: expected the end of the command, got \"3\""),
        ("set retries", 12, "set retries N BACKOFF: expected a positive number of retries, or off, got nothing"),
        ("set retries 0 1s", 13, "set retries N BACKOFF: expected a positive number of retries, or off, got \"0\""),
        ("set retries 3", 14, "set retries N BACKOFF: expected a duration such as 250ms, 90s, 10m or 1.5h, got nothing"),
        (
            "set retries 3 fast", 15,
            "set retries N BACKOFF: expected a duration such as 250ms, 90s, 10m or 1.5h, got \"fast\""
        ),
        (
            "set ttl cache 5", 15,
            "set ttl CACHE D|none: expected a duration such as 250ms, 90s, 10m or 1.5h, or none, got \"5\""
        ),
        ("set ttl cache 0s", 15, "set ttl CACHE D|none: expected a duration greater than 0, got \"0s\""),
        ("set health-check lb 0s", 21, "set health-check NODE D: expected a duration greater than 0, got \"0s\""),
        ("set health-check lb", 20, "set health-check NODE D: expected a duration such as 250ms, 90s, 10m or 1.5h, got nothing"),
        ("set health-check lb 2", 21, "set health-check NODE D: expected a duration such as 250ms, 90s, 10m or 1.5h, got \"2\""),
        ("set health-check lb 2s 5s", 24, "set health-check NODE D: expected the end of the command, got \"5s\""),
        ("set ttl cache 0.1ns", 15, "set ttl CACHE D|none: duration \"0.1ns\" is finer than one nanosecond"),
        ("set ttl cache 3651d", 15, "set ttl CACHE D|none: duration \"3651d\" is too long (at most 3650d, ten years)"),
        ("set ttl cache 0.0000000001s", 15, "set ttl CACHE D|none: duration \"0.0000000001s\" is finer than one nanosecond"),
        (
            "set policy lb round-robin", 15,
            "set policy NODE round_robin|random|least_connections|consistent_hash: expected one of round_robin, random, "
                + "least_connections, consistent_hash, got \"round-robin\" (did you mean round_robin?)"
        ),
        (
            "set eviction cache mru", 20,
            "set eviction CACHE lru|lfu|fifo: expected one of lru, lfu, fifo, got \"mru\" (did you mean lru?)"
        ),
        (
            "set write-policy cache", 23,
            "set write-policy CACHE invalidate|write_through|ttl_only: expected one of invalidate, write_through, ttl_only, got nothing"
        ),
        ("kill db!", 6, "kill NODE [SERVER]: expected a node id of 1 to 64 letters, digits, - or _, got \"db!\""),
        (
            "kill app eu-west", 10,
            "kill NODE [SERVER]: expected a server number (0 is the first) or the end of the command, got \"eu-west\""
        ),
        ("kill dc", 8, "kill dc DC: expected a data center name, got nothing"),
        (
            "restore app -1", 13,
            "restore NODE [SERVER]: expected a server number (0 is the first) or the end of the command, got \"-1\""
        ),
        ("slow db 0", 9, "slow NODE FACTOR: expected a factor greater than 0, such as 3 or 0.5, got \"0\""),
        ("slow db -2", 9, "slow NODE FACTOR: expected a factor greater than 0, such as 3 or 0.5, got \"-2\""),
        ("slow db inf", 9, "slow NODE FACTOR: expected a factor greater than 0, such as 3 or 0.5, got \"inf\""),
        ("slow db nan", 9, "slow NODE FACTOR: expected a factor greater than 0, such as 3 or 0.5, got \"nan\""),
        ("slow db 1e400", 9, "slow NODE FACTOR: expected a factor greater than 0, such as 3 or 0.5, got \"1e400\""),
        ("slow db 1e-400", 9, "slow NODE FACTOR: expected a factor greater than 0, such as 3 or 0.5, got \"1e-400\""),
        ("slow db 0x10", 9, "slow NODE FACTOR: expected a factor greater than 0, such as 3 or 0.5, got \"0x10\""),
        ("set rate", 9, "set rate R: expected a rate greater than 0, such as 0.5, got nothing"),
        ("set rate-limit lb", 18, "\(rateLimitUsage): \(rateExpected), got nothing"),
        ("set rate-limit lb 0", 19, "\(rateLimitUsage): \(rateExpected), got \"0\""),
        ("set rate-limit lb -5", 19, "\(rateLimitUsage): \(rateExpected), got \"-5\""),
        ("set rate-limit lb 50_000_001", 19, "\(rateLimitUsage): \(rateExpected), got \"50_000_001\""),
        ("set rate-limit lb 1e9", 19, "\(rateLimitUsage): \(rateExpected), got \"1e9\""),
        ("set rate-limit lb fast", 19, "\(rateLimitUsage): \(rateExpected), got \"fast\""),
        ("set rate-limit lb inf", 19, "\(rateLimitUsage): \(rateExpected), got \"inf\""),
        ("set rate-limit lb nan", 19, "\(rateLimitUsage): \(rateExpected), got \"nan\""),
        ("set rate-limit lb 500 0", 23, "\(rateLimitUsage): \(burstExpected), got \"0\""),
        ("set rate-limit lb 500 0.5", 23, "\(rateLimitUsage): \(burstExpected), got \"0.5\""),
        ("set rate-limit lb 500 -1", 23, "\(rateLimitUsage): \(burstExpected), got \"-1\""),
        ("set rate-limit lb 500 50_000_001", 23, "\(rateLimitUsage): \(burstExpected), got \"50_000_001\""),
        ("set rate-limit lb 500 lots", 23, "\(rateLimitUsage): \(burstExpected), got \"lots\""),
        ("set rate-limit lb 500 10 20", 26, "\(rateLimitUsage): expected the end of the command, got \"20\""),
        ("set rate-limit lb! 500", 16, "\(rateLimitUsage): expected a node id of 1 to 64 letters, digits, - or _, got \"lb!\""),
        ("remove rate-limit", 18, "remove rate-limit NODE: expected a node id, got nothing"),
        ("remove rate-limit lb 500", 22, "remove rate-limit NODE: expected the end of the command, got \"500\""),
        (
            "set rate-limt lb 5", 5,
            "unknown word \"rate-limt\" after \"set\"; expected one of: users, rate, retries, retry-policy, servers, workers, size, "
                + "policy, health-check, sessions, rate-limit, concurrency-limit, queue-deadline, shards, capacity, eviction, ttl, write-policy, coalesce (did you mean rate-limit?)"
        ),
        ("  set  users  x", 15, "set users N: expected a number of users from 1 to 100_000_000, got \"x\""),
        (
            "SET users 5", 1,
            "unknown command \"SET\"; expected one of: set, add, remove, scale, autoscale, breaker, flush, kill, restore, slow, partition, heal"
        ),
    ])
    func errorsSayWhatAndWhere(text: String, column: Int, message: String) throws {
        let error = try #require(Self.error(text), "\(text) parsed")
        #expect(error.message == message)
        #expect(error.column == column)
        #expect(error.description == "column \(column): \(message)")
    }

    @Test func columnsCountCharacters() throws {
        let error = try #require(Self.error("kill café 2"))
        #expect(error.column == 6)
        #expect(try #require(Self.error("kill db 🙂")).column == 9)
    }

    @Test func messagesAreSafeForTerminals() throws {
        let error = try #require(Self.error("kill \u{1B}[2J"))
        #expect(!error.message.unicodeScalars.contains { TerminalSafe.isUnsafe($0) })
        #expect(error.message.contains("\\u{1b}[2J"))
        let direct = CommandSyntaxError(message: "bad \u{202E}word", column: 3)
        #expect(direct.message == "bad \\u{202e}word")
    }
}
