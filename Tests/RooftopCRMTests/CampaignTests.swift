import Foundation
import RooftopCRM
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting
import Testing

@Suite struct CampaignTests {
    func emailCampaign(_ crm: CRMService, criteria: String = #"{"field": "lastName", "op": "exists", "value": true}"#) throws -> RowID {
        try crm.create(CRMSchema.campaign, [
            "name": .string("Spring service"), "type": .string("Email"),
            "targetAudience": .object(["filterCriteria": CRMTestData.json(criteria)]),
            "content": .object(["subject": .string("Time for a check-up"), "mediaUrls": .array([.string("https://example.com/a.png")])]),
        ]).row.id
    }

    @Test func executeQueuesOneMessagePerReachableCustomerAndRecordsWhyOthersAreLeftOut() throws {
        let t = try TestReplica()
        defer { t.remove() }
        let crm = CRMService(replica: t.replica)
        let ana = try CRMTestData.customer(t.replica, CRMTestData.person("Ana", "Reach", email: "ana@example.com"))
        let bo = try CRMTestData.customer(t.replica, CRMTestData.person("Bo", "Blocked", email: "bo@example.com", doNotContact: true))
        let cy = try CRMTestData.customer(t.replica, CRMTestData.person("Cy", "NoOptIn", email: "cy@example.com", optInEmail: false))
        let di = try CRMTestData.customer(t.replica, CRMTestData.person("Di", "NoEmail"))
        let campaign = try emailCampaign(crm)
        let report = try crm.executeCampaign(id: campaign)
        #expect(report.audience == 4 && report.queued == 1)
        #expect(report.suppressed == ["doNotContact": 1, "noOptIn": 1, "noAddress": 1])
        let messages = try crm.list({ var q = ListQuery(CRMSchema.campaignMessage, limit: 10); q.filters = [.init("campaignId", .text(campaign.string))]; return q }()).items
        let byCustomer = Dictionary(uniqueKeysWithValues: messages.map { ($0.row["customerId"].textValue!, $0.row) })
        #expect(byCustomer[ana.string]?["status"] == .text("Queued"))
        #expect(byCustomer[bo.string]?["statusReason"] == .text("doNotContact"))
        #expect(byCustomer[cy.string]?["statusReason"] == .text("noOptIn"))
        #expect(byCustomer[di.string]?["statusReason"] == .text("noAddress"))
        #expect(messages.allSatisfy { $0.row.id == DerivedID.campaignMessage(campaign: campaign, customer: RowID($0.row["customerId"].textValue!)!) })
        let metrics = try crm.campaignMetrics(id: campaign)
        #expect(metrics["queued"] == .number(1) && metrics["suppressed"] == .number(3) && metrics["sent"] == .number(0))
        #expect(try crm.get(CRMSchema.campaign, id: campaign).json["status"] == .string("Running"))
        // Executing again writes nothing new.
        let again = try crm.executeCampaign(id: campaign)
        #expect(again.queued == 0 && again.alreadyInOutbox == 4)
    }

