import ScaleFiles
import Testing

/// Objectives as `capacity --slo` reads them, and how they judge a run report.
@Suite struct ObjectiveTests {
    @Test func readsLatencyErrorAndThroughputObjectives() throws {
        let p99 = try Objective(parsing: "p99<200ms")
        #expect(p99.metric == .p99 && p99.limit == 200 && p99.description == "p99<200ms")
        let mean = try Objective(parsing: " mean < 1.5s ")
        #expect(mean.metric == .mean && mean.limit == 1500 && mean.description == "mean<1.5s")
        let errors = try Objective(parsing: "errors<0.1%")
        #expect(errors.metric == .errors && abs(errors.limit - 0.001) < 1e-15)
        #expect(try Objective(parsing: "errors<0.02").limit == 0.02)
        let throughput = try Objective(parsing: "throughput>1000")
        #expect(throughput.metric == .throughput && throughput.limit == 1000)
    }

    @Test(arguments: [
        ("p99<", "the limit is missing"),
        ("p101<5ms", "unknown measure \"p101\""),
        ("errors<200%", "an error rate lies above 0% and at most 100%"),
        ("errors<0%", "an error rate lies above 0% and at most 100%"),
        ("p99<fast", "expected a latency limit such as 200ms"),
        ("p99<0ms", "expected a latency limit such as 200ms"),
        ("p99>200ms", "p99 is bounded from above"),
        ("throughput<5", "throughput is bounded from below"),
        ("p99=200ms", "expected an objective such as p99<200ms"),
    ])
    func refusesWhatDoesNotParse(_ text: String, _ problem: String) {
        #expect(throws: ObjectiveError.self) { try Objective(parsing: text) }
        do {
            _ = try Objective(parsing: text)
        } catch {
            #expect(error.message.contains(problem), "\(error.message)")
            #expect(error.message.hasPrefix("\"\(text)\""), "\(error.message)")
        }
    }

    @Test func judgesSingleAndMergedReports() throws {
        let single = JSONValue.object([
            "end_to_end": .object(["p99_ms": .double(180), "error_rate": .double(0.002), "throughput_rps": .double(900)])
        ])
        #expect(try Objective(parsing: "p99<200ms").isMet(by: single))
        #expect(try !Objective(parsing: "p99<180ms").isMet(by: single))
        #expect(try !Objective(parsing: "errors<0.1%").isMet(by: single))
        #expect(try Objective(parsing: "errors<1%").isMet(by: single))
        #expect(try !Objective(parsing: "throughput>1000").isMet(by: single))
        let merged = SeedAggregate.merge([
            .object(["seed": .int(1), "end_to_end": .object(["p99_ms": .double(190)])]),
            .object(["seed": .int(2), "end_to_end": .object(["p99_ms": .double(220)])]),
        ])
        #expect(try Objective(parsing: "p99<200ms").figure(in: merged) == 205)
        #expect(try !Objective(parsing: "p99<200ms").isMet(by: merged))
        // Nothing completed: no latency, which fails; no request at all: no error.
        let empty = JSONValue.object(["end_to_end": .object(["p99_ms": .null, "error_rate": .null])])
        #expect(try !Objective(parsing: "p99<200ms").isMet(by: empty))
        #expect(try Objective(parsing: "errors<0.1%").isMet(by: empty))
    }
}
