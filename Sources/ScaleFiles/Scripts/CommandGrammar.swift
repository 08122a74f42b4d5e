import ScaleSim

/// The text form of `SimCommand`: what scripts, the dashboard's `:` prompt and replay files
/// write, such as `add replica db 2` or `set ttl cache 30s` (see docs/scripts.md).
///
/// A command is whitespace-separated words: one or more keywords naming the form, then its
/// arguments. Keywords are lowercase and exact; node ids are 1 to 64 characters from
/// `A-Z a-z 0-9 _ -`; integers are decimal, with `_` allowed as a separator; durations are
/// those of presets (`250ms`, `90s`, `10m`, `1.5h`). Whether a named node exists is for the
/// engine to say when the command runs.
public enum CommandGrammar {
    /// Entries of the cache `add cache NODE` creates when the command names none.
    public static let defaultCacheEntries = 10_000
    /// Workers on each of a queue's consumer servers when `add queue` names none.
    public static let defaultQueueWorkers = 16

    /// Every command form, with its meaning, in the order of `SimCommand`: for the help
    /// overlay and the documentation.
    public static var reference: [(syntax: String, meaning: String)] {
        forms.map { ($0.syntax, $0.meaning) }
    }

    /// The command `line` spells (one command, without `at`); errors give the column of the
    /// offending word. `otherCommands` are first words the caller reads itself (the prompt's
    /// `load`), named with the others when the first word is unknown.
    public static func parse(_ line: String, otherCommands: [String] = []) throws(CommandSyntaxError) -> SimCommand {
        var reader = CommandReader(line)
        return try command(from: &reader, otherCommands: otherCommands)
    }

    /// The canonical text of `command`, which `parse` reads back as `command`.
    ///
    /// Exact for every command `parse` accepts: durations and numbers are written so they
    /// read back bit for bit. A value no text spells (say `.setServers` with a count of 0) is
    /// still written in the same shape, but `parse` refuses that text.
    public static func encode(_ command: SimCommand) -> String {
        switch command {
        case .setUsers(let users): "set users \(users)"
        case .setRatePerUser(let rate): "set rate \(number(rate))"
        case .setRetries(0, 0): "set retries off"
        case .setRetries(let limit, let backoff): "set retries \(limit) \(DurationParser.format(backoff))"
        case .setServers(let node, let count): "set servers \(node) \(count)"
        case .addServers(let node, let count): "add server \(node)" + optional(count, unless: 1)
        case .removeServers(let node, let count): "remove server \(node)" + optional(count, unless: 1)
        case .setWorkers(let node, let count): "set workers \(node) \(count)"
        case .setSize(let node, let size): "set size \(node) \(size)"
        case .resize(let node, let steps):
            (steps < 0 ? "scale down \(node)" : "scale up \(node)") + optional(steps.magnitude, unless: 1)
        case .setPolicy(let node, let policy): "set policy \(node) \(policy.rawValue)"
        case .setHealthCheck(let node, let interval): "set health-check \(node) \(DurationParser.format(interval))"
        case .addLoadBalancer(let pool): "add lb \(pool)"
        case .addReplicas(let primary, let count): "add replica \(primary)" + optional(count, unless: 1)
        case .removeReplicas(let primary, let count): "remove replica \(primary)" + optional(count, unless: 1)
        case .setShards(let node, let count): "set shards \(node) \(count)"
        case .addCache(let front, let entries): "add cache \(front)" + optional(entries, unless: defaultCacheEntries)
        case .setCacheCapacity(let node, let entries): "set capacity \(node) \(entries)"
        case .setEviction(let node, let policy): "set eviction \(node) \(policy.rawValue)"
        case .setTTL(let node, nil): "set ttl \(node) none"
        case .setTTL(let node, let ttl?): "set ttl \(node) \(DurationParser.format(ttl))"
        case .setWritePolicy(let node, let policy): "set write-policy \(node) \(policy.rawValue)"
        case .setCoalescing(let node, let on): "set coalesce \(node) \(on ? "on" : "off")"
        case .flush(let node): "flush \(node)"
        case .kill(let node, let server): "kill \(node)" + (server.map { " \($0)" } ?? "")
        case .restore(let node, let server): "restore \(node)" + (server.map { " \($0)" } ?? "")
        case .slow(let node, let factor): "slow \(node) \(number(factor))"
        case .setAutoscale(let node, nil): "autoscale \(node) off"
        case .setAutoscale(let node, let p?):
            "autoscale \(node) \(number(p.target)) \(p.min) \(p.max) \(DurationParser.format(p.warmup)) \(DurationParser.format(p.cooldown))"
        case .setSessions(let node, let mode): "set sessions \(node) \(mode.rawValue)"
        case .addSessionStore(let pool): "add session-store \(pool)"
        case .setRateLimit(let node, let rate, let burst):
            "set rate-limit \(node) \(number(rate))" + (burst.map { " \(number($0))" } ?? "")
        case .removeRateLimit(let node): "remove rate-limit \(node)"
        case .setRetryPolicy(let budget, let jitter):
            "set retry-policy \(budget.map(number) ?? "none") \(jitter.rawValue)"
        case .setConcurrencyLimit(let node, let limit): "set concurrency-limit \(node) \(limit.map { "\($0)" } ?? "none")"
        case .setQueueDeadline(let node, let deadline):
            "set queue-deadline \(node) \(deadline.map(DurationParser.format) ?? "none")"
        case .setBreaker(let from, let to, let breaker): "breaker \(from) \(to) " + breakerSettings(breaker)
        case .killDataCenter(let dc): "kill dc \(dc)"
        case .restoreDataCenter(let dc): "restore dc \(dc)"
        case .partition(let a, let b): "partition \(a) \(b)"
        case .heal(let a, let b): "heal \(a) \(b)"
        case .addCDN(let region, let entries): "add cdn \(region)" + optional(entries, unless: defaultCacheEntries)
        case .addDatabase(let node): "add db \(node)"
        case .removeDatabase(let node): "remove db \(node)"
        case .addQueue(let node, let requestClass, let workers):
            "add queue \(node) \(requestClass)" + optional(workers, unless: defaultQueueWorkers)
        case .removeQueue(let node): "remove queue \(node)"
        case .addDataCenter(let copy):
            "add dc \(copy.name) like \(copy.model) near \(copy.region) \(DurationParser.format(copy.latency))"
                + copy.otherLatencies.map { " \($0.region) \(DurationParser.format($0.latency))" }.joined()
        case .removeDataCenter(let dc): "remove dc \(dc)"
        case .removeLoadBalancer(let node): "remove lb \(node)"
        case .removeCache(let node): "remove cache \(node)"
        case .removeCDN(let region): "remove cdn \(region)"
        case .removeSessionStore(let node): "remove session-store \(node)"
        }
    }

