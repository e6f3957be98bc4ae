import Hummingbird
import RooftopCRM
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopHTTP

/// `/api/crm/customers` (design document "Customer Management"). Bodies and answers are the
/// design document's `Customer` JSON; errors are RFC 9457 problems.
///
/// - `GET /api/crm/customers?q=&limit=&cursor=&status=&loyaltyTier=&sourceType=&contactType=&homeRooftop=&tags=&createdAfter=…`:
///   `{"items": [Customer], "nextCursor": string|null}`; with `q`, a name / e-mail / phone search (``Replica/searchCustomers(_:limit:offset:)``), paged like the rest.
/// - `POST /api/crm/customers`: 201 with the new customer and `Location`.
/// - `GET /api/crm/customers/{id}`: the customer with an `ETag`; 410 `GONE` when it was deleted, erased or
///   purged (the detail says which), 404 when never known here.
/// - `PUT /api/crm/customers/{id}`: the customer as read and changed; requires `If-Match` with the
///   `ETag` of that read (RFC 9110 §13.1.1): without it 428 `PRECONDITION_REQUIRED` (RFC 6585 §3),
///   with an outdated one 412 `PRECONDITION_FAILED`, so a stale full record never resets newer edits
///   (decision 2). Only the fields whose value differs are stamped; phones and addresses are added or
///   changed, others kept. Answers the customer.
/// - `PATCH /api/crm/customers/{id}`: a JSON Merge Patch (RFC 7396, `application/merge-patch+json`):
///   members present are set, `null` clears (a nested group or list set to `null` clears all of it),
///   `phoneNumbers`, `addresses` and `tags` replace the whole list (those not listed are removed) and
///   then require `If-Match`; single fields need none.
/// - `DELETE /api/crm/customers/{id}`: 204; writes a tombstone (wins over edits made without
///   knowledge of it, which go to the conflict log). 404 when not found or already deleted.
/// - `POST /api/crm/customers/{id}/restore`: brings a deleted customer back; answers it.
/// - `POST /api/crm/customers/{id}/erase`: a data subject's erasure request: 202; the customer and
///   every row about them leave this replica now and every replica as the erase reaches it.
/// - `GET /api/crm/customers/{id}/interactions?limit=&cursor=`: `{"items": [CustomerInteraction], "nextCursor"}`, newest first.
/// - `GET /api/crm/customers/{id}/journey`: the `CustomerJourney` with `stageHistory`; 404 when none yet.
/// - `GET /api/crm/customers/{id}/vehicles`: `{"items": [CustomerVehicle with "vehicle"]}`.
struct CustomerRoutes: Sendable {
    let replica: Replica