    @Test func deliveryEventsMoveTheMetricsAndOnlyTheOwningRooftopSends() throws {
        let clock = ManualWallClock()
        let north = try TestReplica("north", clock: clock), south = try TestReplica("south", clock: clock)
        defer { north.remove(); south.remove() }
        let crm = CRMService(replica: north.replica)
        let ana = try CRMTestData.customer(north.replica, CRMTestData.person("Ana", "Reach", email: "ana@example.com"))
        let bo = try CRMTestData.customer(north.replica, CRMTestData.person("Bo", "Blocked", email: "bo@example.com", doNotContact: true))
        let campaign = try emailCampaign(crm)
        _ = try crm.executeCampaign(id: campaign)
        let message = DerivedID.campaignMessage(campaign: campaign, customer: ana)
        try south.replica.apply(try north.replica.changeset(origin: north.replica.rooftop, after: .zero, limit: 5000))
        let notOwner = try #require(throws: ReplicaError.self) { try CRMService(replica: south.replica).recordMessageEvent(id: message, event: "Sent", at: nil, reason: nil) }
        #expect(notOwner.code == .conflict)
        #expect(try CRMService(replica: south.replica).recordMessageEvent(id: message, event: "Opened", at: nil, reason: nil).json["openedAt"] != .null)
        #expect(try crm.recordMessageEvent(id: message, event: "Sent", at: "2026-12-01T10:00:00.000Z", reason: nil).json["status"] == "Sent")
        _ = try crm.recordMessageEvent(id: message, event: "Delivered", at: nil, reason: nil)
        let suppressed = try #require(throws: ReplicaError.self) {
            try crm.recordMessageEvent(id: DerivedID.campaignMessage(campaign: campaign, customer: bo), event: "Sent", at: nil, reason: nil)
        }
        #expect(suppressed.code == .conflict)
        #expect(throws: FieldInputError.self) { try crm.recordMessageEvent(id: message, event: "Bounced", at: nil, reason: nil) }
        try north.replica.apply(try south.replica.changeset(origin: south.replica.rooftop, after: .zero, limit: 5000))
        let metrics = try crm.campaignMetrics(id: campaign)
        #expect(metrics["sent"] == 1 && metrics["delivered"] == 1 && metrics["opened"] == 1 && metrics["queued"] == 0)
    }

    @Test func statusTransitionsFollowTheLifecycleAndFinalCampaignsCannotBeExecuted() throws {
        let t = try TestReplica()
        defer { t.remove() }
        let crm = CRMService(replica: t.replica)
        let campaign = try emailCampaign(crm)
        #expect(try crm.get(CRMSchema.campaign, id: campaign).json["status"] == .string("Draft"))
        #expect(try crm.get(CRMSchema.campaign, id: campaign).json["owningRooftop"] == .string("north"))
        let skip = try #require(throws: ReplicaError.self) { try crm.update(CRMSchema.campaign, id: campaign, ["status": .string("Completed")]) }
        #expect(skip.code == .conflict)
        _ = try crm.update(CRMSchema.campaign, id: campaign, ["status": .string("Cancelled")])
        let final = try #require(throws: ReplicaError.self) { try crm.executeCampaign(id: campaign) }
        #expect(final.code == .conflict)
        let reopen = try #require(throws: ReplicaError.self) { try crm.update(CRMSchema.campaign, id: campaign, ["status": .string("Draft")]) }
        #expect(reopen.code == .conflict)
    }

    @Test func aCampaignNamingAnUnknownSegmentOrBadCriteriaIsRefused() throws {
        let t = try TestReplica()
        defer { t.remove() }
        let crm = CRMService(replica: t.replica)
        let unknown = try #require(throws: FieldInputError.self) {
            try crm.create(CRMSchema.campaign, ["name": .string("x"), "type": .string("SMS"),
                                                "targetAudience": .object(["segments": .array([.string(RowID.v7(milliseconds: 1).string)])])])
        }
        #expect(unknown.pointer == "/targetAudience/segments/0")
        let bad = try #require(throws: FieldInputError.self) {
            try crm.create(CRMSchema.campaign, ["name": .string("x"), "type": .string("SMS"),
                                                "targetAudience": .object(["filterCriteria": CRMTestData.json(#"{"field": "nope", "op": "eq", "value": 1}"#)])])
        }
        #expect(bad.pointer == "/targetAudience/filterCriteria/field")
        let url = try #require(throws: FieldInputError.self) {
            try crm.create(CRMSchema.campaign, ["name": .string("x"), "type": .string("SMS"), "content": .object(["landingPageUrl": .string("javascript:alert(1)")])])
        }
        #expect(url.pointer == "/content/landingPageUrl")
    }

    @Test func executingAtTwoPartitionedRooftopsYieldsOneMessagePerCustomerAfterTheyMerge() throws {
        let clock = ManualWallClock()
        let north = try TestReplica("north", clock: clock), south = try TestReplica("south", clock: clock)
        defer { north.remove(); south.remove() }
        for i in 0..<20 {
            _ = try CRMTestData.customer(north.replica, CRMTestData.person("P\(i)", "Person", email: "p\(i)@example.com", doNotContact: i % 5 == 0))
        }
        let campaign = try emailCampaign(CRMService(replica: north.replica))
        try south.replica.apply(try north.replica.changeset(origin: north.replica.rooftop, after: .zero, limit: 5000))
        clock.advance(by: 1000)
        let n = try CRMService(replica: north.replica).executeCampaign(id: campaign)
        let s = try CRMService(replica: south.replica).executeCampaign(id: campaign)
        #expect(n.queued == 16 && s.queued == 16)
        try south.replica.apply(try north.replica.changeset(origin: north.replica.rooftop, after: .zero, limit: 5000))
        try north.replica.apply(try south.replica.changeset(origin: south.replica.rooftop, after: .zero, limit: 5000))
        #expect(try north.replica.digest() == south.replica.digest())
        let metrics = try CRMService(replica: south.replica).campaignMetrics(id: campaign)
        #expect(metrics["queued"] == .number(16) && metrics["suppressed"] == .number(4))
    }
}

@Suite struct CampaignABTestTests {
    @Test func eachCustomerGetsOneVariantTheSameOnEveryRooftopAndTheHoldoutGetsTheWinner() throws {
        let clock = ManualWallClock()
        let north = try TestReplica("north", clock: clock), south = try TestReplica("south", clock: clock)
        defer { north.remove(); south.remove() }
        for i in 0..<400 {
            _ = try CRMTestData.customer(north.replica, CRMTestData.person("P\(i)", "Test", email: "p\(i)@example.com"))
        }
        let crm = CRMService(replica: north.replica)
        let campaign = try crm.create(CRMSchema.campaign, ["name": "Subject lines", "type": "Email",
                                                           "targetAudience": ["filterCriteria": ["field": "lastName", "op": "eq", "value": "Test"]],
                                                           "abTest": ["variants": ["A", "B"], "testShare": 20, "winnerRule": "OpenRate", "testWindowHours": 1]]).row.id
        try south.replica.apply(try north.replica.changeset(origin: north.replica.rooftop, after: .zero, limit: 10_000))
        let n = try crm.executeCampaign(id: campaign), s = try CRMService(replica: south.replica).executeCampaign(id: campaign)
        #expect(n.variants == s.variants)
        let tested = (n.variants["A"] ?? 0) + (n.variants["B"] ?? 0)
        #expect(tested > 40 && tested < 120, "about 20 % of 400 in the test: \(n.variants)")
        #expect(n.variants["holdout"] == 400 - tested)
        // Too early, then B wins on open rate: the holdout receives B at the next execute.
        #expect(throws: ReplicaError.self) { try crm.decideCampaignWinner(id: campaign, winner: nil) }
        var query = ListQuery(CRMSchema.campaignMessage, limit: 500)
        query.filters = [.init("campaignId", .text(campaign.string))]
        for message in try crm.list(query).items where !message.row["variant"].isNull {
            var values: [String: FieldValue] = ["sentAt": .text("2026-12-01T00:00:00.000Z"), "status": .text("Sent")]
            if message.row["variant"] == .text("B") { values["openedAt"] = .text("2026-12-01T01:00:00.000Z") }
            try north.replica.write([LocalWrite(.update, CRMSchema.campaignMessage, id: message.row.id, values: values)])
        }
        clock.advance(by: 3_600_000)
        #expect(try crm.decideCampaignWinner(id: campaign, winner: nil).json["abTest"]?.objectValue?["winner"] == "B")
        let after = try crm.executeCampaign(id: campaign)
        #expect(after.winnerAssigned == 400 - tested && after.queued == 0)
        let variants = try crm.list(query).items.map(\.row["variant"])
        #expect(variants.count == 400 && !variants.contains(.null))
        #expect(variants.filter { $0 == .text("A") }.count == n.variants["A"])
        let metrics = try crm.campaignMetrics(id: campaign)
        #expect(metrics["byVariant"]?.objectValue?["B"]?.objectValue?["opened"] == .number(Double(n.variants["B"] ?? 0)))
    }
}
