/// What changed between two frames: the runs of cells a terminal must rewrite, row by row.
///
/// The one cell diff of the dashboard: the curses terminal and the ANSI renderer (casts,
/// `bench render`) both send what it finds. Every cell is one column wide (`ScreenBuffer`
/// keeps no wide characters), so a run's columns are its cells.
public struct ScreenDiff: Sendable, Equatable {
    /// Cells `columns` of row `row` to rewrite.
    public struct Run: Sendable, Equatable {
        public var row: Int
        public var columns: Range<Int>

        public init(row: Int, columns: Range<Int>) {
            self.row = row
            self.columns = columns
        }
    }

    /// Whether the whole screen must be repainted: there is no frame before, or it has
    /// another size. Every row is then one run across the full width.
    public let isFullRedraw: Bool
    /// The runs, top to bottom and left to right; none when nothing changed.
    public let runs: [Run]

    /// The runs that turn `old` on screen into `new`. Two changed runs of a row that are at
    /// most `maxGap` unchanged cells apart become one run, the gap rewritten: for output where
    /// moving the cursor costs more than a few cells.
    public init(from old: ScreenBuffer?, to new: ScreenBuffer, mergingGapsUpTo maxGap: Int = 0) {
        let width = new.width
        guard let old, old.width == width, old.height == new.height else {
            isFullRedraw = true
            runs = width == 0 ? [] : (0..<new.height).map { Run(row: $0, columns: 0..<width) }
            return
        }
        isFullRedraw = false
        var runs: [Run] = []
        for y in 0..<new.height {
            let row = y * width
            func changed(_ x: Int) -> Bool {
                old.scalars[row + x] != new.scalars[row + x] || old.styles[row + x] != new.styles[row + x]
            }
            var x = 0
            while x < width {
                guard changed(x) else {
                    x += 1
                    continue
                }
                let start = x
                x += 1
                while x < width, changed(x) { x += 1 }
                if let last = runs.last, last.row == y, start - last.columns.upperBound <= maxGap {
                    runs[runs.count - 1].columns = last.columns.lowerBound..<x
                } else {
                    runs.append(Run(row: y, columns: start..<x))
                }
            }
        }
        self.runs = runs
    }
}
