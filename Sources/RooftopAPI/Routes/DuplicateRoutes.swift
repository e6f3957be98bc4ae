import Foundation
import Hummingbird
import RooftopCRM
import RooftopHTTP
import RooftopModel
import RooftopStore

/// Duplicate-customer review (`sync-protocol/duplicate-detection.md`).
///
/// - `GET /api/crm/duplicates?limit=&minProbability=&customerId=`: the review queue the last scan
///   filled, most probable first: `{"items": [DuplicateCandidate]}`, each with both customers, the
///   probability, the weight and the fields that matched and differed. Pairs since merged, deleted or
///   dismissed (at any rooftop) are left out.
/// - `POST /api/crm/duplicates/scan`: scans every customer now and refills the queue; 200 with the
///   report `{"customers", "candidatePairs", "queued", "confident", "dismissed"}`.
/// - `POST /api/crm/duplicates/dismiss` with `{"customerIds": [a, b], "decidedBy"?, "note"?}`: the two
///   are different people; a replicated `DuplicateDecision` (200).
/// - `POST /api/crm/duplicates/confirm` with `{"customerIds": [a, b], "mergedBy"?, "note"?,
///   "overrideDismissal"?: bool}`: they are one person: merges them (as `POST /api/crm/customers/{a}/merge`
///   with `intoId` b and `note` as the reason; the survivor is the one created first), 200 with the
///   merge result; 409 `CONFLICT` when a reviewer dismissed the pair, unless `overrideDismissal`.
struct DuplicateRoutes: Sendable {
    let replica: Replica

    func register<Context: RequestContext>(on router: Router<Context>) {
        let group = router.group("api/crm/duplicates")
        let service = CRMService(replica: replica)
        group.get { request, _ in
            try ListParameters.refuseUnknown(request, allowed: ["limit", "minProbability", "customerId", "autoMerge"])
            let autoMerge = request.uri.queryParameters.get("autoMerge") == nil ? nil : try ListParameters.flag(request, "autoMerge")
            let limit = try ListParameters.limit(request)
            let minimum = try Self.probability(request)
            var customer: RowID?
            if let text = request.uri.queryParameters.get("customerId") {
                guard let id = RowID(String(text)) else {
                    throw ProblemDetails(.badRequest, code: "VALIDATION", title: "Invalid request", detail: "customerId: expected a UUID",
                                         errors: [.init(pointer: "/customerId", detail: "expected a UUID")])
                }
                customer = id
            }
            let items = try await service.run { [customer] in
                try $0.duplicateQueue(limit: limit, minimumProbability: minimum, customer: customer, autoMerge: autoMerge)
            }
            return try Response.json(["items": JSONValue.array(items.map(\.json))])
        }
        group.post("scan") { request, _ in
            try ListParameters.refuseUnknown(request, allowed: ["refit"])
            let refit = try ListParameters.flag(request, "refit")
            let report = try await service.run { try $0.scanDuplicates(refit: refit) }
            return try Response.json(report)
        }
        group.post("dismiss") { request, _ in
            try ListParameters.refuseUnknown(request, allowed: [])
            let body = try await RequestBody.jsonObject(request)
            try RequestBody.refuseUnknownFields(body, allowed: ["customerIds", "decidedBy", "note"])
            let (a, b) = try Self.pair(body)
            let user = try CustomerMergeRoutes.text(body["decidedBy"], at: "/decidedBy"), note = try CustomerMergeRoutes.text(body["note"], at: "/note")
            let row = try await service.run { try $0.dismissDuplicate(a, b, by: user, note: note) }
            return try Response.json(JSONValue.object(row.json))
        }
        group.post("confirm") { request, _ in
            try ListParameters.refuseUnknown(request, allowed: [])
            let body = try await RequestBody.jsonObject(request)
            try RequestBody.refuseUnknownFields(body, allowed: ["customerIds", "mergedBy", "note", "overrideDismissal"])
            let (a, b) = try Self.pair(body)
            let user = try CustomerMergeRoutes.text(body["mergedBy"], at: "/mergedBy")
            let note = try CustomerMergeRoutes.text(body["note"], at: "/note")
            let override = try CustomerMergeRoutes.flag(body["overrideDismissal"], at: "/overrideDismissal")
            let result = try await service.run { try $0.confirmDuplicate(a, b, by: user, note: note, overrideDismissal: override) }
            return try Response.json(result.json)
        }
    }

    static func probability(_ request: Request) throws -> Double {
        guard let text = request.uri.queryParameters.get("minProbability") else { return 0 }
        guard let value = Double(String(text)), (0...1).contains(value) else {
            throw ProblemDetails(.badRequest, code: "VALIDATION", title: "Invalid request", detail: "minProbability: expected a number from 0 to 1",
                                 errors: [.init(pointer: "/minProbability", detail: "expected a number from 0 to 1")])
        }
        return value
    }

    static func pair(_ body: [String: JSONValue]) throws -> (RowID, RowID) {
        guard case .array(let items)? = body["customerIds"], items.count == 2,
              let a = try RequestBody.optionalID(items[0], at: "/customerIds/0"), let b = try RequestBody.optionalID(items[1], at: "/customerIds/1") else {
            throw ProblemDetails.validation(FieldInputError(pointer: "/customerIds", reason: "required: the two customers' ids"))
        }
        return (a, b)
    }
}
