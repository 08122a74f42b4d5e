import Testing
@testable import ScaleSim

/// The future event list against a plain reference: random interleavings of heap events,
/// delay-line events and pops must come out in (time, insertion order), exactly.
@Suite struct EventQueueTests {
    /// A pending event of the reference, with its insertion order as a plain integer.
    struct ReferenceEvent {
        var time: SimTime
        var order: Int
        var target: Int32
    }

    /// Where the earliest reference event is: least time, then least insertion order.
    func earliestIndex(_ reference: [ReferenceEvent]) -> Int? {
        reference.indices.min { (reference[$0].time, reference[$0].order) < (reference[$1].time, reference[$1].order) }
    }

    /// Pops `queue`'s next event and checks it against the earliest of `reference`, which
    /// loses that one; nil, with an issue recorded, when either runs dry first.
    func popChecked(_ queue: inout EventQueue, _ reference: inout [ReferenceEvent]) -> ScheduledEvent? {
        guard let k = earliestIndex(reference), let event = queue.pop() else {
            Issue.record("the queue ran dry with \(reference.count) events left")
            return nil
        }
        let expected = reference.remove(at: k)
        #expect(event.time == expected.time && event.target == expected.target)
        return event
    }

    /// Drains a copy of `queue`, made unique, and checks that it pops `reference`'s events
    /// in (time, insertion) order; `queue` itself is left as it was.
    func checkCopyDrains(_ queue: EventQueue, _ reference: [ReferenceEvent]) {
        var copy = queue
        copy.makeUnique()
        let expected = reference.sorted { ($0.time, $0.order) < ($1.time, $1.order) }.map(\.target)
        var popped: [Int32] = []
        while let event = copy.pop() { popped.append(event.target) }
        #expect(popped == expected)
    }

