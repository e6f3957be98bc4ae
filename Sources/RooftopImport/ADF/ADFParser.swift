import Foundation
import FoundationXML
import RooftopModel

/// Reads ADF 1.0 XML (Auto-lead Data Format, STAR) into ``ADFLead`` values.
///
/// Accepts the variations providers send: `<?adf version="1.0"?>` in either case, names as
/// `first`/`middle`/`last` parts or one `full` part, several phones in many formats, e-mail with
/// stray case and whitespace, several vehicles, business and individual names in one contact,
/// several prospects, comments as text or CDATA.
///
/// A document is all or nothing: any prospect without a usable contact (a name and a phone or
/// e-mail), with an invalid `<requestdate>`, phone or VIN rejects the whole document.
public enum ADFParser {
    /// Documents larger than this are refused (1 MiB).
    public static let maxDocumentBytes = 1 << 20

    /// - Parameter data: the XML document.
    /// - Returns: one lead per `<prospect>`, in document order.
    /// - Throws: ``ADFError`` listing every problem found.
    public static func parse(_ data: Data) throws(ADFError) -> [ADFLead] {
        guard data.count <= maxDocumentBytes else { throw ADFError(problems: ["document is larger than \(maxDocumentBytes) bytes"]) }
        guard data.contains(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) else {
            throw ADFError(problems: ["the document is empty"])
        }
        // libxml2's DOM parser recovers from broken input; the SAX parser is strict, so it
        // decides well-formedness first (on Linux it may return true yet record an error).
        let strict = XMLParser(data: data)
        strict.shouldResolveExternalEntities = false
        guard strict.parse(), strict.parserError == nil else {
            throw ADFError(problems: ["not well-formed XML" + (strict.lineNumber > 0 ? " (line \(strict.lineNumber))" : "")])
        }
        let document: XMLDocument
        do { document = try XMLDocument(data: data, options: []) } catch {
            throw ADFError(problems: ["not well-formed XML"])
        }
        guard let root = document.rootElement(), root.name?.lowercased() == "adf" else {
            throw ADFError(problems: ["the root element is not <adf>"])
        }
        let prospects = children(root, "prospect")
        guard !prospects.isEmpty else { throw ADFError(problems: ["<adf> has no <prospect>"]) }
        var leads: [ADFLead] = []
        var problems: [String] = []
        for (i, prospect) in prospects.enumerated() {
            var local: [String] = []
            let lead = parseProspect(prospect, problems: &local)
            problems += local.map { "prospect \(i + 1): \($0)" }
            if local.isEmpty, let lead { leads.append(lead) }
        }
        guard problems.isEmpty else { throw ADFError(problems: problems) }
        return leads
    }

    static func children(_ element: XMLElement, _ name: String) -> [XMLElement] {
        (element.children ?? []).compactMap { $0 as? XMLElement }.filter { $0.name?.lowercased() == name }
    }

    static func text(_ element: XMLElement?, _ name: String) -> String? {
        guard let element, let child = children(element, name).first else { return nil }
        return clean(child.stringValue)
    }

    static func clean(_ value: String?) -> String? {
        guard let value else { return nil }
        let trimmed = value.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return trimmed.isEmpty ? nil : trimmed.precomposedStringWithCanonicalMapping
    }

    static func attribute(_ element: XMLElement, _ name: String) -> String? {
        clean(element.attribute(forName: name)?.stringValue)?.lowercased()
    }

    static func parseProspect(_ prospect: XMLElement, problems: inout [String]) -> ADFLead? {
        var requestDate = ""
        if let raw = text(prospect, "requestdate") {
            if let normalised = Timestamp.normaliseDateTime(raw) { requestDate = normalised } else {
                problems.append("<requestdate> is not an ISO 8601 date-time")
            }
        } else {
            problems.append("<requestdate> is missing")
        }
        var leadID: String?
        if let idElement = children(prospect, "id").first, let value = clean(idElement.stringValue) {
            leadID = [clean(idElement.attribute(forName: "source")?.stringValue), value].compactMap { $0 }.joined(separator: ":")
        }
        let customer = children(prospect, "customer").first
        guard let customer else {
            problems.append("<customer> is missing")
            return nil
        }
        guard let contactElement = children(customer, "contact").first else {
            problems.append("<customer> has no <contact> (a lead needs a name and a phone or e-mail)")
            return nil
        }
        let contact = parseContact(contactElement, problems: &problems)
        var comments: [String] = []
        if let c = text(customer, "comments") { comments.append(c) }
        if let timeframe = children(customer, "timeframe").first, let d = text(timeframe, "description") {
            comments.append("Timeframe: \(d)")
        }
        var interest: [ADFLead.Vehicle] = []
        var owned: [ADFLead.Vehicle] = []
        for (i, element) in children(prospect, "vehicle").enumerated() {
            guard let vehicle = parseVehicle(element, index: i + 1, problems: &problems) else { continue }
            if vehicle.interest == "trade-in" || vehicle.interest == "sell" { owned.append(vehicle) } else { interest.append(vehicle) }
        }
        let vendor = children(prospect, "vendor").first
        let provider = children(prospect, "provider").first
        return ADFLead(
            status: attribute(prospect, "status") ?? "new", requestDate: requestDate, leadID: leadID, contact: contact,
            comments: comments, vehiclesOfInterest: interest, ownedVehicles: owned,
            vendorName: text(vendor, "vendorname"), providerName: provider.flatMap { text($0, "name") })
    }