    func register<Context: RequestContext>(on router: Router<Context>) {
        let customers = router.group("api/crm/customers")
        customers.get { request, _ in try await list(request) }
        customers.post { request, _ in try await create(request) }
        customers.get(":id") { request, context in
            try ListParameters.refuseUnknown(request, allowed: [])
            let id = try RequestBody.rowID(context, "id")
            return try Self.response(try await record(id))
        }
        customers.put(":id") { request, context in
            let id = try RequestBody.rowID(context, "id")
            // A whole record names the version it was based on (decision 2): a stale copy sent back
            // must never reset what changed since (RFC 6585 §3: 428 without If-Match).
            guard let expected = Self.entityTags(request) else {
                throw ProblemDetails(.preconditionRequired, code: "PRECONDITION_REQUIRED", title: "If-Match required",
                                     detail: "a PUT replaces the customer as read: send If-Match with the ETag of that read (or change single fields with PATCH, application/merge-patch+json)")
            }
            let input = try CustomerInput(json: try await RequestBody.jsonObject(request))
            _ = try await replica.run { try CRMService(replica: $0).updateCustomer(id: id, input, ifMatch: expected) }
            return try Self.response(try await record(id))
        }
        customers.patch(":id") { request, context in
            let id = try RequestBody.rowID(context, "id")
            let patch = try MergePatch.customerInput(try await RequestBody.jsonObject(request))
            // Scalar fields need no If-Match; replacing a list (phones, addresses, tags) does.
            let expected = Self.entityTags(request)
            if expected == nil && (patch.phones != nil || patch.addresses != nil || patch.tags != nil) {
                throw ProblemDetails(.preconditionRequired, code: "PRECONDITION_REQUIRED", title: "If-Match required",
                                     detail: "this PATCH replaces phoneNumbers, addresses or tags as a whole: send If-Match with the ETag they were read with")
            }
            _ = try await replica.run { try CRMService(replica: $0).updateCustomer(id: id, patch, ifMatch: expected, replacingChildren: true) }
            return try Self.response(try await record(id))
        }
        customers.delete(":id") { _, context in
            let id = try RequestBody.rowID(context, "id")
            try await replica.run { _ = try $0.delete(CRMSchema.customer, id: id) }
            return Response(status: .noContent)
        }
        for (path, entity) in [("phoneNumbers", CRMSchema.customerPhone), ("addresses", CRMSchema.customerAddress)] {
            customers.delete(":id/\(path)/:childId") { _, context in
                let id = try RequestBody.rowID(context, "id"), child = try RequestBody.rowID(context, "childId")
                try await replica.run { _ = try $0.removeChild(entity, id: child, ofCustomer: id) }
                return Response(status: .noContent)
            }
        }
        customers.post(":id/restore") { _, context in
            let id = try RequestBody.rowID(context, "id")
            try await replica.run { _ = try $0.restore(CRMSchema.customer, id: id) }
            return try Self.response(try await record(id))
        }
        customers.post(":id/erase") { _, context in
            let id = try RequestBody.rowID(context, "id")
            let change = try await replica.run { try $0.erase(customer: id) }
            return try Response.json(["customerId": JSONValue.string(id.string), "erasedBy": .string(replica.rooftop.rawValue),
                                      "at": .string(Timestamp.string(milliseconds: change.hlc.milliseconds))], status: .accepted)
        }
        customers.get(":id/interactions") { request, context in
            try ListParameters.refuseUnknown(request, allowed: ["limit", "cursor"])
            let asked = try RequestBody.rowID(context, "id")
            let id = try await replica.run { try $0.survivor(of: asked) }  // an absorbed id: the survivor's history
            var search = InteractionSearch()
            search.customerId = id
            search.limit = try ListParameters.limit(request)
            search.cursor = request.uri.queryParameters.get("cursor").map { String($0) }
            _ = try await customer(id)
            let service = CRMService(replica: replica)
            let page = try await replica.run { [search] _ in try service.searchInteractions(search) }
            return try Response.json(["items": JSONValue.array(page.items.map { .object($0.json) }), "nextCursor": page.nextCursor.map(JSONValue.string) ?? .null])
        }
        customers.get(":id/journey") { request, context in
            try ListParameters.refuseUnknown(request, allowed: [])
            let id = try RequestBody.rowID(context, "id")
            let service = CRMService(replica: replica)
            return try EntityRoutes.response(try await replica.run { _ in try service.journey(customer: id) })
        }
        customers.get(":id/vehicles") { request, context in
            try ListParameters.refuseUnknown(request, allowed: [])
            let asked = try RequestBody.rowID(context, "id")
            let id = try await replica.run { try $0.survivor(of: asked) }  // an absorbed id: the survivor's vehicles
            _ = try await customer(id)
            let items: [JSONValue] = try await replica.run { replica in
                try replica.rows(CRMSchema.customerVehicle, where: "customerId", equals: .text(id.string)).map { link in
                    var json = link.json
                    if case .text(let vehicleText) = link["vehicleId"], let vehicleID = RowID(vehicleText),
                        let vehicle = try replica.row(CRMSchema.vehicle, id: vehicleID) {
                        json["vehicle"] = .object(vehicle.json)
                    }
                    return .object(json)
                }
            }
            return try Response.json(["items": JSONValue.array(items), "nextCursor": JSONValue.null])
        }
    }

