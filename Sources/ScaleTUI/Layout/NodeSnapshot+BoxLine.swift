import ScaleSim

/// One piece of a box's line of text, with what it says so the view can style it.
public struct BoxText: Sendable, Equatable {
    public enum Role: Sendable, Equatable {
        case title, load, status, figure
    }

    public var text: String
    public var role: Role
}

/// What goes on a box's line of text when it is short of room: each piece is ranked, and
/// the most important that fit are shown, in the box's own order (see docs/dashboard.md,
/// Topology).
extension NodeSnapshot {
    /// A candidate piece of a box's line: its wordings, longest first (the first that fits
    /// is shown), and its rank (lower is more important).
    struct BoxPiece {
        var texts: [String]
        var role: BoxText.Role
        var rank: Int
    }

    /// Ranks of the pieces, most important first: a node down before all, then the kind's
    /// lesson figure, what explains the load, the load itself, the pool size, the rate and
    /// the rate limit.
    enum BoxRank {
        static let title = 0
        static let status = 1
        static let lesson = 2
        static let sessions = 3
        static let warming = 4
        static let rejected = 5
        static let load = 6
        static let poolSize = 7
        static let rate = 8
        static let limit = 9
    }

    /// The label of the kind's lesson figure (`hit`, `lag`, `depth`, `p99`); nil for a load
    /// balancer, which has none.
    public var keyFigureLabel: String? {
        switch kind {
        case .cache, .cdn: "hit"
        case .replica: "lag"
        case .queue: "depth"
        case .lb: nil
        default: "p99"
        }
    }

    /// Whether a box's title gives the pool's size (`web x40`): for pools of several
    /// servers, and for app and replica pools of any size.
    public var showsPoolSize: Bool { servers > 1 || kind == .app || kind == .replica }

    /// The widest a lesson figure's value is drawn (`9.7ms`, `100%`, `3m20s`), for measuring
    /// whether a box has room for it before the value is known.
    public static let widestFigureValue = 5

    /// Columns a one-line box needs to show the node's name and its lesson figure at its
    /// widest; nil for a kind with no lesson figure.
    public var compactLessonWidth: Int? {
        keyFigureLabel.map { id.count + 1 + $0.count + 1 + Self.widestFigureValue }
    }

    /// Columns a one-line box needs to show its whole line, every figure in.
    public var compactLineWidth: Int {
        compactLine(width: .max).reduce(-1) { $0 + 1 + $1.text.unicodeScalars.count }
    }

    /// The figures beside the load, in the order a box shows them: its status (`DOWN`, `2
    /// down`), sessions lost, warming servers, requests turned away, the lesson figure, the
    /// rate limit; the rate (completions) first in a full box, last in a one-line box.
    func detailPieces(rateFirst: Bool) -> [BoxPiece] {
        var pieces: [BoxPiece] = []
        let status = isDown ? "DOWN" : downServers > 0 ? "\(downServers) down" : nil
        let rate = BoxPiece(texts: [Format.rate(Double(window?.completions ?? 0))], role: .figure, rank: BoxRank.rate)
        if let status { pieces.append(BoxPiece(texts: [status], role: .status, rank: BoxRank.status)) }
        // A full box's status takes the rate's place: a node down completes nothing.
        if rateFirst && status == nil { pieces.append(rate) }
        if let sessions = sessionsFigure { pieces.append(BoxPiece(texts: [sessions], role: .figure, rank: BoxRank.sessions)) }
        if warmingServers > 0 {
            pieces.append(BoxPiece(texts: ["+\(warmingServers) warming"], role: .figure, rank: BoxRank.warming))
        }
        if let rejected = window?.rejected, rejected > 0 {
            pieces.append(BoxPiece(texts: ["rej \(Format.rate(Double(rejected)))"], role: .figure, rank: BoxRank.rejected))
        }
        if let figure = keyFigure { pieces.append(BoxPiece(texts: [figure], role: .figure, rank: BoxRank.lesson)) }
        if let limit = rateLimitFigure { pieces.append(BoxPiece(texts: [limit], role: .figure, rank: BoxRank.limit)) }
        if !rateFirst { pieces.append(rate) }
        return pieces
    }

    /// A full box's second line in `width` columns: the rate (or the status) and the kind's
    /// figures, the least important left out when they do not all fit.
    public func detailsLine(width: Int) -> [BoxText] {
        Self.fit(detailPieces(rateFirst: true), width: width)
    }

    /// A one-line box in `width` columns: the name (cut with `ellipsis` only when it alone
    /// does not fit), the pool size, the load, then the figures; when they do not all fit,
    /// the lesson figure stays longest, after the status.
    public func compactLine(width: Int, ellipsis: String = "…") -> [BoxText] {
        guard width > 0 else { return [] }
        var name = [id]
        if id.count > width { name.append(Format.cut(id, width: width, ellipsis: ellipsis)) }
        var pieces = [BoxPiece(texts: name, role: .title, rank: BoxRank.title)]
        if showsPoolSize {
            pieces.append(BoxPiece(texts: ["x\(servers)"], role: .title, rank: BoxRank.poolSize))
        }
        pieces.append(BoxPiece(texts: loadTexts, role: .load, rank: BoxRank.load))
        return Self.fit(pieces + detailPieces(rateFirst: false), width: width)
    }

    /// The pieces that fit in `width` columns, one space apart, chosen by rank and kept in
    /// their order.
    static func fit(_ pieces: [BoxPiece], width: Int) -> [BoxText] {
        var chosen: [Int: String] = [:]
        var used = 0
        for i in pieces.indices.sorted(by: { (pieces[$0].rank, $0) < (pieces[$1].rank, $1) }) {
            let gap = chosen.isEmpty ? 0 : 1
            if let text = pieces[i].texts.first(where: { used + gap + $0.unicodeScalars.count <= width }) {
                chosen[i] = text
                used += gap + text.unicodeScalars.count
            }
        }
        return pieces.indices.compactMap { i in chosen[i].map { BoxText(text: $0, role: pieces[i].role) } }
    }
}
