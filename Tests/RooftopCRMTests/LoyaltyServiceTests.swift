import Foundation
import RooftopCRM
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting
import Testing

@Suite struct LoyaltyServiceTests {
    @Test func concurrentRedemptionsOnOneRooftopCannotOverdraw() async throws {
        let t = try TestReplica()
        defer { t.remove() }
        let crm = CRMService(replica: t.replica)
        let ana = try CRMTestData.customer(t.replica, CRMTestData.person("Ana", "Points"))
        try crm.recordLoyalty(.add, points: 100, reason: "purchase", customer: ana)
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask { (try? crm.recordLoyalty(.redeem, points: 80, reason: "race", customer: ana)) != nil }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
        let account = try crm.recordLoyalty(.add, points: 1, reason: nil, customer: ana)
        #expect(account.loyaltyPoints == 21 && account.declined.isEmpty)
    }

    @Test func redeemingARewardCostsItsPointsAndNamesItAndTiersFollowEarnedPoints() throws {
        let t = try TestReplica()
        defer { t.remove() }
        let crm = CRMService(replica: t.replica)
        let ana = try CRMTestData.customer(t.replica, CRMTestData.person("Ana", "Reward"))
        let wash = try crm.create(CRMSchema.loyaltyReward, ["name": .string("Free car wash"), "pointsCost": .number(500)])
        #expect(wash.json["active"] == .bool(true))
        try crm.recordLoyalty(.add, points: 1200, reason: "purchase", customer: ana)
        let account = try crm.recordLoyalty(.redeem, points: nil, reason: nil, reward: wash.row.id, customer: ana)
        #expect(account.loyaltyPoints == 700 && account.earnedPoints == 1200 && account.loyaltyTier == "Silver")
        #expect(account.events.last?.rewardId == wash.row.id && account.events.last?.reason == "Free car wash")
        _ = try crm.update(CRMSchema.loyaltyReward, id: wash.row.id, ["active": .bool(false)])
        let inactive = try #require(throws: ReplicaError.self) { try crm.recordLoyalty(.redeem, points: nil, reason: nil, reward: wash.row.id, customer: ana) }
        #expect(inactive.code == .conflict)
    }
}
