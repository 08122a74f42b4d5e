extension PartitionedEngine {
    /// A stable 64-bit fingerprint of the run's state, for replay checkpoints: every
    /// partition's `Engine.digest()` in partition order, and the messages delivered so far.
    ///
    /// Neither the threads nor where the owner stopped the run change it (see
    /// `WindowedSimulation`), so a recording verifies on any number of threads.
    public func digest() -> UInt64 {
        var hash = FNV1a64()
        hash.add(UInt64(simulation.partitions.count))
        for partition in simulation.partitions { hash.add(partition.engine.digest()) }
        hash.add(UInt64(simulation.messagesSent))
        return hash.value
    }
}