    // MARK: - Forms

    /// One way to write a command: its syntax, what it does, and how to read its arguments.
    struct Form: Sendable {
        let syntax: String
        let meaning: String
        /// The leading lowercase words of `syntax`, which pick this form.
        let keywords: [String]
        /// Reads the arguments that follow the keywords.
        let read: @Sendable (inout CommandReader) throws(CommandSyntaxError) -> SimCommand

        init(
            _ syntax: String, _ meaning: String,
            read: @escaping @Sendable (inout CommandReader) throws(CommandSyntaxError) -> SimCommand
        ) {
            self.syntax = syntax
            self.meaning = meaning
            keywords = syntax.split(separator: " ")
                .prefix { $0.allSatisfy { $0.isLowercase || $0 == "-" } }
                .map(String.init)
            self.read = read
        }
    }

    private static let maxUsers = SchemaReader.grouped(WorkloadSpec.maxUsers)
    private static let rateExpected =
        "a rate greater than 0 and at most \(SchemaReader.grouped(Int(RateLimitSpec.maxRate))) per second, such as 500"
    private static let burstExpected = "a burst from 1 to \(SchemaReader.grouped(Int(RateLimitSpec.maxBurst))) requests"

    static let forms: [Form] = [
        Form("set users N", "concurrent users, 1 to \(maxUsers); the arrival rate follows at once") {
            r throws(CommandSyntaxError) in
            .setUsers(try r.integer("a number of users from 1 to \(maxUsers)", in: 1...WorkloadSpec.maxUsers))
        },
        Form("set rate R", "requests per user per second, a number greater than 0") { r throws(CommandSyntaxError) in
            .setRatePerUser(try r.positiveNumber("a rate greater than 0, such as 0.5"))
        },
        Form(
            "set retries N BACKOFF",
            "clients retry a failed or timed-out request up to N times, waiting BACKOFF, then twice as long, and so on"
        ) { r throws(CommandSyntaxError) in
            let limit = try r.integer("a positive number of retries, or off", in: 1...Int.max)
            return .setRetries(limit: limit, backoff: try r.duration(allowZero: true))
        },
        Form("set retries off", "clients do not retry") { _ in
            .setRetries(limit: 0, backoff: 0)
        },
        Form(
            "set retry-policy BUDGET|none none|full|decorrelated|half",
            "retries may add at most BUDGET (a fraction from 0 to 1) of the first attempts, the rest of the failures being final; backoffs spread by the jitter named (half: ±50%, the default)"
        ) { r throws(CommandSyntaxError) in
            var budget: Double?
            if r.peek()?.text == "none" {
                r.skip()
            } else {
                budget = try r.number("a retry budget from 0 to 1, such as 0.1, or none") { RetrySpec.budgetRefusal($0) == nil }
            }
            return .setRetryPolicy(budget: budget, jitter: try r.choice(RetryJitter.self))
        },
        Form("set servers NODE N", "grows or shrinks NODE's pool to N servers") { r throws(CommandSyntaxError) in
            .setServers(node: try r.node(), count: try r.integer("a positive number of servers", in: 1...Int.max))
        },
        Form("add server NODE [N]", "adds N servers (default 1) to NODE's pool") { r throws(CommandSyntaxError) in
            .addServers(node: try r.node(), count: try r.optionalCount("servers") ?? 1)
        },
        Form("remove server NODE [N]", "removes the N newest servers (default 1) from NODE's pool") {
            r throws(CommandSyntaxError) in
            .removeServers(node: try r.node(), count: try r.optionalCount("servers") ?? 1)
        },
        Form("set workers NODE N", "parallel workers per server of NODE") { r throws(CommandSyntaxError) in
            .setWorkers(node: try r.node(), count: try r.integer("a positive number of workers", in: 1...Int.max))
        },
        Form("set size NODE N", "puts NODE on step N of the vertical ladder (0 is the smallest)") {
            r throws(CommandSyntaxError) in
            .setSize(node: try r.node(), size: try r.integer("an instance size of 0 or more", in: 0...Int.max))
        },
        Form("scale up NODE [STEPS]", "moves NODE STEPS steps (default 1) up the vertical ladder") {
            r throws(CommandSyntaxError) in
            .resize(node: try r.node(), steps: try r.optionalCount("steps") ?? 1)
        },
        Form("scale down NODE [STEPS]", "moves NODE STEPS steps (default 1) down the vertical ladder") {
            r throws(CommandSyntaxError) in
            .resize(node: try r.node(), steps: -(try r.optionalCount("steps") ?? 1))
        },
        Form(
            "set policy NODE round_robin|random|least_connections|consistent_hash",
            "how NODE balances over the pool it forwards to; consistent_hash keeps a user on one server"
        ) { r throws(CommandSyntaxError) in
            .setPolicy(node: try r.node(), policy: try r.choice(BalancePolicy.self))
        },
        Form(
            "set health-check NODE D",
            "NODE notices a dead server of the pool it forwards to D after it dies, and one back up D after it returns"
        ) { r throws(CommandSyntaxError) in
            .setHealthCheck(node: try r.node(), interval: try r.duration(allowZero: false))
        },
        Form("add lb POOL", "puts a load balancer in front of POOL, which has none") { r throws(CommandSyntaxError) in
            .addLoadBalancer(pool: try r.node())
        },
        Form(
            "autoscale POOL off|TARGET MIN MAX [WARMUP [COOLDOWN]]",
            "keeps POOL's utilization near TARGET with MIN to MAX servers; new servers warm up for WARMUP (default 30s) and actions are COOLDOWN apart (default 60s); off stops it"
        ) { r throws(CommandSyntaxError) in
            let node = try r.node()
            if r.peek()?.text == "off" {
                r.skip()
                return .setAutoscale(node: node, policy: nil)
            }
            let target = try r.positiveNumber("off, or a target utilization between 0 and 1, such as 0.6")
            let min = try r.integer("a minimum number of servers", in: 1...Int.max)
            let max = try r.integer("a maximum number of servers", in: 1...Int.max)
            var policy = AutoscaleSpec(target: target, min: min, max: max)
            if r.peek() != nil { policy.warmup = try r.duration(allowZero: true) }
            if r.peek() != nil { policy.cooldown = try r.duration(allowZero: true) }
            return .setAutoscale(node: node, policy: policy)
        },
        Form("set sessions POOL sticky|none", "keeps sessions in each server's memory (sticky), or does not model them") {
            r throws(CommandSyntaxError) in
            .setSessions(node: try r.node(), mode: try r.choice(SessionMode.self))
        },
        Form("add session-store POOL", "moves POOL's sessions into a shared store called on every request") {
            r throws(CommandSyntaxError) in
            .addSessionStore(pool: try r.node())
        },
        Form(
            "set rate-limit NODE RATE [BURST]",
            "a token bucket admits at most RATE requests per second to NODE, in bursts of up to BURST (default one second's worth); the rest are rejected at once"
        ) { r throws(CommandSyntaxError) in
            let node = try r.node()
            let rate = try r.number(rateExpected) { RateLimitSpec.refusal(rate: $0, burst: nil) == nil }
            let burst =
                r.isAtEnd
                ? nil
                : try r.number(burstExpected + " or the end of the command") {
                    RateLimitSpec.refusal(rate: rate, burst: $0) == nil
                }
            return .setRateLimit(node: node, rate: rate, burst: burst)
        },
        Form("remove rate-limit NODE", "NODE admits every request again") { r throws(CommandSyntaxError) in
            .removeRateLimit(node: try r.node())
        },
        breakerForm,
        Form(
            "set concurrency-limit NODE N|none",
            "each server of NODE holds at most N requests, in service plus queued, and rejects one more at once; none: no limit"
        ) { r throws(CommandSyntaxError) in
            let node = try r.node()
            if r.peek()?.text == "none" {
                r.skip()
                return .setConcurrencyLimit(node: node, limit: nil)
            }
            let limit = try r.integer(
                "a concurrency limit from 1 to \(NodeSpec.maxConcurrencyLimit) requests per server, or none",
                in: 1...NodeSpec.maxConcurrencyLimit)
            return .setConcurrencyLimit(node: node, limit: limit)
        },
        Form(
            "set queue-deadline NODE D|none",
            "a request that waited longer than D in a queue of NODE is dropped instead of served; none: every queued request is served"
        ) { r throws(CommandSyntaxError) in
            .setQueueDeadline(node: try r.node(), deadline: try r.durationOrNone())
        },
        Form(
            "add replica DB [N]",
            "adds N read replicas (default 1) to DB, creating its replica pool and sending reads to it if DB has none"
        ) { r throws(CommandSyntaxError) in
            .addReplicas(primary: try r.node(), count: try r.optionalCount("replicas") ?? 1)
        },
        Form("remove replica DB [N]", "removes N read replicas (default 1) from DB") { r throws(CommandSyntaxError) in
            .removeReplicas(primary: try r.node(), count: try r.optionalCount("replicas") ?? 1)
        },
        Form("set shards DB N", "splits DB into N shards by key hash") { r throws(CommandSyntaxError) in
            .setShards(node: try r.node(), count: try r.integer("a positive number of shards", in: 1...Int.max))
        },
        Form(
            "add cache NODE [ENTRIES]",
            "puts a key-level cache of ENTRIES entries (default \(defaultCacheEntries)) in front of NODE for reads"
        ) { r throws(CommandSyntaxError) in
            .addCache(front: try r.node(), entries: try r.optionalCount("entries") ?? defaultCacheEntries)
        },
        Form("set capacity CACHE N", "entries the cache holds") { r throws(CommandSyntaxError) in
            .setCacheCapacity(node: try r.node(), entries: try r.integer("a positive number of entries", in: 1...Int.max))
        },
        Form(
            "set eviction CACHE lru|lfu|fifo",
            "which entry a full cache evicts: least recently used, least frequently used, or oldest"
        ) { r throws(CommandSyntaxError) in
            .setEviction(node: try r.node(), policy: try r.choice(EvictionPolicy.self))
        },
        Form("set ttl CACHE D|none", "entries expire D after they are stored; none: they never expire") {
            r throws(CommandSyntaxError) in
            .setTTL(node: try r.node(), ttl: try r.durationOrNone())
        },
        Form(
            "set write-policy CACHE invalidate|write_through|ttl_only",
            "how the cache follows writes: delete the key, update it, or leave it until it expires"
        ) { r throws(CommandSyntaxError) in
            .setWritePolicy(node: try r.node(), policy: try r.choice(WritePolicy.self))
        },
        Form(
            "set coalesce CACHE on|off",
            "request coalescing: while a miss for a key is on its way to the database, other misses for it wait for its answer"
        ) { r throws(CommandSyntaxError) in
            .setCoalescing(node: try r.node(), on: try r.choice(Switch.self) == .on)
        },
        Form("flush CACHE", "empties the cache at once") { r throws(CommandSyntaxError) in
            .flush(node: try r.node())
        },
        Form("kill NODE [SERVER]", "NODE goes down, or only its server number SERVER (0 is the first)") {
            r throws(CommandSyntaxError) in
            .kill(node: try r.node(), server: try r.serverNumber())
        },
        Form("restore NODE [SERVER]", "brings NODE, or its server number SERVER, back up") { r throws(CommandSyntaxError) in
            .restore(node: try r.node(), server: try r.serverNumber())
        },
        Form("slow NODE FACTOR", "NODE's service takes FACTOR times as long; slow NODE 1 restores it") {
            r throws(CommandSyntaxError) in
            .slow(node: try r.node(), factor: try r.positiveNumber("a factor greater than 0, such as 3 or 0.5"))
        },
        Form("kill dc DC", "every node of data center DC goes down; geo-DNS moves its users") { r throws(CommandSyntaxError) in
            .killDataCenter(try r.id("a data center name"))
        },
        Form("restore dc DC", "brings data center DC back up") { r throws(CommandSyntaxError) in
            .restoreDataCenter(try r.id("a data center name"))
        },
        Form(
            "partition DC1 DC2",
            "cuts the network between two data centers: requests across it fail after the \(connectTimeout) connect timeout, replication waits"
        ) { r throws(CommandSyntaxError) in
            let (a, b) = try r.dataCenterPair()
            return .partition(a, b)
        },
        Form("heal DC1 DC2", "ends the partition of two data centers: what waited crosses, in order") {
            r throws(CommandSyntaxError) in
            let (a, b) = try r.dataCenterPair()
            return .heal(a, b)
        },
        Form(
            "add cdn REGION [ENTRIES]",
            "a CDN edge of ENTRIES entries (default \(defaultCacheEntries)) serving REGION's static requests (region all when there is one)"
        ) { r throws(CommandSyntaxError) in
            .addCDN(region: try r.id("a region name"), entries: try r.optionalCount("entries") ?? defaultCacheEntries)
        },
        Form("add db NODE", "moves NODE's database onto a server of its own: NODE's reads and writes go on to it") {
            r throws(CommandSyntaxError) in
            .addDatabase(node: try r.node())
        },
        Form("remove db DB", "DB's work goes back into the nodes that send it reads and writes") {
            r throws(CommandSyntaxError) in
            .removeDatabase(try r.node())
        },
        Form(
            "add queue NODE static|read|write|job [WORKERS]",
            "a message queue behind NODE for one request class: NODE answers once the job is queued, and the queue's 4 consumer servers of WORKERS workers each (default \(defaultQueueWorkers)) do the work NODE's route for that class led to"
        ) { r throws(CommandSyntaxError) in
            .addQueue(
                node: try r.node(), requestClass: try r.requestClass(),
                workers: try r.optionalCount("workers") ?? defaultQueueWorkers)
        },
        Form(
            "remove queue QUEUE",
            "its producers send the class it took where its consumers did, and wait for it again; jobs still queued are lost"
        ) { r throws(CommandSyntaxError) in
            .removeQueue(try r.node())
        },
        Form(
            "add dc NAME like DC near REGION LATENCY [REGION LATENCY]...",
            "a new data center NAME with a copy of DC's nodes, LATENCY one way from REGION's users (other regions derived unless given); geo-DNS sends users to the nearest"
        ) { r throws(CommandSyntaxError) in
            .addDataCenter(try r.dataCenterCopy())
        },
        Form("remove dc DC", "data center DC and its nodes go; geo-DNS sends its users to the others") {
            r throws(CommandSyntaxError) in
            .removeDataCenter(try r.id("a data center name"))
        },
        Form("remove lb LB", "takes load balancer LB away: what sent to it reaches its pool directly") {
            r throws(CommandSyntaxError) in
            .removeLoadBalancer(try r.node())
        },
        Form("remove cache CACHE", "takes the cache away: reads go where its misses went") { r throws(CommandSyntaxError) in
            .removeCache(try r.node())
        },
        Form("remove cdn REGION", "takes REGION's CDN edge away: its static requests go to the data center") {
            r throws(CommandSyntaxError) in
            .removeCDN(region: try r.id("a region name"))
        },
        Form(
            "remove session-store STORE",
            "takes the session store away: the pools that called it keep sessions in server memory (sticky) again"
        ) { r throws(CommandSyntaxError) in
            .removeSessionStore(try r.node())
        },
    ]

