// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "scaletop",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "scaletop", targets: ["scaletop"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // The engine: pure Swift, no I/O, no curses.
        .target(name: "ScaleSim"),
        // Preset (YAML) and report codecs; shipped presets embedded at build time.
        .target(
            name: "ScaleFiles",
            dependencies: ["ScaleSim", "Yams"],
            plugins: ["EmbedPresets"]
        ),
        .executableTarget(
            name: "scaletop",
            dependencies: [
                "ScaleSim", "ScaleFiles",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Build-time tool: turns Presets/*.yaml into a Swift table.
        .executableTarget(name: "PresetEmbedder"),
        .plugin(name: "EmbedPresets", capability: .buildTool(), dependencies: ["PresetEmbedder"]),

        .testTarget(name: "ScaleSimTests", dependencies: ["ScaleSim"]),
        .testTarget(name: "ScaleFilesTests", dependencies: ["ScaleFiles", "ScaleSim"]),
        .testTarget(name: "scaletopTests", dependencies: ["scaletop", "ScaleFiles", "ScaleSim"]),
    ],
    swiftLanguageModes: [.v6]
)
