import Foundation
import FoundationXML
import RooftopModel

/// Reads ADF 1.0 XML (Auto-lead Data Format, STAR) into ``ADFLead`` values, tolerantly
/// (`sync-protocol/lead-intake.md`).
///
/// Accepts the variations providers send: `<?adf version="1.0"?>` in either case, names as
/// `first`/`middle`/`last` parts or one `full` part, several phones in many formats (with
/// extensions or a note after the number), e-mail with stray case and whitespace, several vehicles,
/// business and individual names in one contact, several prospects, comments as text or CDATA.
///
/// A prospect with a name and one usable e-mail or phone is a lead; every value that fails
/// validation is left out of its typed field and reported as an ``ADFWarning`` with its element
/// path. A prospect without a name or any usable contact is quarantined, kept whole. Only a
/// document that is not ADF at all (not XML, another root, no prospect, too large) is refused.
public enum ADFParser {
    /// Documents larger than this are refused (32 MiB: a provider's batch of ~1,300 leads is ~3 MiB).
    public static let maxDocumentBytes = 32 << 20

    /// A `<prospect>` read: a lead, or a prospect kept aside for review.
    public enum Outcome: Sendable {
        case lead(ADFLead)
        case quarantined(ADFQuarantinedProspect)
    }

    /// The bytes of an ADF file, refused unread when it is larger than ``maxDocumentBytes`` (a
    /// stray multi-gigabyte file in a drop folder is never read into memory).
    /// - Throws: ``ADFError`` for a file over the bound; Foundation's error when it cannot be read.
    public static func readFile(at url: URL) throws -> Data {
        let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
        guard size <= maxDocumentBytes else { throw ADFError(problems: ["document is larger than \(maxDocumentBytes) bytes"]) }
        return try Data(contentsOf: url)
    }

    /// The leads of a document (its quarantined prospects left out; see ``parseDocument(_:)``).
    /// - Throws: ``ADFError`` when the document is not ADF.
    public static func parse(_ data: Data) throws(ADFError) -> [ADFLead] { try parseDocument(data).leads }

    /// - Parameter data: the XML document.
    /// - Returns: one lead per usable `<prospect>` and one quarantined prospect per other, in
    ///   document order.
    /// - Throws: ``ADFError`` as ``forEachProspect(in:_:)``.
    public static func parseDocument(_ data: Data) throws(ADFError) -> ADFDocument {
        var result = ADFDocument(leads: [], quarantined: [])
        do {
            try forEachProspect(in: data) { outcome in
                switch outcome {
                case .lead(let lead): result.leads.append(lead)
                case .quarantined(let prospect): result.quarantined.append(prospect)
                }
            }
        } catch let error as ADFError {
            throw error
        } catch {
            throw ADFError(problems: ["\(error)"])  // (the body above throws nothing)
        }
        return result
    }

    /// Reads the document as a stream (libxml2's SAX parser through `XMLParser`, fed in chunks):
    /// only the `<prospect>` being read is held as a tree, so memory stays that of one prospect
    /// whatever the document's size, and `body` gets each prospect as soon as it is read, in
    /// document order.
    ///
    /// Whether the document is ADF is known only at its end: a caller that writes from `body`
    /// writes in a transaction it rolls back when this throws (``LeadImporter`` does).
    /// - Throws: ``ADFError`` when the document is empty, larger than ``maxDocumentBytes``,
    ///   declares entities, is not well-formed XML, is not rooted at `<adf>`, or holds no
    ///   `<prospect>`; or what `body` throws (reading stops there).
    public static func forEachProspect(in data: Data, _ body: (Outcome) throws -> Void) throws {
        try forEachProspect(in: data, amend: nil, body)
    }

