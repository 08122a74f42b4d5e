import Foundation
import Testing
@testable import ScaleSim

/// The ziggurat's tables in the source are its construction's values, bit for bit: a draw
/// reads constants, and every figure and recording depends on them.
@Suite struct ExponentialZigguratTests {
    /// Marsaglia and Tsang's recurrence: from the tail's start `r`, each layer's right edge
    /// is the x at which a rectangle of width x up to the next density has area `area`.
    static func construct() -> (limit: [UInt64], width: [Double], density: [Double]) {
        let r = ExponentialZiggurat.r
        let area = ExponentialZiggurat.area
        var limit = [UInt64](repeating: 0, count: 256)
        var width = [Double](repeating: 0, count: 256)
        var density = [Double](repeating: 0, count: 256)
        // Positions are 53-bit integers: a layer's x is position × width.
        let scale = 0x1.0p53
        let base = area / Foundation.exp(-r)
        limit[0] = UInt64(r / base * scale)
        limit[1] = 0
        width[0] = base / scale
        width[255] = r / scale
        density[0] = 1
        density[255] = Foundation.exp(-r)
        var x = r
        var previous = r
        for i in stride(from: 254, through: 1, by: -1) {
            x = -Foundation.log(area / x + Foundation.exp(-x))
            limit[i + 1] = UInt64(x / previous * scale)
            previous = x
            density[i] = Foundation.exp(-x)
            width[i] = x / scale
        }
        return (limit, width, density)
    }

    @Test func theTablesAreTheirConstruction() {
        let built = Self.construct()
        let tables: [(name: String, source: [UInt64], construction: [UInt64])] = [
            ("limit", ExponentialZiggurat.limit, built.limit),
            ("width", ExponentialZiggurat.width.map(\.bitPattern), built.width.map(\.bitPattern)),
            ("density", ExponentialZiggurat.density.map(\.bitPattern), built.density.map(\.bitPattern)),
        ]
        for table in tables {
            #expect(table.source.count == 256, "\(table.name) has \(table.source.count) layers")
            let layer = table.source.indices.first { table.source[$0] != table.construction[$0] }
            #expect(layer == nil, "\(table.name)[\(layer ?? 0)] differs from its construction")
        }
    }

    /// The layers shrink towards the peak: each layer's limit ratio and edge density grow
    /// monotonically, as a table with a mistyped row would not.
    @Test func theLayersNestAsAZigguratDoes() {
        let width = ExponentialZiggurat.width
        let density = ExponentialZiggurat.density
        #expect(ExponentialZiggurat.limit.count == 256 && width.count == 256 && density.count == 256)
        for i in 2..<256 {
            #expect(width[i] > width[i - 1], "layer \(i)")
            #expect(density[i] < density[i - 1], "layer \(i)")
        }
    }
}
