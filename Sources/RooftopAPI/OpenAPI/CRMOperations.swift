import RooftopCRM
import RooftopModel

/// The hand-written operations of the OpenAPI document: customers, journeys, interactions,
/// campaigns, segments, surveys, loyalty and sync status (each beside its route's doc comment).
enum CRMOperations {
    typealias Doc = OpenAPIDocument
    typealias S = OpenAPISchemas

    static let anyObject: JSONValue = ["type": "object"]
    static func items(_ item: JSONValue) -> JSONValue { ["type": "object", "required": ["items"], "properties": ["items": ["type": "array", "items": item]]] }
    static func object(_ properties: [String: JSONValue], required: [String] = []) -> JSONValue {
        ["type": "object", "properties": .object(properties), "additionalProperties": false, "required": .array(required.map(JSONValue.string))]
    }
    static let uuid: JSONValue = ["type": "string", "format": "uuid"]
    static let uuids: JSONValue = ["type": ["array", "null"], "maxItems": 10000, "items": uuid]

    static var all: [(String, String, [String: JSONValue])] {
        let customer = S.ref("Customer")
        return [
            // Customer management
            ("/api/crm/customers", "get", Doc.op("List customers", "With q: a name, e-mail or phone search, paged (no other filter). Without: customers in id order, filtered; loyaltyTier is the tier shown (earned from points, or set as a floor).",
                parameters: Doc.paging + [Doc.query("q", ["type": "string", "maxLength": 256], "name and business words (any order, accents folded, one typo per word), city, e-mail, phone (any format, or its last 4 or 7 digits) or VIN (whole, prefix, last 6-8); exact before prefix before fuzzy"),
                                          Doc.query("status", S.nullable(S.type(CRMSchema.customer.field("status")!.type)) ),
                                          Doc.query("loyaltyTier", ["type": "string", "enum": ["Bronze", "Silver", "Gold", "Platinum"]]),
                                          Doc.query("sourceType", ["type": "string", "enum": .array(sourceTypes)]),
                                          Doc.query("contactType", ["type": "string", "enum": ["Individual", "Business"]]),
                                          Doc.query("homeRooftop", ["type": "string", "maxLength": 63]),
                                          Doc.query("tags", ["type": "string", "maxLength": 64], "has this tag"),
                                          Doc.query("sort", ["type": "string", "enum": .array(CustomerRoutes.sorts.flatMap { [JSONValue.string($0), .string("-" + $0)] })],
                                                    "a field, descending with a leading -; ties by id"),
                                          Doc.query("createdAfter", ["type": "string", "format": "date-time"]), Doc.query("createdBefore", ["type": "string", "format": "date-time"]),
                                          Doc.query("updatedAfter", ["type": "string", "format": "date-time"]), Doc.query("updatedBefore", ["type": "string", "format": "date-time"])],
                ok: Doc.page(customer))),
            ("/api/crm/customers", "post", Doc.op("Create a customer", "201 with Location and ETag.", body: S.ref("CustomerInput"), ok: Doc.response(customer, etag: true), okStatus: "201")),
            ("/api/crm/customers/{id}", "get", Doc.op("Get customer details", "With ETag; 410 when deleted, erased or purged.", parameters: [Doc.idParameter()], ok: Doc.response(customer, etag: true))),
            ("/api/crm/customers/{id}", "put", Doc.op("Update a customer", "If-Match required (428 without, 412 when stale). Phones and addresses are added or changed, others kept.",
                parameters: [Doc.idParameter(), Doc.ifMatch(required: true)], body: S.ref("CustomerInput"), ok: Doc.response(customer, etag: true))),
            ("/api/crm/customers/{id}", "patch", Doc.op("Patch a customer", "JSON Merge Patch (RFC 7396): lists replace the whole list and then need If-Match.",
                parameters: [Doc.idParameter(), Doc.ifMatch(required: false)], body: S.ref("CustomerInput"), bodyType: "application/merge-patch+json", ok: Doc.response(customer, etag: true))),
            ("/api/crm/customers/{id}", "delete", Doc.op("Delete a customer", "A tombstone; its phones, addresses, interactions and other child records go with it.", parameters: [Doc.idParameter()], ok: nil, okStatus: "204")),
            ("/api/crm/customers/{id}/restore", "post", Doc.op("Restore a deleted customer", "409 CONFLICT when not deleted.", parameters: [Doc.idParameter()], ok: Doc.response(customer, etag: true))),
            ("/api/crm/customers/{id}/erase", "post", Doc.op("Erase a customer (DSAR)", "202: the customer and every row about them leave every replica.", parameters: [Doc.idParameter()],
                ok: Doc.response(anyObject), okStatus: "202")),
            ("/api/crm/customers/import", "post", Doc.op("Import customers from CSV",
                "A customer CSV (RFC 4180, UTF-8, a header row; at most 8 MiB: larger files go through `rooftop import customers`, which streams). Columns are named like the customer's fields (externalId, contactType, firstName, lastName, businessName, email, phone, phoneType, street, city, state, postalCode, country, birthDate, sourceType, status, notes, createdAt) or mapped with repeated map=column=field parameters. Each row is validated as a POST of a customer and written whole or not at all; a row already imported (same externalId, else the same content) is counted in alreadyImported and not written again, so a file can be sent again safely. Rejected lines are numbered as in the file (the header is line 1). 400 VALIDATION when no column names a field.",
                parameters: [["name": "map", "in": "query", "required": false, "style": "form", "explode": true,
                              "schema": ["type": "array", "maxItems": 64, "items": ["type": "string", "pattern": "^.+=.+$", "maxLength": 256]],
                              "description": "column=field, repeated"]],
                body: ["type": "string", "maxLength": 8388608], bodyType: "text/csv",
                ok: Doc.response(object(["customersCreated": ["type": "integer", "minimum": 0], "alreadyImported": ["type": "integer", "minimum": 0],
                                         "rejected": ["type": "array", "items": object(["line": ["type": ["integer", "null"], "minimum": 2], "reason": ["type": "string"]],
                                                                                       required: ["line", "reason"])],
                                         "ignoredColumns": ["type": "array", "items": ["type": "string"]]],
                                        required: ["customersCreated", "alreadyImported", "rejected", "ignoredColumns"])))),
            ("/api/crm/customers/{id}/merge", "post", Doc.op("Merge duplicate customers",
                "Merges customer {id} (the duplicate) with intoId: a replicated customerMerge record that every rooftop applies the same way (sync-protocol/customer-merge.md). The survivor is the one created first (earliest creation HLC, then lowest id); the other id keeps resolving to it (GET answers the survivor with mergedInto). Fields: the newest non-empty contact and profile values, the survivor's ownership fields (homeRooftop, createdAt, sourceId, sourceType), the most restrictive consent (an opt-out or doNotContact of either wins); phones, addresses, tags, vehicles, interactions, journeys, surveys, segment memberships, outbox messages and loyalty events move to the survivor. dryRun: true writes nothing and answers exactly the record the merge would produce. 409 CONFLICT when they are already one customer.",
                parameters: [Doc.idParameter()],
                body: object(["intoId": uuid, "dryRun": ["type": ["boolean", "null"]], "mergedBy": ["type": ["string", "null"], "maxLength": 256],
                              "reason": ["type": ["string", "null"], "maxLength": 256]], required: ["intoId"]),
                ok: Doc.response(object(["customer": customer, "merge": S.ref("CustomerMerge"), "dryRun": ["type": "boolean"], "survivorId": uuid,
                                         "absorbedIds": ["type": "array", "items": uuid]], required: ["customer", "merge", "dryRun", "survivorId", "absorbedIds"])))),
            ("/api/crm/customers/{id}/unmerge", "post", Doc.op("Undo a merge",
                "Undoes every live merge that names {id} (within the retention horizon, 90 days): each customer returns with its own fields and the records whose inserts named it; what was added to the survivor after the merge stays with the survivor. 409 CONFLICT when no merge names it.",
                parameters: [Doc.idParameter()], body: object(["unmergedBy": ["type": ["string", "null"], "maxLength": 256]]),
                ok: Doc.response(object(["customers": ["type": "array", "items": customer], "unmerged": ["type": "array", "items": S.ref("CustomerMerge")]],
                                        required: ["customers", "unmerged"])))),
            ("/api/crm/customers/{id}/phoneNumbers/{childId}", "delete", Doc.op("Remove a phone", "", parameters: [Doc.idParameter(), Doc.idParameter("childId")], ok: nil, okStatus: "204")),
            ("/api/crm/customers/{id}/addresses/{childId}", "delete", Doc.op("Remove an address", "", parameters: [Doc.idParameter(), Doc.idParameter("childId")], ok: nil, okStatus: "204")),
            ("/api/crm/customers/{id}/vehicles", "get", Doc.op("Get customer vehicles", "Each CustomerVehicle with its vehicle.", parameters: [Doc.idParameter()], ok: Doc.response(items(anyObject)))),
            ("/api/crm/customers/{id}/interactions", "get", Doc.op("Get customer interactions", "Newest first, paged.", parameters: [Doc.idParameter()] + Doc.paging,
                ok: Doc.page(S.ref("CustomerInteraction")))),
            ("/api/crm/customers/{id}/journey", "get", Doc.op("Get customer journey", "Stage, substage, milestones, next scheduled activity and the stage history (HLC order). 404 when none yet.",
                parameters: [Doc.idParameter()], ok: Doc.response(S.ref("CustomerJourney"), etag: true))),
            // Interactions
            ("/api/crm/interactions/search", "get", Doc.op("Search interactions", "Every filter given must hold; q: words in subject and content (SQLite FTS5 prefixes, accents folded). Newest first.",
                parameters: Doc.paging + [Doc.query("customerId", uuid), Doc.query("userId", uuid),
                                          Doc.query("type", S.nullable(S.type(CRMSchema.customerInteraction.field("type")!.type))),
                                          Doc.query("direction", ["type": "string", "enum": ["Inbound", "Outbound"]]),
                                          Doc.query("from", ["type": "string", "format": "date-time"], "interactionDate at or after"),
                                          Doc.query("to", ["type": "string", "format": "date-time"], "interactionDate before"),
                                          Doc.query("tags", ["type": "string", "maxLength": 64]), Doc.query("q", ["type": "string", "maxLength": 256])],
                ok: Doc.page(S.ref("CustomerInteraction")))),
            ("/api/crm/interactions/bulk", "post", Doc.op("Record multiple interactions", "At most 1,000, atomically: all or none; every error names its item (/interactions/3/type).",
                body: ["oneOf": [object(["interactions": ["type": "array", "maxItems": 1000, "items": S.ref("CustomerInteractionInput")]], required: ["interactions"]),
                                 ["type": "array", "maxItems": 1000, "items": S.ref("CustomerInteractionInput")]]],
                ok: Doc.response(items(S.ref("CustomerInteraction"))), okStatus: "201")),
            ("/api/crm/interactions/schedule", "post", Doc.op("Schedule a future interaction", "A ScheduledInteraction with an assignee (status Scheduled).",
                body: S.ref("ScheduledInteractionInput"), ok: Doc.response(S.ref("ScheduledInteraction"), etag: true), okStatus: "201")),
            ("/api/crm/interactions/follow-ups", "get", Doc.op("A user's follow-ups for a day", "Scheduled interactions assigned to the user within the UTC day, by time.",
                parameters: [Doc.query("assignedToId", uuid, required: true), Doc.query("day", ["type": "string", "format": "date"], required: true),
                             Doc.query("includeClosed", ["type": "boolean"])], ok: Doc.page(S.ref("ScheduledInteraction")))),
            // Campaigns
            ("/api/crm/campaigns/{id}/execute", "post", Doc.op("Execute campaign",
                "Resolves the audience (segments ∪ filterCriteria) and writes one outbox message per customer, its id derived from (campaign, customer) so executes at two rooftops make one; doNotContact, no opt-in and no address are recorded as Suppressed with the reason. Only the owning rooftop ever delivers. The campaign becomes Running.",
                parameters: [Doc.idParameter()], ok: Doc.response(object(["campaignId": uuid, "status": ["type": "string"], "audience": ["type": "integer"], "queued": ["type": "integer"],
                                                                            "suppressed": ["type": "object", "additionalProperties": ["type": "integer"]],
                                                                            "alreadyInOutbox": ["type": "integer"], "owningRooftop": ["type": "string"],
                                                                            "variants": ["type": "object", "additionalProperties": ["type": "integer"]], "winnerAssigned": ["type": "integer"]])))),
            ("/api/crm/campaigns/{id}/decide-winner", "post", Doc.op("Decide an A/B test's winner",
                "The variant named, or by the rule (OpenRate, ClickRate, ConversionRate over the test group's sent messages) once testWindowHours have passed since the first message was queued. The holdout receives it at the next execute. A customer's variant is a function of campaign and customer ids: nobody receives two.",
                parameters: [Doc.idParameter()], body: object(["winner": ["type": ["string", "null"], "maxLength": 32]]), ok: Doc.response(S.ref("Campaign"), etag: true))),
            ("/api/crm/outbox/{id}/events", "post", Doc.op("Record a delivery event of an outbox message",
                "What a delivery provider reports: sets the event's time (the first report is kept) and, for Sent, Delivered and Failed, the status. Only the campaign's owning rooftop records send events; a suppressed message, or an A/B holdout message before the winner, takes none (409).",
                parameters: [Doc.idParameter()],
                body: object(["event": ["type": "string", "enum": ["Sent", "Delivered", "Failed", "Opened", "Clicked", "Converted"]],
                              "at": ["type": ["string", "null"], "format": "date-time"], "reason": ["type": ["string", "null"], "maxLength": 256]], required: ["event"]),
                ok: Doc.response(S.ref("CampaignMessage"), etag: true))),
            ("/api/crm/campaigns/{id}/metrics", "get", Doc.op("Get campaign metrics", "Counted from the outbox messages, never stored.", parameters: [Doc.idParameter()], ok: Doc.response(S.ref("CampaignMetrics")))),
            // Segments
            ("/api/crm/segments/{id}/refresh", "post", Doc.op("Refresh segment members", "Re-evaluates on this rooftop's replica; sets memberCount and lastRefreshed here.",
                parameters: [Doc.idParameter()], ok: Doc.response(S.ref("CustomerSegment"), etag: true))),
            ("/api/crm/segments/{id}/members", "get", Doc.op("Get segment members", "Customers in id order, with a cursor.", parameters: [Doc.idParameter()] + Doc.paging, ok: Doc.page(customer))),
            ("/api/crm/segments/{id}/members", "post", Doc.op("Add or remove static segment members", "An add-wins set; 409 for a Dynamic segment.", parameters: [Doc.idParameter()],
                body: object(["add": uuids, "remove": uuids]), ok: Doc.response(S.ref("CustomerSegment"), etag: true))),
            // Surveys
            ("/api/crm/surveys/send", "post", Doc.op("Send survey to customers", "One CustomerSurvey per customer (customerIds or a segment's members), doNotContact left out.",
                body: object(["surveyType": ["type": "string", "enum": .array(CRMSchema.surveyTypes.map(JSONValue.string))], "customerIds": uuids, "segmentId": ["type": ["string", "null"], "format": "uuid"],
                              "relatedToType": ["type": ["string", "null"], "maxLength": 256], "relatedToId": ["type": ["string", "null"], "format": "uuid"]], required: ["surveyType"]),
                ok: Doc.response(object(["created": ["type": "array", "items": uuid], "skipped": ["type": "array", "items": object(["customerId": uuid, "reason": ["type": "string"]])]])), okStatus: "201")),
            ("/api/crm/surveys/{id}/response", "post", Doc.op("Record survey response",
                "Answers validated against responseType (Rating 0..scale, default 5; NPS 0–10; Boolean true/false). An overall score ≤ \(CRMService.followUpThreshold) (0–10) sets followUpRequired and schedules a follow-up call.",
                parameters: [Doc.idParameter()],
                body: object(["responses": ["type": "array", "maxItems": 200, "items": ["type": "object"]], "comments": ["type": ["string", "null"], "maxLength": 20000],
                              "followUpAssignedToId": ["type": ["string", "null"], "format": "uuid"]], required: ["responses"]),
                ok: Doc.response(S.ref("CustomerSurvey"), etag: true))),
            ("/api/crm/surveys/analytics", "get", Doc.op("Get survey analytics", "NPS (% promoters 9–10 − % detractors 0–6), average scores per type, response rate; overall and by rooftop.",
                parameters: [Doc.query("from", ["type": "string", "format": "date-time"]), Doc.query("to", ["type": "string", "format": "date-time"]),
                             Doc.query("surveyType", ["type": "string", "enum": .array(CRMSchema.surveyTypes.map(JSONValue.string))]), Doc.query("homeRooftop", ["type": "string", "maxLength": 63]),
                             Doc.query("period", ["type": "string", "enum": ["day", "week", "month"]], "adds byPeriod: figures per day (UTC), ISO week or month of sentDate")],
                ok: Doc.response(anyObject))),
            // Loyalty
            ("/api/crm/loyalty/{customerId}", "get", Doc.op("Get loyalty status", "The ledger replayed: balance, tier (from earned points: Silver 1,000, Gold 5,000, Platinum 25,000), events.",
                parameters: [Doc.idParameter("customerId")], ok: Doc.response(anyObject))),
            ("/api/crm/loyalty/{customerId}/points/add", "post", Doc.op("Add loyalty points", "", parameters: [Doc.idParameter("customerId")],
                body: object(["points": ["type": "integer", "minimum": 1, "maximum": 10_000_000], "reason": ["type": ["string", "null"], "maxLength": 256]], required: ["points"]),
                ok: Doc.response(anyObject), okStatus: "201")),
            ("/api/crm/loyalty/{customerId}/points/redeem", "post", Doc.op("Redeem loyalty points", "points, or rewardId (its pointsCost). 409 INSUFFICIENT_POINTS above the balance.",
                parameters: [Doc.idParameter("customerId")],
                body: object(["points": ["type": ["integer", "null"], "minimum": 1, "maximum": 10_000_000], "reason": ["type": ["string", "null"], "maxLength": 256],
                              "rewardId": ["type": ["string", "null"], "format": "uuid"]]),
                ok: Doc.response(anyObject), okStatus: "201")),
            ("/api/crm/loyalty/declined", "get", Doc.op("Declined redemptions", "Concurrent redemptions that together overdrew, for follow-up.", ok: Doc.response(items(anyObject)))),
            // Sync and compliance
            ("/api/sync/status", "get", Doc.op("Sync status", "The hub link, pending changes, clock.", ok: Doc.response(anyObject))),
            ("/api/sync/digest", "get", Doc.op("Replica digests", "Per-table content digests.", ok: Doc.response(["type": "array"]))),
            ("/api/sync/conflicts", "get", Doc.op("Conflicts", "Edits that lost to a delete.", parameters: [Doc.query("limit", ["type": "integer", "minimum": 1, "maximum": 1000])], ok: Doc.response(items(anyObject)))),
            ("/api/sync/review", "get", Doc.op("Review queue", "Unsent changes that could not be offered to the hub.", ok: Doc.response(items(anyObject)))),
            ("/api/sync/review/{id}", "get", Doc.op("A review item", "", parameters: [Doc.idParameter()], ok: Doc.response(anyObject))),
            ("/api/sync/review/{id}", "delete", Doc.op("Discard a review item", "", parameters: [Doc.idParameter()], ok: nil, okStatus: "204")),
            ("/api/sync/review/{id}/apply", "post", Doc.op("Apply a review item again", "", parameters: [Doc.idParameter()], ok: Doc.response(anyObject))),
            ("/api/compliance/erasures", "get", Doc.op("Erasures", "Customers erased on request and which rooftops applied it.", ok: Doc.response(items(anyObject)))),
            ("/openapi.json", "get", Doc.op("This document", "", ok: Doc.response(anyObject))),
        ]
    }

    static let sourceTypes: [JSONValue] = ["WebLead", "Showroom", "ServiceCustomer", "ReferralCustomer"]
}
