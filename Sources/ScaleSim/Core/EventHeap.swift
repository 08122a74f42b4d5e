/// The future event list's heap: the events not in a delay line, by time.
///
/// A few events (the reference network holds under ten) wait in one short sorted list:
/// an insertion shifts the later ones up, a handful at most, and a pop takes the front,
/// where the radix heap would move most of them at every pop. Past
/// `EventHeapStorage.listLimit` events the list turns into a radix heap, and back when the
/// heap falls to `listReturn`: both give up the same events in the same order.
///
/// In the radix heap every event is scheduled no earlier than the clock, and the clock
/// never passes an event still waiting, so the heap only ever holds times at or after
/// `last`, the time of the event it gave up last (Ahuja, Mehlhorn, Orlin and Tarjan's
/// radix heap, with a radix of 256). A time's key is read as eight 8-bit digits; its level
/// is the highest digit where it differs from `last`, and its bucket is that level and its
/// digit there (which is above `last`'s); bucket 0 holds `last` itself. A lower bucket
/// holds only earlier times, so the earliest event is in the lowest bucket that is not
/// empty, and when that bucket's earliest event leaves, the others move to buckets of
/// lower levels, closer to their turn. An event moves a few times in its life, at most
/// once a level, each time in a plain pass over a bucket, where a binary heap's sift-down
/// follows a chain of dependent loads and comparisons for every event. A bucket of up to
/// `runLimit` events is sorted into bucket 0 instead (a run), which then takes every time
/// of that bucket's range and gives them up from its front: a hundred events moved once
/// into one array rather than scattered over 256 buckets (docs/architecture.md).
///
/// Ties need no sequence comparison: a bucket receives moved events only while empty and
/// its events are appended in scheduling order, so events of one time stay in the order
/// they were scheduled in, whatever bucket they are in. An event scheduled before `last`
/// (a caller whose clock went back) is the one case the buckets cannot take: the heap is
/// then rebuilt around it, in (time, sequence) order.
///
/// Like `Column`, copies share the buffers until `makeUnique()`, which the owner calls at
/// each entry point that may write; debug builds stop at a write to a shared heap.
struct EventHeap {
    private var storage = EventHeapStorage()

    /// The events held.
    var count: Int { storage.count }

    /// The earliest event, if any.
    var first: ScheduledEvent? { storage.count > 0 ? storage.top : nil }

    /// Gives this heap buffers of their own if a copy of its owner shares them.
    @inline(__always)
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    /// Adds `event`.
    @inline(__always)
    mutating func insert(_ event: ScheduledEvent) {
        checkUnique()
        storage.insert(event)
    }

    /// Removes the earliest event, which must exist.
    @inline(__always)
    mutating func removeFirst() {
        checkUnique()
        storage.removeFirst()
    }

    /// Debug builds stop at a write to a shared heap; release builds trust the owner.
    @inline(__always)
    private mutating func checkUnique() {
        #if DEBUG
        precondition(isKnownUniquelyReferenced(&storage), "a shared EventHeap was written: call makeUnique() first")
        #endif
    }
}

extension EventHeap: @unchecked Sendable {}

/// One bucket of the radix heap: events in the order they came in.
struct EventBucket {
    /// Allocated at the first append; until then (`capacity` 0) an address never read.
    var events = UnsafeMutablePointer<ScheduledEvent>(bitPattern: MemoryLayout<ScheduledEvent>.alignment)!
    var count = 0
    var capacity = 0
}

