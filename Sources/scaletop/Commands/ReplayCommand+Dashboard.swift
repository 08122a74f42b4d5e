import ArgumentParser

/// Plays the replay file at `path` in the dashboard at `speed` (a factor or `max`, nil for
/// the recorded pace), or with `exportCast` writes it as an asciicast v2 file of `size`
/// (`WxH`, nil for the recorded terminal), overwriting an existing one only with `force`.
///
/// The extension point for the dashboard's playback, which arrives with the next commit;
/// until then it says so and exits with status 2.
func runDashboardReplay(path: String, speed: String?, exportCast: String?, size: String?, force: Bool) throws {
    throw badInput("playing a replay in the dashboard arrives with the next commit; use --headless")
}
