import Foundation
import Hummingbird
import RooftopHTTP
import RooftopImport
import RooftopModel
import RooftopStore

/// `POST /api/crm/leads/adf`: an ADF 1.0 document from a lead provider (`sync-protocol/lead-intake.md`).
///
/// The body is the XML (`application/xml`, `text/xml`, or `text/plain`, which providers use), or a
/// form (`application/x-www-form-urlencoded`) whose field `adf` (or `xml`, `lead`, or its only
/// field) holds the XML; at most ``ADFParser/maxDocumentBytes``. The same importer as
/// `rooftop import adf` (``LeadImporter``): each usable prospect becomes (or attaches to) a
/// customer with an interaction and a `lead` record; a prospect nobody can be reached at is
/// quarantined, kept whole. Posting the same document again writes nothing (ids derive from the lead).
///
/// Answers 200 with `{"customersCreated", "customersMatched", "interactions", "vehicles",
/// "quarantined", "alreadyImported", "leads": [{"index", "leadId", "outcome": "Imported" |
/// "Quarantined" | "AlreadyImported", "customerId", "interactionId", "customerMatched", "reason",
/// "warnings": [{"path", "message", "value"}]}]}`. 400 `INVALID_ADF` when the document is not ADF
/// (not XML, another root, no prospect: nothing imported); 413 when larger than the limit.
/// The staff API listens on loopback only, so until staff identity exists only this machine (a
/// provider's relay on it) can post.
///
/// `POST /api/crm/leads/{id}/release` with `{"firstName", "lastName", "businessName", "email",
/// "phone", "releasedBy"}` (each optional): imports a quarantined lead with the values staff give
/// (``LeadImporter/release(lead:amend:in:)``); 200 with the lead as in `leads` above. 404 for no
/// such lead, 409 `CONFLICT` when it is not quarantined, 422 `INVALID` when it still lacks a name or
/// a usable e-mail or phone, 400 for an invalid e-mail or phone.
struct LeadRoutes: Sendable {
    static let path = "/api/crm/leads/adf"
    /// Media types accepted (a lead provider's POST; the browser guard checks the origin first).
    static let mediaTypes = ["application/xml", "text/xml", "text/plain", "application/x-www-form-urlencoded"]

    let replica: Replica

    func register<Context: RequestContext>(on router: Router<Context>) {
        router.post(RouterPath(Self.path)) { request, _ in
            try ListParameters.refuseUnknown(request, allowed: [])
            let buffer: ByteBuffer
            do { buffer = try await request.body.collect(upTo: ADFParser.maxDocumentBytes) } catch {
                throw ProblemDetails(.contentTooLarge, code: "CONTENT_TOO_LARGE",
                                     detail: "the ADF document is larger than \(ADFParser.maxDocumentBytes) bytes")
            }
            var data = Data(buffer: buffer)
            let mediaType = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            if mediaType == "application/x-www-form-urlencoded" { data = try Self.formDocument(data) }
            let document = data
            let report: ImportReport = try await replica.run { replica in
                do { return try LeadImporter.importDocument(document, into: replica, via: .http) } catch let error as ADFError {
                    throw ProblemDetails(.badRequest, code: "INVALID_ADF", title: "Not an ADF document",
                                         detail: error.description + "; nothing was imported")
                }
            }
            return try Response.json(report.adfJSON)
        }
        router.post(RouterPath("/api/crm/leads/:id/release")) { request, context in
            try ListParameters.refuseUnknown(request, allowed: [])
            let id = try RequestBody.rowID(context, "id")
            let body = try await RequestBody.optionalJSONObject(request) ?? [:]
            let fields = ["firstName", "lastName", "businessName", "email", "phone", "releasedBy"]
            try RequestBody.refuseUnknownFields(body, allowed: Set(fields))
            var values: [String: String] = [:]
            for field in fields {
                switch body[field] {
                case nil, .null?: continue
                case .string(let text)?: values[field] = text.trimmingCharacters(in: .whitespacesAndNewlines)
                default: throw ProblemDetails.validation(FieldInputError(pointer: "/\(field)", reason: "expected a string"))
                }
            }
            let amend: ADFContactAmendment
            do {
                amend = try ADFContactAmendment(firstName: values["firstName"], lastName: values["lastName"], businessName: values["businessName"],
                                                email: values["email"], phone: values["phone"], releasedBy: values["releasedBy"])
            } catch let error as FieldInputError { throw ProblemDetails.validation(error) }
            let imported = try await replica.run { replica in try LeadImporter.release(lead: id, amend: amend, in: replica) }
            return try Response.json(imported.json)
        }
    }

    /// The XML of a form body: the field `adf`, `xml` or `lead`, or the only field.
    static func formDocument(_ body: Data) throws -> Data {
        let text = String(decoding: body, as: UTF8.self)
        var fields: [(String, String)] = []
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String? { String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = decode(parts[0]), let value = parts.count > 1 ? decode(parts[1]) : "" else {
                throw ProblemDetails(.badRequest, code: "INVALID_ADF", title: "Not an ADF document", detail: "the form body is not URL-encoded; nothing was imported")
            }
            fields.append((name.lowercased(), value))
        }
        let named = fields.first { ["adf", "xml", "lead"].contains($0.0) }?.1 ?? (fields.count == 1 ? fields[0].1 : nil)
        guard let xml = named else {
            throw ProblemDetails(.badRequest, code: "INVALID_ADF", title: "Not an ADF document",
                                 detail: "the form has no field adf (or xml, lead) holding the document; nothing was imported")
        }
        return Data(xml.utf8)
    }
}
