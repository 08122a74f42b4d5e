/// Where the generic queueing core hands over to the component kinds.
///
/// The core (Engine+Requests.swift) moves requests: arrive, pick a server, queue, serve, time
/// out, route on. It knows no kind; at each hook point below it asks the node's kind what
/// else happens, through a switch over `NodeKind` with no `default:`, so a new kind makes
/// the compiler list every hook still to fill. Each kind's state and behaviour live in its
/// own folder under Components/; its state is stored densely, one array per kind, at the
/// node's `slot`.
extension Engine {
    // MARK: Building

    /// Creates the state of node `n`'s kind from its spec and stores the node's slot.
    mutating func makeKindState(node n: Int) {
        let node = spec.nodes[n]
        switch node.kind {
        case .cache, .cdn:
            guard let cache = node.effectiveCache else { return }
            let keySpace = node.kind == .cdn ? spec.workload.staticAssets.count : spec.workload.keys.count
            nodes[n].slot = Int32(cacheStates.count)
            // A cache another partition simulates, or one in a scratch copy, is never read:
            // it holds one entry at most (docs/architecture.md, "Windows and messages").
            if crossing.keepsNoCacheStorage || (crossing.isPartitioned && crossing.isForeign(Int32(n))) {
                var placeholder = cache
                placeholder.entries = 1
                cacheStates.append(CacheState(node: Int32(n), cache: placeholder, keySpace: 1))
            } else {
                cacheStates.append(CacheState(node: Int32(n), cache: cache, keySpace: keySpace))
            }
        case .db:
            nodes[n].slot = Int32(primaryStates.count)
            primaryStates.append(PrimaryState(node: Int32(n), keys: spec.workload.keys.count))
        case .replica:
            nodes[n].slot = Int32(replicaPoolStates.count)
            replicaPoolStates.append(ReplicaPoolState(node: Int32(n), spec: node))
        case .app:
            nodes[n].slot = Int32(appStates.count)
            appStates.append(AppState(node: Int32(n), spec: node))
        case .lb, .station, .queue, .sessionStore:
            break
        }
    }

    /// Brings the state of node `n`'s kind in line with its spec (see `reconcile(node:)`).
    mutating func reconcileKindState(node n: Int) {
        switch nodes[n].kind {
        case .cache, .cdn: reconcileCache(node: n)
        case .app: appStates[Int(nodes[n].slot)].sessions = spec.nodes[n].sessions
        case .lb, .db, .station, .replica, .queue, .sessionStore: break
        }
    }

    // MARK: Slots

    /// Node `n`'s place in `cacheStates`, or nil unless it is a cache or CDN edge.
    @inline(__always)
    func cacheSlot(_ n: Int) -> Int? {
        switch nodes[n].kind {
        case .cache, .cdn: nodes[n].slot >= 0 ? Int(nodes[n].slot) : nil
        case .lb, .app, .db, .station, .replica, .queue, .sessionStore: nil
        }
    }

    /// Node `n`'s place in `primaryStates`, or nil unless it is a database.
    @inline(__always)
    func primarySlot(_ n: Int) -> Int? {
        switch nodes[n].kind {
        case .db: Int(nodes[n].slot)
        case .lb, .app, .station, .cache, .replica, .queue, .sessionStore, .cdn: nil
        }
    }

    /// Node `n`'s place in `replicaPoolStates`, or nil unless it is a replica pool.
    @inline(__always)
    func replicaSlot(_ n: Int) -> Int? {
        switch nodes[n].kind {
        case .replica: Int(nodes[n].slot)
        case .lb, .app, .db, .station, .cache, .queue, .sessionStore, .cdn: nil
        }
    }

    /// Node `n`'s place in `appStates`, or nil unless it is an app pool.
    @inline(__always)
    func appSlot(_ n: Int) -> Int? {
        switch nodes[n].kind {
        case .app: Int(nodes[n].slot)
        case .lb, .db, .station, .cache, .replica, .queue, .sessionStore, .cdn: nil
        }
    }

    /// Whether node `n` routes a read by its lookup's outcome (`RouteSpec.outcome`).
    func routesByLookup(node n: Int) -> Bool {
        switch nodes[n].kind {
        case .cache: true
        case .lb, .app, .db, .station, .replica, .queue, .sessionStore, .cdn: false
        }
    }

    // MARK: The request path

