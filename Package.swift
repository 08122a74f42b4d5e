// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "scaletop",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "scaletop", targets: ["scaletop"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // The engine: pure Swift, no I/O, no curses.
        .target(name: "ScaleSim", dependencies: ["CPrefetch"]),
        // Software prefetch for the engine's caches (C: Swift has no prefetch builtin).
        .target(name: "CPrefetch"),
        // Preset (YAML) and report codecs; shipped presets embedded at build time.
        .target(
            name: "ScaleFiles",
            dependencies: ["ScaleSim", "CTerminalSafety", "Yams"],
            plugins: ["EmbedPresets", "StampVersion"]
        ),
        // System ncurses (wide-char ncursesw) for the dashboard's terminal backend.
        .systemLibrary(name: "CNCurses", providers: [.apt(["libncurses-dev"])]),
        // Signal handlers that restore the terminal and remove files left incomplete (C: they
        // must be async-signal-safe).
        .target(name: "CTerminalSafety"),
        // The dashboard: state, actions, reducer, views into a cell buffer, key map, terminals.
        .target(name: "ScaleTUI", dependencies: ["ScaleSim", "ScaleFiles", "CNCurses", "CTerminalSafety"]),
        .executableTarget(
            name: "scaletop",
            dependencies: [
                "ScaleSim", "ScaleFiles", "ScaleTUI", "CTerminalSafety",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Build-time tool: turns Presets/*.yaml into a Swift table.
        .executableTarget(name: "PresetEmbedder"),
        .plugin(name: "EmbedPresets", capability: .buildTool(), dependencies: ["PresetEmbedder"]),
        // Build-time tool: writes the commit the checkout is at, for `--version`.
        .executableTarget(name: "VersionStamper"),
        .plugin(name: "StampVersion", capability: .buildTool(), dependencies: ["VersionStamper"]),

        // What several test targets share: an XML tree for reading the SVG and HTML reports.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ScaleSimTests", dependencies: ["ScaleSim"]),
        .testTarget(name: "ScaleFilesTests", dependencies: ["ScaleFiles", "ScaleSim", "TestSupport"]),
        .testTarget(
            name: "ScaleTUITests",
            dependencies: ["ScaleTUI", "ScaleSim", "ScaleFiles", "TestSupport"],
            exclude: ["Snapshots"]
        ),
        .testTarget(
            name: "scaletopTests",
            dependencies: ["scaletop", "ScaleFiles", "ScaleSim", "TestSupport"],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
