import CPrefetch

/// Every request in flight, in reusable slots; a heap entry only needs the slot number.
///
/// Each slot is one flat struct, so handling a request touches one cache line rather than
/// one per field, and nothing is allocated or reference-counted per request.
struct RequestTable {
    enum Phase: UInt8 {
        /// On a network link (or waiting to retry), arriving at `node` when its event fires.
        case travelling
        /// Being served at `node`; its event is the end of service.
        case inService
        /// Waiting in a server's queue; it has no pending event.
        case queued
        /// Waiting at the cache `node` for another request's read of the same key (request
        /// coalescing); it has no pending event.
        case coalesced
        /// Lost with its server while in service: counted already, its slot freed when the
        /// pending end-of-service event fires.
        case lost
        /// Not in use.
        case free
        /// Sent across a cut network link (Components/DataCenter/Engine+Partition.swift):
        /// fails when its event, the connect timeout, fires.
        case connecting
    }

    /// What a request is, beyond a user's request.
    enum Role: UInt8 {
        /// A user's request, counted end to end.
        case user
        /// A job taken from a message queue: counted at nodes, not end to end.
        case job
        /// A user's attempt its client gave up on (Components/Client): the servers go on with
        /// it, counted as wasted work, never end to end.
        case abandoned
    }

    /// One request's state.
    struct Slot {
        var born: SimTime
        var enteredNode: SimTime
        var node: Int32 = -1
        /// The server serving or queueing the request; while travelling, the node that sent it.
        var server: Int32 = -1
        var user: UInt32
        var key: UInt32
        /// The data version a read returned, for the cache it fills.
        var version: CachedVersion = 0
        /// The cache that missed and waits for this read's answer, or -1.
        var fillCache: Int32 = -1
        /// The node whose routes the request resumes after a call (to a session store), or -1.
        var returnTo: Int32 = -1
        var requestClass: UInt8
        var phase: Phase = .travelling
        var role: Role
        /// Retries made so far.
        var attempt: UInt8 = 0
        /// The user region the request comes from.
        var region: UInt8 = 0
        /// The data center geo-DNS last sent the request to, plus one; 0 for none yet.
        var dataCenter: UInt8 = 0
        /// The client deadline this attempt waits under, or 0 for none (Components/Client).
        var deadline: UInt32 = 0
        /// The latest of the calls through circuit breakers waiting for this attempt's
        /// outcome (`Engine.breakerCalls`), or -1.
        var breakerCall: Int32 = -1
    }

    /// The most requests alive at once: 2^25, about 2.5 GB of slots. An overloaded pool with
    /// an unbounded queue and no timeout holds every request it is sent; past this many the
    /// engine drops new arrivals (counted as dropped, with a notice) instead of growing until
    /// the machine runs out of memory. Legitimate traffic stays far below: 50,000,000
    /// requests/s with 160 ms round trips keep 8,000,000 in flight.
    static let maxLive = 1 << 25

    var slots = Column<Slot>()
    private var free = Column<Int32>()

    /// `Slot.key` while the request's key is not drawn yet (`Engine.key(of:)`): no key
    /// space (`KeySpace.maxCount`) or trace (`TraceLimits`) reaches it.
    static let undrawnKey = UInt32.max

    /// Up to this many slots (256 KiB) the table stays in the CPU's caches, and the engine
    /// does not prefetch the next event's request.
    static let cachedSlots = 4_096

    /// Each slot's attribute stream as its request's birth left it, where a key not drawn
    /// yet is drawn from; read only while the slot's key is `undrawnKey`.
    private(set) var keyStreams = Column<UInt64>()

    /// Requests alive now, lost ones waiting for their event excluded.
    private(set) var live = 0

    /// A slot for a new request; a `key` of `undrawnKey` is drawn from `keyStream` later.
    mutating func allocate(
        born time: SimTime, user: UInt32, key: UInt32, requestClass: UInt8, role: Role = .user, region: UInt8 = 0,
        keyStream: UInt64 = 0
    ) -> Int32 {
        let r = take(
            Slot(born: time, enteredNode: time, user: user, key: key, requestClass: requestClass, role: role, region: region))
        if key == Self.undrawnKey { keyStreams[Int(r)] = keyStream }
        return r
    }

    /// Takes in a request that crossed from another partition, with its state as it left
    /// (its key drawn).
    mutating func adopt(_ slot: Slot) -> Int32 {
        take(slot)
    }

    /// A free slot, or a new one, now holding `slot`.
    @inline(__always)
    private mutating func take(_ slot: Slot) -> Int32 {
        live += 1
        if let reused = free.popLast() {
            slots[Int(reused)] = slot
            return reused
        }
        slots.append(slot)
        keyStreams.append(0)
        return Int32(slots.count - 1)
    }

    /// Gives the table buffers of its own if a copy of it shares them (see `Column`).
    mutating func makeUnique() {
        slots.makeUnique()
        free.makeUnique()
        keyStreams.makeUnique()
    }

    /// Starts loading slot `slot` into the CPU's cache: a hint, it changes nothing.
    @inline(__always)
    func prefetch(_ slot: Int32) {
        slots.withUnsafeBufferPointer { buffer in
            if Int(slot) < buffer.count, let base = buffer.baseAddress { prefetchForWrite(base + Int(slot)) }
        }
    }

    /// The request's life is over and no event of it is pending: its slot can be reused.
    @inline(__always)
    mutating func release(_ slot: Int32) {
        live -= 1
        slots[Int(slot)].phase = .free
        free.append(slot)
    }

    /// The request's life is over but its end-of-service event is still pending.
    mutating func retireLost(_ slot: Int32) {
        live -= 1
        slots[Int(slot)].phase = .lost
    }

    /// A lost request's pending event fired: its slot can be reused.
    mutating func reclaim(_ slot: Int32) {
        slots[Int(slot)].phase = .free
        free.append(slot)
    }
}
