import Testing

@testable import ScaleSim

/// The engine's hot-path array (docs/architecture.md, "Hot-path storage").
@Suite struct ColumnTests {
    /// Filled at once, small or laid out as a large table (past 4 MiB), and growable after.
    @Test(arguments: [0, 1, 5, 600_000])
    func aRepeatedColumnHoldsItsValuesAndGrows(count: Int) {
        var column = Column(repeating: UInt64(7), count: count)
        #expect(column.count == count)
        #expect(column.allSatisfy { $0 == 7 })
        // A hint, in range or not, changes nothing.
        for index in [-1, 0, count / 2, count, count + 1] { column.prefetch(index) }
        #expect(column.allSatisfy { $0 == 7 })
        if count > 0 { column[count - 1] = 9 }
        for value in 0..<3 { column.append(UInt64(value)) }
        #expect(column.count == count + 3)
        #expect(Array(column.suffix(3)) == [0, 1, 2])
        if count > 0 { #expect(column[count - 1] == 9) }
    }

    /// The tests' build checks bounds (the README's test command defines
    /// `CHECK_COLUMN_BOUNDS`; debug builds always do): a read or a write before the first
    /// element, past the last, or of one just popped stops the program. Built without
    /// checks, these read and write outside the column, and the test fails.
    @Test(arguments: [-1, 3, 4, 1 << 40])
    func anIndexOutOfRangeStopsACheckedBuild(index: Int) async {
        await #expect(processExitsWith: .failure) { [index] in
            let column = Column(repeating: UInt64(1), count: 3)
            _ = column[index]
        }
        await #expect(processExitsWith: .failure) { [index] in
            var column = Column(repeating: UInt64(1), count: 3)
            column[index] = 2
        }
    }

    @Test func anIndexPoppedStopsACheckedBuild() async {
        await #expect(processExitsWith: .failure) {
            var column = Column(repeating: UInt64(1), count: 3)
            _ = column.popLast()
            _ = column[2]
        }
    }

    /// A column keeps its buffer's address beside its storage: after each new buffer (an
    /// `append` that grows it, a copy made unique) reads and writes go to the buffer the
    /// column holds now. A copy made unique copies the buffer itself, so it shows what the
    /// column's writes really reached.
    @Test func readsAndWritesFollowEveryNewBuffer() {
        var column = Column<Int>()
        for value in 0..<1_000 {
            // Doubles the buffer ten times over.
            column.append(-1)
            column[value] = value
        }
        var copy = column
        copy.makeUnique()
        #expect(Array(copy) == Array(0..<1_000))
        for index in copy.indices { copy[index] = -index }
        #expect(Array(column) == Array(0..<1_000))
        #expect(Array(copy) == (0..<1_000).map { -$0 })
    }

    /// A copy shares the buffer until made unique; then writes stay its own.
    @Test func aCopyMadeUniqueWritesItsOwnBuffer() {
        let original = Column(repeating: UInt64(1), count: 600_000)
        var copy = original
        copy.makeUnique()
        copy[0] = 2
        copy.append(3)
        #expect(original[0] == 1 && original.count == 600_000)
        #expect(copy[0] == 2 && copy.count == 600_001)
    }
}
