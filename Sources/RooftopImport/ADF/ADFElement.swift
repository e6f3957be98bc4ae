/// One element of a `<prospect>` as read (``ADFProspectReader``): its name, attributes, and
/// children in document order. A plain tree freed with its prospect (FoundationXML's `XMLElement`,
/// built node by node, was never freed on Linux: about 12 KB a prospect).
final class ADFElement {
    enum Child {
        case element(ADFElement)
        case text(String)
        case comment(String)
    }

    let name: String
    /// In name order (SAX hands them over unordered), so the same element always serializes alike.
    let attributes: [(name: String, value: String)]
    private(set) var children: [Child] = []

    init(name: String, attributes: [(name: String, value: String)]) {
        self.name = name
        self.attributes = attributes
    }

    func append(_ child: Child) { children.append(child) }

    /// The child elements, in order.
    var elements: [ADFElement] {
        children.compactMap { if case .element(let element) = $0 { element } else { nil } }
    }

    /// The value of the attribute `name` (case as written), if present.
    func attribute(forName name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// The text of the element and its descendants, concatenated (comments left out), as the
    /// DOM's `stringValue`.
    var stringValue: String {
        var text = ""
        appendText(to: &text)
        return text
    }

    private func appendText(to text: inout String) {
        for child in children {
            switch child {
            case .text(let value): text += value
            case .element(let element): element.appendText(to: &text)
            case .comment: break
            }
        }
    }

    /// The element as XML (UTF-8 text; `&`, `<`, `>` and quotes escaped as XML 1.0 §2.4 requires).
    var xmlString: String {
        var xml = ""
        appendXML(to: &xml)
        return xml
    }

    private func appendXML(to xml: inout String) {
        xml += "<" + name
        for (name, value) in attributes { xml += " \(name)=\"\(Self.escape(value, attribute: true))\"" }
        xml += ">"
        for child in children {
            switch child {
            case .text(let value): xml += Self.escape(value, attribute: false)
            case .element(let element): element.appendXML(to: &xml)
            case .comment(let value): xml += "<!--\(value)-->"
            }
        }
        xml += "</\(name)>"
    }

    static func escape(_ text: String, attribute: Bool) -> String {
        guard text.contains(where: { $0 == "&" || $0 == "<" || $0 == ">" || (attribute && ($0 == "\"" || $0 == "\n" || $0 == "\t" || $0 == "\r")) })
        else { return text }
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"" where attribute: escaped += "&quot;"
            case "\n" where attribute: escaped += "&#10;"
            case "\t" where attribute: escaped += "&#9;"
            case "\r" where attribute: escaped += "&#13;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