    // MARK: - Parsing

    /// Reads one command from `reader` to its last word: the keywords pick the form, the
    /// form reads its arguments, and nothing may follow.
    static func command(from reader: inout CommandReader, otherCommands: [String] = []) throws(CommandSyntaxError) -> SimCommand {
        reader.usage = nil
        var candidates = forms
        var said: [String] = []
        while true {
            let level = said.count
            let open = candidates.filter { $0.keywords.count > level }
            if let word = reader.peek() {
                let matches = open.filter { $0.keywords[level] == word.text }
                if !matches.isEmpty {
                    reader.skip()
                    said.append(word.text)
                    candidates = matches
                    continue
                }
            }
            // Keyword sequences are distinct, so at most one form ends here.
            if let form = candidates.first(where: { $0.keywords.count == level }) {
                reader.usage = form.syntax
                let command = try form.read(&reader)
                try reader.finish()
                return command
            }
            throw unknownWord(
                after: said, known: open.map { $0.keywords[level] } + (said.isEmpty ? otherCommands : []), reader: reader)
        }
    }

    /// The error for a next word (or none) that is no keyword `known` allows after `said`.
    private static func unknownWord(after said: [String], known: [String], reader: CommandReader) -> CommandSyntaxError {
        var names: [String] = []
        for name in known where !names.contains(name) { names.append(name) }
        let list = names.joined(separator: ", ")
        let after = said.isEmpty ? "" : " after \"\(said.joined(separator: " "))\""
        guard let word = reader.peek() else {
            let what = said.isEmpty ? "a command (\(list))" : "one of \(list)\(after)"
            return reader.failure(expected: what, at: nil)
        }
        var message =
            "unknown \(said.isEmpty ? "command" : "word") \(TerminalSafe.quoted(word.text))\(after); expected one of: \(list)"
        if let guess = SchemaReader.closest(to: word.text, in: names) { message += " (did you mean \(guess)?)" }
        return reader.fail(message, at: word)
    }

