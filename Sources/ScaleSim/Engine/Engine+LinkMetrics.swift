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

/// Messages per link in the current and the last closed window: one flat counter array
/// indexed by link and slot (a request class, or a kind of data-tier message).
///
/// Links are numbered as the topology declares them or as traffic first takes them, so
/// memory grows with the links, not with the square of the nodes. Counting finds the link
/// among the receiver's few senders, adds one and draws nothing: link metrics change no
/// simulated figure.
struct LinkCounters: Sendable {
    /// Each link's sender (-1: users' clients) and receiver, by link number. The senders, a
    /// receiver's first link and the next links are columns: each message reads them, and an
    /// array's bounds checks there were 1% of ten-million-users' instructions.
    private(set) var senders = Column<Int32>()
    private(set) var receivers: [Int32] = []
    /// The kinds the spec declares on each link (bit `slot - classSlots + 1`, bit 0 for
    /// requests), shown even when idle.
    private(set) var declared: [UInt8] = []
    /// Each receiving node's first link and, by link, the receiver's next one (-1 ends
    /// the list): flat arrays, so finding a link touches no reference count.
    private var firstLink = Column<Int32>()
    private var nextLink = Column<Int32>()
    /// Every link by sender and receiver, for `declare`: walking a receiver's senders for
    /// each declared link made rewiring cubic once a node had hundreds of senders.
    private var linkNumbers: [Int64: Int32] = [:]
    /// Counts written per message without the copy-on-write check (see `makeUnique()`).
    private(set) var current = Column<Int>()
    private(set) var closed = Column<Int>()

    static let classSlots = RequestClass.allCases.count
    static let replicationSlot = classSlots
    static let invalidationSlot = classSlots + 1
    static let writeThroughSlot = classSlots + 2
    static let slots = classSlots + 3

    /// The declared-kinds bit of `slot`: requests (any class) or one data-tier kind.
    static func declaredBit(_ slot: Int) -> UInt8 { slot < classSlots ? 1 : 1 << UInt8(slot - classSlots + 1) }

    var count: Int { senders.count }

    /// One message from `from` (-1 for clients) to `to` in `slot`.
    @inline(__always)
    mutating func count(from: Int32, to: Int, slot: Int) {
        let link = self.link(from: from, to: to)
        current[link * Self.slots + slot] &+= 1
    }

    /// The number of the link from `from` to `to`, numbering it if new.
    @inline(__always)
    mutating func link(from: Int32, to: Int) -> Int {
        var next = firstLink[to]
        while next >= 0 {
            if senders[Int(next)] == from { return Int(next) }
            next = nextLink[Int(next)]
        }
        let link = senders.count
        linkNumbers[Int64(from) << 32 | Int64(to)] = Int32(link)
        senders.append(from)
        receivers.append(Int32(to))
        declared.append(0)
        nextLink.append(firstLink[to])
        firstLink[to] = Int32(link)
        for _ in 0..<Self.slots {
            current.append(0)
            closed.append(0)
        }
        return link
    }

    /// Gives the counts buffers of their own if a copy shares them; the engine calls it at
    /// each entry point (see `Column`).
    mutating func makeUnique() {
        senders.makeUnique()
        firstLink.makeUnique()
        nextLink.makeUnique()
        current.makeUnique()
        closed.makeUnique()
    }

    /// Makes room for `count` nodes and forgets what the spec declared (see `declare`);
    /// makes the lists unique for the declarations that follow it.
    mutating func resize(nodes count: Int) {
        makeUnique()
        while firstLink.count < count { firstLink.append(-1) }
        for k in declared.indices { declared[k] = 0 }
    }

    /// Marks the link from `from` to `to` as declared for `slot`'s kind; call after `resize`.
    mutating func declare(from: Int, to: Int, slot: Int) {
        let link = linkNumbers[Int64(from) << 32 | Int64(to)].map(Int.init) ?? self.link(from: Int32(from), to: to)
        declared[link] |= Self.declaredBit(slot)
    }

    /// Forgets the links of removed nodes (`renumbered` -1) and renumbers the others' ends,
    /// keeping their counts.
    mutating func renumber(_ renumbered: [Int32]) {
        var kept = LinkCounters()
        kept.resize(nodes: renumbered.count { $0 >= 0 })
        for link in senders.indices {
            let from = senders[link] >= 0 ? renumbered[Int(senders[link])] : -1
            let to = renumbered[Int(receivers[link])]
            guard to >= 0, senders[link] < 0 || from >= 0 else { continue }
            let number = kept.link(from: from, to: Int(to))
            kept.declared[number] = declared[link]
            for slot in 0..<Self.slots {
                kept.current[number * Self.slots + slot] = current[link * Self.slots + slot]
                kept.closed[number * Self.slots + slot] = closed[link * Self.slots + slot]
            }
        }
        self = kept
    }

    /// Ends a window: its counts become the closed window's, and a new one starts at zero.
    mutating func closeWindow() {
        swap(&current, &closed)
        for i in current.indices { current[i] = 0 }
    }