    /// The entity tags of `If-Match` (RFC 9110 §13.1.1); nil when absent, or `*` (which names no version).
    static func entityTags(_ request: Request) -> [String]? {
        guard let value = request.headers[.ifMatch]?.trimmingCharacters(in: .whitespaces), !value.isEmpty, value != "*" else { return nil }
        return value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    func record(_ id: RowID) async throws -> CustomerRecord {
        guard let record = try await replica.run({ try $0.customer(id: id) }) else {
            throw ProblemDetails.fromStore(try await replica.run { try $0.absence(CRMSchema.customer, id: id) })
        }
        return record
    }

    func customer(_ id: RowID) async throws -> JSONValue { try await record(id).json }

    /// The customer's JSON with its `ETag`.
    static func response(_ record: CustomerRecord, status: HTTPResponse.Status = .ok) throws -> Response {
        var response = try Response.json(record.json, status: status)
        response.headers[.eTag] = record.entityTag
        return response
    }

    /// The list's filters: equality on these customer fields, `tags` (has the tag), and the
    /// created/updated ranges (``ListParameters``).
    static let filters = ["status", "sourceType", "contactType", "homeRooftop"]
    /// The list's sorts (`sort=lastName`, `-createdAt`); ties by id.
    static let sorts = ["lastName", "firstName", "businessName", "createdAt", "updatedAt", "leadScore"]

    func list(_ request: Request) async throws -> Response {
        try ListParameters.refuseUnknown(request, allowed: ["q", "limit", "cursor", "sort", "tags", "loyaltyTier", "createdAfter", "createdBefore", "updatedAfter", "updatedBefore"] + Self.filters)
        let limit = try ListParameters.limit(request)
        let parameters = request.uri.queryParameters
        if let q = parameters.get("q") {
            if let filter = parameters.first(where: { $0.key != "q" && $0.key != "limit" && $0.key != "cursor" }) {
                throw ListParameters.invalid(String(filter.key), "a search (q) takes no filters: search, or list with filters")
            }
            // Search results page too: the cursor holds how many results came before (a search is ranked, not keyed).
            guard q.count <= 256 else { throw ListParameters.invalid("q", "at most 256 characters") }
            var offset = 0
            if let cursor = parameters.get("cursor") {
                guard cursor.hasPrefix("s"), let value = Int(cursor.dropFirst()), (0...100_000).contains(value) else {
                    throw ListParameters.invalid("cursor", "expected the nextCursor of a previous page of this search")
                }
                offset = value
            }
            let found = try await replica.run { [offset] in try $0.searchCustomers(String(q), limit: limit + 1, offset: offset) }
            let page = Array(found.prefix(limit))
            return Response.json(bytes: try CustomerRecord.pageJSON(page, nextCursor: found.count > limit ? "s\(offset + limit)" : nil))
        }
        var query = ListQuery(CRMSchema.customer, limit: limit)
        if let cursor = parameters.get("cursor") { query.cursor = String(cursor) }
        if let sort = parameters.get("sort") {
            let field = String(sort.hasPrefix("-") ? sort.dropFirst() : Substring(sort))
            guard Self.sorts.contains(field) else { throw ListParameters.invalid("sort", "expected one of \(Self.sorts.flatMap { [$0, "-" + $0] }.joined(separator: ", "))") }
            query.sort = field
            query.descending = sort.hasPrefix("-")
        }
        for name in Self.filters {
            for text in parameters.getAll(name) {
                query.filters.append(.init(name, try ListParameters.value(String(text), CRMSchema.customer.field(name)!.type, name: name)))
            }
        }
        for text in parameters.getAll("loyaltyTier") {
            // The tier shown: earned from points or set as a floor (LoyaltyAccount.tierSQL).
            let tier = try ListParameters.value(String(text), CRMSchema.customer.field("loyaltyTier")!.type, name: "loyaltyTier")
            // Derived and indexed (`customer._tierRank`, migration v14): only that tier's rows are read.
            guard let rank = tier.textValue.flatMap(LoyaltyAccount.tierRank) else { continue }
            query.conditions.append(.init("customer._tierRank = ?", [.integer(Int64(rank))]))
        }
        for text in parameters.getAll("tags") {
            let tag = try ListParameters.value(String(text), .text(maxLength: 64), name: "tags")
            // As a list of ids: SQLite reads the tagged customers by primary key, not every customer.
            query.conditions.append(.init("""
                customer.id IN (SELECT t.customerId FROM customerTag t WHERE t._created IS NOT NULL AND t._deleted IS NULL
                  AND coalesce(t.removed, 0) = 0 AND lower(t.tag) = lower(?))
                """, [tag]))
        }
        for (name, (field, lower)) in ListParameters.rangeParameters {
            guard let text = parameters.get(name) else { continue }
            let value = try ListParameters.value(String(text), .dateTime, name: name)
            query.ranges.append(lower ? .init(field, from: value, before: nil) : .init(field, from: nil, before: value))
        }
        let page = try await replica.run { [query] replica in
            try replica.snapshot { tx in
                let rows = try tx.list(query)
                return (try tx.customersToShow(ids: rows.rows.map(\.id)), rows.nextCursor)
            }
        }
        return Response.json(bytes: try CustomerRecord.pageJSON(page.0, nextCursor: page.1))
    }

    func create(_ request: Request) async throws -> Response {
        try ListParameters.refuseUnknown(request, allowed: ["allowDuplicate"])
        let body = try await RequestBody.jsonObject(request)
        let input = try CustomerInput(json: body)
        // A client that names the new customer's id (an offline client retrying) gets 409, never a second customer.
        let explicit = try RequestBody.optionalID(body["id"], at: "/id")
        let allowDuplicate = try ListParameters.flag(request, "allowDuplicate")
        let id: RowID
        do {
            id = try await replica.run { try CRMService(replica: $0).createCustomer(input, id: explicit, allowDuplicate: allowDuplicate) }
        } catch let duplicate as DuplicateCustomerError {
            var problem = ProblemDetails(.conflict, code: "DUPLICATE_CUSTOMER", title: "Duplicate customer",
                                         detail: duplicate.description + "; POST again with ?allowDuplicate=true to create it anyway")
            // Each candidate with the customer as it reads now, so the desk can tell at a glance.
            let ids = duplicate.matches.compactMap { RowID($0.customerId) }
            let records = (try? await replica.run { replica in try replica.snapshot { try $0.customers(ids: ids) } }) ?? []
            let byID = Dictionary(records.map { ($0.customer.id.string, $0.json) }, uniquingKeysWith: { first, _ in first })
            problem.duplicates = duplicate.matches.map { match in
                guard case .object(var object) = match.json, let customer = byID[match.customerId] else { return match.json }
                object["customer"] = customer
                return .object(object)
            }
            throw problem
        }
        var response = try Self.response(try await record(id), status: .created)
        response.headers[.location] = "/api/crm/customers/\(id)"
        return response
    }
}
