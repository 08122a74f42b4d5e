@testable import ScaleFiles
import ScaleSim
import Testing

/// How the forms that add and take away components begin their errors.
private let addDatabase = "add db NODE"
private let removeDatabase = "remove db DB"
private let addQueue = "add queue NODE static|read|write|job [WORKERS]"
private let removeQueue = "remove queue QUEUE"
private let addDataCenter = "add dc NAME like DC near REGION LATENCY [REGION LATENCY]..."
private let removeDataCenter = "remove dc DC"
private let removeLoadBalancer = "remove lb LB"
private let removeCache = "remove cache CACHE"
private let removeCDN = "remove cdn REGION"
private let removeSessionStore = "remove session-store STORE"

private let nodeID = "expected a node id of 1 to 64 letters, digits, - or _"
private let requestClass = "expected a request class: one of static, read, write, job"
private let latency = "expected a one-way latency from 0s to 10s, such as 80ms"
/// `add dc eu-west like us-east near eu`, whose next word (column 37) is the latency.
private let nearEU = "add dc eu-west like us-east near eu"

private func ms(_ value: Int64) -> SimTime { value * Nanos.perMillisecond }
private func seconds(_ value: Int64) -> SimTime { value * Nanos.perSecond }

/// The forms that add and take away components (docs/scripts.md, Components).
extension CommandGrammarTests {
    /// Every component form in its canonical text, with the command it denotes.
    static let componentSamples: [(text: String, command: SimCommand)] = [
        ("add db app", .addDatabase(node: "app")),
        ("remove db db", .removeDatabase("db")),
        ("add queue app job", .addQueue(node: "app", requestClass: .job, workers: CommandGrammar.defaultQueueWorkers)),
        ("add queue app-eu write 32", .addQueue(node: "app-eu", requestClass: .write, workers: 32)),
        ("add queue web static 1", .addQueue(node: "web", requestClass: .static, workers: 1)),
        ("add queue web read 2000", .addQueue(node: "web", requestClass: .read, workers: 2_000)),
        ("remove queue jobs-eu", .removeQueue("jobs-eu")),
        (
            "add dc eu-west like us-east near eu 10ms",
            .addDataCenter(DataCenterCopy(name: "eu-west", model: "us-east", region: "eu", latency: ms(10)))
        ),
        (
            "add dc ap like us-east near asia 0s us 0.5ms eu 1.25s sa 10s",
            .addDataCenter(
                DataCenterCopy(
                    name: "ap", model: "us-east", region: "asia", latency: 0,
                    otherLatencies: [
                        RegionDistance(region: "us", latency: 500 * Nanos.perMicrosecond),
                        RegionDistance(region: "eu", latency: 1_250 * Nanos.perMillisecond),
                        RegionDistance(region: "sa", latency: seconds(10)),
                    ]))
        ),
        (
            "add dc x like y near all 50us",
            .addDataCenter(DataCenterCopy(name: "x", model: "y", region: "all", latency: 50 * Nanos.perMicrosecond))
        ),
        ("remove dc eu-west", .removeDataCenter("eu-west")),
        ("remove lb lb", .removeLoadBalancer("lb")),
        ("remove cache cache-2", .removeCache("cache-2")),
        ("remove cdn eu", .removeCDN(region: "eu")),
        ("remove cdn all", .removeCDN(region: "all")),
        ("remove session-store sessions", .removeSessionStore("sessions")),
    ]

    @Test func componentSamplesParseAndEncodeCanonically() throws {
        for sample in Self.componentSamples {
            #expect(try CommandGrammar.parse(sample.text) == sample.command, "\(sample.text)")
            #expect(CommandGrammar.encode(sample.command) == sample.text)
        }
    }

    /// Other spellings of the same commands parse, and encode to the canonical text.
    @Test(arguments: [
        ("add queue app job 16", "add queue app job"),
        ("  add\tqueue  app   job  ", "add queue app job"),
        ("add queue app write 1_6", "add queue app write"),
        ("add queue web read 2_000", "add queue web read 2000"),
        ("add dc eu-west like us-east near eu 0.010s", "add dc eu-west like us-east near eu 10ms"),
        ("add dc eu-west like us-east near eu 10000ms", "add dc eu-west like us-east near eu 10s"),
        ("add dc eu-west like us-east near eu 10.000000000s us 0.08s", "add dc eu-west like us-east near eu 10s us 80ms"),
        ("add dc eu-west like us-east near eu 0ms us 0.0005s", "add dc eu-west like us-east near eu 0s us 0.5ms"),
        ("add dc eu-west like us-east near eu 1250000us", "add dc eu-west like us-east near eu 1.25s"),
    ])
    func otherSpellingsEncodeCanonically(text: String, canonical: String) throws {
        let command = try CommandGrammar.parse(text)
        #expect(CommandGrammar.encode(command) == canonical)
        #expect(try CommandGrammar.parse(canonical) == command)
    }

