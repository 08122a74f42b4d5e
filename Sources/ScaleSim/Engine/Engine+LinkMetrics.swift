/// What flows along a link between two nodes.
public enum LinkKind: String, Sendable, Hashable, CaseIterable {
    /// Requests (and queue jobs) sent from one node to the next, or from users' clients.
    case requests
    /// A primary's committed writes shipped to a replica pool's log.
    case replication
    /// A primary telling a cache-aside cache to drop a key it wrote.
    case invalidation
    /// A primary updating a write-through cache with the value it wrote.
    case writeThrough = "write_through"
}

/// One link between two nodes, as counted over the last closed one-second window.
public struct LinkSnapshot: Sendable, Hashable {
    /// The sending node's id, or nil for users' clients.
    public var from: String?
    public var to: String
    public var kind: LinkKind
    /// Messages per second over the last closed window.
    public var rate: Double
    /// Of `rate`, the writes (request links only; zero otherwise).
    public var writes: Double
    /// One-way latency of the link, or nil where it varies (clients in several regions).
    public var latency: SimTime?

    public init(from: String?, to: String, kind: LinkKind, rate: Double, writes: Double = 0, latency: SimTime?) {
        self.from = from
        self.to = to
        self.kind = kind
        self.rate = rate
        self.writes = writes
        self.latency = latency
    }
}

/// Messages per link in the current and the last closed window, in flat arrays indexed by
/// sender, receiver and slot (a request class, or a kind of data-tier message).
///
/// Counting touches one array element and draws nothing: link metrics change no simulated
/// figure and cost one add per hop.
struct LinkCounters: Sendable {
    /// Nodes the arrays are sized for; senders run from clients (index 0) to node `nodes - 1`.
    private(set) var nodes = 0
    private(set) var current: [Int] = []
    private(set) var closed: [Int] = []

    static let classSlots = RequestClass.allCases.count
    static let replicationSlot = classSlots
    static let invalidationSlot = classSlots + 1
    static let writeThroughSlot = classSlots + 2
    static let slots = classSlots + 3

    @inline(__always)
    func index(from: Int, to: Int, slot: Int) -> Int { ((from + 1) * nodes + to) * Self.slots + slot }

    /// One message from `from` (-1 for clients) to `to` in `slot`.
    @inline(__always)
    mutating func count(from: Int32, to: Int, slot: Int) {
        current[index(from: Int(from), to: to, slot: slot)] &+= 1
    }

    /// Sizes the arrays for `count` nodes; counts of a window under way are dropped.
    mutating func resize(nodes count: Int) {
        guard count != nodes else { return }
        nodes = count
        current = [Int](repeating: 0, count: (count + 1) * count * Self.slots)
        closed = current
    }

    /// Ends a window: its counts become the closed window's, and a new one starts at zero.
    mutating func closeWindow() {
        swap(&current, &closed)
        for i in current.indices { current[i] = 0 }
    }

    /// Messages from `from` to `to` in `slot` during the last closed window.
    func closedCount(from: Int, to: Int, slot: Int) -> Int { closed[index(from: from, to: to, slot: slot)] }
}

extension Engine {
    /// The data-tier kinds of link and their counter slots.
    static let dataLinkSlots: [(LinkKind, Int)] = [
        (.replication, LinkCounters.replicationSlot),
        (.invalidation, LinkCounters.invalidationSlot),
        (.writeThrough, LinkCounters.writeThroughSlot),
    ]

    /// Counts request `r` arriving at node `n` from node `from` (-1 for a client).
    @inline(__always)
    mutating func countLink(_ r: Int, from: Int32, to n: Int) {
        links.count(from: from, to: n, slot: Int(requests.slots[r].requestClass))
    }

    /// Every link that carried something in the last closed window or that the spec
    /// declares (routes, calls, replica pools, caches of a primary), senders in node order.
    public var linkSnapshot: [LinkSnapshot] {
        let count = links.nodes
        guard count == nodes.count else { return [] }
        var declared = Set<Int>()
        for n in 0..<count {
            for route in spec.nodes[n].routes { if let t = nodeIndex[route.to] { declared.insert(links.index(from: n, to: Int(t), slot: 0)) } }
            if nodes[n].calls >= 0 { declared.insert(links.index(from: n, to: Int(nodes[n].calls), slot: 0)) }
            for pool in nodes[n].replicaPools { declared.insert(links.index(from: n, to: Int(pool), slot: LinkCounters.replicationSlot)) }
            for c in nodes[n].caches {
                switch nodes[Int(c)].writePolicy {
                case .invalidate: declared.insert(links.index(from: n, to: Int(c), slot: LinkCounters.invalidationSlot))
                case .writeThrough: declared.insert(links.index(from: n, to: Int(c), slot: LinkCounters.writeThroughSlot))
                case .ttlOnly: break
                }
            }
        }
        var result: [LinkSnapshot] = []
        for from in -1..<count {
            let sender = from >= 0 ? spec.nodes[from].id : nil
            for to in 0..<count {
                let requests = (0..<LinkCounters.classSlots).reduce(0) { $0 + links.closedCount(from: from, to: to, slot: $1) }
                if requests > 0 || declared.contains(links.index(from: from, to: to, slot: 0)) {
                    let route = from >= 0 ? spec.nodes[from].routes.first { $0.to == spec.nodes[to].id } : nil
                    result.append(LinkSnapshot(
                        from: sender, to: spec.nodes[to].id, kind: .requests, rate: Double(requests),
                        writes: Double(links.closedCount(from: from, to: to, slot: RequestClass.write.rawValue)),
                        latency: from >= 0 ? route?.latency ?? 0 : nil))
                }
                for (kind, slot) in Self.dataLinkSlots where from >= 0 {
                    let messages = links.closedCount(from: from, to: to, slot: slot)
                    guard messages > 0 || declared.contains(links.index(from: from, to: to, slot: slot)) else { continue }
                    result.append(LinkSnapshot(from: sender, to: spec.nodes[to].id, kind: kind, rate: Double(messages),
                                               latency: kind == .replication ? nodes[to].replicationDelay : 0))
                }
            }
        }
        return result
    }
}