/// The short list or the buckets behind an `EventHeap`, and where its earliest event is.
final class EventHeapStorage {
    /// Bits per digit of a key: a level's buckets split one digit.
    static let digitBits = 8
    /// Buckets per level, one per digit value (the value of `last`'s digit stays empty).
    static let digits = 1 << digitBits
    /// Levels of a 64-bit key.
    static let levels = (64 + digitBits - 1) / digitBits
    /// Bucket 0 for `last`, then `digits` buckets for each level, lowest level first.
    static let bucketCount = 1 + levels * digits
    /// Words of `occupied`, one bit for each bucket but bucket 0 (64 at most, one bit each
    /// in `occupiedWordsMask`).
    static let occupiedWords = (bucketCount - 1 + 63) / 64
    /// The events the short list holds at most: inserting one more turns it into buckets.
    static let listLimit = 32
    /// The buckets turn back into the short list when a pop leaves this many events.
    static let listReturn = 8
    /// The list's room: it is taken from the front and filled at the back, and its events
    /// move back to the start when the back is reached.
    static let listCapacity = 64
    /// The most events a spill sorts into bucket 0 rather than moves to lower buckets.
    static let runLimit = 256
    /// Runs up to this long are put in order by insertion alone.
    static let insertionSortLimit = 16

    /// Whether the events wait in the short list rather than in the buckets.
    private var inList = true
    /// The short list, in (time, sequence) order between `listHead` and `listEnd`.
    private var list: UnsafeMutablePointer<ScheduledEvent>
    private var listHead = 0
    private var listEnd = 0

    private var buckets: UnsafeMutablePointer<EventBucket>
    /// Bucket 0 is taken from its front: its events up to here have left.
    private var head = 0
    /// Bit `b - 1` (counting through the words) is set when bucket `b` holds events.
    private var occupied: UnsafeMutablePointer<UInt64>
    /// A run's counting pass: where the events of each digit go.
    private var digitPlaces: UnsafeMutablePointer<Int>
    /// Bit `w` is set when word `w` of `occupied` may not be zero (cleared lazily, when
    /// found zero): the lowest bucket holding events is found without a scan of the words.
    private var occupiedWordsMask: UInt64 = 0
    /// The key of the last event given up: every event held is at or after it.
    private var last: UInt64 = 0
    /// The highest key bucket 0 takes: `last`, or while bucket 0 holds a spilled bucket's
    /// events in order (a run), the top of that bucket's range.
    private var runHigh: UInt64 = 0
    /// `fileprivate`, as `ColumnStorage`'s buffer is: no dynamic exclusivity checks even in
    /// the tests' build (docs/architecture.md, "Hot-path storage").
    fileprivate var count = 0
    /// The earliest event, and its bucket and place there, while the heap is not empty.
    fileprivate var top = ScheduledEvent(time: 0, sequence: 0, target: 0)
    private var topBucket = 0
    private var topIndex = 0

    init() {
        list = LargeTable.allocate(ScheduledEvent.self, count: Self.listCapacity)
        buckets = .allocate(capacity: Self.bucketCount)
        // Buckets get room when first used: most of a heap's never are.
        for b in 0..<Self.bucketCount { (buckets + b).initialize(to: EventBucket()) }
        occupied = .allocate(capacity: Self.occupiedWords)
        occupied.initialize(repeating: 0, count: Self.occupiedWords)
        digitPlaces = .allocate(capacity: Self.digits + 1)
        digitPlaces.initialize(repeating: 0, count: Self.digits + 1)
    }

    deinit {
        for b in 0..<Self.bucketCount where buckets[b].capacity > 0 { buckets[b].events.deallocate() }
        buckets.deallocate()
        occupied.deallocate()
        digitPlaces.deallocate()
        list.deallocate()
    }

    /// Times as unsigned keys in the same order: the sign bit flipped.
    @inline(__always)
    static func key(_ time: SimTime) -> UInt64 { UInt64(bitPattern: time) ^ (1 << 63) }

    /// The bucket of `key`, which is at or after `last`: 0 for `last` itself, else by the
    /// highest digit where the two differ (the level) and the key's digit there.
    @inline(__always)
    private func bucket(of key: UInt64) -> Int {
        let differing = key ^ last
        let level = (63 &- differing.leadingZeroBitCount) / Self.digitBits
        let digit = Int(truncatingIfNeeded: key &>> UInt64(level &* Self.digitBits)) & (Self.digits - 1)
        return differing == 0 ? 0 : 1 &+ level &* Self.digits &+ digit
    }

