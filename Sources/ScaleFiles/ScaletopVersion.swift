/// The release of scaletop, as its package and the README name it.
public let scaletopRelease = "0.2.0"

/// The version printed by `--version` and written into reports and replay files: the release,
/// and the commit it was built from when built from a git checkout, `0.2.0 (abc1234)`.
public let scaletopVersion = buildCommit.map { "\(scaletopRelease) (\($0))" } ?? scaletopRelease
