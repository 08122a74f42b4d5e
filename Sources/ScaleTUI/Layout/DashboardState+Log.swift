/// The event log's filter and scroll: the reducer moves them, the log view shows them.
extension DashboardState {
    /// The node the log is filtered to: the selection, while the filter is on.
    public var logFilterNode: String? { logFollowsSelection ? selection : nil }

    /// The entries the log shows, oldest first: all of them, or those naming the filter's node.
    public var shownLog: [LogEntry] {
        guard let node = logFilterNode else { return log }
        return log.filter { $0.mentions(node) }
    }

    /// Rows of entries the log shows on the current screen.
    var logRows: Int { max(1, screenLayout.log.height - 1) }

    /// Scrolls the log back (positive `entries`) or forward, within the entries shown.
    mutating func scrollLog(by entries: Int) {
        logScroll = min(max(0, logScroll + entries), max(0, shownLog.count - 1))
    }
}