    static func parseContact(_ contact: XMLElement, problems: inout [String]) -> ADFLead.Contact {
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
        if let element = children(contact, "email").first, let raw = clean(element.stringValue) {
            if let normalised = EmailAddress.normalise(raw) { email = normalised } else { problems.append("<email> is not an e-mail address") }
            if attribute(element, "preferredcontact") == "1" { preferred = "Email" }
        }
        let addressElement = children(contact, "address").first
        let addressType = addressElement.flatMap { attribute($0, "type") }
        var phones: [ADFLead.Phone] = []
        for element in children(contact, "phone") {
            guard let raw = clean(element.stringValue) else { continue }
            guard let number = PhoneNumber.e164(raw) else {
                problems.append("<phone> is not a phone number")
                continue
            }
            let type: String
            switch attribute(element, "type") {
            case "cellphone": type = "Mobile"
            case "voice": type = addressType == "work" ? "Work" : addressType == "home" ? "Home" : "Other"
            default: type = "Other"  // fax, pager, or not given
            }
            if attribute(element, "type") == "fax" { continue }  // not a number to call
            if attribute(element, "preferredcontact") == "1" { preferred = preferred ?? "Phone" }
            if !phones.contains(where: { $0.number == number }) { phones.append(ADFLead.Phone(type: type, number: number)) }
        }
        if first == nil && last == nil && business == nil {
            problems.append("<contact> has no name")
        }
        if email == nil && phones.isEmpty {
            problems.append("<contact> has neither a phone nor an e-mail")
        }
        var address: ADFLead.Address?
        if let a = addressElement {
            var streets = children(a, "street").sorted {
                (Int($0.attribute(forName: "line")?.stringValue ?? "1") ?? 1) < (Int($1.attribute(forName: "line")?.stringValue ?? "1") ?? 1)
            }.compactMap { clean($0.stringValue) }
            if let apartment = text(a, "apartment") { streets.append(apartment) }
            let type: String? = switch addressType {
            case "home": "Home"
            case "work": "Work"
            default: nil
            }
            address = ADFLead.Address(type: type, street: streets.isEmpty ? nil : streets.joined(separator: ", "), city: text(a, "city"),
                                      state: text(a, "regioncode"), postalCode: text(a, "postalcode"), country: text(a, "country"))
        }
        return ADFLead.Contact(firstName: first, lastName: last, businessName: business, email: email, phones: phones,
                               address: address, preferredMethod: preferred)
    }

    static func parseVehicle(_ element: XMLElement, index: Int, problems: inout [String]) -> ADFLead.Vehicle? {
        var vehicle = ADFLead.Vehicle(interest: attribute(element, "interest") ?? "buy")
        switch attribute(element, "status") {
        case "new": vehicle.condition = "New"
        case "used": vehicle.condition = "Used"
        default: break
        }
        if let year = text(element, "year") {
            if let y = Int64(year), (1886...2100).contains(y) { vehicle.year = y } else { problems.append("<vehicle> \(index): <year> is not a model year") }
        }
        vehicle.make = text(element, "make")
        vehicle.model = text(element, "model")
        vehicle.trim = text(element, "trim")
        if let raw = text(element, "vin") {
            if let vin = VIN.normalise(raw) { vehicle.vin = vin } else { problems.append("<vehicle> \(index): <vin> is not a 17-character VIN") }
        }
        if let odometer = children(element, "odometer").first, let raw = clean(odometer.stringValue) {
            if let value = Int64(raw.filter { $0 != "," }), value >= 0 {
                vehicle.odometer = value
                vehicle.odometerUnits = attribute(odometer, "units") == "km" ? "km" : "mi"
            } else {
                problems.append("<vehicle> \(index): <odometer> is not a number")
            }
        }
        if let colors = children(element, "colorcombination").first {
            vehicle.exteriorColor = text(colors, "exteriorcolor")
            vehicle.interiorColor = text(colors, "interiorcolor")
        }
        vehicle.comments = text(element, "comments")
        return vehicle
    }
}