    /// `add dc` with any latencies in range and any number of other regions reads back as
    /// itself, the regions in the order given.
    @Test func dataCenterCopiesRoundTrip() throws {
        var random = Xoshiro256StarStar(seed: 20_261_203)
        for _ in 0..<2_000 {
            let copy = Self.randomDataCenterCopy(&random)
            let text = CommandGrammar.encode(.addDataCenter(copy))
            #expect(try CommandGrammar.parse(text) == .addDataCenter(copy), "\(text)")
        }
    }

    /// A data center copy with random ids, latencies from 0 to the limit (every unit and
    /// the edges come up) and up to five other regions, none given twice.
    static func randomDataCenterCopy(_ random: inout Xoshiro256StarStar) -> DataCenterCopy {
        func latency() -> SimTime {
            switch random.below(4) {
            case 0: [0, 1, Nanos.perMicrosecond / 2, DataCenterCopy.maxLatency][random.below(4)]
            case 1: SimTime(random.below(10_001)) * Nanos.perMillisecond / 4
            default: SimTime(random.below(Int(DataCenterCopy.maxLatency) + 1))
            }
        }
        let region = randomID(&random)
        var copy = DataCenterCopy(
            name: randomID(&random), model: randomID(&random), region: region, latency: latency())
        var named: Set = [region]
        for _ in 0..<random.below(6) {
            let other = randomID(&random)
            guard named.insert(other).inserted else { continue }
            copy.otherLatencies.append(RegionDistance(region: other, latency: latency()))
        }
        return copy
    }

    // MARK: - Errors

