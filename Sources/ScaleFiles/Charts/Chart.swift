/// A chart as data: the series, axes and marks a report draws, whatever draws it.
///
/// `compare` and `capacity` describe their results as `Chart` values; the HTML report
/// renders them as inline SVG and a terminal as a small text chart (docs/reports.md).
public struct Chart: Sendable, Equatable {
    /// One line of the chart: a name for its legend and its points in axis units.
    public struct Series: Sendable, Equatable {
        public var name: String
        public var points: [Point]

        public init(name: String, points: [Point]) {
            self.name = name
            self.points = points
        }
    }

    /// A point in axis units (seconds, users, milliseconds, a fraction ...).
    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double

        public init(x: Double, y: Double) {
            self.x = x
            self.y = y
        }
    }

    /// A labelled line across the chart: vertical at an x (a command, the knee) or
    /// horizontal at a y (an objective).
    public struct Mark: Sendable, Equatable {
        public enum Axis: Sendable, Equatable { case x, y }

        public var axis: Axis
        public var value: Double
        public var label: String

        public init(axis: Axis, value: Double, label: String) {
            self.axis = axis
            self.value = value
            self.label = label
        }
    }

    /// An axis: its title with the unit, and whether it is drawn on a log scale.
    public struct Axis: Sendable, Equatable {
        public var title: String
        public var logarithmic: Bool

        public init(title: String, logarithmic: Bool = false) {
            self.title = title
            self.logarithmic = logarithmic
        }
    }

    public var title: String
    public var xAxis: Axis
    public var yAxis: Axis
    public var series: [Series]
    public var marks: [Mark]

    public init(title: String, xAxis: Axis, yAxis: Axis, series: [Series], marks: [Mark] = []) {
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.series = series
        self.marks = marks
    }
}
