import Hummingbird
import RooftopCRM
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopHTTP

/// Loyalty management (design document): the ledger behind `loyaltyPoints`.
///
/// - `GET /api/crm/loyalty/{customerId}`: ``LoyaltyAccount`` (balance, tier, events with status).
/// - `POST /api/crm/loyalty/{customerId}/points/add` and `.../points/redeem`: `{"points": n, "reason": "..."}`;
///   a redemption may name `"rewardId"` instead of points (the reward's `pointsCost`, an event naming it);
///   201 with the account. A redemption above the balance is 409 `INSUFFICIENT_POINTS`, of an inactive reward 409 `CONFLICT`.
/// - `GET /api/crm/loyalty/rewards`: the rewards catalogue (``EntityRoutes``, `?active=true` for what can be redeemed).
/// - `GET /api/crm/loyalty/declined`: redemptions declined on replay (concurrent redemptions at two
///   rooftops that together overdrew), for follow-up.
struct LoyaltyRoutes: Sendable {
    let replica: Replica
    var service: CRMService { CRMService(replica: replica) }

    func register<Context: RequestContext>(on router: Router<Context>) {
        let loyalty = router.group("api/crm/loyalty")
        loyalty.get("declined") { request, _ in
            try ListParameters.refuseUnknown(request, allowed: [])
            return try Response.json(["items": try await replica.run { try $0.declinedRedemptions() }])
        }
        loyalty.get(":customerId") { request, context in
            try ListParameters.refuseUnknown(request, allowed: [])
            let id = try RequestBody.rowID(context, "customerId")
            return try Response.json(try await replica.run { try $0.loyalty(customer: id) })
        }
        loyalty.post(":customerId/points/add") { request, context in try await record(.add, request, context) }
        loyalty.post(":customerId/points/redeem") { request, context in try await record(.redeem, request, context) }
    }

    func record(_ kind: LoyaltyLedger.Event.Kind, _ request: Request, _ context: some RequestContext) async throws -> Response {
        let id = try RequestBody.rowID(context, "customerId")
        let body = try await RequestBody.jsonObject(request)
        try RequestBody.refuseUnknownFields(body, allowed: kind == .redeem ? ["points", "reason", "rewardId"] : ["points", "reason"])
        let reward = try RequestBody.optionalID(body["rewardId"], at: "/rewardId")
        let stored = try CRMSchema.loyaltyEvent.field("points")!.type.storedValue(for: body["points"] ?? .null, at: "/points")
        if stored.isNull && reward == nil {
            throw ProblemDetails.validation(FieldInputError(pointer: "/points", reason: "points are required"))
        }
        let reason = try CRMSchema.loyaltyEvent.field("reason")!.type.storedValue(for: body["reason"] ?? .null, at: "/reason").textValue
        let service = self.service
        let account = try await replica.run { _ in try service.recordLoyalty(kind, points: stored.integerValue, reason: reason, reward: reward, customer: id) }
        return try Response.json(account, status: .created)
    }
}
