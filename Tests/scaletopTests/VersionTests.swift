import Foundation
import ScaleFiles
import Testing

/// `--version` names the release and the commit of the build (docs: README, "Install"), and
/// reports and replay headers carry the same string.
@Suite struct VersionTests {
    /// The package's folder, where the build read the commit from.
    static let packageFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// The build tool that writes the commit into the build, beside `scaletop`.
    static let stamper = CLI.executable.deletingLastPathComponent().appendingPathComponent("VersionStamper")
    static let commitA = "0123456789abcdef0123456789abcdef01234567"
    static let commitB = "89abcdef0123456789abcdef0123456789abcdef"

    /// HEAD of the package's checkout as git itself names it; nil outside a checkout or without git.
    static let gitHead: String? = {
        guard FileManager.default.fileExists(atPath: packageFolder.appendingPathComponent(".git").path),
            let git = ["/usr/bin/git", "/usr/local/bin/git"].first(where: FileManager.default.isExecutableFile),
            let result = try? CLI.run(["rev-parse", "--short=7", "HEAD"], program: URL(fileURLWithPath: git), in: packageFolder),
            result.status == 0
        else { return nil }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }()

    @Test func versionIsTheReleaseAndTheCommit() throws {
        let result = try CLI.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == scaletopVersion + "\n")
        #expect(scaletopRelease == "0.2.0")
        #expect(scaletopVersion.wholeMatch(of: #/0\.2\.0( \([0-9a-f]{7}\))?/#) != nil, "\(scaletopVersion)")
    }

    @Test(.enabled(if: gitHead != nil, "needs a git checkout and git"))
    func theCommitIsTheCheckoutsHead() throws {
        #expect(scaletopVersion == "\(scaletopRelease) (\(try #require(Self.gitHead)))")
    }

    @Test func reportsAndReplayHeadersCarryTheVersion() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let record = directory.appendingPathComponent("r.jsonl")
        let result = try CLI.run(["run", "00", "--duration", "2s", "--record", record.path, "--report", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try CLI.json(result.stdout)["scaletop_version"] as? String == scaletopVersion)
        let header = try CLI.json(String(try String(contentsOf: record, encoding: .utf8).prefix { $0 != "\n" }))
        #expect(header["scaletop_version"] as? String == scaletopVersion)
    }

    /// Runs VersionStamper on a made-up git folder laid out by `lay`, and returns the commit it
    /// wrote; `commonFolder` names the shared folder of a linked worktree.
    func stampedCommit(commonFolder: String? = nil, _ lay: (URL) throws -> Void) throws -> String? {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let git = directory.appendingPathComponent("git")
        try FileManager.default.createDirectory(at: git, withIntermediateDirectories: true)
        try lay(directory)
        let output = directory.appendingPathComponent("BuildCommit.swift")
        let common = directory.appendingPathComponent(commonFolder ?? "git")
        let result = try CLI.run([output.path, git.path, common.path], program: Self.stamper)
        #expect(result.status == 0, "\(result.stderr)")
        let source = try String(contentsOf: output, encoding: .utf8)
        if source.contains("let buildCommit: String? = nil") { return nil }
        return try #require(source.firstMatch(of: #/let buildCommit: String\? = "([0-9a-f]{7})"/#)).1.description
    }

    func write(_ text: String, to path: String, in directory: URL) throws {
        let file = directory.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
    }

    @Test func theStamperFollowsHeadToItsCommit() throws {
        // A branch as a loose ref.
        #expect(
            try stampedCommit { dir in
                try write("ref: refs/heads/main\n", to: "git/HEAD", in: dir)
                try write(Self.commitA + "\n", to: "git/refs/heads/main", in: dir)
            } == "0123456")
        // A branch git has packed; a loose ref wins over its packed line.
        #expect(
            try stampedCommit { dir in
                try write("ref: refs/heads/main\n", to: "git/HEAD", in: dir)
                try write(
                    "# pack-refs with: peeled\n\(Self.commitB) refs/heads/other\n\(Self.commitA) refs/heads/main\n^\(Self.commitB)\n",
                    to: "git/packed-refs", in: dir)
            } == "0123456")
        #expect(
            try stampedCommit { dir in
                try write("ref: refs/heads/main\n", to: "git/HEAD", in: dir)
                try write(Self.commitB + "\n", to: "git/refs/heads/main", in: dir)
                try write("\(Self.commitA) refs/heads/main\n", to: "git/packed-refs", in: dir)
            } == "89abcde")
        // A detached HEAD.
        #expect(try stampedCommit { dir in try write(Self.commitB + "\n", to: "git/HEAD", in: dir) } == "89abcde")
        // A linked worktree: its own HEAD, the branches in the shared folder.
        #expect(
            try stampedCommit(commonFolder: "shared") { dir in
                try write("ref: refs/heads/feature\n", to: "git/HEAD", in: dir)
                try write(Self.commitB + "\n", to: "shared/refs/heads/feature", in: dir)
            } == "89abcde")
    }

    @Test func theStamperWritesNoCommitWhenHeadNamesNone() throws {
        // A new repository: the branch has no commit yet.
        #expect(try stampedCommit { dir in try write("ref: refs/heads/main\n", to: "git/HEAD", in: dir) } == nil)
        // No HEAD, a broken one, a loop of refs, a ref reaching out of the folder.
        #expect(try stampedCommit { _ in } == nil)
        #expect(try stampedCommit { dir in try write("0123\n", to: "git/HEAD", in: dir) } == nil)
        #expect(
            try stampedCommit { dir in
                try write("ref: refs/heads/a\n", to: "git/HEAD", in: dir)
                try write("ref: refs/heads/b\n", to: "git/refs/heads/a", in: dir)
                try write("ref: refs/heads/a\n", to: "git/refs/heads/b", in: dir)
            } == nil)
        #expect(
            try stampedCommit { dir in
                try write("ref: ../outside\n", to: "git/HEAD", in: dir)
                try write(Self.commitA + "\n", to: "outside", in: dir)
            } == nil)
    }

    @Test func theStamperWithoutACheckoutWritesNoCommit() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("BuildCommit.swift")
        #expect(try CLI.run([output.path], program: Self.stamper).status == 0)
        #expect(try String(contentsOf: output, encoding: .utf8).contains("let buildCommit: String? = nil"))
        #expect(try CLI.run([output.path, "only-one-folder"], program: Self.stamper).status == 2)
    }
}