    /// Notes that bucket `b` (1 or more) holds events.
    @inline(__always)
    private func markOccupied(_ b: Int) {
        let word = (b &- 1) &>> 6
        occupied[word] |= 1 &<< UInt64((b &- 1) & 63)
        occupiedWordsMask |= 1 &<< UInt64(word)
    }

    /// Notes that bucket `b` (1 or more) holds no events; `occupiedWordsMask` is cleared
    /// when `lowestOccupied` finds the word empty.
    @inline(__always)
    private func markEmpty(_ b: Int) {
        occupied[(b &- 1) &>> 6] &= ~(1 &<< UInt64((b &- 1) & 63))
    }

    /// The lowest bucket past 0 that holds events; the heap's buckets must hold some.
    @inline(__always)
    private func lowestOccupied() -> Int {
        var word = occupiedWordsMask.trailingZeroBitCount
        while occupied[word] == 0 {
            occupiedWordsMask &= ~(1 &<< UInt64(word))
            word = occupiedWordsMask.trailingZeroBitCount
        }
        return 1 &+ word &* 64 &+ occupied[word].trailingZeroBitCount
    }

    /// Adds `event`, scheduled after every event held.
    @inline(__always)
    func insert(_ event: ScheduledEvent) {
        if inList {
            if count < Self.listLimit {
                insertIntoList(event)
                return
            }
            moveListToBuckets()
        }
        insertIntoBuckets(event)
    }

    /// Removes `top`, then finds the next earliest event.
    @inline(__always)
    func removeFirst() {
        count -= 1
        if inList {
            listHead += 1
            if count > 0 {
                top = list[listHead]
            } else {
                listHead = 0
                listEnd = 0
            }
            return
        }
        removeFirstFromBuckets()
        if count <= Self.listReturn { moveBucketsToList() }
    }

    // MARK: The short list

    /// Puts `event` into `buffer` after every event of `floor..<end` not later than it,
    /// the later ones shifted up by one; returns its place. The events there were all
    /// scheduled before it, so it goes after those of its own time.
    @inline(__always)
    private static func insertInOrder(
        _ event: ScheduledEvent, into buffer: UnsafeMutablePointer<ScheduledEvent>, above floor: Int, end: Int
    ) -> Int {
        var j = end
        while j > floor && event.time < buffer[j &- 1].time {
            buffer[j] = buffer[j &- 1]
            j &-= 1
        }
        buffer[j] = event
        return j
    }

    /// Puts `event` after every held event not later than it.
    @inline(__always)
    private func insertIntoList(_ event: ScheduledEvent) {
        if listEnd == Self.listCapacity { moveListToStart() }
        let j = Self.insertInOrder(event, into: list, above: listHead, end: listEnd)
        listEnd += 1
        count += 1
        if j == listHead { top = event }
    }

    /// Moves the list's events to the start of its room, to make room at the back.
    private func moveListToStart() {
        for k in listHead..<listEnd { list[k - listHead] = list[k] }
        listEnd -= listHead
        listHead = 0
    }

    /// Turns the short list into buckets around its earliest event.
    private func moveListToBuckets() {
        inList = false
        last = Self.key(list[listHead].time)
        runHigh = last
        // The list is in (time, sequence) order, so each bucket gets its events in order.
        for k in listHead..<listEnd { _ = append(list[k], to: bucket(of: Self.key(list[k].time))) }
        listHead = 0
        listEnd = 0
        findTop()
    }

    /// Turns the buckets, holding at most `listReturn` events, back into the short list.
    private func moveBucketsToList() {
        let events = bucketEvents.sorted(by: EventQueue.precedes)
        for k in events.indices { list[k] = events[k] }
        listHead = 0
        listEnd = count
        emptyBuckets()
        inList = true
        if count > 0 { top = list[0] }
    }

