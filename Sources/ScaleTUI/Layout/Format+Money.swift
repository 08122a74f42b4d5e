/// The wording of costs (docs/cost.md).
extension Format {
    /// An amount of money with k/M suffixes: `$89`, `$2.1k`, `$1.2M`.
    public static func money(_ amount: Double) -> String { "$" + count(amount) }

    /// A cost per month: `$2.1k/month`.
    public static func perMonth(_ amount: Double) -> String { money(amount) + "/month" }
}