    // MARK: - Encoding

    /// ` N`, or nothing when `value` is the default the form assumes.
    private static func optional(_ value: some BinaryInteger, unless defaultValue: some BinaryInteger) -> String {
        value == defaultValue ? "" : " \(value)"
    }

    /// The shortest decimal that reads back as exactly `value`, without a trailing `.0`.
    static func number(_ value: Double) -> String {
        // Swift prints the shortest text that round-trips: 0.1, 1e-07, 123456.789.
        let text = "\(value)"
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}

/// A word that turns a feature on or off, such as the last word of `set coalesce CACHE on`.
enum Switch: String, CaseIterable {
    case on, off
}

/// A command that does not parse: what was expected and what was found, and where.
public struct CommandSyntaxError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What was expected and what was found, made safe to print on a terminal; once the form
    /// is known it begins with its syntax, such as `set users N: `.
    public let message: String
    /// The column (from 1, in characters) of the offending word; for a missing word, the
    /// column just past the last one.
    public let column: Int

    public init(message: String, column: Int) {
        self.message = TerminalSafe.text(message)
        self.column = column
    }

    public var description: String { "column \(column): \(message)" }
}

/// Reads the words of a command left to right, failing with what was expected, what was
/// found and its column.
struct CommandReader {
    /// One whitespace-separated word and the column it starts at.
    struct Word {
        let text: String
        let column: Int
    }