    static func forEachProspect(in data: Data, amend: ADFContactAmendment?, _ body: (Outcome) throws -> Void) throws {
        guard data.count <= maxDocumentBytes else { throw ADFError(problems: ["document is larger than \(maxDocumentBytes) bytes"]) }
        guard data.contains(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) else {
            throw ADFError(problems: ["the document is empty"])
        }
        // No entity declarations: an external entity (`<!ENTITY x SYSTEM "file:///…">`) would copy a
        // local file into a replicated record, an internal one can expand without bound. ADF needs neither.
        let declarations = ["<!ENTITY", "<!entity"].flatMap { marker in
            [Data(marker.utf8)] + [String.Encoding.utf16LittleEndian, .utf16BigEndian].compactMap { marker.data(using: $0) }
        }
        if declarations.contains(where: { data.range(of: $0) != nil }) {
            throw ADFError(problems: ["the document declares XML entities (<!ENTITY …>): refused, ADF needs none"])
        }
        try withoutActuallyEscaping(body) { body in
            let reader = ADFProspectReader { prospect, index in try body(parseProspect(prospect, index: index, amend: amend)) }
            // A stream, not `XMLParser(data:)`: libxml2 refuses a single chunk over 10,000,000 bytes.
            let parser = XMLParser(stream: InputStream(data: data))
            parser.shouldResolveExternalEntities = false
            parser.delegate = reader
            let parsed = parser.parse()
            if let failure = reader.failure { throw failure }
            // (On Linux the parser may return true yet record an error.)
            guard parsed, parser.parserError == nil, reader.ended else {
                throw ADFError(problems: ["not well-formed XML" + (parser.lineNumber > 0 ? " (line \(parser.lineNumber))" : "")])
            }
            guard reader.sawRoot else { throw ADFError(problems: ["not well-formed XML"]) }
            guard reader.prospects > 0 else { throw ADFError(problems: ["<adf> has no <prospect>"]) }
        }
    }

    static func children(_ element: ADFElement, _ name: String) -> [ADFElement] {
        element.elements.filter { $0.name.lowercased() == name }
    }

    static func text(_ element: ADFElement?, _ name: String) -> String? {
        guard let element, let child = children(element, name).first else { return nil }
        return clean(child.stringValue)
    }

    static func clean(_ value: String?) -> String? {
        guard let value else { return nil }
        let trimmed = value.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return trimmed.isEmpty ? nil : trimmed.precomposedStringWithCanonicalMapping
    }

    static func attribute(_ element: ADFElement, _ name: String) -> String? {
        clean(element.attribute(forName: name))?.lowercased()
    }

    /// `parent/name[k]` with k the element's 1-based position among its same-named siblings.
    static func path(_ parent: String, _ element: ADFElement, among siblings: [ADFElement]) -> String {
        let name = element.name.lowercased()
        guard siblings.count > 1, let k = siblings.firstIndex(where: { $0 === element }) else { return "\(parent)/\(name)" }
        return "\(parent)/\(name)[\(k + 1)]"
    }

    /// The prospect of a lead's stored XML (`lead.raw`, one `<prospect>` element), read again with
    /// `amend`'s values in place of the contact's (releasing a quarantined lead).
    /// - Throws: ``ADFError`` when the XML is not one well-formed `<prospect>` (a lead's XML over
    ///   65,536 characters was stored cut).
    public static func prospect(fromStoredXML raw: String, amend: ADFContactAmendment) throws(ADFError) -> Outcome {
        var outcome: Outcome?
        do {
            try forEachProspect(in: Data(("<adf>" + raw + "</adf>").utf8), amend: amend) { outcome = outcome ?? $0 }
        } catch let error as ADFError {
            throw error
        } catch {
            throw ADFError(problems: ["\(error)"])
        }
        guard let outcome else { throw ADFError(problems: ["<adf> has no <prospect>"]) }
        return outcome
    }

