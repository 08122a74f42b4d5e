import Testing
@testable import ScaleSim

@Suite struct DigestTests {
    /// FNV-1a 64 test vectors (Fowler, Noll and Vo): the empty input and "a".
    @Test func fnv1a64MatchesItsReferenceVectors() {
        #expect(FNV1a64().value == 0xCBF2_9CE4_8422_2325)
        var a = FNV1a64()
        a.add(byte: UInt8(ascii: "a"))
        #expect(a.value == 0xAF63_DC4C_8601_EC8C)
    }

    @Test func stoppingEverySecondChangesNothing() {
        var straight = Engine(spec: TestNetworks.reference, seed: 11, warmup: 3 * Nanos.perSecond)
        straight.run(until: 20 * Nanos.perSecond + 123_456)
        var stopping = Engine(spec: TestNetworks.reference, seed: 11, warmup: 3 * Nanos.perSecond)
        var checkpoints: [SimTime] = []
        stopping.run(until: 20 * Nanos.perSecond + 123_456, checkpointEvery: Nanos.perSecond) { checkpoints.append($0.now) }
        #expect(checkpoints == (1...20).map { $0 * Nanos.perSecond })
        #expect(stopping.summary() == straight.summary())
        #expect(stopping.digest() == straight.digest())
    }

    @Test func checkpointsResumeWithoutRepeatingOrSkipping() {
        var engine = Engine(spec: TestNetworks.reference, seed: 2)
        var checkpoints: [SimTime] = []
        engine.run(until: 2 * Nanos.perSecond, checkpointEvery: Nanos.perSecond) { checkpoints.append($0.now) }
        engine.run(until: 3_500 * Nanos.perMillisecond, checkpointEvery: Nanos.perSecond) { checkpoints.append($0.now) }
        #expect(checkpoints == [1, 2, 3].map { $0 * Nanos.perSecond })
    }

    @Test func theDigestFollowsTheStateAndOnlyTheState() {
        var a = Engine(spec: TestNetworks.reference, seed: 5)
        var b = Engine(spec: TestNetworks.reference, seed: 5)
        a.run(until: 5 * Nanos.perSecond)
        b.run(until: 5 * Nanos.perSecond)
        #expect(a.digest() == b.digest())
        // Reading it, a summary or a snapshot changes nothing.
        _ = a.summary()
        _ = a.snapshot()
        #expect(a.digest() == b.digest())

        a.execute(.setServers(node: "app", count: 6))
        #expect(a.digest() != b.digest())
        var otherSeed = Engine(spec: TestNetworks.reference, seed: 6)
        otherSeed.run(until: 5 * Nanos.perSecond)
        #expect(otherSeed.digest() != b.digest())
    }
}