    /// Runs `operations` random steps on `queue` and on a sorted-list reference, checking
    /// every pop, `nextTime` and `count`; returns how many events popped. Events come at a
    /// time, after one of `delays`, or from one of `sources`.
    func compare(_ queue: inout EventQueue, seed: UInt64, operations: Int, delays: [SimTime], sources: Int = 3) -> Int {
        var rng = Xoshiro256StarStar(seed: seed)
        var reference: [ReferenceEvent] = []
        var inserted = 0
        var popped = 0
        var now: SimTime = 0
        let firstSequence = queue.schedule(-1, at: 0)
        reference.append(ReferenceEvent(time: 0, order: 0, target: -1))
        inserted = 1
        for _ in 0..<operations {
            let roll = rng.below(100)
            if roll < 25 {
                // Near times, so that many events tie at the same nanosecond; now and then
                // before the last pop, as a clock that went back would schedule.
                let back = rng.below(20) == 0 ? SimTime(rng.below(3)) : 0
                let time = max(0, now - back) + SimTime(rng.below(4))
                let sequence = queue.schedule(Int32(inserted), at: time)
                #expect(sequence == firstSequence &+ UInt32(inserted))
                reference.append(ReferenceEvent(time: time, order: inserted, target: Int32(inserted)))
                inserted += 1
            } else if roll < 45 {
                let delay = delays[rng.below(delays.count)]
                // Now sometimes goes back: the queue must still keep every lane in order.
                let from = rng.below(20) == 0 ? max(0, now - SimTime(rng.below(3))) : now
                let sequence = queue.schedule(Int32(inserted), after: delay, from: from)
                #expect(sequence == firstSequence &+ UInt32(inserted))
                reference.append(ReferenceEvent(time: from + delay, order: inserted, target: Int32(inserted)))
                inserted += 1
            } else if roll < 55 {
                // A source's events, each usually at or after its last pending one (a
                // region's arrivals); now and then earlier, which must go to the heap.
                let source = rng.below(sources)
                let time = now + SimTime(rng.below(6))
                let sequence = queue.schedule(Int32(inserted), at: time, source: source)
                #expect(sequence == firstSequence &+ UInt32(inserted))
                reference.append(ReferenceEvent(time: time, order: inserted, target: Int32(inserted)))
                inserted += 1
            } else if roll < 58 {
                now += SimTime(rng.below(3))  // the clock moves on without an event, as `run(until:)` does
            } else {
                let earliest = earliestIndex(reference)
                #expect(queue.nextTime == earliest.map { reference[$0].time })
                // The event loop's pop: nothing before the earliest event's time, that event at it.
                if let k = earliest, rng.below(8) == 0 {
                    #expect(queue.pop(notAfter: reference[k].time - 1) == nil)
                    #expect(queue.count == reference.count)
                }
                let event = rng.below(2) == 0 ? queue.pop() : queue.pop(notAfter: earliest.map { reference[$0].time } ?? 0)
                guard let k = earliest else {
                    #expect(event == nil)
                    continue
                }
                let expected = reference.remove(at: k)
                #expect(event?.time == expected.time)
                #expect(event?.target == expected.target)
                #expect(event?.sequence == firstSequence &+ UInt32(truncatingIfNeeded: expected.order))
                now = max(now, expected.time)
                popped += 1
            }
            #expect(queue.count == reference.count)
        }
        while let event = queue.pop() {
            guard let k = earliestIndex(reference) else {
                Issue.record("the queue popped \(event) after the reference emptied")
                break
            }
            let expected = reference.remove(at: k)
            #expect(event.time == expected.time && event.target == expected.target)
            popped += 1
        }
        #expect(reference.isEmpty && queue.isEmpty && queue.nextTime == nil)
        return popped
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func popsInTimeThenInsertionOrder(seed: UInt64) {
        var queue = EventQueue()
        // Twelve delays, more than the queue has lanes, so some go to the heap; zero too.
        let delays: [SimTime] = [0, 1, 2, 3, 5, 7, 10, 11, 13, 17, 19, 40]
        #expect(compare(&queue, seed: seed, operations: 20_000, delays: delays) > 5_000)
    }

    /// Sources and delays share the lanes: a few of each, every source with a lane; more
    /// sources than lanes; sources and delays whose events often tie.
    @Test(arguments: [(2, [0, 3, 9]), (12, [1, 4]), (3, [0, 1, 2])] as [(Int, [SimTime])])
    func sourcesAndDelaysShareTheLanes(sources: Int, delays: [SimTime]) {
        var queue = EventQueue()
        #expect(compare(&queue, seed: 5, operations: 20_000, delays: delays, sources: sources) > 5_000)
    }

    @Test func ordersAcrossTheSequenceWrapAround() {
        var queue = EventQueue(firstSequence: UInt32.max - 3_000)
        #expect(compare(&queue, seed: 7, operations: 12_000, delays: [0, 2, 3, 9]) > 3_000)
    }

    /// A queue tens of thousands of events deep, as in the big presets, across the sequence
    /// wrap-around: with every event scheduled no earlier than the last pop, the pops come
    /// out as all the events sorted by (time, insertion order).
    @Test func popsADeepQueueInSortedOrder() {
        let firstSequence = UInt32.max - 50_000
        var queue = EventQueue(firstSequence: firstSequence)
        var rng = Xoshiro256StarStar(seed: 11)
        let delays: [SimTime] = [0, 3, 8, 50, 1_000]
        var scheduled: [ReferenceEvent] = []
        var popped: [ScheduledEvent] = []
        var now: SimTime = 0
        func scheduleOne() {
            let order = scheduled.count
            var time = now + SimTime(rng.below(2_000))  // about twenty events a nanosecond: many ties
            if rng.below(3) == 0 {
                let delay = delays[rng.below(delays.count)]
                time = now + delay
                queue.schedule(Int32(order), after: delay, from: now)
            } else {
                queue.schedule(Int32(order), at: time)
            }
            scheduled.append(ReferenceEvent(time: time, order: order, target: Int32(order)))
        }
        for _ in 0..<40_000 { scheduleOne() }
        for _ in 0..<100_000 {
            if rng.below(2) == 0 {
                scheduleOne()
            } else if let event = queue.pop() {
                popped.append(event)
                now = event.time
            }
        }
        while let event = queue.pop() { popped.append(event) }
        let expected = scheduled.sorted { ($0.time, $0.order) < ($1.time, $1.order) }
        #expect(popped.map(\.target) == expected.map(\.target))
        #expect(popped.map(\.sequence) == expected.map { firstSequence &+ UInt32($0.order) })
        #expect(popped.map(\.time) == expected.map(\.time))
    }

    /// A heap that fills past the short list's limit and drains below its return, again and
    /// again, pops in (time, insertion order) whichever form it is in, across each change of
    /// form, and with now and then an event earlier than the last pop. A copy taken at every
    /// third turn, in either form, pops the same events on its own.
    @Test(arguments: [21, 22] as [UInt64])
    func popsInOrderAcrossTheShortListsLimits(seed: UInt64) {
        var rng = Xoshiro256StarStar(seed: seed)
        var queue = EventQueue()
        var reference: [ReferenceEvent] = []
        var order = 0
        var now: SimTime = 0
        var copiesChecked = 0
        let depths = [
            EventHeapStorage.listLimit + 1, EventHeapStorage.listReturn, EventHeapStorage.listLimit - 1, 0,
            EventHeapStorage.listCapacity * 3, EventHeapStorage.listReturn + 1, 2, EventHeapStorage.listLimit,
        ]
        for round in 0..<60 {
            let depth = depths[round % depths.count]
            while reference.count < depth {
                // Near times, many of them tied; one in 30 before the last pop.
                let back = rng.below(30) == 0 ? SimTime(rng.below(5)) : 0
                let time = max(0, now - back) + SimTime(rng.below(8))
                queue.schedule(Int32(order), at: time)
                reference.append(ReferenceEvent(time: time, order: order, target: Int32(order)))
                order += 1
            }
            if round % 3 == 0 {
                checkCopyDrains(queue, reference)
                copiesChecked += 1
            }
            while reference.count > depth / 2 {
                guard let event = popChecked(&queue, &reference) else { return }
                now = max(now, event.time)
                #expect(queue.count == reference.count)
            }
        }
        #expect(copiesChecked == 20)
        #expect(order > 500)
    }

    /// Events scheduled from a nanosecond to days ahead, many of them tied and now and then
    /// one before the last pop, pop in (time, insertion order) from a heap thousands deep:
    /// every level and digit of the radix heap's buckets, and its moves between them.
    @Test(arguments: [31, 32, 33] as [UInt64])
    func popsDelaysOfEveryMagnitudeInOrder(seed: UInt64) {
        var rng = Xoshiro256StarStar(seed: seed)
        var queue = EventQueue()
        var reference: [ReferenceEvent] = []
        var now: SimTime = 0
        var order = 0
        var ties = 0
        func scheduleOne() {
            var time: SimTime
            switch rng.below(20) {
            case 0: time = max(0, now - SimTime(rng.below(1_000)))  // before the last pop
            case 1, 2: time = reference.isEmpty ? now : reference[rng.below(reference.count)].time  // a tie
            default: time = now + SimTime(rng.below(1 << 10)) << SimTime(rng.below(38))  // 1 ns to 3 days
            }
            if reference.contains(where: { $0.time == time }) { ties += 1 }
            queue.schedule(Int32(order), at: time)
            reference.append(ReferenceEvent(time: time, order: order, target: Int32(order)))
            order += 1
        }
        for _ in 0..<2_000 { scheduleOne() }
        for _ in 0..<20_000 {
            scheduleOne()
            guard let event = popChecked(&queue, &reference) else { return }
            now = max(now, event.time)
        }
        while !reference.isEmpty {
            guard popChecked(&queue, &reference) != nil else { return }
        }
        #expect(queue.isEmpty)
        #expect(ties > 1_000)
    }

    /// A copy made unique pops on its own: the original keeps every event (engine snapshots).
    /// A heap of ten-million-users' shape: thousands of events a millisecond or so ahead, so
    /// a bucket of the 65 µs level holds a hundred or more when its turn comes and is sorted
    /// into bucket 0 as a run; then events a few nanoseconds to microseconds ahead land
    /// inside the run's range, ties among them, while it is taken from the front (it fills
    /// its room, moves to the start or grows). Every pop against the sorted reference, and a
    /// copy made in the middle of a run pops the same order.
    @Test(arguments: [41, 42, 43] as [UInt64])
    func popsRunsOfASpilledBucketInOrder(seed: UInt64) {
        var rng = Xoshiro256StarStar(seed: seed)
        var queue = EventQueue()
        var reference: [ReferenceEvent] = []
        var now: SimTime = 0
        var order = 0
        func schedule(at time: SimTime) {
            queue.schedule(Int32(order), at: time)
            reference.append(ReferenceEvent(time: time, order: order, target: Int32(order)))
            order += 1
        }
        func scheduleOne() {
            switch rng.below(10) {
            case 0, 1, 2: schedule(at: now + SimTime(rng.below(1 << 16)))  // inside a 65 µs bucket's run
            case 3: schedule(at: reference.isEmpty ? now : reference[rng.below(reference.count)].time)  // a tie
            case 4: schedule(at: now + SimTime(rng.below(4)))  // a few nanoseconds
            default: schedule(at: now + SimTime(rng.below(1 << 21)))  // up to 2 ms
            }
        }
        for _ in 0..<3_000 { schedule(at: SimTime(rng.below(1 << 21))) }
        var copiesChecked = 0
        for step in 0..<12_000 {
            scheduleOne()
            if step % 4_000 == 1_234 {
                checkCopyDrains(queue, reference)
                copiesChecked += 1
            }
            guard let event = popChecked(&queue, &reference) else { return }
            now = max(now, event.time)
        }
        while !reference.isEmpty {
            guard popChecked(&queue, &reference) != nil else { return }
        }
        #expect(queue.isEmpty)
        #expect(copiesChecked == 3)
    }

    /// The radix heap finds its lowest bucket through one bit per word of its bitmap, in a
    /// 64-bit mask: a digit size that needs more words than that must not build quietly.
    @Test func theBitmapsWordsFitTheirMask() {
        #expect(EventHeapStorage.occupiedWords <= UInt64.bitWidth)
        #expect(EventHeapStorage.occupiedWords * 64 >= EventHeapStorage.bucketCount - 1)
    }

    @Test func copiesStayIndependent() {
        var original = EventQueue()
        for i in 0..<1_000 { original.schedule(Int32(i), at: SimTime(1_000 - i)) }
        var copy = original
        copy.makeUnique()
        while copy.pop() != nil {}
        for i in 0..<10 { copy.schedule(Int32(i), at: 0) }
        #expect(copy.count == 10)
        #expect(original.count == 1_000)
        original.makeUnique()
        var targets: [Int32] = []
        while let event = original.pop() { targets.append(event.target) }
        #expect(targets == (0..<1_000).reversed().map { Int32($0) })
    }

    /// Times across the whole range, negative and at the ends included, pop in order, the
    /// ties in scheduling order: the radix heap's keys and its highest bucket.
    @Test func popsTimesAcrossTheWholeRange() {
        var rng = Xoshiro256StarStar(seed: 17)
        let times: [SimTime] = [.min, .min + 1, -1_000_000, -1, 0, 1, 1 << 40, .max - 1, .max]
        var queue = EventQueue()
        var scheduled: [ReferenceEvent] = []
        for order in 0..<2_000 {
            let time = times[rng.below(times.count)]
            queue.schedule(Int32(order), at: time)
            scheduled.append(ReferenceEvent(time: time, order: order, target: Int32(order)))
        }
        var popped: [Int32] = []
        while let event = queue.pop() { popped.append(event.target) }
        let expected = scheduled.sorted { ($0.time, $0.order) < ($1.time, $1.order) }
        #expect(popped == expected.map(\.target))
    }

    /// Negative delays, the most negative included, go to the heap and pop in order with the
    /// lanes' events: no delay is taken for the key of a lane not made yet.
    @Test func negativeDelaysPopInOrder() {
        var queue = EventQueue()
        let now: SimTime = 1_000
        let delays: [SimTime] = [3, .min, -5, 0, -1, 3, .min + 1, 7, -5]
        var scheduled: [ReferenceEvent] = []
        for (order, delay) in delays.enumerated() {
            queue.schedule(Int32(order), after: delay, from: now)
            scheduled.append(ReferenceEvent(time: now + delay, order: order, target: Int32(order)))
        }
        queue.schedule(Int32(delays.count), at: now + 2, source: 0)
        scheduled.append(ReferenceEvent(time: now + 2, order: delays.count, target: Int32(delays.count)))
        var popped: [Int32] = []
        while let event = queue.pop() { popped.append(event.target) }
        #expect(popped == scheduled.sorted { ($0.time, $0.order) < ($1.time, $1.order) }.map(\.target))
    }

    /// Events at the last representable time, from sources, after a delay and in the heap,
    /// pop in scheduling order, after the lane events before them: the lanes and the heap
    /// agree at the end of time.
    @Test func laneEventsAtTheLastTimePopInOrder() {
        var queue = EventQueue()
        queue.schedule(0, at: .max - 2, source: 0)
        queue.schedule(1, at: .max, source: 0)
        queue.schedule(2, at: .max)
        queue.schedule(3, after: 2, from: .max - 2)
        queue.schedule(4, after: 1, from: .max - 2)
        queue.schedule(5, at: .max, source: 1)
        var popped: [Int32] = []
        while let event = queue.pop(notAfter: .max) { popped.append(event.target) }
        #expect(popped == [0, 4, 1, 2, 3, 5])
        #expect(queue.isEmpty)
    }

    /// Events at the last representable time pop after the one before it, in order, also
    /// when the heap moves them together: the largest key is an ordinary key.
    @Test func popsEventsAtTheLastTime() {
        var queue = EventQueue()
        queue.schedule(-1, at: 0)
        queue.schedule(0, at: .max - 1)
        for target in 1...3 { queue.schedule(Int32(target), at: .max) }
        var popped: [Int32] = []
        while let event = queue.pop() { popped.append(event.target) }
        #expect(popped == [-1, 0, 1, 2, 3])
    }
}
