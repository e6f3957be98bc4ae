import Foundation
import RooftopCRM
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting
import Testing

/// A list or search page reads its customers without their field stamps (the node's CPU per page);
/// what staff see must be exactly what the full read shows: merged fields, tags, loyalty balance and
/// tier, the primary phone after concurrent edits.
@Suite struct CustomerPageTests {
    let clock = ManualWallClock()

    @Test func aPageShowsEachCustomerAsTheFullReadDoes() throws {
        let north = try TestReplica("north", clock: clock)
        defer { north.remove() }
        let service = CRMService(replica: north.replica)
        func person(_ first: String, _ last: String, _ phone: String, tags: [String] = []) throws -> RowID {
            var json = CRMTestData.person(first, last)
            json["phoneNumbers"] = .array([.object(["number": .string(phone), "type": "Mobile", "primary": true])])
            if !tags.isEmpty { json["tags"] = .array(tags.map(JSONValue.string)) }
            clock.advance(by: 10)
            return try CRMTestData.customer(north.replica, json)
        }
        let ana = try person("Ana", "Lopez", "+12125550101", tags: ["vip", "Service"])
        let anaAgain = try person("Anna", "Lopez", "+12125550101", tags: ["fleet"])
        // The survivor's own later edit: the merged view shows it over the absorbed record's older value.
        clock.advance(by: 10)
        try north.replica.write([LocalWrite(.update, CRMSchema.customer, id: ana, values: ["firstName": .text("Ana María")])])
        let ben = try person("Ben", "Okafor", "+12125550202")
        clock.advance(by: 10)
        _ = try service.recordLoyalty(.add, points: 1_200, reason: "purchase", customer: ben)
        clock.advance(by: 10)
        _ = try service.recordLoyalty(.redeem, points: 200, reason: "oil change", customer: ben)
        clock.advance(by: 10)
        _ = try service.mergeCustomer(anaAgain, into: ana, by: "u-1", reason: nil, dryRun: false)
        // A second phone marked primary (as concurrent edits leave it): the one with the later stamp shows as primary.
        clock.advance(by: 10)
        try north.replica.write([LocalWrite(.insert, CRMSchema.customerPhone, id: RowID(uuid: UUID()),
                                            values: ["customerId": .text(ben.string), "number": .text("+12125550299"), "type": .text("Work"), "primary": .integer(1)])])

        let ids = [ana, anaAgain, ben]
        let (full, shown) = try north.replica.snapshot { tx in (try tx.customers(ids: ids), try tx.customersToShow(ids: ids)) }
        #expect(full.count == 3 && shown.count == 3)
        #expect(shown.map(\.json) == full.map(\.json))
        #expect(shown.allSatisfy { !$0.stampsRead } && full.allSatisfy(\.stampsRead))
        // What the page shows, checked apart from the full read.
        let merged = try #require(shown.first)
        #expect(merged.customer.id == ana && merged.mergedFrom == [anaAgain] && merged.tags == ["fleet", "Service", "vip"])
        #expect(merged.customer["firstName"] == .text("Ana María"))
        let benShown = try #require(shown.last)
        #expect(benShown.loyalty.loyaltyPoints == 1_000 && benShown.loyalty.loyaltyTier == "Silver")
        guard case .object(let benJSON) = benShown.json, case .array(let phones) = benJSON["phoneNumbers"] else { Issue.record("no phoneNumbers"); return }
        let primaries = phones.compactMap { phone -> String? in
            guard case .object(let p) = phone, p["primary"] == .bool(true), case .string(let number) = p["number"] else { return nil }
            return number
        }
        #expect(primaries == ["+12125550299"])
        // Written straight to bytes (the REST page): the same bytes as the JSON value's writer.
        for record in shown {
            var bytes: [UInt8] = []
            try record.writeJSON(to: &bytes)
            #expect(bytes == (try record.json.jsonBytes()))
        }
        let page = try CustomerRecord.pageJSON(shown, nextCursor: "s50")
        #expect(page == (try JSONValue.object(["items": .array(full.map(\.json)), "nextCursor": "s50"]).jsonBytes()))
        #expect(try CustomerRecord.pageJSON([], nextCursor: nil) == Array(#"{"items":[],"nextCursor":null}"#.utf8))
        // Search results are read the same way.
        let found = try north.replica.searchCustomers("okafor")
        #expect(found.map(\.json) == [full[2].json])
    }
}
