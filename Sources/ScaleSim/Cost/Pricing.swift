import Foundation

/// What running a system costs: a price per server per hour for each node kind, by its
/// size on the vertical ladder, and prices per request and per gigabyte where that is how
/// such things are billed (docs/cost.md).
///
/// Figures are dollars, but nothing depends on the currency: a pricing file in euros gives
/// costs in euros.
public struct Pricing: Sendable, Hashable, Codable {
    /// Per server per hour at size 0, by node kind (a message queue's servers are its
    /// consumers).
    public var serverHour: [NodeKind: Double]
    /// What each step up the vertical ladder multiplies the hourly price by.
    public var sizeFactor: Double
    /// A load balancer, per million requests it receives.
    public var lbPerMillionRequests: Double
    /// A message queue, per million requests (jobs) it receives.
    public var queuePerMillionRequests: Double
    /// A CDN edge, per gigabyte it serves, and per 10,000 requests it receives.
    public var cdnPerGB: Double
    public var cdnPer10kRequests: Double
    /// Per gigabyte sent from a node in one data center to a node in another.
    public var crossDCPerGB: Double

    public init(
        serverHour: [NodeKind: Double], sizeFactor: Double, lbPerMillionRequests: Double, queuePerMillionRequests: Double,
        cdnPerGB: Double, cdnPer10kRequests: Double, crossDCPerGB: Double
    ) {
        self.serverHour = serverHour
        self.sizeFactor = sizeFactor
        self.lbPerMillionRequests = lbPerMillionRequests
        self.queuePerMillionRequests = queuePerMillionRequests
        self.cdnPerGB = cdnPerGB
        self.cdnPer10kRequests = cdnPer10kRequests
        self.crossDCPerGB = crossDCPerGB
    }

    /// The shipped defaults: illustrative round figures of a typical public cloud's
    /// on-demand prices, not any provider's quote (docs/cost.md).
    public static let shipped = Pricing(
        serverHour: [
            .app: 0.10, .station: 0.10, .db: 0.40, .replica: 0.40, .cache: 0.15, .sessionStore: 0.15, .lb: 0.025,
            .queue: 0.10, .cdn: 0,
        ],
        sizeFactor: 2, lbPerMillionRequests: 0.40, queuePerMillionRequests: 0.40, cdnPerGB: 0.085, cdnPer10kRequests: 0.01,
        crossDCPerGB: 0.02)

    /// Hours in a month, as cloud price lists count them (365 × 24 / 12).
    public static let hoursPerMonth = 730.0
    /// Seconds in such a month.
    public static let secondsPerMonth = hoursPerMonth * 3_600

    /// One server of `kind` at step `size` of the ladder, per hour.
    public func hourly(_ kind: NodeKind, size: Int) -> Double {
        (serverHour[kind] ?? 0) * Foundation.pow(sizeFactor, Double(size))
    }

    /// These prices with those `overrides` sets in their place.
    public func applying(_ overrides: PricingSpec) -> Pricing {
        var prices = self
        prices.serverHour.merge(overrides.serverHour) { _, new in new }
        if let value = overrides.sizeFactor { prices.sizeFactor = value }
        if let value = overrides.lbPerMillionRequests { prices.lbPerMillionRequests = value }
        if let value = overrides.queuePerMillionRequests { prices.queuePerMillionRequests = value }
        if let value = overrides.cdnPerGB { prices.cdnPerGB = value }
        if let value = overrides.cdnPer10kRequests { prices.cdnPer10kRequests = value }
        if let value = overrides.crossDCPerGB { prices.crossDCPerGB = value }
        return prices
    }
}

/// Prices a preset's `pricing:` section or the user's pricing file sets; a price left out
/// (`nil`, or a kind missing from `serverHour`) keeps the one beneath it.
public struct PricingSpec: Sendable, Hashable, Codable {
    public var serverHour: [NodeKind: Double]
    public var sizeFactor: Double?
    public var lbPerMillionRequests: Double?
    public var queuePerMillionRequests: Double?
    public var cdnPerGB: Double?
    public var cdnPer10kRequests: Double?
    public var crossDCPerGB: Double?

    public init(
        serverHour: [NodeKind: Double] = [:], sizeFactor: Double? = nil, lbPerMillionRequests: Double? = nil,
        queuePerMillionRequests: Double? = nil, cdnPerGB: Double? = nil, cdnPer10kRequests: Double? = nil,
        crossDCPerGB: Double? = nil
    ) {
        self.serverHour = serverHour
        self.sizeFactor = sizeFactor
        self.lbPerMillionRequests = lbPerMillionRequests
        self.queuePerMillionRequests = queuePerMillionRequests
        self.cdnPerGB = cdnPerGB
        self.cdnPer10kRequests = cdnPer10kRequests
        self.crossDCPerGB = crossDCPerGB
    }

    /// True when it sets no price.
    public var isEmpty: Bool { self == PricingSpec() }

    /// These prices, with those `other` sets in their place: `user.overridden(by: preset)`.
    public func overridden(by other: PricingSpec) -> PricingSpec {
        PricingSpec(
            serverHour: serverHour.merging(other.serverHour) { _, new in new },
            sizeFactor: other.sizeFactor ?? sizeFactor,
            lbPerMillionRequests: other.lbPerMillionRequests ?? lbPerMillionRequests,
            queuePerMillionRequests: other.queuePerMillionRequests ?? queuePerMillionRequests,
            cdnPerGB: other.cdnPerGB ?? cdnPerGB,
            cdnPer10kRequests: other.cdnPer10kRequests ?? cdnPer10kRequests,
            crossDCPerGB: other.crossDCPerGB ?? crossDCPerGB)
    }
}

extension SystemSpec {
    /// The prices the system runs at: the shipped defaults with `pricing` applied.
    public var prices: Pricing { Pricing.shipped.applying(pricing) }
}
