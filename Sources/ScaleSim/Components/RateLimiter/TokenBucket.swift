/// A token bucket: refilled continuously at `rate` tokens per second up to `burst`, starting
/// full; each admitted request takes one token.
///
/// The level is never stepped forward by adding small amounts, which would let rounding
/// pile up over a long run. It is computed afresh at each arrival from the last moment the
/// bucket was full (its anchor): level = fill at the anchor + rate × (now − anchor) − tokens
/// taken since. Times are whole nanoseconds and the count taken is an integer, so each
/// level carries the rounding of one multiplication, never an accumulated error. A level at
/// or above `burst` means the bucket filled up since the last arrival (taking only lowers
/// it), so the anchor moves to now with a full bucket. No random draws.
struct TokenBucket: Sendable, Equatable {
    /// Tokens per second.
    private(set) var rate: Double
    private(set) var burst: Double
    /// The last time the bucket was known full (or set), and what it held then.
    private var anchor: SimTime
    private var fillAtAnchor: Double
    /// Tokens taken since `anchor`.
    private var taken: Int64 = 0

    /// A full bucket for `spec`, as of `now`.
    init(_ spec: RateLimitSpec, now: SimTime) {
        rate = spec.rate
        burst = spec.burst
        anchor = now
        fillAtAnchor = spec.burst
    }

    /// Tokens in the bucket at `now` (not before the last call).
    func level(at now: SimTime) -> Double { min(burst, uncappedLevel(at: now)) }

    /// The level if the bucket had no cap since `anchor`. The rate multiplies the whole
    /// nanoseconds before the division, so whole results (100/s over 5 ms) come out exact.
    @inline(__always)
    private func uncappedLevel(at now: SimTime) -> Double {
        fillAtAnchor + rate * Double(now - anchor) / Double(Nanos.perSecond) - Double(taken)
    }

    /// Takes a token at `now` if there is one; false when the bucket holds less than one.
    mutating func admit(at now: SimTime) -> Bool {
        let level = uncappedLevel(at: now)
        if level >= burst {
            anchor = now
            fillAtAnchor = burst
            taken = 0
        }
        guard level >= 1 else { return false }
        taken += 1
        return true
    }

    /// Takes a new rate and burst at `now`, keeping the tokens held then (at most the new
    /// burst), so changing a limit neither grants nor takes away a burst.
    mutating func reconfigure(_ spec: RateLimitSpec, now: SimTime) {
        let held = min(level(at: now), spec.burst)
        rate = spec.rate
        burst = spec.burst
        anchor = now
        fillAtAnchor = held
        taken = 0
    }
}
