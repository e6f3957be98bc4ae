import Hummingbird
import RooftopModel
import RooftopStore
import RooftopHTTP
import RooftopCRM

/// The query parameters of a collection, read the same way for every collection:
/// `limit` (default ``CRMService/defaultLimit``, at most ``CRMService/maxLimit``), `cursor` (the
/// previous page's `nextCursor`), `sort` (`field` or `-field`, among the declared sorts), one
/// equality filter per declared filter field (repeatable: every value must match), and
/// `createdAfter`/`createdBefore`/`updatedAfter`/`updatedBefore` (RFC 3339). Any other parameter
/// is a 400 naming it.
enum ListParameters {
    static let rangeParameters = ["createdAfter": ("createdAt", true), "createdBefore": ("createdAt", false),
                                  "updatedAfter": ("updatedAt", true), "updatedBefore": ("updatedAt", false)]

    /// The parameter names a collection of `entity` accepts (besides `extra`).
    static func allowed(_ entity: EntitySchema, extra: [String] = []) -> [String] {
        var names = ["limit", "cursor"] + extra
        if let resource = entity.resource {
            names += resource.filters
            if !resource.sorts.isEmpty { names.append("sort") }
        }
        for (name, (field, _)) in rangeParameters where entity.field(field) != nil { names.append(name) }
        return names
    }

    /// Refuses parameters not in `allowed`.
    /// - Throws: ``ProblemDetails`` 400 `VALIDATION` naming the first unknown parameter.
    static func refuseUnknown(_ request: Request, allowed: [String]) throws {
        for (name, _) in request.uri.queryParameters where !allowed.contains(String(name)) {
            throw ProblemDetails(.badRequest, code: "VALIDATION", title: "Invalid request",
                                 detail: "unknown query parameter \(name) (this collection takes: \(allowed.sorted().joined(separator: ", ")))",
                                 errors: [.init(pointer: "/\(name)", detail: "unknown query parameter")])
        }
    }

    /// A `true`/`false` query parameter; false when absent.
    /// - Throws: a `VALIDATION` problem for any other value.
    static func flag(_ request: Request, _ name: String) throws -> Bool {
        guard let text = request.uri.queryParameters.get(name) else { return false }
        guard text == "true" || text == "false" else {
            throw ProblemDetails(.badRequest, code: "VALIDATION", title: "Invalid request", detail: "\(name): expected true or false",
                                 errors: [.init(pointer: "/\(name)", detail: "expected true or false")])
        }
        return text == "true"
    }

    /// The limit (default 50, 1...500).
    static func limit(_ request: Request) throws -> Int {
        try RequestBody.integer(request, "limit", default: CRMService.defaultLimit, in: 1...CRMService.maxLimit)
    }

    /// A stored value of `type` from query text (`true`, `42`, `Gold`).
    static func value(_ text: String, _ type: FieldType, name: String) throws -> FieldValue {
        let json: JSONValue
        switch type {
        case .boolean:
            guard text == "true" || text == "false" else { throw invalid(name, "expected true or false") }
            json = .bool(text == "true")
        case .integer:
            guard let number = Int64(text) else { throw invalid(name, "expected a whole number") }
            json = .number(Double(number))
        case .list(let element, _):
            return try value(text, element, name: name)
        default:
            json = .string(text)
        }
        do {
            let stored = try type.storedValue(for: json, at: "/\(name)")
            guard !stored.isNull else { throw invalid(name, "expected a value") }
            return stored
        } catch let error as FieldInputError {
            throw ProblemDetails.validation(error)
        }
    }

    static func invalid(_ name: String, _ reason: String) -> ProblemDetails {
        ProblemDetails(.badRequest, code: "VALIDATION", title: "Invalid request", detail: "query parameter \(name): \(reason)",
                       errors: [.init(pointer: "/\(name)", detail: reason)])
    }

    /// The list query a request asks for.
    /// - Throws: ``ProblemDetails`` 400 `VALIDATION` for an unknown parameter or a bad value.
    static func query(_ request: Request, _ entity: EntitySchema, extra: [String] = []) throws -> ListQuery {
        try refuseUnknown(request, allowed: allowed(entity, extra: extra))
        var query = ListQuery(entity, limit: try limit(request))
        let parameters = request.uri.queryParameters
        if let cursor = parameters.get("cursor") {
            guard !cursor.isEmpty, cursor.count <= 4096 else { throw invalid("cursor", "expected the nextCursor of a previous page") }
            query.cursor = String(cursor)
        }
        if let sort = parameters.get("sort") {
            let descending = sort.hasPrefix("-")
            let field = String(descending ? sort.dropFirst() : Substring(sort))
            guard entity.resource?.sorts.contains(field) == true else {
                throw invalid("sort", "expected one of \((entity.resource?.sorts ?? []).flatMap { [$0, "-" + $0] }.joined(separator: ", "))")
            }
            query.sort = field
            query.descending = descending
        }
        for name in entity.resource?.filters ?? [] {
            guard let spec = entity.field(name) else { continue }
            for text in parameters.getAll(name) {
                query.filters.append(.init(name, try value(String(text), spec.type, name: name)))
            }
        }
        for (name, (field, lower)) in rangeParameters where entity.field(field) != nil {
            guard let text = parameters.get(name) else { continue }
            let value = try value(String(text), .dateTime, name: name)
            query.ranges.append(lower ? .init(field, from: value, before: nil) : .init(field, from: nil, before: value))
        }
        return query
    }
}
