import Testing

@testable import ScaleTUI

@Suite struct ScreenBufferTests {
    @Test func firstCellFindsTextWhereItWasWritten() {
        var buffer = ScreenBuffer(width: 12, height: 3)
        _ = buffer.write("web-eu x40", x: 1, y: 0)
        _ = buffer.write("web-us x40", x: 2, y: 2)
        let found = buffer.firstCell(showing: "web-us")
        #expect(found?.x == 2 && found?.y == 2)
        #expect(buffer.firstCell(showing: "web-")?.y == 0, "the topmost row first")
    }

    @Test func firstCellFindsTextAtTheRowsEdgesButNotAcrossRows() {
        var buffer = ScreenBuffer(width: 6, height: 2)
        _ = buffer.write("abcdef", x: 0, y: 0)
        _ = buffer.write("ghijkl", x: 0, y: 1)
        #expect(buffer.firstCell(showing: "abcdef")?.x == 0)
        #expect(buffer.firstCell(showing: "kl")?.x == 4)
        #expect(buffer.firstCell(showing: "efgh") == nil, "text never runs from one row into the next")
        #expect(buffer.firstCell(showing: "abcdefg") == nil, "wider than a row")
        #expect(buffer.firstCell(showing: "") == nil)
        #expect(buffer.firstCell(showing: "xyz") == nil)
    }
}