    /// Leaves every bucket empty.
    private func emptyBuckets() {
        buckets[0].count = 0
        head = 0
        for word in 0..<Self.occupiedWords {
            var bits = occupied[word]
            while bits != 0 {
                buckets[1 + word * 64 + bits.trailingZeroBitCount].count = 0
                bits &= bits - 1
            }
            occupied[word] = 0
        }
        occupiedWordsMask = 0
    }

    // MARK: The radix heap

    /// Adds `event` to its bucket, or rebuilds the heap around it if it is before `last`.
    @inline(__always)
    private func insertIntoBuckets(_ event: ScheduledEvent) {
        let key = Self.key(event.time)
        guard key >= last else {
            rebuild(adding: event)
            return
        }
        if key <= runHigh {
            insertIntoRun(event)
            return
        }
        let b = bucket(of: key)
        let index = append(event, to: b)
        count += 1
        // Bucket 0's front is its earliest event; an event of a lower bucket is earlier than
        // any of a higher one.
        if count == 1 || b < topBucket || (b == topBucket && b > 0 && key < Self.key(top.time)) {
            top = event
            topBucket = b
            topIndex = index
        }
    }

    /// Puts `event`, of a time in bucket 0's range, after every event there not later
    /// than it.
    ///
    /// An event earlier than the run's middle goes in from the front, into the room the
    /// pops left, moving the events before it down by one: most are scheduled a little
    /// ahead of the clock, near the front, and would otherwise move most of the run up.
    @inline(__always)
    private func insertIntoRun(_ event: ScheduledEvent) {
        let end = buckets[0].count
        // While the run lasts (`head` > 0 only then), its front is `top`.
        if head > 0 && event.time < buckets[0].events[(head &+ end) &>> 1].time {
            let run = buckets[0].events
            head &-= 1
            var j = head
            while run[j &+ 1].time <= event.time {
                run[j] = run[j &+ 1]
                j &+= 1
            }
            run[j] = event
            count &+= 1
            topIndex = head
            top = run[head]
            return
        }
        if buckets[0].count == buckets[0].capacity { makeRoomInRun() }
        let j = Self.insertInOrder(event, into: buckets[0].events, above: head, end: buckets[0].count)
        buckets[0].count &+= 1
        count &+= 1
        // Bucket 0's events are earlier than any other bucket's.
        if j == head {
            top = event
            topBucket = 0
            topIndex = head
        }
    }

    /// Room at the back of bucket 0: its events moved to the start if half of it has left,
    /// else a bigger buffer.
    private func makeRoomInRun() {
        guard head > 0 && head >= buckets[0].count / 2 else {
            grow(0)
            return
        }
        let events = buckets[0].events
        let remaining = buckets[0].count - head
        for k in 0..<remaining { events[k] = events[head + k] }
        buckets[0].count = remaining
        if topBucket == 0 { topIndex -= head }
        head = 0
    }

    /// Removes `top` from its bucket, then finds the next earliest event; `count` is
    /// already one less.
    @inline(__always)
    private func removeFirstFromBuckets() {
        if topBucket == 0 {
            head += 1
            if head < buckets[0].count {
                topIndex = head
                top = buckets[0].events[head]
                return
            }
            buckets[0].count = 0
            head = 0
            // The run's last event: every bucket holding events is of a level at or above
            // the run's, where this key's digits are those of the `last` they were put by.
            last = Self.key(top.time)
            runHigh = last
        } else if spill(topBucket, leaving: topIndex) {
            return
        }
        if count > 0 { findTop() }
    }

