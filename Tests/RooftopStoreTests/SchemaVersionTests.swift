import Foundation
import RooftopCRM
import GRDB
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting
import RooftopWire
import Testing

@Suite struct SchemaVersionTests {
    let clock = ManualWallClock()

    /// A changeset as a newer release (schema 2, with `preferredLanguage`) would write it.
    func newerChangeset(customer: RowID) -> Changeset {
        Changeset(schemaVersion: CRMSchema.version + 1, origin: RooftopID(rawValue: "west")!, changes: [
            RowChange(table: "customer", rowID: customer, hlc: HLC(milliseconds: clock.nowMilliseconds(), counter: 0), kind: .insert,
                      fields: [FieldChange("lastName", .text("Nguyen")), FieldChange("preferredLanguage", .text("vi"))]),
            RowChange(table: "customerLoyaltyEvent", rowID: RowID("0190f0a0-0000-7000-8000-0000000000aa")!, hlc: HLC(milliseconds: clock.nowMilliseconds(), counter: 1),
                      kind: .insert, fields: [FieldChange("points", .integer(100))]),
        ])
    }

    @Test func anOlderReplicaAppliesANewerSchemasChangesKeepsAndForwardsTheUnknownPartsAndReportsSchemaBehind() throws {
        let hub = try TestReplica("hub", clock: clock), south = try TestReplica("south", clock: clock)
        defer { hub.remove(); south.remove() }
        let id = RowID.v7(milliseconds: 1)
        let outcome = try hub.replica.apply(newerChangeset(customer: id))
        #expect(outcome.applied == 2)
        #expect(try hub.replica.customer(id: id)?.customer["lastName"] == .text("Nguyen"))
        #expect(try hub.replica.syncState("schemaBehind") == String(CRMSchema.version + 1))
        // The hub relays the changes unchanged, with the writer's schema version.
        let relayed = try hub.replica.changeset(origin: RooftopID(rawValue: "west")!, after: .zero, limit: 10)
        #expect(relayed.schemaVersion == CRMSchema.version + 1)
        #expect(relayed.changes == newerChangeset(customer: id).changes)
        try south.replica.apply(try ChangesetCodec.decode(try ChangesetCodec.encode(relayed)))
        #expect(try south.replica.digest() == hub.replica.digest())
        #expect(try south.replica.rowsDifferingFromTheirHistory().isEmpty)
    }

    @Test func unknownFieldsInAChangesetOfThisSchemaAreStillRejected() throws {
        let hub = try TestReplica("hub", clock: clock)
        defer { hub.remove() }
        var changeset = newerChangeset(customer: RowID.v7(milliseconds: 1))
        changeset.schemaVersion = CRMSchema.version
        let error = try #require(throws: ReplicaError.self) { try hub.replica.apply(changeset) }
        #expect(error.code == .unknownSchema)
    }

