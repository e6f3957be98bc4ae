import Hummingbird
import RooftopCRM
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopHTTP

/// Interaction actions (design document "Customer Interactions"); CRUD is ``EntityRoutes``
/// (`POST /api/crm/interactions` records one).
///
/// - `GET /api/crm/interactions/search?customerId=&type=&direction=&userId=&from=&to=&tags=&q=&limit=&cursor=` —
///   newest first, `q` words in subject and content (FTS5 prefixes, all required, accents folded).
/// - `POST /api/crm/interactions/bulk` — `{"interactions": [...]}` (≤ 1,000): 201 with all, or nothing
///   and a 400 naming each bad item's JSON Pointer.
/// - `POST /api/crm/interactions/schedule` — a `ScheduledInteraction` (201).
/// - `GET /api/crm/interactions/follow-ups?assignedToId=&day=YYYY-MM-DD&includeClosed=` — one user's day.
struct InteractionRoutes: Sendable {
    let service: CRMService

    func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("api/crm/interactions/search") { request, _ in
            try ListParameters.refuseUnknown(request, allowed: ["customerId", "type", "direction", "userId", "from", "to", "tags", "q", "limit", "cursor"])
            let p = request.uri.queryParameters
            let entity = CRMSchema.customerInteraction
            var search = InteractionSearch()
            search.limit = try ListParameters.limit(request)
            search.cursor = p.get("cursor").map { String($0) }
            search.customerId = try p.get("customerId").map { try ListParameters.value(String($0), .uuid, name: "customerId").textValue.flatMap(RowID.init)! }
            search.userId = try p.get("userId").map { try ListParameters.value(String($0), .uuid, name: "userId").textValue.flatMap(RowID.init)! }
            search.type = try p.get("type").map { try ListParameters.value(String($0), entity.field("type")!.type, name: "type").textValue! }
            search.direction = try p.get("direction").map { try ListParameters.value(String($0), entity.field("direction")!.type, name: "direction").textValue! }
            search.from = try p.get("from").map { try ListParameters.value(String($0), .dateTime, name: "from").textValue! }
            search.to = try p.get("to").map { try ListParameters.value(String($0), .dateTime, name: "to").textValue! }
            search.tags = try p.getAll("tags").map { try ListParameters.value(String($0), .text(maxLength: 64), name: "tags").textValue! }
            if let q = p.get("q") {
                guard q.count <= 256 else { throw ListParameters.invalid("q", "at most 256 characters") }
                search.words = String(q)
            }
            let page = try await service.run { [search] in try $0.searchInteractions(search) }
            return try Response.json(["items": JSONValue.array(page.items.map { .object($0.json) }), "nextCursor": page.nextCursor.map(JSONValue.string) ?? .null])
        }
        router.post("api/crm/interactions/bulk") { request, _ in
            let body = try await RequestBody.json(request)
            // {"interactions": [...]}, or the array itself.
            let items: [JSONValue]
            switch body {
            case .array(let array): items = array
            case .object(let object):
                try RequestBody.refuseUnknownFields(object, allowed: ["interactions"])
                guard case .array(let array) = object["interactions"] ?? .null else {
                    throw ProblemDetails.validation(FieldInputError(pointer: "/interactions", reason: "required: an array of interactions"))
                }
                items = array
            default:
                throw ProblemDetails(.badRequest, code: "MALFORMED_JSON", title: "Malformed JSON", detail: "the body must be {\"interactions\": [...]} or an array")
            }
            let documents = try await service.run { try $0.recordInteractions(items) }
            return try Response.json(["items": JSONValue.array(documents.map { .object($0.json) })], status: .created)
        }
        router.post("api/crm/interactions/schedule") { request, _ in
            let body = try await RequestBody.jsonObject(request)
            let document = try await service.run { try $0.create(CRMSchema.scheduledInteraction, body) }
            var response = try EntityRoutes.response(document, status: .created)
            response.headers[.location] = "/api/crm/scheduled-interactions/\(document.row.id)"
            return response
        }
        router.get("api/crm/interactions/follow-ups") { request, _ in
            try ListParameters.refuseUnknown(request, allowed: ["assignedToId", "day", "includeClosed"])
            let p = request.uri.queryParameters
            guard let userText = p.get("assignedToId"), let user = RowID(String(userText)) else {
                throw ListParameters.invalid("assignedToId", "required: the user's UUID")
            }
            guard let day = p.get("day") else { throw ListParameters.invalid("day", "required: YYYY-MM-DD") }
            let includeClosed = try p.get("includeClosed").map { try ListParameters.value(String($0), .boolean, name: "includeClosed") == .integer(1) } ?? false
            let items = try await service.run { try $0.followUps(assignedTo: user, day: String(day), includeClosed: includeClosed) }
            return try Response.json(["items": JSONValue.array(items.map { .object($0.json) }), "nextCursor": JSONValue.null])
        }
    }
}
