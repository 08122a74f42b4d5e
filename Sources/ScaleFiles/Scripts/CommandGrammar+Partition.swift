import ScaleSim

extension CommandGrammar {
    /// The connect timeout of a request sent across a cut link, as commands describe it.
    static let connectTimeout = DurationParser.format(Engine.connectTimeout)
}

extension CommandReader {
    /// Two different data center names: the ends of a network link.
    mutating func dataCenterPair() throws(CommandSyntaxError) -> (String, String) {
        let first = try id("a data center name")
        let word = peek()
        let second = try id("a second data center name")
        guard second != first else {
            throw fail("a data center cannot be partitioned from itself; name two different data centers", at: word)
        }
        return (first, second)
    }
}
