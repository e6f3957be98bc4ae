import Foundation
import RooftopCRM
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting
import Testing

@Suite struct SegmentTests {
    @Test func aDynamicSegmentSelectsByANestedTreeOverFieldsTagsVehiclesAndInteractions() throws {
        let t = try TestReplica()
        defer { t.remove() }
        let crm = CRMService(replica: t.replica)
        let gold = try CRMTestData.customer(t.replica, CRMTestData.person("Ana", "Gold", tier: "Gold", tags: ["VIP"]))
        let fleet = try CRMTestData.customer(t.replica, CRMTestData.person("Bo", "Fleet", tier: "Silver", tags: ["fleet"], city: "Springfield"))
        _ = try CRMTestData.customer(t.replica, CRMTestData.person("Cy", "Other", tier: "Bronze"))
        _ = try crm.create(CRMSchema.customerInteraction, ["customerId": .string(fleet.string), "type": .string("Call")])
        _ = try crm.create(CRMSchema.customerInteraction, ["customerId": .string(fleet.string), "type": .string("Call")])
        let criteria = CRMTestData.json("""
            {"or": [{"field": "loyaltyTier", "op": "in", "value": ["gold", "Platinum"]},
                    {"and": [{"field": "tags", "op": "eq", "value": "FLEET"},
                             {"field": "address.city", "op": "startsWith", "value": "Spring"},
                             {"field": "interaction.count", "type": "Call", "op": "gt", "value": 1},
                             {"not": {"field": "communicationPreferences.doNotContact", "op": "eq", "value": true}}]}]}
            """)
        let segment = try crm.create(CRMSchema.customerSegment, ["name": .string("Gold or busy fleet"), "type": .string("Dynamic"), "criteria": criteria])
        let refreshed = try crm.refreshSegment(id: segment.row.id)
        #expect(refreshed.json["memberCount"] == .number(2))
        #expect(refreshed.json["lastRefreshed"] != .null)
        let members = try crm.segmentMembers(id: segment.row.id, cursor: nil, limit: 1)
        #expect(members.items.count == 1)
        let rest = try crm.segmentMembers(id: segment.row.id, cursor: members.nextCursor, limit: 10)
        #expect(Set((members.items + rest.items).map(\.customer.id)) == [gold, fleet])
        #expect(rest.nextCursor == nil)
    }

    @Test(arguments: [
        (#"{"field": "shoeSize", "op": "eq", "value": 1}"#, "/criteria/field"),
        (#"{"and": [{"field": "status", "op": "like", "value": "x"}]}"#, "/criteria/and/0/op"),
        (#"{"and": []}"#, "/criteria/and"),
        (#"{"or": [{"field": "leadScore", "op": "gt", "value": "high"}]}"#, "/criteria/or/0/value"),
        (#"{"field": "status", "op": "eq", "value": "Dormant"}"#, "/criteria/value"),
        (#"{"field": "createdAt", "op": "between", "value": ["2026-01-01T00:00:00Z"]}"#, "/criteria/value"),
        (#"{"not": {"field": "status", "op": "eq", "value": "Active", "extra": 1}}"#, "/criteria/not/extra"),
    ])
    func anInvalidCriteriaTreeIsRefusedNamingTheJSONPointer(_ criteria: String, _ pointer: String) throws {
        let t = try TestReplica()
        defer { t.remove() }
        let crm = CRMService(replica: t.replica)
        let error = try #require(throws: FieldInputError.self) {
            try crm.create(CRMSchema.customerSegment, ["name": .string("bad"), "type": .string("Dynamic"), "criteria": CRMTestData.json(criteria)])
        }
        #expect(error.all.map(\.pointer).contains(pointer), "\(error)")
        #expect(try crm.list(ListQuery(CRMSchema.customerSegment, limit: 10)).items.isEmpty)
    }

    @Test func criteriaValuesAreBoundNeverSplicedIntoSQL() throws {
        let t = try TestReplica()
        defer { t.remove() }
        let crm = CRMService(replica: t.replica)
        _ = try CRMTestData.customer(t.replica, CRMTestData.person("Dee", "O'Brien"))
        let sneaky = "x') OR 1=1 --"
        let segment = try crm.create(CRMSchema.customerSegment, ["name": .string("quote"), "type": .string("Dynamic"),
                                                                 "criteria": .object(["field": .string("lastName"), "op": .string("contains"), "value": .string(sneaky)])])
        #expect(try crm.refreshSegment(id: segment.row.id).json["memberCount"] == .number(0))
        let compiled = try SegmentCriteria(.object(["field": .string("lastName"), "op": .string("eq"), "value": .string(sneaky)]), at: "", nowMilliseconds: 0)
        #expect(!compiled.sql.contains("OR 1=1"))
        #expect(compiled.arguments == [.text(sneaky)])
    }

    @Test func aStaticSegmentsMembersAreAnAddWinsSetThatConvergesAcrossReplicas() throws {
        let clock = ManualWallClock()
        let north = try TestReplica("north", clock: clock), south = try TestReplica("south", clock: clock)
        defer { north.remove(); south.remove() }
        let crm = CRMService(replica: north.replica)
        let ana = try CRMTestData.customer(north.replica, CRMTestData.person("Ana", "Static"))
        let segment = try crm.create(CRMSchema.customerSegment, ["name": .string("Hand-picked"), "type": .string("Static")])
        _ = try crm.changeSegmentMembers(id: segment.row.id, add: [ana], remove: [])
        try south.replica.apply(try north.replica.changeset(origin: north.replica.rooftop, after: .zero, limit: 1000))
        // Partitioned: south removes Ana; north (not having seen it) adds her again — a no-op there, she is present.
        clock.advance(by: 1000)
        _ = try CRMService(replica: south.replica).changeSegmentMembers(id: segment.row.id, add: [], remove: [ana])
        #expect(try CRMService(replica: south.replica).get(CRMSchema.customerSegment, id: segment.row.id).json["memberCount"] == .number(0))
        // A concurrent add at north after a remove north had not seen survives it (add wins).
        _ = try crm.changeSegmentMembers(id: segment.row.id, add: [], remove: [ana])
        _ = try crm.changeSegmentMembers(id: segment.row.id, add: [ana], remove: [])
        try south.replica.apply(try north.replica.changeset(origin: north.replica.rooftop, after: .zero, limit: 1000))
        try north.replica.apply(try south.replica.changeset(origin: south.replica.rooftop, after: .zero, limit: 1000))
        #expect(try crm.get(CRMSchema.customerSegment, id: segment.row.id).json["memberCount"] == .number(1))
        #expect(try north.replica.digest() == south.replica.digest())
    }

    @Test func aDynamicSegmentRefusesHandPickedMembers() throws {
        let t = try TestReplica()
        defer { t.remove() }
        let crm = CRMService(replica: t.replica)
        let segment = try crm.create(CRMSchema.customerSegment, ["name": .string("All"), "type": .string("Dynamic"),
                                                                 "criteria": CRMTestData.json(#"{"field": "status", "op": "exists", "value": true}"#)])
        let error = try #require(throws: ReplicaError.self) { try crm.changeSegmentMembers(id: segment.row.id, add: [], remove: []) }
        #expect(error.code == .conflict)
    }
}
