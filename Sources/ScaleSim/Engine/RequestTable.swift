/// Every request in flight, stored as parallel arrays indexed by a reusable slot number.
///
/// Keeping requests as columns (not objects) means no allocation or reference counting per
/// request, and a heap entry only needs the slot number.
struct RequestTable {
    enum Phase: UInt8 {
        /// On a network link, arriving at `node` when its event fires.
        case travelling
        /// Being served at `node`; its event is the end of service.
        case inService
        /// Waiting in a server's queue; it has no pending event.
        case queued
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
    private var free: [Int32] = []

    /// Requests alive now.
    private(set) var live = 0

    mutating func allocate(born time: SimTime, user: UInt32, key: UInt32, requestClass: UInt8) -> Int32 {
        live += 1
        if let slot = free.popLast() {
            let i = Int(slot)
            born[i] = time
            self.user[i] = user
            self.key[i] = key
            self.requestClass[i] = requestClass
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
        return Int32(born.count - 1)
    }

    mutating func release(_ slot: Int32) {
        live -= 1
        free.append(slot)
    }
}
