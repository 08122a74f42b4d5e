import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML element, for tests that read the SVG and HTML the reports write.
public final class XMLTree {
    public let name: String
    public let attributes: [String: String]
    public var children: [XMLTree] = []
    /// The character data directly inside the element.
    public var text = ""

    public init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// Parses `markup`, failing the test when it is not well-formed.
    public static func parse(_ markup: String) throws -> XMLTree {
        let parser = XMLParser(data: Data(markup.utf8))
        let builder = Builder()
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            throw ParseFailure(description: parser.parserError.map { "\($0)" } ?? "no root element")
        }
        return root
    }

    public struct ParseFailure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Every element below this one, depth first, in document order.
    public var descendants: [XMLTree] { children.flatMap { [$0] + $0.descendants } }

    /// The elements below named `name`, with `class` `className` when given.
    public func all(_ name: String, class className: String? = nil) -> [XMLTree] {
        descendants.filter { $0.name == name && (className == nil || $0.attributes["class"] == className) }
    }

    /// The text of this element and every element below it.
    public var allText: String { text + children.map(\.allText).joined() }

    private final class Builder: NSObject, XMLParserDelegate {
        var root: XMLTree?
        var stack: [XMLTree] = []

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String]
        ) {
            let element = XMLTree(name: elementName, attributes: attributes)
            if let parent = stack.last { parent.children.append(element) } else { root = element }
            stack.append(element)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            stack.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            // Line breaks between elements are layout, not text.
            if string.contains(where: { $0 != "\n" }) { stack.last?.text += string }
        }
    }
}