    /// Sets `last` to the time of `top`, which leaves from place `leaving` of bucket `b`,
    /// and moves the bucket's other events down to their buckets by the new `last`: the
    /// digits above `b`'s level are `last`'s, and so is its digit there, so each goes to a
    /// lower level.
    ///
    /// Returns whether any moved: the buckets below `b` were empty, so the earliest of the
    /// moved events is then the next `top`, found on the way.
    private func spill(_ b: Int, leaving: Int) -> Bool {
        last = Self.key(top.time)
        runHigh = last
        let spilled = buckets[b]
        buckets[b].count = 0
        markEmpty(b)
        guard spilled.count > 1 else { return false }
        if spilled.count <= Self.runLimit {
            sortIntoRun(spilled, level: (b &- 1) / Self.digits, leaving: leaving)
            return true
        }
        var earliest = (key: UInt64.max, bucket: 0, index: -1)
        // Two loops around the leaving event rather than a test per event; the earliest is
        // kept by selects, as which event is earliest is a coin toss for a branch.
        for i in 0..<leaving { move(spilled.events[i], keepingEarliest: &earliest) }
        for i in leaving + 1..<spilled.count { move(spilled.events[i], keepingEarliest: &earliest) }
        // None earlier than the largest key: every event moved is at the last representable
        // time, so all went, in order, to the one bucket of that key, empty until then.
        if earliest.index < 0 { earliest = (.max, bucket(of: .max), 0) }
        topBucket = earliest.bucket
        topIndex = earliest.index
        top = buckets[topBucket].events[topIndex]
        return true
    }

    /// Puts the events of `spilled`, a bucket of `level` whose place `leaving` just left,
    /// into bucket 0 in (time, sequence) order, and makes bucket 0 take every key of that
    /// bucket's range: no other bucket holds one, and the lower levels are empty.
    ///
    /// A bucket keeps the events of one time in scheduling order, so a stable order by key
    /// is the (time, sequence) order: a counting pass by the top bits of the range below
    /// the bucket's level, then an insertion pass over what is by then nearly in order.
    private func sortIntoRun(_ spilled: EventBucket, level: Int, leaving: Int) {
        let n = spilled.count &- 1
        if buckets[0].capacity < n { grow(0, toHold: n) }
        let run = buckets[0].events
        if level == 0 || n <= Self.insertionSortLimit {
            var k = 0
            for i in 0..<spilled.count where i != leaving {
                run[k] = spilled.events[i]
                k &+= 1
            }
        } else {
            // The top bits of the bucket's range below its level, about one place per two
            // events: fewer places to clear and add up than a whole digit's 256, and the
            // insertion pass puts right what they leave.
            let bits = min(Self.digitBits, Int.bitWidth &- n.leadingZeroBitCount)
            let places = digitPlaces
            let placeCount = 1 &<< bits
            let shift = UInt64(level &* Self.digitBits &- bits)
            let mask = placeCount &- 1
            places.update(repeating: 0, count: placeCount &+ 1)
            for i in 0..<spilled.count where i != leaving {
                let digit = Int(truncatingIfNeeded: Self.key(spilled.events[i].time) &>> shift) & mask
                places[digit &+ 1] &+= 1
            }
            for d in 0..<placeCount { places[d &+ 1] &+= places[d] }
            for i in 0..<spilled.count where i != leaving {
                let digit = Int(truncatingIfNeeded: Self.key(spilled.events[i].time) &>> shift) & mask
                run[places[digit]] = spilled.events[i]
                places[digit] &+= 1
            }
        }
        for i in 1..<max(n, 1) { _ = Self.insertInOrder(run[i], into: run, above: 0, end: i) }
        buckets[0].count = n
        head = 0
        runHigh = last | ((1 &<< UInt64(level &* Self.digitBits)) &- 1)
        topBucket = 0
        topIndex = 0
        top = run[0]
    }