    @Test(arguments: [
        // Unknown words after add and remove name the new forms.
        (
            "add queu app job", 5,
            "unknown word \"queu\" after \"add\"; expected one of: server, lb, session-store, replica, cache, cdn, db, queue, dc "
                + "(did you mean queue?)"
        ),
        (
            "remove data-center eu", 8,
            "unknown word \"data-center\" after \"remove\"; expected one of: server, rate-limit, replica, db, queue, dc, lb, "
                + "cache, cdn, session-store"
        ),
        (
            "remove session_store sessions", 8,
            "unknown word \"session_store\" after \"remove\"; expected one of: server, rate-limit, replica, db, queue, dc, lb, "
                + "cache, cdn, session-store (did you mean session-store?)"
        ),
        (
            "remove", 7,
            "expected one of server, rate-limit, replica, db, queue, dc, lb, cache, cdn, session-store after \"remove\", got nothing"
        ),
        // add db, remove db
        ("add db", 7, "\(addDatabase): expected a node id, got nothing"),
        ("add db app db", 12, "\(addDatabase): expected the end of the command, got \"db\""),
        ("add db app!", 8, "\(addDatabase): \(nodeID), got \"app!\""),
        ("remove db", 10, "\(removeDatabase): expected a node id, got nothing"),
        ("remove db db 2", 14, "\(removeDatabase): expected the end of the command, got \"2\""),
        // add queue, remove queue
        ("add queue", 10, "\(addQueue): expected a node id, got nothing"),
        ("add queue app", 14, "\(addQueue): \(requestClass), got nothing"),
        ("add queue app jobs", 15, "\(addQueue): \(requestClass), got \"jobs\" (did you mean job?)"),
        ("add queue app Read", 15, "\(addQueue): \(requestClass), got \"Read\" (did you mean read?)"),
        ("add queue app email", 15, "\(addQueue): \(requestClass), got \"email\""),
        ("add queue job app", 15, "\(addQueue): \(requestClass), got \"app\""),
        ("add queue app job 0", 19, "\(addQueue): expected a positive number of workers or the end of the command, got \"0\""),
        ("add queue app job -4", 19, "\(addQueue): expected a positive number of workers or the end of the command, got \"-4\""),
        (
            "add queue app job many", 19,
            "\(addQueue): expected a positive number of workers or the end of the command, got \"many\""
        ),
        ("add queue app job 8 9", 21, "\(addQueue): expected the end of the command, got \"9\""),
        ("remove queue", 13, "\(removeQueue): expected a node id, got nothing"),
        ("remove queue jobs now", 19, "\(removeQueue): expected the end of the command, got \"now\""),
        // add dc: its words, in order
        ("add dc", 7, "\(addDataCenter): expected a new data center name, got nothing"),
        ("add dc eu-west", 15, "\(addDataCenter): expected like, then the data center to copy, got nothing"),
        (
            "add dc eu-west us-east near eu 10ms", 16,
            "\(addDataCenter): expected like, then the data center to copy, got \"us-east\""
        ),
        (
            "add dc eu-west lik us-east near eu 10ms", 16,
            "\(addDataCenter): expected like, then the data center to copy, got \"lik\" (did you mean like?)"
        ),
        ("add dc eu-west like", 20, "\(addDataCenter): expected a data center name, got nothing"),
        (
            "add dc eu-west like us-east", 28,
            "\(addDataCenter): expected near, then the user region the new data center is near, got nothing"
        ),
        (
            "add dc eu-west like us-east eu 10ms", 29,
            "\(addDataCenter): expected near, then the user region the new data center is near, got \"eu\""
        ),
        (
            "add dc eu-west like us-east neer eu 10ms", 29,
            "\(addDataCenter): expected near, then the user region the new data center is near, got \"neer\" (did you mean near?)"
        ),
        (
            "add dc eu-west like us-east LIKE eu 10ms", 29,
            "\(addDataCenter): expected near, then the user region the new data center is near, got \"LIKE\""
        ),
        ("add dc eu-west like us-east near", 33, "\(addDataCenter): expected a region name, got nothing"),
        ("add dc eu-west like us-east near 10ms", 38, "\(addDataCenter): \(latency), got nothing"),
        // add dc: latencies
        ("\(nearEU)", 36, "\(addDataCenter): \(latency), got nothing"),
        ("\(nearEU) -5ms", 37, "\(addDataCenter): \(latency), got \"-5ms\""),
        ("\(nearEU) -0s", 37, "\(addDataCenter): \(latency), got \"-0s\""),
        ("\(nearEU) 10.000000001s", 37, "\(addDataCenter): \(latency), got \"10.000000001s\""),
        ("\(nearEU) 11s", 37, "\(addDataCenter): \(latency), got \"11s\""),
        ("\(nearEU) 1m", 37, "\(addDataCenter): \(latency), got \"1m\""),
        ("\(nearEU) 3651d", 37, "\(addDataCenter): \(latency), got \"3651d\""),
        ("\(nearEU) 3650.5d", 37, "\(addDataCenter): \(latency), got \"3650.5d\""),
        ("\(nearEU) 99999999999999999999h", 37, "\(addDataCenter): \(latency), got \"99999999999999999999h\""),
        ("\(nearEU) 80", 37, "\(addDataCenter): \(latency), got \"80\""),
        ("\(nearEU) 80MS", 37, "\(addDataCenter): \(latency), got \"80MS\""),
        ("\(nearEU) 1.2.3ms", 37, "\(addDataCenter): \(latency), got \"1.2.3ms\""),
        ("\(nearEU) fast", 37, "\(addDataCenter): \(latency), got \"fast\""),
        ("\(nearEU) nan", 37, "\(addDataCenter): \(latency), got \"nan\""),
        ("\(nearEU) 0.5ns", 37, "\(addDataCenter): duration \"0.5ns\" is finer than one nanosecond"),
        ("\(nearEU) 1.0000000001s", 37, "\(addDataCenter): duration \"1.0000000001s\" is finer than one nanosecond"),
        // add dc: other regions
        ("\(nearEU) 10ms us", 44, "\(addDataCenter): \(latency), got nothing"),
        ("\(nearEU) 10ms us 20s", 45, "\(addDataCenter): \(latency), got \"20s\""),
        ("\(nearEU) 10ms us -80ms", 45, "\(addDataCenter): \(latency), got \"-80ms\""),
        ("\(nearEU) 10ms us 80ms asia", 54, "\(addDataCenter): \(latency), got nothing"),
        ("\(nearEU) 10ms eu 20ms", 42, "\(addDataCenter): region \"eu\" is given twice; give each region one latency"),
        ("\(nearEU) 10ms us 80ms us 90ms", 50, "\(addDataCenter): region \"us\" is given twice; give each region one latency"),
        (
            "\(nearEU) 10ms 80ms", 42,
            "\(addDataCenter): expected another region and its latency, or the end of the command, got \"80ms\" "
                + "(a latency comes after its region, as in eu 80ms)"
        ),
        (
            "\(nearEU) 10ms 80ms us", 42,
            "\(addDataCenter): expected another region and its latency, or the end of the command, got \"80ms\" "
                + "(a latency comes after its region, as in eu 80ms)"
        ),
        (
            "\(nearEU) 10ms us! 80ms", 42,
            "\(addDataCenter): expected a region name of 1 to 64 letters, digits, - or _, got \"us!\""
        ),
        // add dc: ids
        (
            "add dc eu/west like us-east near eu 10ms", 8,
            "\(addDataCenter): expected a new data center name of 1 to 64 letters, digits, - or _, got \"eu/west\""
        ),
        (
            "add dc eu-west like us.east near eu 10ms", 21,
            "\(addDataCenter): expected a data center name of 1 to 64 letters, digits, - or _, got \"us.east\""
        ),
        (
            "add dc eu-west like us-east near eu:west 10ms", 34,
            "\(addDataCenter): expected a region name of 1 to 64 letters, digits, - or _, got \"eu:west\""
        ),
        // The removals
        ("remove dc", 10, "\(removeDataCenter): expected a data center name, got nothing"),
        ("remove dc eu-west us-east", 19, "\(removeDataCenter): expected the end of the command, got \"us-east\""),
        ("remove lb", 10, "\(removeLoadBalancer): expected a node id, got nothing"),
        ("remove lb lb app", 14, "\(removeLoadBalancer): expected the end of the command, got \"app\""),
        ("remove lb lb#2", 11, "\(removeLoadBalancer): \(nodeID), got \"lb#2\""),
        ("remove cache", 13, "\(removeCache): expected a node id, got nothing"),
        ("remove cache cache 30000", 20, "\(removeCache): expected the end of the command, got \"30000\""),
        ("remove cdn", 11, "\(removeCDN): expected a region name, got nothing"),
        ("remove cdn eu 10000", 15, "\(removeCDN): expected the end of the command, got \"10000\""),
        ("remove cdn e.u", 12, "\(removeCDN): expected a region name of 1 to 64 letters, digits, - or _, got \"e.u\""),
        ("remove session-store", 21, "\(removeSessionStore): expected a node id, got nothing"),
        ("remove session-store sessions app", 31, "\(removeSessionStore): expected the end of the command, got \"app\""),
    ])
    func componentErrorsSayWhatAndWhere(text: String, column: Int, message: String) throws {
        let error = try #require(Self.error(text), "\(text) parsed")
        #expect(error.message == message, "\(text)")
        #expect(error.column == column, "\(text)")
        #expect(!error.message.contains("\n"))
    }