    @Test func upgradingRebuildsRowsFromChangesKeptWhileBehind() throws {
        // A replica that was on schema 1 when a schema-2 change (a customer tag) arrived: the change
        // is in its log, the row nowhere. Opening it with this release rebuilds the row.
        let t = try TestReplica("north", clock: clock)
        let id = try t.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry")], tags: ["VIP"]))
        let path = t.replica.path
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "DELETE FROM customerTag")
            try db.execute(sql: "UPDATE changeLog SET schemaVersion = 2 WHERE tableName = 'customerTag'")
            try db.execute(sql: "UPDATE replicaMeta SET value = 1 WHERE key = 'schemaVersion'")
            try db.execute(sql: "INSERT OR REPLACE INTO syncState (key, value) VALUES ('schemaBehind', '2')")
        }
        try queue.close()
        #expect(try t.replica.customer(id: id)?.tags == [])
        let reopened = try Replica(path: path, rooftop: RooftopID(rawValue: "north")!, wallClock: clock)
        #expect(try reopened.customer(id: id)?.tags == ["VIP"])
        #expect(try reopened.syncState("schemaBehind") == nil)
        #expect(try reopened.rowsDifferingFromTheirHistory().isEmpty)
        t.remove()
    }

    // MARK: - replica files written by earlier releases (fixtures/replicas/)

    /// `fixtures/replicas/schema-N-north.sqlite` and its `.digest.json`, one per schema version.
    static var fixtures: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: Fixtures.url("replicas").path)) ?? [])
            .filter { $0.hasSuffix(".sqlite") }.sorted().map { "replicas/" + $0.dropLast(".sqlite".count) }
    }

    /// Writes the fixture (with `ROOFTOP_WRITE_FIXTURES=1`): customers, phones, an interaction, an
    /// update and a delete. The committed file was written by the schema-1 release; never rewrite
    /// it: a new release adds its own file.
    static func writeFixture() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualWallClock()
        let replica = try Replica(path: directory.path("north.sqlite"), rooftop: RooftopID(rawValue: "north")!, wallClock: clock)
        var generator = SyntheticCustomers(seed: 1)
        var ids: [RowID] = []
        for i in 0..<20 {
            clock.advance(by: 1_000)
            ids.append(try replica.createCustomer(generator.customer(index: i), id: RowID.v7(milliseconds: clock.nowMilliseconds(), using: &generator.random)))
        }
        try replica.updateCustomer(id: ids[0], CustomerInput(fields: ["notes": .text("updated before the release was cut")]))
        if CRMSchema.version >= 2 { try replica.updateCustomer(id: ids[3], CustomerInput(tags: ["VIP", "fleet"])) }
        if CRMSchema.version >= 3 {
            try CRMService(replica: replica).recordLoyalty(.add, points: 250, reason: "purchase", customer: ids[4])
            try CRMService(replica: replica).recordLoyalty(.redeem, points: 100, reason: "service", customer: ids[4])
        }
        if CRMSchema.version >= 4 {
            let crm = CRMService(replica: replica)
            clock.advance(by: 1_000)
            let segment = try crm.create(CRMSchema.customerSegment, ["name": "Everyone with e-mail", "type": "Dynamic",
                                                                      "criteria": ["field": "email", "op": "exists", "value": true]])
            let campaign = try crm.create(CRMSchema.campaign, ["name": "Fixture campaign", "type": "Email",
                                                               "targetAudience": ["segments": [.string(segment.row.id.string)]],
                                                               "content": ["subject": "Hello", "mediaUrls": ["https://example.com/a.png"]]])
            _ = try crm.executeCampaign(id: campaign.row.id)
            let hand = try crm.create(CRMSchema.customerSegment, ["name": "Hand-picked", "type": "Static"])
            _ = try crm.changeSegmentMembers(id: hand.row.id, add: [ids[5], ids[6]], remove: [])
            let journey = try crm.create(CRMSchema.customerJourney, ["customerId": .string(ids[5].string), "stage": "Consideration"])
            _ = try crm.update(CRMSchema.customerJourney, id: journey.row.id, ["stage": "Purchase"])
            let survey = try #require(RowID(try crm.sendSurvey(surveyType: "NPS", customers: [ids[6]], segment: nil, relatedToType: nil, relatedToId: nil).created[0]))
            _ = try crm.recordSurveyResponse(survey: survey, answers: [["questionId": "0190f0a0-0000-7000-8000-00000000f001", "score": 4]], comments: nil, followUpAssignedTo: nil)
            let reward = try crm.create(CRMSchema.loyaltyReward, ["name": "Car wash", "pointsCost": 100])
            try crm.recordLoyalty(.redeem, points: nil, reason: nil, reward: reward.row.id, customer: ids[4])
            _ = try crm.create(CRMSchema.customerInteraction, ["customerId": .string(ids[7].string), "type": "Email", "subject": "Tagged", "tags": ["service", "recall"]])
        }
        if CRMSchema.version >= 5 {
            // A duplicate of ids[8], created later and merged into it (the customer count stays 19).
            clock.advance(by: 1_000)
            let duplicate = try replica.createCustomer(generator.customer(index: 8), id: RowID.v7(milliseconds: clock.nowMilliseconds(), using: &generator.random))
            try CRMService(replica: replica).recordLoyalty(.add, points: 40, reason: "visit", customer: duplicate)
            _ = try CRMService(replica: replica).mergeCustomer(duplicate, into: ids[8], by: "fixture", reason: "same person")
        }
        if CRMSchema.version >= 6 {
            // A reviewer's dismissal of a possible duplicate pair.
            _ = try CRMService(replica: replica).dismissDuplicate(ids[9], ids[10], by: "fixture", note: "different people")
        }
        if CRMSchema.version >= 7 {
            // A lead as it arrived for ids[11], and a quarantined one (no customer).
            clock.advance(by: 1_000)
            try replica.write([
                LocalWrite(.insert, CRMSchema.lead, id: RowID.v7(milliseconds: clock.nowMilliseconds(), using: &generator.random), values: [
                    "customerId": .text(ids[11].string), "status": .text("Imported"), "receivedAt": .text("2026-12-05T10:00:00.000Z"),
                    "receivedVia": .text("HTTP"), "provider": .text("LeadCo"), "providerLeadId": .text("LeadCo:L-1"), "resend": .bool(false),
                    "warnings": .text(#"[{"message":"not a phone number","path":"prospect[1]/customer/contact/phone","value":"1234567890"}]"#),
                    "raw": .text("<prospect><id source=\"LeadCo\">L-1</id></prospect>"),
                ]),
                LocalWrite(.insert, CRMSchema.lead, id: RowID.v7(milliseconds: clock.nowMilliseconds() + 1, using: &generator.random), values: [
                    "status": .text("Quarantined"), "receivedAt": .text("2026-12-05T10:00:01.000Z"), "receivedVia": .text("DropFolder"),
                    "reason": .text("no usable e-mail or phone"), "raw": .text("<prospect><customer/></prospect>"),
                ]),
            ])
        }
        try replica.delete(CRMSchema.customer, id: ids[1])
        try replica.addInteraction(["customerId": .text(ids[2].string), "type": .text("Call"), "subject": .text("fixture call")],
                                   id: RowID.v7(milliseconds: clock.nowMilliseconds(), using: &generator.random))
        let name = "replicas/schema-\(CRMSchema.version)-north"
        guard !FileManager.default.fileExists(atPath: Fixtures.url(name + ".sqlite").path) else { return }  // never rewritten
        try replica.backup(to: Fixtures.url(name + ".sqlite").path)
        try (try JSONEncoder().encode(try replica.digest())).write(to: Fixtures.url(name + ".digest.json"))
    }

    @Test func everyKeptReplicaFileIsListed() throws {
        if ProcessInfo.processInfo.environment["ROOFTOP_WRITE_FIXTURES"] == "1" { try Self.writeFixture() }
        #expect(Self.fixtures.contains("replicas/schema-1-north"))
    }

    @Test(arguments: fixtures)
    func aReplicaFileWrittenByAnEarlierReleaseOpensWithItsContentAndKeepsSyncing(_ fixture: String) async throws {
        let cluster = try await TestCluster()
        let copy = cluster.directory.path("north.sqlite")
        try FileManager.default.copyItem(at: Fixtures.url(fixture + ".sqlite"), to: URL(fileURLWithPath: copy))
        let north = try Replica(path: copy, rooftop: RooftopID(rawValue: "north")!, wallClock: cluster.clock)
        let expected = try JSONDecoder().decode([TableDigest].self, from: Fixtures.data(fixture + ".digest.json"))
        // Its tables hold what they held; tables of later schemas are new and empty.
        let digests = try north.digest()
        #expect(Array(digests.prefix(expected.count)) == expected)
        #expect(digests.dropFirst(expected.count).allSatisfy { $0.rows == 0 })
        #expect(try north.customerCount() == 19)
        #expect(try north.rowsDifferingFromTheirHistory().isEmpty)
        // It keeps working: new writes, sync with a hub, a second rooftop converges.
        cluster.clock.advance(by: 60_000)
        try north.createCustomer(CustomerInput(fields: ["lastName": .text("After upgrade")]))
        try await cluster.sync(north)
        let south = try cluster.replica("south")
        try await cluster.sync(south)
        #expect(try south.digest() == north.digest())
        #expect(try south.customerCount() == 20)
        await cluster.shutdown()
    }
}
