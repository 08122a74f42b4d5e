/// The version printed by `--version` and written into reports and replay files.
public let scaletopVersion = "0.1.0"
