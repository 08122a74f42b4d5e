/// Which log entries follow a selected node, for the log's filter.
extension LogEntry {
    /// Whether the entry names node `id` as a whole word (`app` is not named by `app-eu`).
    public func mentions(_ id: String) -> Bool {
        var searched = text[...]
        while let range = searched.range(of: id) {
            let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
            let after = range.upperBound == text.endIndex ? nil : text[range.upperBound]
            if !Self.isIDCharacter(before) && !Self.isIDCharacter(after) { return true }
            searched = text[range.upperBound...]
        }
        return false
    }

    private static func isIDCharacter(_ c: Character?) -> Bool {
        guard let c else { return false }
        return c.isLetter || c.isNumber || c == "-" || c == "_"
    }
}
