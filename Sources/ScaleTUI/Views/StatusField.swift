/// One field of the status bar: what it says, how, and how much it matters.
struct StatusField: Equatable {
    /// The words shown when the bar is tight.
    var text: String
    /// Longer words shown when every field fits with them, such as `speed 1x` for `1x`.
    var wide: String?
    var style: Style
    /// Lower matters more: as the terminal narrows, fields drop from the highest number
    /// down (the rightmost first among equals), and a field is never cut in half.
    var priority: Int
    /// How much the wide words matter, on the same scale: `REC FILE` matters less than
    /// `REC`. By default as much as the field.
    var widePriority: Int

    init(_ text: String, wide: String? = nil, _ style: Style = StatusBarView.plain, priority: Int, widePriority: Int? = nil) {
        self.text = text
        self.wide = wide
        self.style = style
        self.priority = priority
        self.widePriority = widePriority ?? priority
    }
}
