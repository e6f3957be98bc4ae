import Foundation
import RooftopCRM
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting
import Testing

@Suite struct CustomerCareTests {
    @Test func aLowSurveyScoreFlagsAFollowUpAndSchedulesACallForTheManager() throws {
        let t = try TestReplica()
        defer { t.remove() }
        let crm = CRMService(replica: t.replica)
        let ana = try CRMTestData.customer(t.replica, CRMTestData.person("Ana", "Survey"))
        let dnc = try CRMTestData.customer(t.replica, CRMTestData.person("Bo", "NoSurvey", doNotContact: true))
        let sent = try crm.sendSurvey(surveyType: "NPS", customers: [ana, dnc], segment: nil, relatedToType: nil, relatedToId: nil)
        #expect(sent.created.count == 1 && sent.skipped == [.init(customerId: dnc.string, reason: "doNotContact")])
        let survey = try #require(RowID(sent.created[0]))
        let question = RowID.v7(milliseconds: 5)
        let answered = try crm.recordSurveyResponse(survey: survey, answers: [.object(["questionId": .string(question.string), "question": .string("Recommend us?"), "score": .number(4)])],
                                                     comments: .text("slow"), followUpAssignedTo: nil)
        #expect(answered.json["overallScore"] == .number(4))
        #expect(answered.json["followUpRequired"] == .bool(true))
        #expect(answered.json["followUpStatus"] == .string("Pending"))
        #expect(answered.json["responses"]?.arrayValue?.count == 1)
        let manager = DerivedID.rooftopManager(t.replica.rooftop)
        let day = String(Timestamp.string(milliseconds: t.clock.nowMilliseconds() + 86_400_000).prefix(10))
        let followUps = try crm.followUps(assignedTo: manager, day: day, includeClosed: false)
        #expect(followUps.count == 1 && followUps[0].json["customerId"] == .string(ana.string))
        // A survey takes one response.
        let again = try #require(throws: ReplicaError.self) {
            try crm.recordSurveyResponse(survey: survey, answers: [.object(["questionId": .string(question.string), "score": .number(10)])],
                                         comments: nil, followUpAssignedTo: nil)
        }
        #expect(again.code == .conflict)
        let analytics = try crm.surveyAnalytics(from: nil, to: nil, surveyType: nil, rooftop: nil, period: "month")
        #expect(analytics.overall.nps == -100 && analytics.overall.responseRate == 1 && analytics.byRooftop["north"]?.completed == 1)
        let month = String(Timestamp.string(milliseconds: t.clock.nowMilliseconds()).prefix(7))
        #expect(analytics.byPeriod?[month]?.detractors == 1)
        // Completing the follow-up call closes the survey's follow-up.
        _ = try crm.update(CRMSchema.scheduledInteraction, id: followUps[0].row.id, ["status": "Completed"])
        #expect(try crm.get(CRMSchema.customerSurvey, id: survey).json["followUpStatus"] == .string("Completed"))
    }

    @Test(arguments: [
        (#"{"questionId": "0190f0a0-0000-7000-8000-000000000001", "score": 11}"#, "/responses/0/score"),
        (#"{"score": 5}"#, "/responses/0/questionId"),
        (#"{"questionId": "0190f0a0-0000-7000-8000-000000000001", "responseType": "Boolean", "response": "maybe"}"#, "/responses/0/response"),
    ])
    func answersAreValidatedAgainstTheirResponseType(_ answer: String, _ pointer: String) throws {
        let t = try TestReplica()
        defer { t.remove() }
        let crm = CRMService(replica: t.replica)
        let ana = try CRMTestData.customer(t.replica, CRMTestData.person("Ana", "Survey"))
        let survey = try #require(RowID(try crm.sendSurvey(surveyType: "NPS", customers: [ana], segment: nil, relatedToType: nil, relatedToId: nil).created[0]))
        let error = try #require(throws: FieldInputError.self) {
            try crm.recordSurveyResponse(survey: survey, answers: [CRMTestData.json(answer)], comments: nil, followUpAssignedTo: nil)
        }
        #expect(error.all.map(\.pointer).contains(pointer), "\(error)")
    }

    @Test func journeyStageChangesAtTwoRooftopsConvergeToOneHistory() throws {
        let clock = ManualWallClock()
        let north = try TestReplica("north", clock: clock), south = try TestReplica("south", clock: clock)
        defer { north.remove(); south.remove() }
        let ana = try CRMTestData.customer(north.replica, CRMTestData.person("Ana", "Journey"))
        let journey = try CRMService(replica: north.replica).create(CRMSchema.customerJourney, ["customerId": .string(ana.string), "stage": .string("Awareness")])
        #expect(journey.row.id == DerivedID.journey(customer: ana))
        try south.replica.apply(try north.replica.changeset(origin: north.replica.rooftop, after: .zero, limit: 1000))
        clock.advance(by: 1000)
        _ = try CRMService(replica: north.replica).update(CRMSchema.customerJourney, id: journey.row.id, ["stage": .string("Consideration")])
        clock.advance(by: 1000)
        _ = try CRMService(replica: south.replica).update(CRMSchema.customerJourney, id: journey.row.id, ["stage": .string("Purchase")])
        try south.replica.apply(try north.replica.changeset(origin: north.replica.rooftop, after: .zero, limit: 1000))
        try north.replica.apply(try south.replica.changeset(origin: south.replica.rooftop, after: .zero, limit: 1000))
        let n = try CRMService(replica: north.replica).journey(customer: ana), s = try CRMService(replica: south.replica).journey(customer: ana)
        #expect(n.json == s.json)
        #expect(n.json["stage"] == .string("Purchase"))
        #expect(n.json["stageHistory"]?.arrayValue?.compactMap { $0.objectValue?["stage"]?.stringValue } == ["Awareness", "Consideration", "Purchase"])
        let duplicate = try #require(throws: ReplicaError.self) {
            try CRMService(replica: south.replica).create(CRMSchema.customerJourney, ["customerId": .string(ana.string), "stage": .string("Service")])
        }
        #expect(duplicate.code == .alreadyExists)
    }

    @Test func completingAScheduledInteractionRecordsTheInteractionAndClosesIt() throws {
        let t = try TestReplica()
        defer { t.remove() }
        let crm = CRMService(replica: t.replica)
        let ana = try CRMTestData.customer(t.replica, CRMTestData.person("Ana", "Callback"))
        let user = RowID.v7(milliseconds: 9)
        let scheduled = try crm.create(CRMSchema.scheduledInteraction, ["customerId": .string(ana.string), "type": .string("Call"),
                                                                         "scheduledFor": .string("2030-01-02T15:00:00Z"), "assignedToId": .string(user.string),
                                                                         "subject": .string("Trade-in offer")])
        #expect(scheduled.json["status"] == .string("Scheduled"))
        #expect(try crm.followUps(assignedTo: user, day: "2030-01-02", includeClosed: false).count == 1)
        let done = try crm.update(CRMSchema.scheduledInteraction, id: scheduled.row.id, ["status": .string("Completed")])
        let interactionID = try #require(done.json["interactionId"]?.stringValue.flatMap(RowID.init))
        let interaction = try crm.get(CRMSchema.customerInteraction, id: interactionID)
        #expect(interaction.json["subject"] == .string("Trade-in offer") && interaction.json["userId"] == .string(user.string))
        let closed = try #require(throws: ReplicaError.self) { try crm.update(CRMSchema.scheduledInteraction, id: scheduled.row.id, ["status": .string("Cancelled")]) }
        #expect(closed.code == .conflict)
    }

    @Test func interactionSearchFindsWordsWithAccentsFoldedAndFiltersByTagAndType() throws {
        let t = try TestReplica()
        defer { t.remove() }
        let crm = CRMService(replica: t.replica)
        let ana = try CRMTestData.customer(t.replica, CRMTestData.person("Ana", "Search"))
        _ = try crm.create(CRMSchema.customerInteraction, ["customerId": .string(ana.string), "type": .string("Call"), "subject": .string("Pièce détachée"),
                                                          "content": .string("Brake pads on order"), "tags": .array([.string("service"), .string("parts")])])
        _ = try crm.create(CRMSchema.customerInteraction, ["customerId": .string(ana.string), "type": .string("Email"), "subject": .string("Brochure")])
        var search = InteractionSearch()
        search.words = "piece brak"
        #expect(try crm.searchInteractions(search).items.map { $0.json["subject"] } == [.string("Pièce détachée")])
        search = InteractionSearch()
        search.tags = ["parts"]
        search.type = "Call"
        #expect(try crm.searchInteractions(search).items.count == 1)
        search.type = "Email"
        #expect(try crm.searchInteractions(search).items.isEmpty)
        // Deleted interactions leave the index.
        let gone = try crm.searchInteractions({ var s = InteractionSearch(); s.words = "brochure"; return s }()).items[0].row.id
        try crm.delete(CRMSchema.customerInteraction, id: gone)
        #expect(try crm.searchInteractions({ var s = InteractionSearch(); s.words = "brochure"; return s }()).items.isEmpty)
        // A deleted customer's interactions leave every list (a delete covers its children), and come back with a restore.
        try t.replica.delete(CRMSchema.customer, id: ana)
        #expect(try crm.list(ListQuery(CRMSchema.customerInteraction, limit: 10)).items.isEmpty)
        #expect(try crm.searchInteractions(InteractionSearch()).items.isEmpty)
        try t.replica.restore(CRMSchema.customer, id: ana)
        #expect(try crm.list(ListQuery(CRMSchema.customerInteraction, limit: 10)).items.count == 1)
    }

    @Test func bulkRecordsAllOrNoneAndNamesEveryBadItem() throws {
        let t = try TestReplica()
        defer { t.remove() }
        let crm = CRMService(replica: t.replica)
        let ana = try CRMTestData.customer(t.replica, CRMTestData.person("Ana", "Bulk"))
        let good: JSONValue = .object(["customerId": .string(ana.string), "type": .string("SMS")])
        let error = try #require(throws: FieldInputError.self) {
            try crm.recordInteractions([good, .object(["customerId": .string(ana.string), "type": .string("Fax")]), .object(["type": .string("Call")])])
        }
        #expect(Set(error.all.map(\.pointer)) == ["/interactions/1/type", "/interactions/2/customerId"])
        #expect(try crm.searchInteractions(InteractionSearch()).items.isEmpty)
        #expect(try crm.recordInteractions([good, good]).count == 2)
    }
}
