import Hummingbird
import RooftopCRM
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopHTTP

/// The routes every declared collection gets (``EntityResource``), under `/api/crm/<path>`:
///
/// - `GET` — a page: `{"items": [...], "nextCursor": string|null}` (``ListParameters``).
/// - `POST` — 201 with the new row, `Location` and `ETag` (writable collections).
/// - `GET /{id}` — the row with its `ETag`; 404 never known here, 410 deleted/erased/purged.
/// - `PUT /{id}` — the row as read and changed, `If-Match` required (428 without, 412 when stale);
///   only the fields whose value differs are stamped.
/// - `PATCH /{id}` — a JSON Merge Patch (RFC 7396); `If-Match` optional (412 when stale).
/// - `DELETE /{id}` — 204, a tombstone; `If-Match` optional.
/// - `POST /{id}/restore` — the row brought back; 409 `CONFLICT` when it is not deleted.
struct EntityRoutes: Sendable {
    let service: CRMService

    func register<Context: RequestContext>(on router: Router<Context>) {
        for entity in CRMSchema.resources {
            guard let resource = entity.resource else { continue }
            let group = router.group(RouterPath("api/crm/\(resource.path)"))
            group.get { request, _ in
                let query = try ListParameters.query(request, entity)
                let page = try await service.run { try $0.list(query) }
                return try Response.json(["items": JSONValue.array(page.items.map { .object($0.json) }),
                                          "nextCursor": page.nextCursor.map(JSONValue.string) ?? .null])
            }
            group.get(":id") { request, context in
                try ListParameters.refuseUnknown(request, allowed: [])
                let id = try RequestBody.rowID(context, "id")
                return try Self.response(try await service.run { try $0.get(entity, id: id) })
            }
            guard resource.writable else { continue }
            group.post { request, _ in
                let body = try await RequestBody.jsonObject(request)
                let document = try await service.run { try $0.create(entity, body) }
                var response = try Self.response(document, status: .created)
                response.headers[.location] = "/api/crm/\(resource.path)/\(document.row.id)"
                return response
            }
            group.put(":id") { request, context in
                let id = try RequestBody.rowID(context, "id")
                guard let expected = CustomerRoutes.entityTags(request) else {
                    throw ProblemDetails(.preconditionRequired, code: "PRECONDITION_REQUIRED", title: "If-Match required",
                                         detail: "a PUT replaces the \(resource.name) as read: send If-Match with the ETag of that read (or change single fields with PATCH)")
                }
                let body = try await RequestBody.jsonObject(request)
                return try Self.response(try await service.run { try $0.update(entity, id: id, body, ifMatch: expected) })
            }
            group.patch(":id") { request, context in
                let id = try RequestBody.rowID(context, "id")
                let body = try await RequestBody.jsonObject(request)
                let expected = CustomerRoutes.entityTags(request)
                return try Self.response(try await service.run { try $0.update(entity, id: id, Self.mergePatch(body, entity), ifMatch: expected) })
            }
            group.delete(":id") { request, context in
                let id = try RequestBody.rowID(context, "id")
                let expected = CustomerRoutes.entityTags(request)
                try await service.run { try $0.delete(entity, id: id, ifMatch: expected) }
                return Response(status: .noContent)
            }
            group.post(":id/restore") { _, context in
                let id = try RequestBody.rowID(context, "id")
                return try Self.response(try await service.run { try $0.restore(entity, id: id) })
            }
        }
    }

    /// A merge patch as field changes: a nested group set to `null` clears each of its fields.
    static func mergePatch(_ patch: [String: JSONValue], _ entity: EntitySchema) -> [String: JSONValue] {
        var object = patch
        for group in entity.groups where object[group] == .null {
            object[group] = .object(Dictionary(uniqueKeysWithValues: entity.fields.filter { $0.group == group && !$0.isSystem }.map { ($0.name, JSONValue.null) }))
        }
        return object
    }

    /// A row's JSON with its `ETag`.
    static func response(_ document: EntityDocument, status: HTTPResponse.Status = .ok) throws -> Response {
        var response = try Response.json(JSONValue.object(document.json), status: status)
        response.headers[.eTag] = document.entityTag
        return response
    }
}