    /// Appends `event` to its bucket by `last`, and notes it in `earliest` if strictly
    /// earlier: of events at one time, the first moved was scheduled first.
    @inline(__always)
    private func move(_ event: ScheduledEvent, keepingEarliest earliest: inout (key: UInt64, bucket: Int, index: Int)) {
        let key = Self.key(event.time)
        let to = bucket(of: key)
        let index = append(event, to: to)
        let earlier = key < earliest.key
        earliest.key = earlier ? key : earliest.key
        earliest.bucket = earlier ? to : earliest.bucket
        earliest.index = earlier ? index : earliest.index
    }

    /// Points `top` at the earliest event: bucket 0's front, else the earliest event of the
    /// lowest bucket that holds any, the first of several at one time.
    private func findTop() {
        if buckets[0].count > head {
            topBucket = 0
            topIndex = head
            top = buckets[0].events[head]
            return
        }
        let b = lowestOccupied()
        let events = buckets[b].events
        var best = 0
        var bestKey = Self.key(events[0].time)
        for i in 1..<buckets[b].count {
            let key = Self.key(events[i].time)
            let earlier = key < bestKey
            best = earlier ? i : best
            bestKey = earlier ? key : bestKey
        }
        topBucket = b
        topIndex = best
        top = events[best]
    }

    /// Appends `event` to bucket `b`; returns its place there.
    @inline(__always)
    private func append(_ event: ScheduledEvent, to b: Int) -> Int {
        if buckets[b].count == buckets[b].capacity { grow(b) }
        let index = buckets[b].count
        buckets[b].events[index] = event
        buckets[b].count = index + 1
        if b > 0 { markOccupied(b) }
        return index
    }

    /// Doubles bucket `b`'s buffer (or more, to hold `needed`), or gives it its first 16
    /// places.
    private func grow(_ b: Int, toHold needed: Int = 0) {
        var capacity = max(buckets[b].capacity * 2, 16)
        while capacity < needed { capacity *= 2 }
        let grown = UnsafeMutablePointer<ScheduledEvent>.allocate(capacity: capacity)
        grown.initialize(from: buckets[b].events, count: buckets[b].count)
        if buckets[b].capacity > 0 { buckets[b].events.deallocate() }
        buckets[b].events = grown
        buckets[b].capacity = capacity
    }

    /// Every event in the buckets, in no particular order.
    private var bucketEvents: [ScheduledEvent] {
        var all: [ScheduledEvent] = []
        all.reserveCapacity(count)
        for i in head..<buckets[0].count { all.append(buckets[0].events[i]) }
        for word in 0..<Self.occupiedWords {
            var bits = occupied[word]
            while bits != 0 {
                let b = 1 + word * 64 + bits.trailingZeroBitCount
                for i in 0..<buckets[b].count { all.append(buckets[b].events[i]) }
                bits &= bits - 1
            }
        }
        return all
    }

    /// Takes `event`, earlier than `last`: every event is put back in (time, sequence) order
    /// around it, which keeps the events of each time in scheduling order in their buckets.
    private func rebuild(adding event: ScheduledEvent) {
        let sorted = (bucketEvents + [event]).sorted(by: EventQueue.precedes)
        emptyBuckets()
        last = Self.key(event.time)
        runHigh = last
        for event in sorted { _ = append(event, to: bucket(of: Self.key(event.time))) }
        count = sorted.count
        findTop()
    }

    /// A storage of its own with the same events.
    func copy() -> EventHeapStorage {
        let twin = EventHeapStorage()
        twin.inList = inList
        for k in listHead..<listEnd { twin.list[k] = list[k] }
        twin.listHead = listHead
        twin.listEnd = listEnd
        for b in 0..<Self.bucketCount {
            for i in 0..<buckets[b].count { _ = twin.append(buckets[b].events[i], to: b) }
        }
        twin.head = head
        twin.last = last
        twin.runHigh = runHigh
        twin.count = count
        twin.top = top
        twin.topBucket = topBucket
        twin.topIndex = topIndex
        return twin
    }
}
