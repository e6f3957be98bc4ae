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

    @Test func concurrentEditsToEveryCollectionAtTwoRooftopsConvergeToIdenticalDigests() async throws {
        let cluster = try await TestCluster()
        let north = try cluster.replica("north"), south = try cluster.replica("south")
        let n = CRMService(replica: north), s = CRMService(replica: south)
        let ana = try north.createCustomer(try CustomerInput(json: ["firstName": "Ana", "lastName": "Every", "email": "ana@example.com"]))
        let bo = try north.createCustomer(try CustomerInput(json: ["firstName": "Bo", "lastName": "Every"]))
        let segment = try n.create(CRMSchema.customerSegment, ["name": "Static", "type": "Static"])
        _ = try n.changeSegmentMembers(id: segment.row.id, add: [ana], remove: [])
        let vehicle = try n.create(CRMSchema.vehicle, ["vin": "1HGCM82633A004352", "make": "Honda", "model": "Accord", "year": 2003])
        let link = try n.create(CRMSchema.customerVehicle, ["customerId": .string(ana.string), "vehicleId": .string(vehicle.row.id.string)])
        let reward = try n.create(CRMSchema.loyaltyReward, ["name": "Wash", "pointsCost": 10])
        let campaign = try n.create(CRMSchema.campaign, ["name": "Draft", "type": "SMS"])
        let interaction = try n.create(CRMSchema.customerInteraction, ["customerId": .string(ana.string), "type": "Call", "tags": ["a"]])
        let followUp = try n.create(CRMSchema.scheduledInteraction, ["customerId": .string(bo.string), "type": "Call", "scheduledFor": "2031-01-01T09:00:00Z",
                                                                    "assignedToId": "0190f0a0-0000-7000-8000-00000000f0aa"])
        try await cluster.sync(north)
        try await cluster.sync(south)

        // While they cannot sync: each rooftop edits every collection, some the same fields.
        cluster.clock.advance(by: 1_000)
        _ = try n.changeSegmentMembers(id: segment.row.id, add: [bo], remove: [ana])
        _ = try n.update(CRMSchema.vehicle, id: vehicle.row.id, ["odometer": 42_000, "exteriorColor": "Blue"])
        _ = try n.update(CRMSchema.customerVehicle, id: link.row.id, ["status": "Traded"])
        _ = try n.update(CRMSchema.loyaltyReward, id: reward.row.id, ["name": "Premium wash"])
        _ = try n.update(CRMSchema.campaign, id: campaign.row.id, ["name": "Spring SMS", "status": "Scheduled"])
        _ = try n.update(CRMSchema.customerInteraction, id: interaction.row.id, ["tags": ["a", "north"]])
        _ = try n.update(CRMSchema.scheduledInteraction, id: followUp.row.id, ["status": "Completed"])
        cluster.clock.advance(by: 1_000)
        _ = try s.changeSegmentMembers(id: segment.row.id, add: [], remove: [ana])
        _ = try s.changeSegmentMembers(id: segment.row.id, add: [ana], remove: [])  // a new element north's remove never saw
        _ = try s.update(CRMSchema.vehicle, id: vehicle.row.id, ["odometer": 43_000])
        _ = try s.update(CRMSchema.loyaltyReward, id: reward.row.id, ["active": false])
        _ = try s.update(CRMSchema.campaign, id: campaign.row.id, ["description": "from south"])
        try s.delete(CRMSchema.customerInteraction, id: interaction.row.id)
        _ = try s.update(CRMSchema.scheduledInteraction, id: followUp.row.id, ["status": "Cancelled"])

        try await cluster.sync(north)
        try await cluster.sync(south)
        try await cluster.sync(north)
        let digests = try [north.digest(), south.digest(), cluster.hubReplica.digest()]
        #expect(digests[0] == digests[1] && digests[1] == digests[2])
        for service in [n, s] {
            #expect(try service.get(CRMSchema.customerSegment, id: segment.row.id).json["memberCount"] == 2)  // ana's re-add wins; bo added
            let v = try service.get(CRMSchema.vehicle, id: vehicle.row.id).json
            #expect(v["odometer"] == 43_000 && v["exteriorColor"] == "Blue")
            let r = try service.get(CRMSchema.loyaltyReward, id: reward.row.id).json
            #expect(r["name"] == "Premium wash" && r["active"] == false)
            let c = try service.get(CRMSchema.campaign, id: campaign.row.id).json
            #expect(c["name"] == "Spring SMS" && c["status"] == "Scheduled" && c["description"] == "from south")
            #expect(throws: ReplicaError.self) { try service.get(CRMSchema.customerInteraction, id: interaction.row.id) }
            #expect(try service.get(CRMSchema.scheduledInteraction, id: followUp.row.id).json["status"] == "Cancelled")
        }
        await cluster.shutdown()
    }
}
