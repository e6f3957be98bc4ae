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

    /// Writes the element. `textCap`: texts longer than this many characters are shortened, ending in
    /// ` […]`; `canonical`: comments and whitespace-only texts left out, each text's whitespace runs
    /// made one space (``canonicalXML``).
    private func appendXML(to xml: inout String, textCap: Int = .max, canonical: Bool = false) {
        xml += "<" + name
        for (name, value) in attributes { xml += " \(name)=\"\(Self.escape(value, attribute: true))\"" }
        xml += ">"
        for child in children {
            switch child {
            case .text(let value):
                let text = canonical ? value.split(whereSeparator: \.isWhitespace).joined(separator: " ") : value
                xml += Self.escape(text.count > textCap ? String(text.prefix(textCap)) + " […]" : text, attribute: false)
            case .element(let element): element.appendXML(to: &xml, textCap: textCap, canonical: canonical)
            case .comment(let value): if !canonical { xml += "<!--\(value)-->" }
            }
        }
        xml += "</\(name)>"
    }

    /// ``xmlString`` within `limit` UTF-8 bytes when it can be: the longest texts are shortened
    /// (each to the same length, ending in ` […]`) until the XML fits, so what is kept is still one
    /// well-formed element that can be read again.
    /// - Returns: the XML, whether any text was shortened (false also when even shortened texts do
    ///   not fit: the caller cuts it then), and the whole XML's size in UTF-8 bytes.
    func xmlString(fitting limit: Int) -> (xml: String, shortened: Bool, wholeBytes: Int) {
        let whole = xmlString
        let wholeBytes = whole.utf8.count
        guard wholeBytes > limit else { return (whole, false, wholeBytes) }
        var cap = limit / 2
        while cap >= 16 {
            var xml = ""
            appendXML(to: &xml, textCap: cap)
            if xml.utf8.count <= limit { return (xml, true, wholeBytes) }
            cap /= 2
        }
        return (whole, false, wholeBytes)
    }

    /// The XML that identifies the element: no comments, no whitespace-only text between
    /// elements, each text trimmed with its inner runs of whitespace made one space.
    var canonicalXML: String {
        var xml = ""
        appendXML(to: &xml, canonical: true)
        return xml
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