    /// Messages on `link` in `slot` during the last closed window.
    func closedCount(link: Int, slot: Int) -> Int { closed[link * Self.slots + slot] }
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

    /// Numbers the links the spec declares (routes, calls, replica pools, caches of a
    /// primary), so they show even before traffic takes them.
    mutating func declareLinks() {
        links.resize(nodes: nodes.count)
        for n in nodes.indices {
            // Three loops, not one over the joined arrays: no copies on every rewiring.
            for table in nodes[n].routes {
                for route in table.routes { links.declare(from: n, to: Int(route.target), slot: 0) }
            }
            for table in nodes[n].hitRoutes {
                for route in table.routes { links.declare(from: n, to: Int(route.target), slot: 0) }
            }
            for table in nodes[n].missRoutes {
                for route in table.routes { links.declare(from: n, to: Int(route.target), slot: 0) }
            }
            if nodes[n].calls >= 0 { links.declare(from: n, to: Int(nodes[n].calls), slot: 0) }
            guard let p = primarySlot(n) else { continue }
            for pool in primaryStates[p].replicaPools {
                links.declare(from: n, to: Int(pool), slot: LinkCounters.replicationSlot)
            }
            for c in primaryStates[p].caches {
                switch cacheStates[Int(nodes[Int(c)].slot)].writePolicy {
                case .invalidate: links.declare(from: n, to: Int(c), slot: LinkCounters.invalidationSlot)
                case .writeThrough: links.declare(from: n, to: Int(c), slot: LinkCounters.writeThroughSlot)
                case .ttlOnly: break
                }
            }
        }
    }

    /// Every link that carried something in the last closed window or that the spec
    /// declares, by sender (users' clients first) then receiver, in node order.
    public var linkSnapshot: [LinkSnapshot] {
        let order = (0..<links.count).sorted {
            (links.senders[$0], links.receivers[$0]) < (links.senders[$1], links.receivers[$1])
        }
        var result: [LinkSnapshot] = []
        for link in order {
            let from = Int(links.senders[link]), to = Int(links.receivers[link])
            let sender = from >= 0 ? spec.nodes[from].id : nil
            let receiver = spec.nodes[to].id
            let requests = (0..<LinkCounters.classSlots).reduce(0) { $0 + links.closedCount(link: link, slot: $1) }
            if requests > 0 || links.declared[link] & 1 != 0 {
                result.append(
                    LinkSnapshot(
                        from: sender, to: receiver, kind: .requests, rate: Double(requests),
                        writes: Double(links.closedCount(link: link, slot: RequestClass.write.rawValue)),
                        latency: from >= 0 ? routeLatency(from: from, to: to) : nil))
            }
            for (kind, slot) in Self.dataLinkSlots {
                let messages = links.closedCount(link: link, slot: slot)
                guard messages > 0 || links.declared[link] & LinkCounters.declaredBit(slot) != 0 else { continue }
                result.append(
                    LinkSnapshot(
                        from: sender, to: receiver, kind: kind, rate: Double(messages),
                        latency: kind == .replication ? replicationDelay(of: to) : writeDelay(toCache: to)))
            }
        }
        return result
    }

    /// The latency requests from node `from` to node `to` travel on the first route between
    /// them; a call to a session store is no route and travels none.
    private func routeLatency(from: Int, to: Int) -> SimTime {
        guard let route = spec.nodes[from].routes.first(where: { $0.to == spec.nodes[to].id }) else { return 0 }
        return latency(of: route, from: from, to: to)
    }

    /// How long a write takes to reach cache node `n` from its primary (0 for any other node).
    private func writeDelay(toCache n: Int) -> SimTime {
        cacheSlot(n).map { cacheStates[$0].writeDelay } ?? 0
    }
}

/// Merging the link counters several engine partitions wrote.
///
/// See docs/design/partitioned-engine-audit.md, L5. It lives here, not in a file of its own,
/// because it reaches the private link lists.
extension LinkCounters {
    /// Adds `other`'s counts to these, link by link.
    ///
    /// Each copy numbers links in the order its own traffic first took them, so a link is
    /// matched by its sender and receiver, never by number; links only `other` knows are
    /// numbered after this value's. `linkSnapshot` sorts by sender and receiver, so it does
    /// not see the numbering. Both windows' counts add (every copy closes its window at the
    /// same tick barrier); the declared kinds are the spec's, the same in every copy, and
    /// are joined so a fresh value takes them on.
    mutating func merge(_ other: LinkCounters) {
        // The lists and counts are written through unchecked subscripts (see `Column`).
        makeUnique()
        while firstLink.count < other.firstLink.count { firstLink.append(-1) }
        for theirs in other.senders.indices {
            let mine = link(from: other.senders[theirs], to: Int(other.receivers[theirs]))
            declared[mine] |= other.declared[theirs]
            for slot in 0..<Self.slots {
                current[mine * Self.slots + slot] &+= other.current[theirs * Self.slots + slot]
                closed[mine * Self.slots + slot] &+= other.closed[theirs * Self.slots + slot]
            }
        }
    }
}