    /// Ids are checked alike in every form: 1 to 64 characters from `A-Z a-z 0-9 _ -`;
    /// anything else is refused at its column with a message a terminal prints as text.
    @Test(arguments: [
        "add db ID", "remove db ID", "add queue ID job", "remove queue ID", "add dc ID like us-east near eu 10ms",
        "add dc eu-west like ID near eu 10ms", "add dc eu-west like us-east near ID 10ms",
        "add dc eu-west like us-east near eu 10ms ID 80ms", "remove dc ID", "remove lb ID", "remove cache ID", "remove cdn ID",
        "remove session-store ID",
    ])
    func badIDsAreRefusedAtTheirColumn(form: String) throws {
        let column = try #require(form.firstRange(of: "ID")).lowerBound.utf16Offset(in: form) + 1
        let longest = String(repeating: "a", count: 64)
        _ = try CommandGrammar.parse(form.replacingOccurrences(of: "ID", with: longest))
        let bad = [
            String(repeating: "a", count: 65), "app!", "café", "\u{FFFD}\u{FFFD}", "a\u{7}b", "\u{1B}[2J", "a\u{202E}b",
            "\u{0}", "ａｐｐ", "a.b", "a/b", "a:b",
        ]
        for id in bad {
            let text = form.replacingOccurrences(of: "ID", with: id)
            let error = try #require(Self.error(text), "\(text.debugDescription) parsed")
            #expect(error.column == column, "\(text.debugDescription)")
            #expect(
                error.message.hasPrefix(
                    CommandGrammar.forms.first { text.hasPrefix($0.keywords.joined(separator: " ") + " ") }!.syntax))
            #expect(error.message.contains(" of 1 to 64 letters, digits, - or _, got "), "\(error.message)")
            #expect(!error.message.unicodeScalars.contains { TerminalSafe.isUnsafe($0) }, "\(error.message.debugDescription)")
            #expect(!error.message.contains("\n"))
        }
    }

    /// Columns count characters, so a wide or combined character before the fault moves
    /// the column by one.
    @Test func componentColumnsCountCharacters() throws {
        #expect(try #require(Self.error("add dc é like us-east near eu 1s")).column == 8)
        #expect(try #require(Self.error("add dc eu-west like us-east near eu 1s 🙂 80ms")).column == 40)
        let error = try #require(Self.error("add queue app jöb"))
        #expect(error.column == 15)
        #expect(error.message == "\(addQueue): \(requestClass), got \"jöb\" (did you mean job?)")
    }
}