    private let words: [Word]
    private var position = 0
    /// The column just past the last word, where a missing word is reported.
    private let end: Int
    /// The syntax of the form being read, which prefixes messages once it is known.
    var usage: String?

    /// The words of `text`, with columns counted in characters from 1.
    init<Text: StringProtocol>(_ text: Text) {
        var words: [Word] = []
        // Words are cut out of `text` whole rather than built a character at a time: a
        // script line may be megabytes long.
        var start: (index: Text.Index, column: Int)?
        var column = 1
        var end = 1
        var index = text.startIndex
        while index < text.endIndex {
            if text[index].isWhitespace {
                if let word = start { words.append(Word(text: String(text[word.index..<index]), column: word.column)) }
                start = nil
            } else {
                if start == nil { start = (index, column) }
                end = column + 1
            }
            column += 1
            index = text.index(after: index)
        }
        if let word = start { words.append(Word(text: String(text[word.index...]), column: word.column)) }
        self.words = words
        self.end = end
    }

    var isAtEnd: Bool { position == words.count }

    func peek() -> Word? { isAtEnd ? nil : words[position] }

    /// The word `offset` words past the next one, if there is one.
    func peek(after offset: Int) -> Word? { position + offset < words.count ? words[position + offset] : nil }

    mutating func skip() { position += 1 }

