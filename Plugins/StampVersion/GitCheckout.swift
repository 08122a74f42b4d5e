import Foundation

/// Where a checkout keeps its git files: its own git folder (HEAD) and the folder it shares
/// with its linked worktrees (branches, packed refs). In a plain clone both are `.git`; in a
/// linked worktree `.git` is a file naming the worktree's folder, whose `commondir` names the
/// shared one.
struct GitCheckout {
    let gitDirectory: URL
    let commonDirectory: URL

    /// The checkout at `packageDirectory`, or nil when it has no `.git` of its own.
    init?(packageDirectory: URL) {
        let dotGit = packageDirectory.appending(path: ".git")
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit.path, isDirectory: &isFolder) else { return nil }
        if isFolder.boolValue {
            gitDirectory = dotGit
        } else {
            guard let link = Self.firstLine(of: dotGit), link.hasPrefix("gitdir:") else { return nil }
            let path = link.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespaces)
            gitDirectory = URL(fileURLWithPath: path, relativeTo: packageDirectory).standardizedFileURL
        }
        if let common = Self.firstLine(of: gitDirectory.appending(path: "commondir")) {
            commonDirectory = URL(fileURLWithPath: common, relativeTo: gitDirectory.appending(path: "")).standardizedFileURL
        } else {
            commonDirectory = gitDirectory
        }
    }

    /// The files a new commit or a checkout of another branch rewrites: HEAD, the branch it
    /// names, and the packed refs, where a branch lives once git has packed it. Only those
    /// that exist: a fresh `git init` has no packed refs, a packed branch no file of its own,
    /// and the build refuses an input it cannot find.
    var watchedFiles: [URL] {
        var files = [gitDirectory.appending(path: "HEAD"), commonDirectory.appending(path: "packed-refs")]
        if let head = Self.firstLine(of: gitDirectory.appending(path: "HEAD")), head.hasPrefix("ref:") {
            let branch = head.dropFirst("ref:".count).trimmingCharacters(in: .whitespaces)
            files.append(commonDirectory.appending(path: branch))
        }
        return files.filter { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// The first line of the text file at `url`, without its line break; nil when unreadable.
    static func firstLine(of url: URL) -> String? {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        return text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init)
    }
}
