extension DashboardState {
    /// The screen's split as drawn now: the log takes the rows the topology leaves blank.
    public var screenLayout: ScreenLayout {
        let fixed = ScreenLayout(width: screenWidth, height: screenHeight, inspectorOpen: inspectorOpen)
        guard let snapshot else { return fixed }
        let needed = TopologyLayout.neededHeight(snapshot, width: fixed.topology.width, height: fixed.topology.height)
        return ScreenLayout(width: screenWidth, height: screenHeight, inspectorOpen: inspectorOpen, topologyHeight: needed)
    }
}
