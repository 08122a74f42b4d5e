import ScaleSim

/// The link strip under the topology's frames: which links it lists, in what order, and the
/// rows it takes.
extension TopologyLayout {
    /// Width of one labelled link in the strip.
    public static let linkCellWidth = 40
    /// Rows of links the strip lists at most; the inspector lists every link of a node.
    public static let maxLinkRows = 4

    /// The links the strip lists, in order: links between data centers, then replication,
    /// invalidation and write-through streams, then requests within a data center. Users'
    /// arrivals are left out: the `↓` over each box shows them.
    public static func stripLinks(_ snapshot: SimulationSnapshot) -> [LinkSnapshot] {
        let between = snapshot.links.filter { $0.from != nil && crossesDataCenters($0, in: snapshot) }
        let data = snapshot.links.filter { $0.kind != .requests && !crossesDataCenters($0, in: snapshot) }
        let within = snapshot.links.filter { $0.kind == .requests && $0.from != nil && !crossesDataCenters($0, in: snapshot) }
        return between + data + within
    }

    /// Whether `link` joins nodes of two different data centers.
    public static func crossesDataCenters(_ link: LinkSnapshot, in snapshot: SimulationSnapshot) -> Bool {
        guard let from = link.from,
            let a = snapshot.nodes.first(where: { $0.id == from })?.spec.dc,
            let b = snapshot.nodes.first(where: { $0.id == link.to })?.spec.dc
        else { return false }
        return a != b
    }

    /// Links the strip's cells hold side by side at `width`: the first cell starts one
    /// column in, each is `linkCellWidth - 1` wide and one column apart from the next, so
    /// `n` cells end `n * linkCellWidth` columns in, and every cell that ends inside the
    /// strip is used.
    public static func linkColumns(width: Int) -> Int { max(1, width / linkCellWidth) }

    /// Rows of links the strip lists at `width` when it has room for them all (up to
    /// `maxLinkRows`), or 0 when there is no link to list.
    static func linkRowsNeeded(_ snapshot: SimulationSnapshot, width: Int) -> Int {
        let count = stripLinks(snapshot).count
        let columns = linkColumns(width: width)
        return min(maxLinkRows, (count + columns - 1) / columns)
    }
}