    mutating func next() -> Word? {
        defer { if !isAtEnd { position += 1 } }
        return peek()
    }

    /// Requires that every word has been read.
    func finish() throws(CommandSyntaxError) {
        if let word = peek() { throw failure(expected: "the end of the command", at: word) }
    }

    /// An error at `word` (or, for `nil`, where the missing word would go).
    func fail(_ message: String, at word: Word?) -> CommandSyntaxError {
        CommandSyntaxError(message: (usage.map { $0 + ": " } ?? "") + message, column: word?.column ?? end)
    }

    /// "expected …, got …" at `word`, and `hint` after it if there is one.
    func failure(expected: String, at word: Word?, hint: String? = nil) -> CommandSyntaxError {
        let found = word.map { TerminalSafe.quoted($0.text) } ?? "nothing"
        return fail("expected \(expected), got \(found)" + (hint.map { " (\($0))" } ?? ""), at: word)
    }

    // MARK: Arguments

    mutating func node() throws(CommandSyntaxError) -> String { try id("a node id") }

    /// An id (of a node, a data center or a region): 1 to 64 letters, digits, - or _.
    mutating func id(_ what: String) throws(CommandSyntaxError) -> String {
        guard let word = next() else { throw failure(expected: what, at: nil) }
        guard SchemaReader.isValidID(word.text) else {
            throw failure(expected: "\(what) of 1 to 64 letters, digits, - or _", at: word)
        }
        return word.text
    }