    static func parseProspect(_ prospect: ADFElement, index: Int, amend: ADFContactAmendment? = nil) -> Outcome {
        let base = "prospect[\(index)]"
        var warnings: [ADFWarning] = []
        var requestDate = ""
        if let raw = text(prospect, "requestdate") {
            if let normalised = Timestamp.normaliseDateTime(raw) { requestDate = normalised } else if let date = Timestamp.normaliseDate(raw) {
                requestDate = date + "T00:00:00.000Z"
                warnings.append(ADFWarning(path: "\(base)/requestdate", message: "a date without a time: read as midnight UTC", value: raw))
            } else {
                warnings.append(ADFWarning(path: "\(base)/requestdate", message: "not an ISO 8601 date-time with a time zone; the arrival time is used", value: raw))
            }
        } else {
            warnings.append(ADFWarning(path: "\(base)/requestdate", message: "missing; the arrival time is used", value: ""))
        }
        var leadID: String?
        if let idElement = children(prospect, "id").first, let value = clean(idElement.stringValue) {
            leadID = [clean(idElement.attribute(forName: "source")), value].compactMap { $0 }.joined(separator: ":")
        }
        let status = attribute(prospect, "status") ?? "new"
        let vendor = children(prospect, "vendor").first
        let provider = children(prospect, "provider").first
        let vendorName = text(vendor, "vendorname"), providerName = provider.flatMap { text($0, "name") }
        // What a lead record holds (65,536 bytes): a longer prospect keeps its structure with its longest
        // texts shortened, so a quarantined one can still be read again and released.
        let (raw, shortened, wholeBytes) = prospect.xmlString(fitting: 65_536)
        if shortened || raw.utf8.count > 65_536 {
            warnings.append(ADFWarning(path: base, message: shortened
                ? "the prospect's XML is longer than a lead record holds (65,536 bytes): its longest texts are kept shortened"
                : "the prospect's XML is longer than a lead record holds (65,536 bytes): kept cut",
                value: "\(wholeBytes) bytes"))
        }
        let identity = StableID.make(prospect.canonicalXML).string
        func quarantine(_ reason: String) -> Outcome {
            var prospect = ADFQuarantinedProspect(index: index, reason: reason, raw: raw, warnings: warnings, status: status,
                                                  requestDate: requestDate, leadID: leadID, providerName: providerName, vendorName: vendorName)
            prospect.identity = identity
            return .quarantined(prospect)
        }
        // Released with staff's values, a prospect without <customer> or <contact> reads as an empty one.
        let placeholder = amend.map { _ in ADFElement(name: "customer", attributes: []) }
        guard let customer = children(prospect, "customer").first ?? placeholder else { return quarantine("no <customer>") }
        // The customer is the contact marked primarycontact="1", else the first one a salesperson can
        // reach (a name and an e-mail or phone); the others (a co-buyer) are lines of the interaction.
        let contacts = children(customer, "contact")
        var chosen: (element: ADFElement, contact: ADFLead.Contact, warnings: [ADFWarning], notes: [String])?
        for element in contacts.filter({ attribute($0, "primarycontact") == "1" }) + contacts.filter({ attribute($0, "primarycontact") != "1" }) {
            var w: [ADFWarning] = [], n: [String] = []
            let parsed = parseContact(element, path: path("\(base)/customer", element, among: contacts), warnings: &w, notes: &n)
            let usable = (parsed.firstName != nil || parsed.lastName != nil || parsed.businessName != nil) && (parsed.email != nil || !parsed.phones.isEmpty)
            if chosen == nil || usable { chosen = (element, parsed, w, n) }
            if usable { break }
        }
        if chosen == nil, amend != nil { chosen = (ADFElement(name: "contact", attributes: []), ADFLead.Contact(), [], []) }
        guard let chosen else { return quarantine("no <contact>: a lead needs a name and an e-mail or phone") }
        let contactElement = chosen.element
        warnings += chosen.warnings
        var notes: [String] = chosen.notes
        var contact = chosen.contact
        if let amend { amend.apply(to: &contact, notes: &notes) }
        var reasons: [String] = []
        if contact.firstName == nil && contact.lastName == nil && contact.businessName == nil { reasons.append("no name") }
        if contact.email == nil && contact.phones.isEmpty { reasons.append("no usable e-mail or phone") }
        guard reasons.isEmpty else { return quarantine(reasons.joined(separator: "; ")) }

        var comments: [String] = []
        if let c = text(customer, "comments") {
            comments.append(c)
            if c.utf8.count > 19_000 {
                warnings.append(ADFWarning(path: "\(base)/customer/comments", message: "longer than an interaction holds (20,000 bytes): "
                                           + "the interaction keeps the start, the lead's XML up to 65,536 characters", value: String(c.prefix(80)) + "…"))
            }
        }
        if let timeframe = children(customer, "timeframe").first {
            let parts = [text(timeframe, "description"), text(timeframe, "earliestdate").map { "earliest \($0)" },
                         text(timeframe, "latestdate").map { "latest \($0)" }].compactMap { $0 }
            if !parts.isEmpty { comments.append("Timeframe: " + parts.joined(separator: ", ")) }
        }
        var occupation: String?, income: String?
        if let employment = children(customer, "employment").first ?? children(contactElement, "employment").first {
            occupation = text(employment, "occupation") ?? text(employment, "title") ?? text(employment, "position")
            income = text(employment, "incomerange") ?? text(employment, "income") ?? text(employment, "salary")
            if let employer = text(employment, "employer") ?? text(employment, "company") { notes.append("Employer: \(employer)") }
            if let months = text(employment, "monthsemployed") ?? text(employment, "timeemployed") { notes.append("Time employed: \(months)") }
        }
        // A co-buyer or second contact, and anything else about the customer, kept in the interaction's text.
        for other in contacts where other !== contactElement {
            if let text = describe(other) { notes.append("Another contact: \(text)") }
        }
        let mappedCustomer: Set<String> = ["contact", "comments", "timeframe", "employment"]
        for other in customer.elements where !mappedCustomer.contains(other.name.lowercased()) {
            if let text = describe(other) { notes.append("Customer \(other.name.lowercased()): \(text)") }
        }
        var interest: [ADFLead.Vehicle] = []
        var owned: [ADFLead.Vehicle] = []
        let vehicles = children(prospect, "vehicle")
        for element in vehicles {
            let vehicle = parseVehicle(element, path: path(base, element, among: vehicles), warnings: &warnings, notes: &notes)
            if vehicle.interest == "trade-in" || vehicle.interest == "sell" { owned.append(vehicle) } else { interest.append(vehicle) }
        }
        var lead = ADFLead(
            status: status, requestDate: requestDate, leadID: leadID, contact: contact,
            comments: comments, vehiclesOfInterest: interest, ownedVehicles: owned,
            vendorName: vendorName, providerName: providerName)
        lead.index = index
        lead.warnings = warnings
        lead.notes = notes
        lead.occupation = occupation
        lead.incomeRange = income
        lead.raw = raw
        lead.identity = identity
        return .lead(lead)
    }

