import Hummingbird
import RooftopCRM
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopHTTP

/// Campaign and segment actions (design document "Campaign Management", "Segmentation"); their
/// CRUD is ``EntityRoutes``.
///
/// - `POST /api/crm/campaigns/{id}/execute` — ``CampaignExecution`` (200): one outbox message per
///   audience customer, suppressed ones with their reason; the campaign becomes Running.
/// - `POST /api/crm/campaigns/{id}/decide-winner` — `{"winner": "B"}` or `{}` (by the test's rule after its window).
/// - `GET /api/crm/campaigns/{id}/metrics` — counts from the outbox (`byVariant` for an A/B test).
/// - `POST /api/crm/outbox/{id}/events` — `{"event": "Sent|Delivered|Failed|Opened|Clicked|Converted", "at", "reason"}`:
///   what a delivery provider reports (send events only at the owning rooftop).
/// - `POST /api/crm/segments/{id}/refresh` — the segment with its new `memberCount` and `lastRefreshed`.
/// - `GET /api/crm/segments/{id}/members?limit=&cursor=` — `{"items": [Customer], "nextCursor"}`.
/// - `POST /api/crm/segments/{id}/members` — a static segment's members: `{"add": [ids], "remove": [ids]}`.
struct MarketingRoutes: Sendable {
    let service: CRMService

    func register<Context: RequestContext>(on router: Router<Context>) {
        router.post("api/crm/campaigns/:id/execute") { request, context in
            try ListParameters.refuseUnknown(request, allowed: [])
            let id = try RequestBody.rowID(context, "id")
            let execution = try await service.run { try $0.executeCampaign(id: id) }
            return try Response.json(execution)
        }
        router.post("api/crm/campaigns/:id/decide-winner") { request, context in
            let id = try RequestBody.rowID(context, "id")
            let body = try await RequestBody.jsonObject(request)
            try RequestBody.refuseUnknownFields(body, allowed: ["winner"])
            let winner = try CRMSchema.campaign.field("winner")!.type.storedValue(for: body["winner"] ?? .null, at: "/winner").textValue
            return try EntityRoutes.response(try await service.run { try $0.decideCampaignWinner(id: id, winner: winner) })
        }
        router.post("api/crm/outbox/:id/events") { request, context in
            let id = try RequestBody.rowID(context, "id")
            let body = try await RequestBody.jsonObject(request)
            try RequestBody.refuseUnknownFields(body, allowed: ["event", "at", "reason"])
            guard case .string(let event) = body["event"] ?? .null else {
                throw ProblemDetails.validation(FieldInputError(pointer: "/event", reason: "required: one of \(CRMService.messageEvents.keys.sorted().joined(separator: ", "))"))
            }
            let at = try FieldType.dateTime.storedValue(for: body["at"] ?? .null, at: "/at").textValue
            let reason = try FieldType.text(maxLength: 256).storedValue(for: body["reason"] ?? .null, at: "/reason").textValue
            return try EntityRoutes.response(try await service.run { try $0.recordMessageEvent(id: id, event: event, at: at, reason: reason) })
        }
        router.get("api/crm/campaigns/:id/metrics") { request, context in
            try ListParameters.refuseUnknown(request, allowed: [])
            let id = try RequestBody.rowID(context, "id")
            return try Response.json(JSONValue.object(try await service.run { try $0.campaignMetrics(id: id) }))
        }
        router.post("api/crm/segments/:id/refresh") { request, context in
            try ListParameters.refuseUnknown(request, allowed: [])
            let id = try RequestBody.rowID(context, "id")
            return try EntityRoutes.response(try await service.run { try $0.refreshSegment(id: id) })
        }
        router.get("api/crm/segments/:id/members") { request, context in
            try ListParameters.refuseUnknown(request, allowed: ["limit", "cursor"])
            let id = try RequestBody.rowID(context, "id")
            let limit = try ListParameters.limit(request)
            let cursor = request.uri.queryParameters.get("cursor").map { String($0) }
            let page = try await service.run { try $0.segmentMembers(id: id, cursor: cursor, limit: limit) }
            return try Response.json(["items": JSONValue.array(page.items.map(\.json)), "nextCursor": page.nextCursor.map(JSONValue.string) ?? .null])
        }
        router.post("api/crm/segments/:id/members") { request, context in
            let id = try RequestBody.rowID(context, "id")
            let body = try await RequestBody.jsonObject(request)
            for key in body.keys where key != "add" && key != "remove" {
                throw ProblemDetails.validation(FieldInputError(pointer: "/\(EntitySchema.escape(key))", reason: "unknown field (add, remove)"))
            }
            let add = try RequestBody.ids(body["add"], at: "/add"), remove = try RequestBody.ids(body["remove"], at: "/remove")
            return try EntityRoutes.response(try await service.run { try $0.changeSegmentMembers(id: id, add: add, remove: remove) })
        }
    }
}
