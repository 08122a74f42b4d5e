import Testing
@testable import ScaleTUI

/// `ScreenDiff`: the one cell diff the curses terminal and the ANSI renderer send.
@Suite struct ScreenDiffTests {
    typealias Run = ScreenDiff.Run

    @Test func identicalFramesHaveNoRuns() {
        var screen = ScreenBuffer(width: 30, height: 4)
        screen.write("some text", x: 3, y: 1, style: Style(.warm))
        let diff = ScreenDiff(from: screen, to: screen)
        #expect(!diff.isFullRedraw)
        #expect(diff.runs.isEmpty)
    }

    @Test func changedCellsInARowFormOneRunAndAGapSplitsThem() {
        let old = ScreenBuffer(width: 20, height: 3)
        var new = old
        new.write("abc", x: 2, y: 1)
        new.put("x", x: 7, y: 1, style: .normal)
        new.put("y", x: 19, y: 2, style: .normal)
        let diff = ScreenDiff(from: old, to: new)
        #expect(!diff.isFullRedraw)
        #expect(diff.runs == [Run(row: 1, columns: 2..<5), Run(row: 1, columns: 7..<8), Run(row: 2, columns: 19..<20)])
    }

    @Test func aStyleChangeAloneIsAChange() {
        var old = ScreenBuffer(width: 10, height: 1)
        old.write("ok", x: 4, y: 0, style: Style(.healthy))
        var new = old
        new.write("ok", x: 4, y: 0, style: Style(.healthy, bold: true))
        #expect(ScreenDiff(from: old, to: new).runs == [Run(row: 0, columns: 4..<6)])
        new.write("ok", x: 4, y: 0, style: Style(.healthy, reverse: true))
        #expect(ScreenDiff(from: old, to: new).runs == [Run(row: 0, columns: 4..<6)])
    }

    @Test func gapsUpToTheLimitAreMergedAndLongerOnesAreNot() {
        let old = ScreenBuffer(width: 40, height: 1)
        var new = old
        // Changed at 0, 5 (gap of 4), 11 (gap of 5), 12.
        for x in [0, 5, 11, 12] { new.put("#", x: x, y: 0, style: .normal) }
        #expect(
            ScreenDiff(from: old, to: new, mergingGapsUpTo: 4).runs == [
                Run(row: 0, columns: 0..<6), Run(row: 0, columns: 11..<13),
            ])
        #expect(ScreenDiff(from: old, to: new, mergingGapsUpTo: 5).runs == [Run(row: 0, columns: 0..<13)])
        #expect(ScreenDiff(from: old, to: new).runs.count == 3)
    }

    @Test func aRunNeverCrossesARow() {
        let old = ScreenBuffer(width: 8, height: 2)
        var new = old
        new.put("a", x: 7, y: 0, style: .normal)
        new.put("b", x: 0, y: 1, style: .normal)
        #expect(
            ScreenDiff(from: old, to: new, mergingGapsUpTo: 100).runs == [
                Run(row: 0, columns: 7..<8), Run(row: 1, columns: 0..<1),
            ])
    }

    @Test func withoutAFrameBeforeOrAfterAResizeEveryRowIsRedrawn() {
        var new = ScreenBuffer(width: 6, height: 3)
        new.write("hi", x: 0, y: 0)
        let full = [Run(row: 0, columns: 0..<6), Run(row: 1, columns: 0..<6), Run(row: 2, columns: 0..<6)]
        let first = ScreenDiff(from: nil, to: new, mergingGapsUpTo: 4)
        #expect(first.isFullRedraw)
        #expect(first.runs == full)
        for old in [ScreenBuffer(width: 7, height: 3), ScreenBuffer(width: 6, height: 2)] {
            let resized = ScreenDiff(from: old, to: new)
            #expect(resized.isFullRedraw, "\(old.width)x\(old.height) to 6x3")
            #expect(resized.runs == full)
        }
        #expect(ScreenDiff(from: nil, to: ScreenBuffer(width: 0, height: 3)).runs.isEmpty)
    }

    /// Wide characters never reach a cell through `write` (they become `?`), so a run's
    /// columns are its cells; one stored with `put` is still one cell.
    @Test func aWideCharacterIsOneCell() {
        let old = ScreenBuffer(width: 10, height: 1)
        var new = old
        let end = new.write("界a", x: 2, y: 0)
        #expect(end == 4)
        #expect(new.line(0) == "  ?a      ")
        #expect(ScreenDiff(from: old, to: new).runs == [Run(row: 0, columns: 2..<4)])
        var stored = old
        stored.put("界", x: 5, y: 0, style: .normal)
        #expect(ScreenDiff(from: old, to: stored).runs == [Run(row: 0, columns: 5..<6)])
    }

    /// Copying the runs' cells of the new frame onto the old one gives the new frame, and
    /// without merging every cell in a run changed.
    @Test func copyingTheRunsTurnsTheOldFrameIntoTheNew() {
        var random = SplitMix(seed: 7)
        let glyphs: [Unicode.Scalar] = [" ", "a", "b", "─", "█"]
        let styles = [Style.normal, Style(.warm), Style(.bar, bold: true, reverse: true)]
        func randomFrame(_ base: ScreenBuffer, changes: Int) -> ScreenBuffer {
            var frame = base
            for _ in 0..<changes {
                frame.put(
                    glyphs[random.next(below: glyphs.count)], x: random.next(below: frame.width),
                    y: random.next(below: frame.height),
                    style: styles[random.next(below: styles.count)])
            }
            return frame
        }
        for trial in 0..<50 {
            let old = randomFrame(ScreenBuffer(width: 33, height: 7), changes: 60)
            let new = randomFrame(old, changes: trial * 3)
            for gap in [0, 4] {
                let diff = ScreenDiff(from: old, to: new, mergingGapsUpTo: gap)
                var rebuilt = old
                for run in diff.runs {
                    for x in run.columns {
                        let before = old[x, run.row], after = new[x, run.row]
                        if gap == 0 {
                            #expect(
                                before.scalar != after.scalar || before.style != after.style,
                                "trial \(trial): (\(x), \(run.row)) unchanged")
                        }
                        rebuilt.put(after.scalar, x: x, y: run.row, style: after.style)
                    }
                }
                #expect(rebuilt == new, "trial \(trial), gap \(gap)")
            }
        }
    }
}

/// A small deterministic generator, so a failing trial can be run again.
private struct SplitMix {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next(below bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}