    static func parseContact(_ contact: ADFElement, path base: String, warnings: inout [ADFWarning], notes: inout [String]) -> ADFLead.Contact {
        var first: String?, middle: String?, last: String?, business: String?
        for name in children(contact, "name") {
            guard let value = clean(name.stringValue) else { continue }
            let part = attribute(name, "part") ?? "full"
            let isBusiness = attribute(name, "type") == "business"
            switch part {
            case "first": first = PersonName.tidy(value)
            case "middle": middle = PersonName.tidy(value)
            case "last": last = PersonName.tidy(value)
            default:
                if isBusiness { business = value } else {
                    let split = PersonName.split(full: value)
                    first = first ?? split.first.flatMap(PersonName.tidy)
                    last = last ?? split.last.flatMap(PersonName.tidy)
                }
            }
        }
        if let middle, let f = first { first = "\(f) \(middle)" }
        var preferred: String?
        var email: String?
        let emails = children(contact, "email")
        for element in emails {
            guard let raw = clean(element.stringValue) else { continue }
            if let normalised = EmailAddress.normalise(raw) {
                if email == nil {
                    email = normalised
                    if attribute(element, "preferredcontact") == "1" { preferred = "Email" }
                } else if normalised != email {
                    warnings.append(ADFWarning(path: path(base, element, among: emails), message: "a second e-mail address (a customer holds one)", value: raw))
                }
            } else {
                warnings.append(ADFWarning(path: path(base, element, among: emails), message: "not an e-mail address", value: raw))
            }
        }
        let addresses = children(contact, "address")
        let addressElement = addresses.first
        for other in addresses.dropFirst() {
            if let text = describe(other) { notes.append("Another address: \(text)") }
        }
        let addressType = addressElement.flatMap { attribute($0, "type") }
        var phones: [ADFLead.Phone] = []
        let phoneElements = children(contact, "phone")
        for element in phoneElements {
            guard let raw = clean(element.stringValue) else { continue }
            let at = path(base, element, among: phoneElements)
            let kind = attribute(element, "type")
            if let time = attribute(element, "time"), time != "nopreference" { notes.append("Best time to call \(raw): \(time)") }
            guard let (number, rest) = lenientPhone(raw) else {
                warnings.append(ADFWarning(path: at, message: "not a phone number", value: raw))
                continue
            }
            if kind == "fax" {
                warnings.append(ADFWarning(path: at, message: "a fax number: kept here, not stored as a phone to call", value: raw))
                continue
            }
            if rest != nil { warnings.append(ADFWarning(path: at, message: "text after the number (an extension or a note) kept here; the number is stored", value: raw)) }
            let type: String?
            switch kind {
            case "cellphone": type = "Mobile"
            case "voice": type = addressType == "work" ? "Work" : addressType == "home" ? "Home" : nil
            case "pager": type = "Other"
            default: type = nil  // not given: unknown (duplicate detection treats it as the person's own)
            }
            if attribute(element, "preferredcontact") == "1" { preferred = preferred ?? "Phone" }
            if !phones.contains(where: { $0.number == number }) { phones.append(ADFLead.Phone(type: type, number: number)) }
        }
        var address: ADFLead.Address?
        if let a = addressElement {
            var streets = children(a, "street").sorted {
                (Int($0.attribute(forName: "line") ?? "1") ?? 1) < (Int($1.attribute(forName: "line") ?? "1") ?? 1)
            }.compactMap { clean($0.stringValue) }
            if let apartment = text(a, "apartment") { streets.append(apartment) }
            let type: String? = switch addressType {
            case "home": "Home"
            case "work": "Work"
            default: nil
            }
            var postal = text(a, "postalcode"), country = text(a, "country")
            if let value = postal, value.utf8.count > 16 {
                warnings.append(ADFWarning(path: "\(base)/address/postalcode", message: "longer than a postal code (16 characters)", value: value))
                postal = nil
            }
            if let value = country, value.utf8.count > 64 {
                warnings.append(ADFWarning(path: "\(base)/address/country", message: "longer than a country (64 characters)", value: value))
                country = nil
            }
            address = ADFLead.Address(type: type, street: streets.isEmpty ? nil : streets.joined(separator: ", "), city: text(a, "city"),
                                      state: text(a, "regioncode"), postalCode: postal, country: country)
        }
        return ADFLead.Contact(firstName: first, lastName: last, businessName: business, email: email, phones: phones,
                               address: address, preferredMethod: preferred)
    }

