import Foundation
import Hummingbird
import RooftopHTTP
import RooftopImport
import RooftopModel
import RooftopStore

/// `POST /api/crm/customers/import`: a customer CSV in the body (`Content-Type: text/csv`, RFC 4180,
/// UTF-8, a header row) or JSON Lines (``jsonLinesTypes``: one `Customer` object per line); at most
/// ``maxBytes``, a few thousand rows: larger files go through `rooftop import customers`, which
/// streams. The same importer as the CLI (``CustomerImporter``): CSV columns named like the
/// customer's fields or mapped with repeated `map=column=field` query parameters
/// (`?map=First%20Name=firstName`); each row is written whole or not at all; a row already imported
/// (its `id`, else the same `externalId` imported at this rooftop, else the same content) is counted,
/// not written again; a row whose `externalId` was imported here before from other values, or of a
/// customer erased here, is rejected (`sync-protocol/import-ids.md`). `externalSystem=NAME` names the
/// system whose keys the `externalId` column holds (two systems' `rec-1` are two customers).
///
/// Answers 200 with `{"customersCreated": int, "alreadyImported": int, "rejected": [{"line": int,
/// "reason": string}], "ignoredColumns": [string], "differing": [{"line": int, "customerId": string}]}`, rejected lines numbered as in the file (a CSV's
/// header is line 1). 400 `VALIDATION` when no column names a field or a mapping names no field;
/// 413 when the body is larger than ``maxBytes``; 415 for another media type.
struct CustomerImportRoutes: Sendable {
    static let path = "/api/crm/customers/import"
    /// Largest accepted CSV body: 8 MiB (about 40,000 rows of a typical export).
    static let maxBytes = 8 << 20
    /// The JSON Lines media types read (`application/x-ndjson` is the common one; <https://jsonlines.org>).
    static let jsonLinesTypes = ["application/x-ndjson", "application/jsonl"]

    let replica: Replica

    func register<Context: RequestContext>(on router: Router<Context>) {
        router.post(RouterPath(Self.path)) { request, _ in
            try ListParameters.refuseUnknown(request, allowed: ["map", "externalSystem"])
            let mapping = try Self.mapping(request.uri.queryParameters.getAll("map").map { String($0) })
            let systems = request.uri.queryParameters.getAll("externalSystem")
            guard systems.count <= 1 else {
                throw ProblemDetails(.badRequest, code: "VALIDATION", title: "Invalid request", detail: "externalSystem: named \(systems.count) times; a file holds one system's keys")
            }
            let externalSystem = systems.first.map { String($0) }
            if let problem = externalSystem.flatMap(CustomerImporter.externalSystemProblem) {
                throw ProblemDetails(.badRequest, code: "VALIDATION", title: "Invalid request", detail: "externalSystem: " + problem)
            }
            let buffer: ByteBuffer
            do { buffer = try await request.body.collect(upTo: Self.maxBytes) } catch {
                throw ProblemDetails(.contentTooLarge, code: "CONTENT_TOO_LARGE",
                                     detail: "the body is larger than \(Self.maxBytes) bytes: import it with `rooftop import customers FILE`, which streams")
            }
            let data = Data(buffer: buffer)
            let mediaType = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? "text/csv"
            let format: CustomerFileFormat = Self.jsonLinesTypes.contains(mediaType) ? .jsonl : .csv
            let report: ImportReport = try await replica.run { replica in
                do {
                    var importer = try CustomerImporter(replica: replica, mapping: mapping)
                    importer.format = format
                    importer.externalSystem = externalSystem
                    return try importer.importData(data, name: "the body")
                } catch let error as CustomerImportError {
                    throw ProblemDetails(.badRequest, code: "VALIDATION", title: "Invalid request", detail: error.description)
                }
            }
            return try Response.json(Self.json(report))
        }
    }

    /// `column=field` pairs; the field is checked by the importer.
    static func mapping(_ pairs: [String]) throws -> [String: String] {
        var mapping: [String: String] = [:]
        for pair in pairs {
            guard let equals = pair.lastIndex(of: "="), equals != pair.startIndex, pair.index(after: equals) != pair.endIndex else {
                throw ProblemDetails(.badRequest, code: "VALIDATION", title: "Invalid request", detail: "map=\(pair): expected column=field",
                                     errors: [.init(pointer: "/map", detail: "expected column=field")])
            }
            mapping[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        return mapping
    }

    /// The report as JSON; rejected lines as `{"line", "reason"}` (the importer writes `line N: reason`).
    static func json(_ report: ImportReport) -> JSONValue {
        let rejected: [JSONValue] = report.rejected.map { text in
            let parts = text.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].hasPrefix("line "), let line = Int(parts[0].dropFirst(5)) {
                return ["line": .number(Double(line)), "reason": .string(parts[1].trimmingCharacters(in: .whitespaces))]
            }
            return ["line": .null, "reason": .string(text)]
        }
        return ["customersCreated": .number(Double(report.customersCreated)), "customersMatched": .number(Double(report.customersMatched)),
                "alreadyImported": .number(Double(report.alreadyImported)),
                "matched": .array(report.matches.map { ["line": .number(Double($0.line)), "customerId": .string($0.customerId), "probability": .number($0.probability)] }),
                "rejected": .array(rejected), "ignoredColumns": .array(report.ignoredColumns.map(JSONValue.string)),
                "differing": .array(report.differing.map { ["line": .number(Double($0.line)), "customerId": .string($0.customerId)] })]
    }
}
