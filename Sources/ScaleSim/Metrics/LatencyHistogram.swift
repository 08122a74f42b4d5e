/// A log-linear histogram of durations in nanoseconds, for percentiles.
///
/// Values below 256 ns have a bucket each; above, every power of two is split into 128
/// equal buckets, so a reported percentile is within 0.8% of the true one. Durations past
/// 2^46 ns (about 19.5 hours) share the last bucket. The bucket array has a fixed size and
/// remembers the range it touched, so clearing and merging cost little.
///
/// The buckets are a `Column`: `record`, called per request, skips the copy-on-write check,
/// so a histogram that shares its buckets with a copy must be given its own with
/// `makeUnique()` before the next `record` (the engine does so at each entry point, see
/// `Engine.makeStorageUnique()`). `merge`, `subtract` and `clear` check for themselves.
/// `record` writes through `buckets`, the column's buffer, kept here: going through the
/// column's storage object cost a second cache line per request, and on the big presets
/// a miss (docs/architecture.md, "Hot-path storage").
public struct LatencyHistogram: @unchecked Sendable, Equatable {
    static let subBucketBits = 7
    static let subBuckets = 1 << subBucketBits
    static let linearLimit = 2 * subBuckets  // 256: values below have their own bucket
    static let maxBits = 46
    static let bucketCount = linearLimit + (maxBits - subBucketBits - 1) * subBuckets

    private var counts: Column<UInt64> { didSet { buckets = counts.baseAddress } }
    /// `counts`' buffer, read again whenever `counts` changes.
    private var buckets: UnsafeMutablePointer<UInt64>
    private var lowest = Int.max
    private var highest = -1
    public private(set) var total: UInt64 = 0

    public init() {
        counts = Column(repeating: 0, count: Self.bucketCount)
        buckets = counts.baseAddress
    }

    /// Whether both hold the same counts (the buckets compared, not their storage).
    public static func == (lhs: LatencyHistogram, rhs: LatencyHistogram) -> Bool {
        lhs.total == rhs.total && lhs.lowest == rhs.lowest && lhs.highest == rhs.highest
            && lhs.counts.elementsEqual(rhs.counts)
    }

    /// Gives this histogram buckets of its own if a copy shares them; call before `record`
    /// whenever a copy may have been made since the last call.
    @inline(__always)
    mutating func makeUnique() { counts.makeUnique() }

    @inline(__always)
    static func bucket(for value: SimTime) -> Int {
        if value < SimTime(linearLimit) { return value < 0 ? 0 : Int(value) }
        let msb = 63 - value.leadingZeroBitCount
        if msb >= maxBits { return bucketCount - 1 }
        let shift = msb - subBucketBits
        // (value >> shift) lies in [128, 256): its low 7 bits pick the sub-bucket.
        return linearLimit + (shift - 1) * subBuckets + Int(value >> SimTime(shift)) - subBuckets
    }

    /// The smallest value that falls in `bucket`.
    static func lowerBound(of bucket: Int) -> SimTime {
        if bucket < linearLimit { return SimTime(bucket) }
        let offset = bucket - linearLimit
        let shift = offset / subBuckets + 1
        let mantissa = offset % subBuckets + subBuckets
        return SimTime(mantissa) << SimTime(shift)
    }

    /// The midpoint of `bucket`, the value a percentile in it reports.
    static func representative(of bucket: Int) -> SimTime {
        let low = lowerBound(of: bucket)
        let high = bucket + 1 < bucketCount ? lowerBound(of: bucket + 1) : low
        return low + (high - low) / 2
    }

    /// Counts `value`; the buckets must be this histogram's own (see `makeUnique()`).
    @inline(__always)
    public mutating func record(_ value: SimTime) { record(bucket: Self.bucket(for: value)) }

    /// Counts a value of bucket `b` (`bucket(for:)`), for a value several histograms count:
    /// its bucket found once.
    @inline(__always)
    mutating func record(bucket b: Int) {
        #if DEBUG
        // Through the column, which stops at a write to a shared buffer.
        counts[b] &+= 1
        #else
        buckets[b] &+= 1
        #endif
        total &+= 1
        if b < lowest { lowest = b }
        if b > highest { highest = b }
    }

    /// The value at quantile `q` (0...1), or nil when empty.
    public func quantile(_ q: Double) -> SimTime? { quantiles([q])[0] }

    /// The values at several ascending quantiles, found in one pass over the buckets.
    public func quantiles(_ qs: [Double]) -> [SimTime?] {
        guard total > 0 else { return qs.map { _ in nil } }
        var results: [SimTime?] = []
        results.reserveCapacity(qs.count)
        var seen: UInt64 = 0
        var b = lowest
        let highest = highest, total = total
        // Through the buffer: one bounds check per bucket less, in a scan of thousands a window.
        counts.withUnsafeBufferPointer { counts in
            let base = UnsafeRawPointer(counts.baseAddress!)
            for q in qs {
                let rank = max(1, UInt64((q * Double(total)).rounded(.up)))
                // Eight buckets at a time while all eight would be passed one by one: the
                // same bucket is found, in an eighth of the steps.
                while b + 8 <= highest {
                    let block = base.loadUnaligned(fromByteOffset: b * 8, as: SIMD8<UInt64>.self).wrappedSum()
                    if seen + block >= rank { break }
                    seen += block
                    b += 8
                }
                while b < highest && seen + counts[b] < rank {
                    seen += counts[b]
                    b += 1
                }
                results.append(Self.representative(of: b))
            }
        }
        return results
    }

    /// Takes away every count of `other`, which must have been recorded into this one.
    public mutating func subtract(_ other: LatencyHistogram) {
        guard other.total > 0 else { return }
        counts.makeUnique()
        let range = other.lowest...other.highest
        counts.withUnsafeMutableBufferPointer { mine in
            other.counts.withUnsafeBufferPointer { theirs in
                for b in range { mine[b] -= theirs[b] }
            }
        }
        total -= other.total
        while lowest <= highest && counts[lowest] == 0 { lowest += 1 }
        while highest >= lowest && counts[highest] == 0 { highest -= 1 }
        if total == 0 {
            lowest = .max
            highest = -1
        }
    }

    /// Adds every count of `other`.
    public mutating func merge(_ other: LatencyHistogram) {
        guard other.total > 0 else { return }
        counts.makeUnique()
        let range = other.lowest...other.highest
        counts.withUnsafeMutableBufferPointer { mine in
            other.counts.withUnsafeBufferPointer { theirs in
                for b in range { mine[b] &+= theirs[b] }
            }
        }
        total &+= other.total
        lowest = min(lowest, other.lowest)
        highest = max(highest, other.highest)
    }

    public mutating func clear() {
        guard total > 0 else { return }
        counts.makeUnique()
        let range = lowest...highest
        counts.withUnsafeMutableBufferPointer { buckets in
            for b in range { buckets[b] = 0 }
        }
        total = 0
        lowest = .max
        highest = -1
    }
}
