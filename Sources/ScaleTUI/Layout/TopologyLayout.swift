import ScaleSim

/// Where each node's box goes: nodes grouped by data center, in tiers by their distance
/// from where requests enter, scrolled and compacted to fit the area.
///
/// A pure function of the snapshot and the area, shared by the view (to draw) and the
/// reducer (to move the selection and hit-test clicks).
public struct TopologyLayout: Sendable, Equatable {
    public struct Box: Sendable, Equatable {
        public var id: String
        /// On screen, after scrolling; may lie partly outside the area.
        public var rect: Rect
    }

    public struct Group: Sendable, Equatable {
        public var title: String
        public var rect: Rect
        public var down: Bool
    }

    public var boxes: [Box]
    public var groups: [Group]
    /// One-line boxes, used when full boxes do not fit.
    public var compact: Bool
    /// Rows the whole topology needs, and the scroll applied (clamped).
    public var contentHeight: Int
    public var scroll: Int
    public var area: Rect
    /// Rows under the frames listing links as labelled arrows, when the topology has room.
    public var linkStrip: Rect?

    public static let fullBoxHeight = 4
    public static let maxBoxWidth = 26
    public static let minBoxWidth = 18

    public func box(_ id: String) -> Box? { boxes.first { $0.id == id } }

    /// Lays out `snapshot`'s nodes in `area`, scrolled down `scroll` rows; with `keepVisible`
    /// the scroll moves so that node's box shows.
    public static func make(_ snapshot: SimulationSnapshot, in area: Rect, scroll: Int, keepVisible: String? = nil)
        -> TopologyLayout
    {
        let form = plan(snapshot, in: area)
        var placed = form.placed
        let maxScroll = max(0, form.height - area.height)
        var offset = min(max(0, scroll), maxScroll)
        if let keepVisible, let box = placed.boxes.first(where: { $0.id == keepVisible }) {
            let top = box.rect.y - area.y, bottom = box.rect.maxY - area.y
            if top - 1 < offset { offset = max(0, top - 1) }
            if bottom > offset + area.height { offset = min(maxScroll, bottom - area.height) }
        }
        for i in placed.boxes.indices { placed.boxes[i].rect.y -= offset }
        for i in placed.groups.indices { placed.groups[i].rect.y -= offset }
        let strip = form.height - placed.height
        let linkStrip = strip > 0 ? Rect(x: area.x, y: area.y + placed.height - offset, width: area.width, height: strip) : nil
        return TopologyLayout(
            boxes: placed.boxes, groups: placed.groups, compact: form.compact,
            contentHeight: form.height, scroll: offset, area: area, linkStrip: linkStrip)
    }

    /// Rows the topology takes at `width` when `height` rows are free: what the screen gives
    /// it before the event log takes the rest.
    public static func neededHeight(_ snapshot: SimulationSnapshot, width: Int, height: Int) -> Int {
        plan(snapshot, in: Rect(x: 0, y: 0, width: width, height: height)).height
    }

    /// One way to draw the topology: its boxes placed, and the rows it takes with its link strip.
    struct Form {
        var compact: Bool
        var placed: Placed
        /// Rows of links the strip lists; none means no strip.
        var linkRows: Int
        /// Nodes whose box has room for their lesson figure (every node, with full boxes).
        var lessons: Int

        var height: Int { placed.height + (linkRows > 0 ? 1 + linkRows : 0) }
    }