    /// A phone number in E.164, also when an extension or a note follows it (`555-010-0101 x12`,
    /// `(555) 010-0101 after 5pm`): the number, and the text after it when there was some.
    static func lenientPhone(_ raw: String) -> (String, String?)? {
        if let number = PhoneNumber.e164(raw) { return (number, nil) }
        guard let cut = raw.firstIndex(where: { !($0.isASCII && $0.isNumber) && !" -.()/+\u{00A0}".contains($0) }) else { return nil }
        let head = String(raw[..<cut]), rest = raw[cut...].trimmingCharacters(in: .whitespaces)
        guard head.filter(\.isNumber).count >= 10, let number = PhoneNumber.e164(head) else { return nil }
        return (number, rest.isEmpty ? nil : rest)
    }

    static func parseVehicle(_ element: ADFElement, path at: String, warnings: inout [ADFWarning], notes: inout [String]) -> ADFLead.Vehicle {
        var vehicle = ADFLead.Vehicle(interest: attribute(element, "interest") ?? "buy")
        switch attribute(element, "status") {
        case "new": vehicle.condition = "New"
        case "used": vehicle.condition = "Used"
        default: break
        }
        if let year = text(element, "year") {
            if let y = Int64(year), (1886...2100).contains(y) { vehicle.year = y } else {
                warnings.append(ADFWarning(path: "\(at)/year", message: "not a model year", value: year))
            }
        }
        vehicle.make = text(element, "make")
        vehicle.model = text(element, "model")
        vehicle.trim = text(element, "trim")
        if let raw = text(element, "vin") {
            if let vin = VIN.normalise(raw) { vehicle.vin = vin } else {
                warnings.append(ADFWarning(path: "\(at)/vin", message: "not a 17-character VIN", value: raw))
            }
        }
        if let odometer = children(element, "odometer").first, let raw = clean(odometer.stringValue) {
            if let value = Int64(raw.filter { $0 != "," }), (0...10_000_000).contains(value) {
                vehicle.odometer = value
                vehicle.odometerUnits = attribute(odometer, "units")?.hasPrefix("k") == true ? "km" : "mi"  // km, kms, kilometres
            } else {
                warnings.append(ADFWarning(path: "\(at)/odometer", message: "not a number", value: raw))
            }
        }
        if let colors = children(element, "colorcombination").first {
            vehicle.exteriorColor = text(colors, "exteriorcolor")
            vehicle.interiorColor = text(colors, "interiorcolor")
        }
        vehicle.comments = text(element, "comments")
        let title = vehicle.title.isEmpty ? "vehicle" : vehicle.title
        for price in children(element, "price") {
            guard let value = clean(price.stringValue) else { continue }
            let kind = attribute(price, "type") ?? "price"
            notes.append("\(title) \(kind) price: \(value)" + (attribute(price, "currency").map { " \($0.uppercased())" } ?? ""))
        }
        if let finance = children(element, "finance").first {
            var parts: [String] = []
            if let method = text(finance, "method") { parts.append(method) }
            for amount in children(finance, "amount") {
                guard let value = clean(amount.stringValue) else { continue }
                parts.append("\(attribute(amount, "type") ?? "amount") \(value)" + (attribute(amount, "currency").map { " \($0.uppercased())" } ?? ""))
            }
            if let balance = text(finance, "balance") { parts.append("balance \(balance)") }
            if !parts.isEmpty { notes.append("Finance (\(title)): " + parts.joined(separator: ", ")) }
        }
        // Everything else a provider sends about the vehicle (stock number, body style, doors,
        // transmission, options, price comments …) is kept in the interaction's text.
        let mapped: Set<String> = ["year", "make", "model", "trim", "vin", "odometer", "comments", "price", "finance"]
        let firstColors = children(element, "colorcombination").first
        for other in element.elements where !mapped.contains(other.name.lowercased()) && other !== firstColors {
            if let text = describe(other) { notes.append("\(title) \(other.name.lowercased()): \(text)") }
        }
        return vehicle
    }

    /// An element's content as one line for the interaction: a leaf's text (with its attributes in
    /// parentheses), an element with children as `child value, child value`.
    static func describe(_ element: ADFElement) -> String? {
        let parts = element.elements.compactMap { child in describe(child).map { "\(child.name.lowercased()) \($0)" } }
        let attributes = element.attributes.map { "\($0.name) \($0.value)" }.joined(separator: ", ")
        guard parts.isEmpty else { return parts.joined(separator: ", ") + (attributes.isEmpty ? "" : " (\(attributes))") }
        guard let text = clean(element.stringValue) else { return nil }
        return text + (attributes.isEmpty ? "" : " (\(attributes))")
    }
}
