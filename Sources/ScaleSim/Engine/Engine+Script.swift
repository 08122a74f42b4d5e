extension Engine {
    /// Runs to `end`, applying each of `commands` (in time order) after every event at or
    /// before its time, as the dashboard applies a command between two steps and as replay
    /// files log and replay it.
    ///
    /// `onSecond` sees the engine at every whole simulated second up to `end` (checkpoints,
    /// per-second report rows); `onCommand` runs after each command, which the engine has
    /// applied or refused by then. Commands after `end` are left out.
    public mutating func run(
        until end: SimTime, applying commands: [ScheduledCommand],
        onSecond: (Engine) throws -> Void, onCommand: (ScheduledCommand) throws -> Void
    ) rethrows {
        for scheduled in commands where scheduled.at <= end {
            try run(until: scheduled.at, checkpointEvery: Nanos.perSecond, onSecond)
            execute(scheduled.command)
            try onCommand(scheduled)
        }
        try run(until: end, checkpointEvery: Nanos.perSecond, onSecond)
    }

    /// Runs to `end`, applying each of `commands` (in time order) after every event at or
    /// before its time.
    public mutating func run(until end: SimTime, applying commands: [ScheduledCommand]) {
        run(until: end, applying: commands, onSecond: { _ in }, onCommand: { _ in })
    }
}
