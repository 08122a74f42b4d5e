/// Something one partition sends another, taking effect at its target at `time`.
///
/// Messages are the only way partitions touch: a partition never reads or writes another's
/// state (docs/architecture.md, "Windows and messages").
public struct PartitionMessage<Payload: Sendable>: Sendable {
    /// When it takes effect at its target: later than the end of the window it was sent in.
    public var time: SimTime
    /// The sending partition.
    public var source: Int
    /// How many messages the source had sent before this one: with `time` and `source`, the
    /// order in which messages are delivered, whatever thread ran which partition.
    public var sequence: UInt64
    /// The receiving partition.
    public var target: Int
    public var payload: Payload

    /// True if `self` is delivered before `other`: by time, then source, then sequence.
    @inlinable
    public func precedes(_ other: Self) -> Bool {
        (time, source, sequence) < (other.time, other.source, other.sequence)
    }
}

/// The messages one partition sends, numbered in the order it sends them.
public struct Outbox<Payload: Sendable>: Sendable {
    /// The partition sending.
    public let source: Int
    /// Messages sent since the coordinator last collected them.
    public internal(set) var messages: [PartitionMessage<Payload>] = []
    /// Messages sent since the run began: the next one's sequence.
    public private(set) var sent: UInt64 = 0

    public init(source: Int) { self.source = source }

    /// Sends `payload` to partition `target`, to take effect there at `time`.
    public mutating func send(_ payload: Payload, to target: Int, at time: SimTime) {
        messages.append(
            PartitionMessage(time: time, source: source, sequence: sent, target: target, payload: payload))
        sent += 1
    }
}

/// A group of data centers simulated apart from the others: its own event list, its own
/// random streams and its own nodes, in touch with the rest only by messages.
///
/// Partitions are values, like `Engine`: the coordinator (`WindowedSimulation`) owns them
/// and hands each to one thread at a time, so a partition needs no lock and no actor.
public protocol SimulationPartition: Sendable {
    associatedtype Payload: Sendable
    /// Runs every event at or before `end`, sending what reaches other partitions to `outbox`.
    ///
    /// A message must take effect after `end`: at least the lookahead after the event that
    /// sent it, which is later than the window's end (see `WindowedSimulation`).
    mutating func run(through end: SimTime, outbox: inout Outbox<Payload>)
    /// Takes the messages other partitions sent it in the window just run, in delivery
    /// order, at the window's end (every window, even with none): each takes effect at its
    /// time, after the window.
    mutating func receive(_ messages: [PartitionMessage<Payload>])
    /// Tells every partition, at the barrier at `time` and before its messages, what it
    /// keeps of the others' state as of the barrier (nothing unless a partition says so).
    static func shareAtBarrier(_ time: SimTime, _ partitions: inout [Self])
}

extension SimulationPartition {
    public static func shareAtBarrier(_ time: SimTime, _ partitions: inout [Self]) {}
}
