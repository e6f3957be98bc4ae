import Hummingbird
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopSync

/// Loyalty management (design document): the ledger behind `loyaltyPoints`.
///
/// - `GET /api/crm/loyalty/{customerId}`: ``LoyaltyAccount`` (balance, tier, events with status).
/// - `POST /api/crm/loyalty/{customerId}/points/add` and `.../points/redeem`: `{"points": n, "reason": "..."}`;
///   201 with the account. A redemption above the balance is 409 `INSUFFICIENT_POINTS`.
/// - `GET /api/crm/loyalty/declined`: redemptions declined on replay (concurrent redemptions at two
///   rooftops that together overdrew), for follow-up.
struct LoyaltyRoutes: Sendable {
    let replica: Replica

    func register<Context: RequestContext>(on router: Router<Context>) {
        let loyalty = router.group("api/crm/loyalty")
        loyalty.get("declined") { _, _ in
            try Response.json(["items": try await replica.run { try $0.declinedRedemptions() }])
        }
        loyalty.get(":customerId") { _, context in
            let id = try RequestBody.rowID(context, "customerId")
            return try Response.json(try await replica.run { try $0.loyalty(customer: id) })
        }
        loyalty.post(":customerId/points/add") { request, context in try await record(.add, request, context) }
        loyalty.post(":customerId/points/redeem") { request, context in try await record(.redeem, request, context) }
    }

    func record(_ kind: LoyaltyLedger.Event.Kind, _ request: Request, _ context: some RequestContext) async throws -> Response {
        let id = try RequestBody.rowID(context, "customerId")
        let body = try await RequestBody.jsonObject(request)
        for key in body.keys where key != "points" && key != "reason" {
            throw ProblemDetails.validation(FieldInputError(pointer: "/\(EntitySchema.escape(key))", reason: "unknown field"))
        }
        guard case .integer(let points) = try CRMSchema.loyaltyEvent.field("points")!.type.storedValue(for: body["points"] ?? .null, at: "/points") else {
            throw ProblemDetails.validation(FieldInputError(pointer: "/points", reason: "points are required"))
        }
        let reason = try CRMSchema.loyaltyEvent.field("reason")!.type.storedValue(for: body["reason"] ?? .null, at: "/reason").textValue
        do {
            let account = try await replica.perform { try $0.recordLoyalty(kind, points: points, reason: reason, customer: id) }
            return try Response.json(account, status: .created)
        } catch let error as ReplicaError where error.code == .insufficientPoints {
            throw ProblemDetails(.conflict, code: error.code.rawValue, title: "Insufficient points", detail: error.message)
        } catch {
            throw ProblemDetails.fromStore(error)
        }
    }
}
