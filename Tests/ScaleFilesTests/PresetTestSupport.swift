@testable import ScaleFiles
import Testing
import ScaleSim

/// A small valid preset; tests edit single lines of it, so its line numbers matter.
///
///  1 version: 1
///  ...
/// 10     workers: 2
/// 13       - to: db
/// 14         p: 0.5
let basePreset = """
    version: 1
    name: Test
    workload:
      users: 100
      rate_per_user: 1
      entry: web
    nodes:
      - id: web
        kind: app
        workers: 2
        service: {distribution: exponential, mean: 10ms}
        routes:
          - to: db
            p: 0.5
      - id: db
        kind: db
        service: {distribution: deterministic, mean: 5ms}
    """

/// `basePreset` with `count` lines from line `number` (from 1) replaced by `text`, which may
/// hold several lines.
func basePreset(line number: Int, count: Int = 1, _ text: String) -> String {
    replacing(basePreset, line: number, count: count, text)
}

/// `yaml` with `count` lines from line `number` (from 1) replaced by `text`, which may hold
/// several lines.
func replacing(_ yaml: String, line number: Int, count: Int = 1, _ text: String) -> String {
    var lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines.replaceSubrange((number - 1)..<(number - 1 + count), with: [text])
    return lines.joined(separator: "\n")
}

/// The node fields as an unknown-field error lists them.
let nodeFieldList =
    "id, kind, servers, workers, service, queue, timeout, policy, routes, size, max_size, health_check, "
    + "cache, replica_of, apply, failover, replication_delay, shards, calls, sessions, session_ttl, autoscale, dc, region, "
    + "rate_limit, concurrency_limit, queue_deadline"

/// The node kinds as an error lists them.
let kindList = "lb, app, db, station, cache, replica, queue, session_store, cdn"

/// The error decoding `yaml` (with `overrides`) gives, or `nil` if it decodes.
func decodeError(_ yaml: String, overrides: [String] = []) -> PresetError? {
    do throws(PresetError) {
        var parsed: [PresetOverride] = []
        for text in overrides { parsed.append(try PresetOverride(parsing: text)) }
        _ = try PresetDecoder.decode(yaml, file: "test.yaml", overrides: parsed)
        return nil
    } catch {
        return error
    }
}

/// Decodes `yaml` with `overrides`, or records the error and returns `nil`.
func decoded(_ yaml: String, overrides: [String] = []) -> SystemSpec? {
    do throws(PresetError) {
        var parsed: [PresetOverride] = []
        for text in overrides { parsed.append(try PresetOverride(parsing: text)) }
        return try PresetDecoder.decode(yaml, file: "test.yaml", overrides: parsed)
    } catch {
        Issue.record("unexpected error: \(error)")
        return nil
    }
}
