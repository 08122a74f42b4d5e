/// The search for the largest load a design carries within its objectives: bracketing by
/// doubling (or halving), then bisection until the bracket is within a tolerance
/// (docs/capacity.md, "The search").
///
/// The search knows nothing of the engine: it calls a closure that answers, for a number of
/// users, whether the design meets its objectives there and what was measured, so it can
/// be tested on any monotone function.
public struct CapacitySearch: Sendable {
    /// The users of the first point: a preset's own users, so the bracket starts near its load.
    public var start: Int
    /// The largest load tried; a design meeting its objectives there meets them everywhere.
    public var maxUsers: Int
    /// The bisection stops when the bracket's width is at most this fraction of its low end.
    public var tolerance: Double

    public init(start: Int, maxUsers: Int, tolerance: Double = 0.02) {
        self.maxUsers = max(1, maxUsers)
        self.start = min(max(1, start), self.maxUsers)
        self.tolerance = tolerance
    }

    /// One point walked: the users, whether the objectives held, and what was measured.
    public struct Point<Measured> {
        public var users: Int
        public var meets: Bool
        public var measured: Measured

        public init(users: Int, meets: Bool, measured: Measured) {
            self.users = users
            self.meets = meets
            self.measured = measured
        }
    }

    /// How a search ended.
    public enum Outcome: Sendable, Equatable {
        /// The largest load found to meet the objectives, within the tolerance of the
        /// smallest found to break them.
        case capacity(users: Int, firstFailing: Int)
        /// Met at every load up to `maxUsers`, the last point tried.
        case meetsEverywhere
        /// Broken even at one user.
        case failsAtOne
    }

    /// The outcome and every point in the order walked.
    public struct Walk<Measured> {
        public var outcome: Outcome
        public var points: [Point<Measured>]

        /// The points by users, the curve the search drew.
        public var curve: [Point<Measured>] { points.sorted { $0.users < $1.users } }

        /// The point at the capacity (the largest meeting load), if any met.
        public var capacityPoint: Point<Measured>? {
            points.filter(\.meets).max { $0.users < $1.users }
        }
    }

    /// Walks the loads: from `start`, doubles while the objectives hold (halves while they
    /// do not) until a bracket is found, then bisects it. `evaluate` runs one load.
    public func run<Measured>(
        _ evaluate: (Int) throws -> (meets: Bool, measured: Measured)
    ) rethrows -> Walk<Measured> {
        var points: [Point<Measured>] = []
        func probe(_ users: Int) throws -> Bool {
            let (meets, measured) = try evaluate(users)
            points.append(Point(users: users, meets: meets, measured: measured))
            return meets
        }
        var low: Int
        var high: Int
        if try probe(start) {
            low = start
            while true {
                if low == maxUsers { return Walk(outcome: .meetsEverywhere, points: points) }
                let next = low > maxUsers / 2 ? maxUsers : low * 2
                if try probe(next) { low = next } else { high = next; break }
            }
        } else {
            high = start
            while true {
                if high == 1 { return Walk(outcome: .failsAtOne, points: points) }
                let next = high / 2
                if try probe(next) { low = next; break } else { high = next }
            }
        }
        while Double(high - low) > tolerance * Double(low) && high - low > 1 {
            let middle = low + (high - low) / 2
            if try probe(middle) { low = middle } else { high = middle }
        }
        return Walk(outcome: .capacity(users: low, firstFailing: high), points: points)
    }

    /// `count` loads evenly spaced from `low` to `high` inclusive, rounded to whole users,
    /// for a curve without a search (`--sweep`); a load that rounds onto another is dropped.
    public static func sweep(from low: Int, to high: Int, count: Int) -> [Int] {
        guard count > 1 else { return [low] }
        let step = Double(high - low) / Double(count - 1)
        var loads: [Int] = []
        for i in 0..<count {
            let users = i == count - 1 ? high : low + Int((Double(i) * step).rounded())
            if loads.last != users { loads.append(users) }
        }
        return loads
    }
}

extension CapacitySearch.Point: Sendable where Measured: Sendable {}
extension CapacitySearch.Walk: Sendable where Measured: Sendable {}