    /// A decimal integer within `range`; `expected` describes it, bounds included.
    mutating func integer(_ expected: String, in range: ClosedRange<Int>) throws(CommandSyntaxError) -> Int {
        let word = next()
        guard let word, case .value(let value) = SchemaReader.decimal(word.text), range.contains(value) else {
            throw failure(expected: expected, at: word)
        }
        return value
    }

    /// A positive count of `things` if any word is left, else `nil` for the form's default.
    mutating func optionalCount(_ things: String) throws(CommandSyntaxError) -> Int? {
        isAtEnd ? nil : try integer("a positive number of \(things) or the end of the command", in: 1...Int.max)
    }

    /// A server's number in its pool if any word is left, else `nil` for the whole node.
    mutating func serverNumber() throws(CommandSyntaxError) -> Int? {
        isAtEnd ? nil : try integer("a server number (0 is the first) or the end of the command", in: 0...Int.max)
    }

    /// A finite number greater than 0.
    mutating func positiveNumber(_ expected: String) throws(CommandSyntaxError) -> Double {
        try number(expected) { $0 > 0 }
    }

    /// A finite number for which `valid` holds.
    mutating func number(_ expected: String, valid: (Double) -> Bool) throws(CommandSyntaxError) -> Double {
        let word = next()
        guard let word, let value = SchemaReader.real(word.text), value.isFinite, valid(value) else {
            throw failure(expected: expected, at: word)
        }
        return value
    }

    mutating func duration(allowZero: Bool) throws(CommandSyntaxError) -> SimTime {
        try duration(allowZero: allowZero, expected: DurationParser.expected)
    }

    /// A duration greater than 0, or `none` (`nil`).
    mutating func durationOrNone() throws(CommandSyntaxError) -> SimTime? {
        if peek()?.text == "none" {
            skip()
            return nil
        }
        return try duration(allowZero: false, expected: DurationParser.expected + ", or none")
    }

    private mutating func duration(allowZero: Bool, expected: String) throws(CommandSyntaxError) -> SimTime {
        guard let word = next() else { throw failure(expected: expected, at: nil) }
        switch DurationParser.read(word.text, expected: expected) {
        case .failure(let problem):
            throw fail(problem.message, at: word)
        case .success(let t):
            guard allowZero || t > 0 else { throw failure(expected: "a duration greater than 0", at: word) }
            return t
        }
    }

