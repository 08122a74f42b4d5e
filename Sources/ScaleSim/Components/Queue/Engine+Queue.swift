/// The message queue's room: a producer is answered on enqueue, and a job waits for one of
/// the queue's consumers (its workers).
extension Engine {
    /// A producer's request reaches a message queue: if the queue has room, the producer is
    /// answered at once and a job waits for a consumer; a full queue drops the request.
    mutating func enqueueJob(_ r: Int32, on s: Int32) {
        let i = Int(r)
        let si = Int(s)
        let n = Int(servers[si].node)
        if servers[si].down {
            nodes[n].counters.failed += 1
            fail(r, .failed)
            return
        }
        guard servers[si].busy < workerLimit(si) || servers[si].queue.count < nodes[n].capacity else {
            nodes[n].counters.dropped += 1
            fail(r, .dropped)
            return
        }
        let job = requests.allocate(
            born: now, user: requests.slots[i].user, key: requests.slots[i].key, requestClass: requests.slots[i].requestClass,
            role: .job)
        requests.slots[Int(job)].node = Int32(n)
        requests.slots[Int(job)].enteredNode = now
        finish(r, .completed)
        place(job, on: s)
    }

    /// Age of the oldest job waiting at queue node `n`: how far consumers lag behind.
    func consumerLag(node n: Int) -> SimTime {
        nodes[n].allServers.compactMap { servers[Int($0)].queue.first }
            .map { now - requests.slots[Int($0)].enteredNode }.max() ?? 0
    }
}
