import Foundation
import FoundationXML

/// The SAX delegate behind ``ADFParser/forEachProspect(in:_:)``: checks that the root is `<adf>`
/// and builds each of its `<prospect>` children as a small ``ADFElement`` tree, handed to
/// `onProspect` as soon as its end tag is read and then dropped.
///
/// Attributes are added in name order (SAX hands them over unordered), so the same prospect
/// always serializes to the same XML. CDATA becomes text, comments stay comments.
final class ADFProspectReader: NSObject, XMLParserDelegate {
    /// A finished `<prospect>` and its position among the document's prospects, from 1.
    let onProspect: (ADFElement, Int) throws -> Void
    /// Why reading stopped early: a root other than `<adf>`, or what `onProspect` threw.
    private(set) var failure: Error?
    private(set) var sawRoot = false
    private(set) var ended = false
    private(set) var prospects = 0
    private var depth = 0
    /// The prospect being read: its element and the open elements inside it.
    private var open: [ADFElement] = []
    private var text = ""

    init(onProspect: @escaping (ADFElement, Int) throws -> Void) {
        self.onProspect = onProspect
    }

    private func fail(_ error: Error, _ parser: XMLParser) {
        guard failure == nil else { return }
        failure = error
        parser.abortParsing()
    }

    /// Adds the text read since the last element boundary to the open element.
    private func flushText() {
        guard !text.isEmpty, let parent = open.last else { text = ""; return }
        parent.append(.text(text))
        text = ""
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
                attributes attributeDict: [String: String]) {
        guard failure == nil else { return }
        depth += 1
        if depth == 1 {
            sawRoot = true
            if elementName.lowercased() != "adf" { fail(ADFError(problems: ["the root element is not <adf>"]), parser) }
            return
        }
        guard !open.isEmpty || (depth == 2 && elementName.lowercased() == "prospect") else { return }
        let element = ADFElement(name: elementName, attributes: attributeDict.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) })
        flushText()
        open.last?.append(.element(element))
        open.append(element)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard failure == nil else { return }
        depth -= 1
        guard let element = open.last else { return }
        flushText()
        open.removeLast()
        guard open.isEmpty else { return }
        prospects += 1
        do { try onProspect(element, prospects) } catch { fail(error, parser) }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if !open.isEmpty { text += string }
    }

    func parser(_ parser: XMLParser, foundIgnorableWhitespace whitespaceString: String) {
        if !open.isEmpty { text += whitespaceString }
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        if !open.isEmpty { text += String(decoding: CDATABlock, as: UTF8.self) }
    }

    func parser(_ parser: XMLParser, foundComment comment: String) {
        guard let parent = open.last else { return }
        flushText()
        parent.append(.comment(comment))
    }

    func parserDidEndDocument(_ parser: XMLParser) {
        ended = true
    }
}