    /// A request picked server `s` of node `n`: a message queue answers a user's request on
    /// enqueue; every other kind places it on the server.
    @inline(__always)
    mutating func arrive(_ r: Int32, node n: Int, server s: Int32) {
        switch nodes[n].kind {
        case .queue:
            if requests.slots[Int(r)].role != .job { enqueueJob(r, on: s) } else { place(r, on: s) }
        case .db, .cache, .replica, .cdn:
            prefetchKeyState(of: r, at: n)
            place(r, on: s)
        case .lb, .app, .station, .sessionStore:
            place(r, on: s)
        }
    }

    /// Starts loading what `served` will read for request `r`'s key at node `n` (a cache's
    /// index entry, the key's version at the primary) into the CPU's cache, so the service
    /// time hides the memory latency: over millions of keys each is a miss otherwise. A
    /// hint: it changes nothing.
    @inline(__always)
    mutating func prefetchKeyState(of r: Int32, at n: Int) {
        let k = Int(nodes[n].slot)
        guard k >= 0 else { return }
        switch nodes[n].kind {
        case .cache, .cdn:
            let key = self.key(of: Int(r))
            prefetchLookups(cache: k, key: key)
            prefetchVersion(of: Int(r), primary: Int(cacheStates[k].source))
        case .replica:
            prefetchVersion(of: Int(r), primary: Int(replicaPoolStates[k].primary))
        case .db:
            prefetchVersion(of: Int(r), primary: n)
            if requests.slots[Int(r)].requestClass == UInt8(RequestClass.write.rawValue) {
                prefetchWrittenEntries(of: Int(r), primary: n)
            }
        case .lb, .app, .station, .queue, .sessionStore:
            break
        }
    }

    /// Starts loading request `i`'s key's version at primary `p` (none if -1): a hint. Before
    /// the first write there is nothing to load, and no key to draw.
    @inline(__always)
    mutating func prefetchVersion(of i: Int, primary p: Int) {
        guard anyWriteCommitted, p >= 0, let slot = primarySlot(p) else { return }
        // The key first: drawing it writes to `self`, which `primaryStates[slot]` would
        // have to be copied out of (retaining its arrays) to outlive.
        let key = self.key(of: i)
        primaryStates[slot].store.prefetch(key)
    }

    /// A request passed through node `n` without service (no service time).
    @inline(__always)
    mutating func passedThrough(_ r: Int32, node n: Int) {
        switch nodes[n].kind {
        case .db: serveAtPrimary(r, node: n)
        case .lb, .app, .station, .cache, .replica, .queue, .sessionStore, .cdn: break
        }
    }

    /// Request `r` finished its service at server `s` of node `n`, in time. Returns true when
    /// the kind sent it on itself (a cache lookup, a CDN edge); false to route it as usual.
    @inline(__always)
    mutating func served(_ r: Int32, node n: Int, server s: Int) -> Bool {
        switch nodes[n].kind {
        case .cache:
            guard requests.slots[Int(r)].requestClass == UInt8(RequestClass.read.rawValue) else { return false }
            lookUp(r, cache: n)
            return true
        case .cdn:
            lookUpEdge(r, cdn: n)
            return true
        case .app:
            if appStates[Int(nodes[n].slot)].sessions == .sticky { useSession(request: Int(r), node: n, server: s) }
            return false
        case .db:
            serveAtPrimary(r, node: n)
            return false
        case .replica:
            serveAtReplica(r, node: n, server: s)
            return false
        case .lb, .station, .queue, .sessionStore:
            return false
        }
    }

    // MARK: Servers

    /// Server `s` of node `n` joined the pool or came back up.
    mutating func serverJoined(_ s: Int, node n: Int) {
        switch nodes[n].kind {
        case .replica: resync(replica: s)
        case .lb, .app, .db, .station, .cache, .queue, .sessionStore, .cdn: break
        }
    }

    // MARK: Windows

    /// Brings node `n`'s kind state up to now before its window closes.
    mutating func closingWindow(node n: Int) {
        switch nodes[n].kind {
        case .replica:
            for s in nodes[n].activeServers { catchUp(replica: Int(s)) }
        case .lb, .app, .db, .station, .cache, .queue, .sessionStore, .cdn:
            break
        }
    }

    /// Age of the oldest waiting job, for a message queue; nil for other kinds.
    func queueLag(node n: Int) -> SimTime? {
        switch nodes[n].kind {
        case .queue: consumerLag(node: n)
        case .lb, .app, .db, .station, .cache, .replica, .sessionStore, .cdn: nil
        }
    }
}
