/// The speed a run actually reaches: simulated time advanced per wall second, over the
/// samples of about the last second.
public struct SpeedGauge: Sendable {
    private var samples: [(wall: ContinuousClock.Instant, simulated: SimTime)] = []
    /// Wall time the measure spans at most.
    public static let span: Duration = .seconds(1)
    /// Wall time it needs at least before it says anything.
    public static let minimumSpan: Duration = .milliseconds(250)

    public init() {}

    /// Notes where simulated time stood at wall instant `wall`.
    public mutating func record(wall: ContinuousClock.Instant, simulated: SimTime) {
        samples.append((wall, simulated))
        while samples.count > 2, wall - samples[1].wall >= Self.span { samples.removeFirst() }
    }

    /// Forgets the samples (a pause, a load, a jump): the next measure starts afresh.
    public mutating func reset() { samples.removeAll(keepingCapacity: true) }

    /// Simulated seconds per wall second over the samples kept, once they span long enough.
    public var reached: Double? {
        guard let first = samples.first, let last = samples.last else { return nil }
        let wall = last.wall - first.wall
        guard wall >= Self.minimumSpan else { return nil }
        return Nanos.seconds(last.simulated - first.simulated) / wall.seconds
    }
}
