extension DashboardState {
    /// The screen's split as drawn now: the log takes the rows the topology leaves blank.
    public var screenLayout: ScreenLayout {
        let fixed = ScreenLayout(width: screenWidth, height: screenHeight, inspectorOpen: inspectorOpen)
        guard let snapshot else { return fixed }
        var needed = TopologyLayout.neededHeight(snapshot, width: fixed.topology.width)
        // Full boxes that do not fit become one-line boxes: the log takes what those leave.
        if needed > fixed.topology.height {
            needed = TopologyLayout.neededHeight(snapshot, width: fixed.topology.width, compact: true)
        }
        return ScreenLayout(width: screenWidth, height: screenHeight, inspectorOpen: inspectorOpen, topologyHeight: needed)
    }
}