    /// The form that fits `area`'s rows and shows the most, measured: full boxes before
    /// one-line boxes; then the most boxes with room for their lesson figure (one-line boxes
    /// are as wide as a data center stacked over the next allows); then the most rows of
    /// links; then the fewest rows. When none fits, one-line boxes in the fewest rows, to
    /// scroll. The ranking does not depend on the rows, so the form chosen for the screen's
    /// free rows is the one chosen again for the rows it then takes.
    static func plan(_ snapshot: SimulationSnapshot, in area: Rect) -> Form {
        let groups = grouped(snapshot)
        let nodes = Dictionary(snapshot.nodes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let centers = groups.count { $0.title != "edge" && $0.title != "other" }
        let canStack = centers > 1 && area.width / centers >= minColumn
        let linkRows = linkRowsNeeded(snapshot, width: area.width)
        var forms: [Form] = []
        // Full boxes rank first, so one-line boxes are measured only when none fits.
        for compact in [false, true] {
            forms = []
            let lineWidths = compact ? nodes.mapValues(\.compactLineWidth) : [:]
            for stacked in canStack ? [false, true] : [false] {
                let placed = place(groups, in: area, compact: compact, stacked: stacked) { lineWidths[$0] }
                let lessons =
                    compact
                    ? placed.boxes.count { box in nodes[box.id]?.compactLessonWidth.map { $0 <= box.rect.width } ?? true }
                    : placed.boxes.count
                for rows in 0...linkRows {
                    forms.append(Form(compact: compact, placed: placed, linkRows: rows, lessons: lessons))
                }
            }
            let fitting = forms.filter { $0.height <= area.height }
            if let best = fitting.max(by: { rank($0) < rank($1) }) { return best }
        }
        return forms.filter { $0.linkRows == 0 }.min { $0.height < $1.height }!
    }

    /// How much a form shows, to compare forms that fit: larger is better.
    static func rank(_ form: Form) -> (Int, Int, Int, Int) {
        (form.compact ? 0 : 1, form.lessons, form.linkRows, -form.height)
    }

    /// A group of nodes drawn in one frame, its nodes in tiers.
    struct NodeGroup {
        var title: String
        var down: Bool
        var tiers: [[String]]
    }

    /// Data centers in their order, CDN edges first in their own group, anything else last.
    static func grouped(_ snapshot: SimulationSnapshot) -> [NodeGroup] {
        let depth = depths(snapshot)
        let dcs = snapshot.datacenters
        var groups: [NodeGroup] = []
        func add(_ title: String, down: Bool, _ nodes: [NodeSnapshot]) {
            guard !nodes.isEmpty else { return }
            // One pass, so a chain of thousands of nodes stays linear.
            var tiers: [Int: [String]] = [:]
            for node in nodes { tiers[depth[node.id] ?? 0, default: []].append(node.id) }
            groups.append(NodeGroup(title: title, down: down, tiers: tiers.keys.sorted().map { tiers[$0]! }))
        }
        if dcs.isEmpty {
            add("system", down: false, snapshot.nodes)
            return groups
        }
        let known = Set(dcs.map(\.name))
        add("edge", down: false, snapshot.nodes.filter { $0.spec.dc == nil && $0.kind == .cdn })
        for dc in dcs {
            add(dc.name + (dc.down ? " (down)" : ""), down: dc.down, snapshot.nodes.filter { $0.spec.dc == dc.name })
        }
        add(
            "other", down: false,
            snapshot.nodes.filter { node in
                !(node.spec.dc.map(known.contains) ?? false) && !(node.spec.dc == nil && node.kind == .cdn)
            })
        return groups
    }

    /// Each node's distance, in hops, from the nodes requests enter at.
    static func depths(_ snapshot: SimulationSnapshot) -> [String: Int] {
        var next: [String: [String]] = [:]
        var hasParent = Set<String>()
        for node in snapshot.nodes {
            var targets = node.spec.routes.map(\.to)
            if let calls = node.spec.calls { targets.append(calls) }
            next[node.id] = targets
            hasParent.formUnion(targets)
        }
        // A replica pool sits beside its primary's tier even when nothing routes to it.
        var roots = snapshot.nodes.filter { !hasParent.contains($0.id) && $0.spec.replicaOf == nil }.map(\.id)
        if roots.isEmpty, let first = snapshot.nodes.first { roots = [first.id] }
        var depth: [String: Int] = [:]
        var frontier = roots
        for id in roots { depth[id] = 0 }
        while !frontier.isEmpty {
            var following: [String] = []
            for id in frontier {
                for target in next[id] ?? [] where depth[target] == nil {
                    depth[target] = depth[id]! + 1
                    following.append(target)
                }
            }
            frontier = following
        }
        // Nodes nothing reaches go below everything, each a tier further down.
        var deepest = depth.values.max() ?? 0
        for node in snapshot.nodes where depth[node.id] == nil {
            let level = node.spec.replicaOf.flatMap { depth[$0] } ?? deepest + 1
            depth[node.id] = level
            deepest = max(deepest, level)
        }
        return depth
    }

    struct Placed {
        var boxes: [Box] = []
        var groups: [Group] = []
        var height = 0
    }

    /// The narrowest frame of a data center beside another: room for two boxes a row.
    static let minColumn = 2 * minBoxWidth + 3

    /// The edge group across the top, data centers side by side when each gets room for
    /// two boxes a row, unless `stacked` (then one under the other), anything else below.
    /// `lineWidth` gives the columns a one-line box needs for its whole line.
    static func place(
        _ groups: [NodeGroup], in area: Rect, compact: Bool, stacked: Bool, lineWidth: (String) -> Int?
    ) -> Placed {
        var rows: [[NodeGroup]] = []
        let centers = groups.filter { $0.title != "edge" && $0.title != "other" }
        rows += groups.filter { $0.title == "edge" }.map { [$0] }
        if !stacked, centers.count > 1, area.width / centers.count >= minColumn {
            rows.append(centers)
        } else {
            rows += centers.map { [$0] }
        }
        rows += groups.filter { $0.title == "other" }.map { [$0] }
        var placed = Placed()
        var y = area.y
        for row in rows {
            let columnWidth = area.width / row.count
            var rowHeight = 0
            for (i, group) in row.enumerated() {
                let x = area.x + i * columnWidth
                let width = i == row.count - 1 ? area.maxX - x : columnWidth
                rowHeight = max(
                    rowHeight,
                    placeGroup(
                        group, at: Rect(x: x, y: y, width: width, height: 0), compact: compact, lineWidth: lineWidth,
                        into: &placed))
            }
            // Side-by-side frames share the row's height, so their bottoms line up.
            for i in placed.groups.indices.suffix(row.count) { placed.groups[i].rect.height = rowHeight }
            y += rowHeight
        }
        placed.height = y - area.y
        return placed
    }

    static func boxWidth(_ groupWidth: Int, perRow: Int) -> Int {
        min(maxBoxWidth, (groupWidth - 2 - (perRow - 1)) / max(1, perRow))
    }

    /// Places one group's frame and boxes from `origin`'s top-left; returns its height.
    ///
    /// One-line boxes may grow past `maxBoxWidth`, up to their share of the row, to show
    /// their whole line (`lineWidth`): a one-line box has no bar to keep in proportion, and
    /// a pool's size left out hides what `a` or `r` just changed.
    static func placeGroup(
        _ group: NodeGroup, at origin: Rect, compact: Bool, lineWidth: (String) -> Int?, into placed: inout Placed
    ) -> Int {
        let inner = origin.width - 2
        let perRowLimit = max(1, (inner + 1) / (minBoxWidth + 1))
        let boxHeight = compact ? 1 : fullBoxHeight
        var y = origin.y + 1
        for tier in group.tiers {
            for start in stride(from: 0, to: tier.count, by: perRowLimit) {
                let row = Array(tier[start..<min(tier.count, start + perRowLimit)])
                var width = max(minBoxWidth, min(boxWidth(origin.width, perRow: row.count), inner))
                if compact {
                    let share = (inner - (row.count - 1)) / row.count
                    width = max(width, min(share, row.compactMap(lineWidth).max() ?? 0))
                }
                let used = row.count * width + (row.count - 1)
                var x = origin.x + 1 + max(0, (inner - used) / 2)
                y += 1  // the row of flow labels above the boxes
                for id in row {
                    placed.boxes.append(Box(id: id, rect: Rect(x: x, y: y, width: width, height: boxHeight)))
                    x += width + 1
                }
                y += boxHeight
            }
        }
        let height = y + 1 - origin.y
        placed.groups.append(
            Group(title: group.title, rect: Rect(x: origin.x, y: origin.y, width: origin.width, height: height), down: group.down)
        )
        return height
    }
}
