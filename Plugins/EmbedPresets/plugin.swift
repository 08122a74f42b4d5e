import Foundation
import PackagePlugin

/// Embeds every file of the package's `Presets/` folder into the target as a Swift table,
/// so the shipped presets travel inside the binary and every command works from any folder.
@main
struct EmbedPresets: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let presets = context.package.directoryURL.appending(path: "Presets")
        let files = try FileManager.default
            .contentsOfDirectory(at: presets, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "ShippedPresetFiles.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) shipped presets",
                executable: try context.tool(named: "PresetEmbedder").url,
                arguments: [output.path] + files.map(\.path),
                inputFiles: files,
                outputFiles: [output]
            )
        ]
    }
}
