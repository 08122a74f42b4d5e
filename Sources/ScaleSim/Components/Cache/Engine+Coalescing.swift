/// A read on its way to the database for a cache's miss, and the misses for the same key
/// that wait for its answer (request coalescing, docs/presets.md "Caches").
struct CoalescedFill: Sendable {
    /// The request whose read fetches the key.
    var leader: Int32
    /// Requests parked at the cache until the leader's answer comes back, oldest first.
    var waiters: [Int32] = []
}

/// Request coalescing (single flight) at a cache: one read per key goes on at a time.
extension Engine {
    /// A miss for `key` at cache `n`: true when another read of the key is already on its
    /// way, so `r` now waits for that answer; false when `r` goes on (and, with coalescing
    /// on, leads the fetch of the key).
    mutating func joinFill(_ r: Int32, key: UInt32, cache n: Int, slot k: Int) -> Bool {
        guard cacheStates[k].coalesce else { return false }
        if cacheStates[k].fills[key] != nil {
            cacheStates[k].fills[key]!.waiters.append(r)
            cacheStates[k].cache.countCoalesced()
            requests.slots[Int(r)].phase = .coalesced
            requests.slots[Int(r)].node = Int32(n)
            requests.slots[Int(r)].server = -1
            return true
        }
        cacheStates[k].fills[key] = CoalescedFill(leader: r)
        return false
    }

    /// The fill led by `r` ended at the cache it was filling: the waiters take its answer
    /// (the version it read) and leave as hits would.
    mutating func answerWaiters(of r: Int32, cache c: Int, slot k: Int) {
        let key = self.key(of: Int(r))
        guard let fill = cacheStates[k].fills[key], fill.leader == r else { return }
        cacheStates[k].fills[key] = nil
        let version = requests.slots[Int(r)].version
        for w in fill.waiters {
            requests.slots[Int(w)].version = version
            requests.slots[Int(w)].phase = .travelling
            leave(w, node: Int32(c), by: .hit)
        }
    }

    /// Request `r` will not bring back the answer its cache waits for (it failed, timed out,
    /// was lost or retries from the start): the requests waiting on it fail the same way,
    /// and the next miss for the key goes on again.
    mutating func abandonFill(of r: Int32, _ outcome: Outcome) {
        let c = Int(requests.slots[Int(r)].fillCache)
        requests.slots[Int(r)].fillCache = -1
        guard c >= 0, let k = cacheSlot(c), !cacheStates[k].fills.isEmpty else { return }
        let key = self.key(of: Int(r))
        guard let fill = cacheStates[k].fills[key], fill.leader == r else { return }
        cacheStates[k].fills[key] = nil
        for w in fill.waiters {
            requests.slots[Int(w)].phase = .travelling
            nodes[c].counters.failed += 1
            fail(w, outcome)
        }
    }

    /// Turns coalescing on or off at cache `n`. Turning it off lets the requests already
    /// waiting keep waiting for their answers.
    mutating func setCoalescing(node n: Int, on: Bool) -> CommandResult {
        guard nodes[n].kind == .cache else {
            return .refused(
                "\(spec.nodes[n].id) is a CDN edge: request coalescing is for caches of database data; an edge's origin serves static assets"
            )
        }
        return changeCache(node: n) { $0.coalesce = on }
    }
}
