import ScaleSim

/// A decoded preset and what it needs besides: the keys of its key trace, if it names one.
public struct LoadedPreset: Sendable {
    /// The name to type, such as `03-load-balancer`.
    public var name: UntrustedText
    public var spec: SystemSpec
    public var keyTrace: [UInt32]
    /// Where it was read from.
    public var source: PresetSource
}

extension PresetCatalog {
    /// Resolves `name` (a path, a stage number or a preset name), decodes it with
    /// `overrides` applied, puts the preset's prices over the user's pricing file's, and
    /// reads its key trace.
    public func load(_ name: String, overrides: [PresetOverride] = []) throws(PresetError) -> LoadedPreset {
        let source = try resolve(name)
        var spec = try source.decode(overrides: overrides)
        if let pricingFile { spec.pricing = try PricingFile.read(path: pricingFile).overridden(by: spec.pricing) }
        let keyTrace = try spec.loadKeyTrace(from: source)
        return LoadedPreset(name: source.name, spec: spec, keyTrace: keyTrace, source: source)
    }
}
