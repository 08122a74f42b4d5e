/// Every request in flight, stored as parallel arrays indexed by a reusable slot number.
///
/// Keeping requests as columns (not objects) means no allocation or reference counting per
/// request, and a heap entry only needs the slot number.
struct RequestTable {
    enum Phase: UInt8 {
        /// On a network link (or waiting to retry), arriving at `node` when its event fires.
        case travelling
        /// Being served at `node`; its event is the end of service.
        case inService
        /// Waiting in a server's queue; it has no pending event.
        case queued
        /// Lost with its server while in service: counted already, its slot freed when the
        /// pending end-of-service event fires.
        case lost
        /// Not in use.
        case free
    }

    /// What a request is, beyond a user's request.
    enum Role: UInt8 {
        /// A user's request, counted end to end.
        case user
        /// A job taken from a message queue: counted at nodes, not end to end.
        case job
    }

    var born: [SimTime] = []
    var enteredNode: [SimTime] = []
    var node: [Int32] = []
    /// The server serving or queueing the request; while travelling, the node that sent it.
    var server: [Int32] = []
    var user: [UInt32] = []
    var key: [UInt32] = []
    var requestClass: [UInt8] = []
    var phase: [Phase] = []
    var role: [Role] = []
    /// Retries made so far.
    var attempt: [UInt8] = []
    /// The data version a read returned, for the cache it fills.
    var version: [UInt32] = []
    /// The cache that missed and waits for this read's answer, or -1.
    var fillCache: [Int32] = []
    /// The node whose routes the request resumes after a call (to a session store), or -1.
    var returnTo: [Int32] = []
    /// The user region the request comes from.
    var region: [UInt8] = []
    private var free: [Int32] = []

    /// Requests alive now, lost ones waiting for their event excluded.
    private(set) var live = 0

    mutating func allocate(born time: SimTime, user: UInt32, key: UInt32, requestClass: UInt8, role: Role = .user) -> Int32 {
        live += 1
        if let slot = free.popLast() {
            let i = Int(slot)
            born[i] = time
            self.user[i] = user
            self.key[i] = key
            self.requestClass[i] = requestClass
            self.role[i] = role
            attempt[i] = 0
            fillCache[i] = -1
            returnTo[i] = -1
            region[i] = 0
            return slot
        }
        born.append(time)
        enteredNode.append(time)
        node.append(-1)
        server.append(-1)
        self.user.append(user)
        self.key.append(key)
        self.requestClass.append(requestClass)
        phase.append(.travelling)
        self.role.append(role)
        attempt.append(0)
        version.append(0)
        fillCache.append(-1)
        returnTo.append(-1)
        region.append(0)
        return Int32(born.count - 1)
    }

    /// The request's life is over and no event of it is pending: its slot can be reused.
    mutating func release(_ slot: Int32) {
        live -= 1
        phase[Int(slot)] = .free
        free.append(slot)
    }

    /// The request's life is over but its end-of-service event is still pending.
    mutating func retireLost(_ slot: Int32) {
        live -= 1
        phase[Int(slot)] = .lost
    }

    /// A lost request's pending event fired: its slot can be reused.
    mutating func reclaim(_ slot: Int32) {
        phase[Int(slot)] = .free
        free.append(slot)
    }
}
