import Hummingbird
import RooftopCRM
import RooftopModel
import RooftopStore
import RooftopHTTP

/// Duplicate-customer merges (decision 6, `sync-protocol/customer-merge.md`).
///
/// - `POST /api/crm/customers/{id}/merge` with `{"intoId": uuid, "dryRun": bool?, "mergedBy": string?, "reason": string?}`:
///   merges customer `id` (the duplicate) with `intoId`. 200 with
///   `{"customer": Customer, "merge": CustomerMerge, "dryRun": bool, "survivorId": uuid, "absorbedIds": [uuid]}`:
///   the merged customer exactly as it now reads (a dry run writes nothing and shows exactly the
///   record the merge would produce). The survivor is whichever of the two was created first.
///   404/410 when either customer is not visible; 409 `CONFLICT` when they are already one customer.
/// - `POST /api/crm/customers/{id}/unmerge` with `{"unmergedBy": string?}` (or no body): undoes every
///   merge that names `id`; 200 with `{"customers": [Customer], "unmerged": [CustomerMerge]}`.
///   409 `CONFLICT` when no merge names it, or the merge is older than the retention horizon (90 days).
/// - `GET /api/crm/customers/{absorbedId}` answers the survivor's record with `mergedInto` set;
///   the audit of merges is the read-only collection `GET /api/crm/customer-merges`.
struct CustomerMergeRoutes: Sendable {
    let replica: Replica

    func register<Context: RequestContext>(on router: Router<Context>) {
        let customers = router.group("api/crm/customers")
        let service = CRMService(replica: replica)
        customers.post(":id/merge") { request, context in
            try ListParameters.refuseUnknown(request, allowed: [])
            let id = try RequestBody.rowID(context, "id")
            let body = try await RequestBody.jsonObject(request)
            try RequestBody.refuseUnknownFields(body, allowed: ["intoId", "dryRun", "mergedBy", "reason"])
            guard let into = try RequestBody.optionalID(body["intoId"], at: "/intoId") else {
                throw ProblemDetails.validation(FieldInputError(pointer: "/intoId", reason: "required: the customer to merge this one with"))
            }
            let dryRun = try Self.flag(body["dryRun"], at: "/dryRun")
            let user = try Self.text(body["mergedBy"], at: "/mergedBy"), reason = try Self.text(body["reason"], at: "/reason")
            let result = try await service.run { try $0.mergeCustomer(id, into: into, by: user, reason: reason, dryRun: dryRun) }
            var response = try Response.json(result.json)
            if !dryRun { response.headers[.eTag] = result.customer.entityTag }
            return response
        }
        customers.post(":id/unmerge") { request, context in
            try ListParameters.refuseUnknown(request, allowed: [])
            let id = try RequestBody.rowID(context, "id")
            var user: String?
            if let body = try await RequestBody.optionalJSONObject(request) {
                try RequestBody.refuseUnknownFields(body, allowed: ["unmergedBy"])
                user = try Self.text(body["unmergedBy"], at: "/unmergedBy")
            }
            let result = try await service.run { [user] in try $0.unmergeCustomer(id, by: user) }
            return try Response.json(result.json)
        }
    }

    static func flag(_ value: JSONValue?, at pointer: String) throws -> Bool {
        switch value {
        case nil, .null?: return false
        case .bool(let flag)?: return flag
        default: throw ProblemDetails.validation(FieldInputError(pointer: pointer, reason: "expected true or false"))
        }
    }

    static func text(_ value: JSONValue?, at pointer: String) throws -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)? where text.count <= 256: return text
        default: throw ProblemDetails.validation(FieldInputError(pointer: pointer, reason: "expected a string of at most 256 characters"))
        }
    }
}
