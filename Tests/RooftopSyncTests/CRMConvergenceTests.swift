import Foundation
import RooftopCRM
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopSync
import RooftopTesting
import Testing

/// The whole CRM through a real hub over mutual TLS: staff at two rooftops work on every entity
/// while they cannot sync, then both sync and hold identical replicas.
@Suite(.serialized) struct CRMConvergenceTests {
    @Test func aCampaignExecutedAtTwoPartitionedRooftopsYieldsOneMessagePerRecipientAndNoneForDoNotContact() async throws {
        let cluster = try await TestCluster()
        let north = try cluster.replica("north"), south = try cluster.replica("south")
        let n = CRMService(replica: north), s = CRMService(replica: south)
        var reachable: [RowID] = [], blocked: [RowID] = []
        for i in 0..<12 {
            let id = try north.createCustomer(try CustomerInput(json: ["firstName": .string("P\(i)"), "lastName": "Group", "email": .string("p\(i)@example.com"),
                                                                     "communicationPreferences": ["optInEmail": true, "doNotContact": .bool(i % 4 == 0)]]))
            if i % 4 == 0 { blocked.append(id) } else { reachable.append(id) }
        }
        let segment = try n.create(CRMSchema.customerSegment, ["name": "Group", "type": "Dynamic", "criteria": ["field": "lastName", "op": "eq", "value": "Group"]])
        let campaign = try n.create(CRMSchema.campaign, ["name": "Winter tyres", "type": "Email", "targetAudience": ["segments": [.string(segment.row.id.string)]]])
        let reward = try n.create(CRMSchema.loyaltyReward, ["name": "Wiper blades", "pointsCost": 100])
        let ana = reachable[0]
        try n.recordLoyalty(.add, points: 150, reason: "purchase", customer: ana)
        let journey = try n.create(CRMSchema.customerJourney, ["customerId": .string(ana.string), "stage": "Awareness"])
        let survey = try #require(RowID(try n.sendSurvey(surveyType: "NPS", customers: [ana], segment: nil, relatedToType: nil, relatedToId: nil).created[0]))
        try await cluster.sync(north)
        try await cluster.sync(south)

        // Partitioned: neither syncs. Both execute the campaign, move the journey, answer the survey,
        // redeem the reward, and a customer who joins at south only.
        cluster.clock.advance(by: 1_000)
        let late = try south.createCustomer(try CustomerInput(json: ["firstName": "Late", "lastName": "Group", "email": "late@example.com",
                                                                     "communicationPreferences": ["optInEmail": true]]))
        #expect(try n.executeCampaign(id: campaign.row.id).queued == reachable.count)
        #expect(try s.executeCampaign(id: campaign.row.id).queued == reachable.count + 1)
        _ = try n.update(CRMSchema.customerJourney, id: journey.row.id, ["stage": "Consideration"])
        cluster.clock.advance(by: 1_000)
        _ = try s.update(CRMSchema.customerJourney, id: journey.row.id, ["stage": "Purchase"])
        let question = RowID.v7(milliseconds: 1)
        _ = try n.recordSurveyResponse(survey: survey, answers: [["questionId": .string(question.string), "score": 9]], comments: nil, followUpAssignedTo: nil)
        _ = try s.recordSurveyResponse(survey: survey, answers: [["questionId": .string(question.string), "score": 3]], comments: nil, followUpAssignedTo: nil)
        try n.recordLoyalty(.redeem, points: nil, reason: nil, reward: reward.row.id, customer: ana)
        try s.recordLoyalty(.redeem, points: nil, reason: nil, reward: reward.row.id, customer: ana)

        try await cluster.sync(north)
        try await cluster.sync(south)
        try await cluster.sync(north)
        let digests = try [north.digest(), south.digest(), cluster.hubReplica.digest()]
        #expect(digests[0] == digests[1] && digests[1] == digests[2])

        for service in [n, s] {
            var query = ListQuery(CRMSchema.campaignMessage, limit: 500)
            query.filters = [.init("campaignId", .text(campaign.row.id.string))]
            let messages = try service.list(query).items.map(\.row)
            let queued = messages.filter { $0["status"] == .text("Queued") }.compactMap { $0["customerId"].textValue.flatMap(RowID.init) }
            #expect(queued.count == Set(queued).count)  // one message per recipient, group-wide
            #expect(Set(queued) == Set(reachable + [late]))
            #expect(Set(queued).isDisjoint(with: blocked))
            #expect(messages.filter { $0["status"] == .text("Suppressed") }.count == blocked.count)
            let history = try service.journey(customer: ana).json["stageHistory"]?.arrayValue?.compactMap { $0.objectValue?["stage"]?.stringValue }
            #expect(history == ["Awareness", "Consideration", "Purchase"])
            // One of the two redemptions is declined on replay (150 points cover one reward), the same everywhere.
            let account = try north.loyalty(customer: ana)
            #expect(account.loyaltyPoints == 50 && account.declined.count == 1)
        }
        await cluster.shutdown()
    }
}
