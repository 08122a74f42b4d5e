import Foundation
import PackagePlugin

/// Stamps the commit the package is built from into the target, so `--version`, reports and
/// replay headers say which build made them. It reads the checkout's git files and never runs
/// git (plugins are sandboxed); a build outside a checkout, from a tarball, gets no commit.
@main
struct StampVersion: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "BuildCommit.swift")
        let checkout = GitCheckout(packageDirectory: context.package.directoryURL)
        var arguments = [output.path]
        if let checkout { arguments += [checkout.gitDirectory.path, checkout.commonDirectory.path] }
        return [
            .buildCommand(
                displayName: "Stamping the commit of the build",
                executable: try context.tool(named: "VersionStamper").url,
                arguments: arguments,
                inputFiles: checkout?.watchedFiles ?? [],
                outputFiles: [output]
            )
        ]
    }
}
