import ScaleSim

extension DashboardState {
    /// The topology's layout on the current screen, as the view draws it.
    public func topologyLayout(_ snapshot: SimulationSnapshot, keepVisible: String? = nil) -> TopologyLayout {
        TopologyLayout.make(snapshot, in: screenLayout.topology, scroll: topologyScroll, keepVisible: keepVisible)
    }

    /// Selects the box under a click, if any.
    mutating func select(atX x: Int, y: Int) {
        guard !isTooSmall, overlay == .none, let snapshot else { return }
        let layout = topologyLayout(snapshot)
        if let box = layout.boxes.first(where: { $0.rect.contains(x: x, y: y) && layout.area.contains(x: x, y: y) }) {
            selection = box.id
        }
    }

    /// Scrolls the topology a third of the screen up or down, no further than its content.
    mutating func scrollTopology(down: Bool) {
        let step = max(1, screenHeight / 3)
        guard let snapshot else { return }
        // From the scroll as drawn: content that shrank (nodes removed) clamped it.
        let layout = topologyLayout(snapshot)
        topologyScroll =
            down ? min(max(0, layout.contentHeight - layout.area.height), layout.scroll + step) : max(0, layout.scroll - step)
    }

    /// Moves the selection through the boxes as laid out on screen: Tab and S-Tab in
    /// layout order, arrows to the nearest box that way, and scrolls to keep it in view.
    mutating func moveSelection(_ action: KeyAction) {
        guard let snapshot else { return }
        let layout = topologyLayout(snapshot)
        let boxes = layout.boxes
        guard !boxes.isEmpty else { return }
        guard let current = boxes.firstIndex(where: { $0.id == selection }) else {
            selection = (action == .selectPrevious ? boxes.last : boxes.first)?.id
            topologyScroll = topologyLayout(snapshot, keepVisible: selection).scroll
            return
        }
        let here = boxes[current].rect
        // Rows weigh four times columns: "up" means the row above, then the nearest box in it.
        func distance(_ r: Rect) -> Int { abs((r.x + r.width / 2) - (here.x + here.width / 2)) + 4 * abs(r.y - here.y) }
        func nearest(_ fits: (Rect) -> Bool) -> TopologyLayout.Box? {
            boxes.filter { fits($0.rect) }.min { distance($0.rect) < distance($1.rect) }
        }
        let sameRows = { (r: Rect) in r.y < here.maxY && r.maxY > here.y }
        let next: TopologyLayout.Box?
        switch action {
        case .selectNext: next = boxes[(current + 1) % boxes.count]
        case .selectPrevious: next = boxes[(current + boxes.count - 1) % boxes.count]
        case .selectUp: next = nearest { $0.maxY <= here.y }
        case .selectDown: next = nearest { $0.y >= here.maxY }
        case .selectLeft: next = nearest { $0.maxX <= here.x && sameRows($0) }
        case .selectRight: next = nearest { $0.x >= here.maxX && sameRows($0) }
        default: next = nil
        }
        guard let next else { return }
        selection = next.id
        topologyScroll = topologyLayout(snapshot, keepVisible: next.id).scroll
    }
}
