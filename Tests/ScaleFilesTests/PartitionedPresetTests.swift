import ScaleFiles
@testable import ScaleSim
import Testing

/// The shipped presets with several data centers run in the partitioned engine, with the
/// same run on any number of threads (docs/architecture.md, "Windows and messages").
@Suite struct PartitionedPresetTests {
    /// Each preset, the simulated time a debug build runs it in seconds, and the thread
    /// counts compared with one.
    static let presets: [(String, SimTime, [Int])] = [
        ("08-multi-dc", 5 * Nanos.perSecond, [2, 4, 8]),
        ("ten-million-users", Nanos.perSecond / 4, [2]),
        ("twenty-million-users", Nanos.perSecond / 8, [2]),
        ("global", Nanos.perSecond / 8, [4]),
    ]

    @Test(arguments: presets)
    func runsInPartitionsTheSameOnAnyNumberOfThreads(preset: String, length: SimTime, threadCounts: [Int]) throws {
        let spec = try Stage.spec(preset)
        let engine = Engine(spec: spec)
        #expect(engine.reasonNotPartitioned == nil)
        func digests(threads: Int) throws -> [UInt64] {
            let partitioned = try #require(PartitionedEngine(engine, threads: threads))
            partitioned.run(until: length)
            #expect(partitioned.threads == min(threads, spec.datacenters.count))
            return partitioned.engines.map { $0.digest() }
        }
        let single = try digests(threads: 1)
        #expect(single.count == spec.datacenters.count)
        for threads in threadCounts { #expect(try digests(threads: threads) == single, "\(preset), \(threads) threads") }
    }
}