    /// A request class by its name in presets.
    mutating func requestClass() throws(CommandSyntaxError) -> RequestClass {
        let names = RequestClass.allCases.map(\.description)
        return try named(among: names, "a request class: one of " + names.joined(separator: ", ")) { RequestClass(name: $0) }
    }

    /// What `latency()` expects, written once: an `add dc` line may give thousands.
    static let latencyExpected =
        "a one-way latency from 0s to \(DurationParser.format(DataCenterCopy.maxLatency)), such as 80ms"

    /// A one-way latency from 0 to `DataCenterCopy.maxLatency`.
    mutating func latency() throws(CommandSyntaxError) -> SimTime {
        let expected = Self.latencyExpected
        guard let word = next() else { throw failure(expected: expected, at: nil) }
        switch DurationParser.read(word.text, expected: expected) {
        case .success(let latency) where latency <= DataCenterCopy.maxLatency:
            return latency
        case .success:
            throw failure(expected: expected, at: word)
        case .failure(let problem):
            // A duration past ten years (too long for any duration) is past the limit too;
            // finer than a nanosecond is worth saying when the rest would do.
            guard let wholePart = Self.wholePart(ofDuration: word.text), wholePart <= DataCenterCopy.maxLatency else {
                throw failure(expected: expected, at: word)
            }
            throw fail(problem.message, at: word)
        }
    }

    /// The duration `text` spells without its fraction (`1` of `1.25s`), or `nil` if that is
    /// no duration either; `nil` for a text without a fraction. Preset latencies use it too.
    static func wholePart(ofDuration text: String) -> SimTime? {
        guard let point = text.firstIndex(of: ".") else { return nil }
        let unit = text.reversed().prefix { $0.isLetter }.reversed()
        return DurationParser.parse(String(text[..<point]) + String(unit))
    }

    /// `NAME like DC near REGION LATENCY [REGION LATENCY]...`, each region at most once.
    mutating func dataCenterCopy() throws(CommandSyntaxError) -> DataCenterCopy {
        let name = try id("a new data center name")
        try keyword("like", "like, then the data center to copy")
        let model = try id("a data center name")
        try keyword("near", "near, then the user region the new data center is near")
        let region = try id("a region name")
        var copy = DataCenterCopy(name: name, model: model, region: region, latency: try latency())
        // A set: a hostile line may name hundreds of thousands of regions.
        var named: Set = [region]
        while let word = peek() {
            // A lone latency here is most likely one given before its region.
            if DurationParser.parse(word.text) != nil, peek(after: 1).map({ DurationParser.parse($0.text) == nil }) ?? true {
                throw failure(
                    expected: "another region and its latency, or the end of the command", at: word,
                    hint: "a latency comes after its region, as in eu 80ms")
            }
            let other = try id("a region name")
            guard !named.contains(other) else {
                throw fail("region \(TerminalSafe.quoted(other)) is given twice; give each region one latency", at: word)
            }
            named.insert(other)
            copy.otherLatencies.append(RegionDistance(region: other, latency: try latency()))
        }
        return copy
    }

    /// The keyword `word`, which must come next; `expected` describes it and what follows.
    mutating func keyword(_ word: String, _ expected: String) throws(CommandSyntaxError) {
        let found = next()
        guard let found, found.text == word else {
            let guess = found.flatMap { SchemaReader.closest(to: $0.text, in: [word]) }
            throw failure(expected: expected, at: found, hint: guess.map { "did you mean \($0)?" })
        }
    }

    /// One of the raw values of `T`.
    mutating func choice<T: RawRepresentable & CaseIterable>(_: T.Type) throws(CommandSyntaxError) -> T
    where T.RawValue == String {
        let names = T.allCases.map(\.rawValue)
        return try named(among: names, "one of " + names.joined(separator: ", ")) { T(rawValue: $0) }
    }

    /// The value `make` reads from the next word, one of `names`; a near miss is named.
    private mutating func named<T>(among names: [String], _ expected: String, _ make: (String) -> T?)
        throws(CommandSyntaxError) -> T
    {
        guard let word = next() else { throw failure(expected: expected, at: nil) }
        if let value = make(word.text) { return value }
        let guess = SchemaReader.closest(to: word.text, in: names)
        throw failure(expected: expected, at: word, hint: guess.map { "did you mean \($0)?" })
    }
}
