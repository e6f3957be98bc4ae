import Foundation
import RooftopCRM
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting
import Testing

/// Duplicate-customer merges (decision 6, `sync-protocol/customer-merge.md`): one rooftop's merge,
/// concurrent and chained merges at several, late edits to an absorbed id, unmerge, and merges
/// against deletes and erasures. Replicas exchange changes directly, in every order tried.
@Suite struct CustomerMergeTests {
    let clock = ManualWallClock()

    func replicas(_ names: [String]) throws -> [TestReplica] { try names.map { try TestReplica($0, clock: clock) } }

    func person(_ replica: Replica, _ first: String, _ last: String, email: String? = nil, phone: String? = nil,
                extra: [String: JSONValue] = [:]) throws -> RowID {
        var json = CRMTestData.person(first, last, email: email)
        if let phone { json["phoneNumbers"] = .array([.object(["number": .string(phone), "type": "Mobile"])]) }
        for (key, value) in extra { json[key] = value }
        clock.advance(by: 10)
        return try CRMTestData.customer(replica, json)
    }

    /// Found checking decision 6 by hand: two records of one person usually hold the same mobile
    /// and address; the merged customer showed the number twice and the address twice
    /// (`12 Main Street` / `12 MAIN ST.`). The union shows each once, and removing it removes both.
    @Test func aMergedCustomerShowsEachNumberAndPlaceOnce() throws {
        let t = try TestReplica("north", clock: clock)
        defer { t.remove() }
        let service = CRMService(replica: t.replica)
        func address(_ street: String, _ postal: String) -> [String: JSONValue] {
            ["addresses": .array([.object(["type": "Home", "street": .string(street), "city": "Springfield", "state": "IL", "postalCode": .string(postal)])])]
        }
        let a = try person(t.replica, "Ana", "Lopez", phone: "+12125550101", extra: address("12 Main Street", "62704"))
        let b = try person(t.replica, "Ana", "Lopez", email: "ana@example.com", phone: "+12125550101", extra: address("12 MAIN ST.", "62704-1234"))
        try t.replica.write([LocalWrite(.insert, CRMSchema.customerPhone, id: RowID(uuid: UUID()),
                                        values: ["customerId": .text(b.string), "number": .text("+12125550177"), "type": .text("Work")])])
        _ = try service.mergeCustomer(a, into: b, by: "u-1", reason: nil, dryRun: false)
        let merged = try #require(try t.replica.customer(id: b))
        #expect(merged.phones.compactMap { $0["number"].textValue }.sorted() == ["+12125550101", "+12125550177"])
        #expect(merged.addresses.count == 1)
        // Removing the shared number from the merged customer removes it from both records.
        let shown = try #require(merged.phones.first { $0["number"] == .text("+12125550101") })
        try t.replica.removeChild(CRMSchema.customerPhone, id: shown.id, ofCustomer: try #require(RowID(merged.customer.id.string)))
        let after = try #require(try t.replica.customer(id: b))
        #expect(after.phones.compactMap { $0["number"].textValue } == ["+12125550177"])
    }

    /// Found in a user trial: after a merge, the absorbed record's newer typo ("Michele Hernandes")
    /// showed, and setting the name back to the survivor's own value was "no change": the update was
    /// compared with the survivor's stored row, not with the merged record staff see.
    @Test func aStaffCorrectionBackToTheSurvivorsOwnValueShows() throws {
        let t = try TestReplica("north", clock: clock)
        defer { t.remove() }
        let service = CRMService(replica: t.replica)
        let a = try person(t.replica, "Michelle", "Hernández", phone: "+12125550111")
        let b = try person(t.replica, "Michele", "Hernandes", phone: "+12125550111")
        _ = try service.mergeCustomer(b, into: a, by: "u-1", reason: nil, dryRun: false)
        let merged = try #require(try t.replica.customer(id: a))
        #expect(merged.customer["firstName"] == .text("Michele"), "the newest non-empty value shows after the merge")
        clock.advance(by: 10)
        let changes = try t.replica.write([LocalWrite(.update, CRMSchema.customer, id: a,
                                                      values: ["firstName": .text("Michelle"), "lastName": .text("Hernández")])])
        #expect(changes.count == 1)
        let corrected = try #require(try t.replica.customer(id: a))
        #expect(corrected.customer["firstName"] == .text("Michelle") && corrected.customer["lastName"] == .text("Hernández"))
    }

    /// Found in a user trial: the survivor is the record written first, which may be a 2026 web lead,
    /// while the other came from an import with its 2016 customer-since date; that date was lost.
    @Test func aMergedCustomerKeepsTheEarliestCreatedAt() throws {
        let t = try TestReplica("north", clock: clock)
        defer { t.remove() }
        let a = try person(t.replica, "Sandra", "Cooper", phone: "+12125550122")
        var older = CustomerInput(fields: ["firstName": .text("Sandra"), "lastName": .text("Cooper"), "createdAt": .text("2016-06-14T10:00:00.000Z")])
        older.phones = [ChildInput(fields: ["number": .text("+12125550122"), "type": .text("Mobile")])]
        clock.advance(by: 10)
        let b = try t.replica.createCustomer(older)
        _ = try CRMService(replica: t.replica).mergeCustomer(b, into: a, by: "u-1", reason: nil, dryRun: false)
        let merged = try #require(try t.replica.customer(id: a))
        #expect(merged.customer.id == a, "the record written first survives")
        #expect(merged.customer["createdAt"] == .text("2016-06-14T10:00:00.000Z"))
    }

    @Test func aMergeMovesEveryChildAndResolvesFieldsByDecision6() throws {
        let t = try TestReplica("north", clock: clock)
        defer { t.remove() }
        let service = CRMService(replica: t.replica)
        let a = try person(t.replica, "José", "Muñoz", email: "jose@example.com", phone: "+12125550101",
                           extra: ["communicationPreferences": ["optInEmail": true, "optInSMS": true], "sourceType": "WebLead", "tags": ["vip"]])
        let b = try person(t.replica, "Jose", "Munoz", phone: "+12125550199",
                           extra: ["communicationPreferences": ["optInEmail": false, "doNotContact": true], "sourceType": "Showroom",
                                   "demographicInfo": ["occupation": "Teacher"], "tags": ["service"]])
        try service.recordLoyalty(.add, points: 100, reason: "purchase", customer: a)
        try service.recordLoyalty(.add, points: 50, reason: "service", customer: b)
        let interaction = try t.replica.addInteraction(["customerId": .text(b.string), "type": .text("Call")])

        let preview = try service.mergeCustomer(a, into: b, by: "u-1", reason: "same person", dryRun: true)
        #expect(try t.replica.customer(id: b)?.mergedInto == nil)  // the dry run wrote nothing
        clock.advance(by: 10)
        let merged = try service.mergeCustomer(a, into: b, by: "u-1", reason: "same person")
        #expect(preview.customer.json == merged.customer.json)  // the preview is exactly the result
        #expect(merged.customer.customer.id == a)  // created first: the survivor, though named as the duplicate
        let record = merged.customer
        #expect(record.mergedFrom == [b])
        #expect(Set(record.phones.compactMap { $0["number"].textValue }) == ["+12125550101", "+12125550199"])
        #expect(record.tags == ["service", "vip"])
        #expect(record.loyalty.loyaltyPoints == 150)
        #expect(record.customer["firstName"] == .text("Jose"))  // newest non-empty
        #expect(record.customer["email"] == .text("jose@example.com"))  // b's is empty: a's stays
        #expect(record.customer["occupation"] == .text("Teacher"))
        #expect(record.customer["optInEmail"] == .integer(0))  // most restrictive
        #expect(record.customer["optInSMS"] == .integer(1))
        #expect(record.customer["doNotContact"] == .integer(1))
        #expect(record.customer["sourceType"] == .text("WebLead"))  // the survivor's ownership fields
        // The absorbed id resolves to the survivor; the interaction moved.
        let viaAbsorbed = try #require(try t.replica.customer(id: b))
        #expect(viaAbsorbed.customer.id == a && viaAbsorbed.mergedInto == a)
        #expect(try t.replica.row(CRMSchema.customerInteraction, id: interaction)?["customerId"] == .text(a.string))
        #expect(try MergeExchange.rowsReferencingAbsorbed(t.replica) == 0)
        #expect(try t.replica.customerCount() == 1)
        #expect(try t.replica.searchCustomers("munoz", limit: 10).map(\.customer.id) == [a])
        // The audit entry names both, the rooftop and the user.
        #expect(merged.merge["fromId"] == .text(a.string) && merged.merge["intoId"] == .text(b.string))
        #expect(merged.merge["mergedBy"] == .text("u-1") && merged.merge["homeRooftop"] == .text("north"))
        // Writes to the absorbed id go to the survivor.
        try service.recordLoyalty(.add, points: 5, reason: nil, customer: b)
        try t.replica.updateCustomer(id: b, CustomerInput(fields: ["notes": .text("called back")]))
        let after = try #require(try t.replica.customer(id: a))
        #expect(after.loyalty.loyaltyPoints == 155 && after.customer["notes"] == .text("called back"))
        #expect(throws: ReplicaError.self) { try service.mergeCustomer(b, into: a) }  // already one customer
        #expect(try MergeExchange.rowsReferencingAbsorbed(t.replica) == 0)
    }

    @Test func aMergedCustomerGetsOneCampaignMessageAndKeepsItsJourney() throws {
        let t = try TestReplica("north", clock: clock)
        defer { t.remove() }
        let service = CRMService(replica: t.replica)
        let a = try person(t.replica, "Tom", "Hart", email: "tom@example.com")
        let b = try person(t.replica, "Thomas", "Hart", email: "thomas@example.com")
        _ = try service.create(CRMSchema.customerJourney, ["customerId": .string(b.string), "stage": "Consideration"])
        let campaign = try service.create(CRMSchema.campaign, ["name": "Spring", "type": "Email", "targetAudience": ["filterCriteria": ["field": "lastName", "op": "eq", "value": "Hart"]]])
        #expect(try service.executeCampaign(id: campaign.row.id).queued == 2)
        _ = try service.mergeCustomer(b, into: a)
        let again = try service.executeCampaign(id: campaign.row.id)
        #expect(again.queued == 0 && again.alreadyInOutbox == 1)  // one person now: no second message
        #expect(try service.journey(customer: a).row["stage"] == .text("Consideration"))  // the duplicate's journey moved
    }

    @Test func concurrentOppositeMergesAtTwoRooftopsConvergeToOneSurvivor() throws {
        let all = try replicas(["north", "south", "west"])
        defer { all.forEach { $0.remove() } }
        let (north, south, west) = (all[0].replica, all[1].replica, all[2].replica)
        let a = try person(north, "Ana", "Silva", email: "ana@example.com", phone: "+13125550101")
        let b = try person(south, "Anna", "Silva", phone: "+13125550102")
        try MergeExchange.syncAll([north, south, west])
        // Partitioned: north merges B into A while south merges A into B; south adds points to B.
        clock.advance(by: 100)
        _ = try CRMService(replica: north).mergeCustomer(b, into: a, by: "n-1")
        _ = try CRMService(replica: south).mergeCustomer(a, into: b, by: "s-1")
        try CRMService(replica: south).recordLoyalty(.add, points: 40, reason: nil, customer: b)
        // West hears south first, north second; the others the other way round.
        try MergeExchange.send(south, to: west)
        try MergeExchange.send(north, to: west)
        try MergeExchange.syncAll([north, south, west])
        try MergeExchange.expectConverged([north, south, west])
        for replica in [north, south, west] {
            let record = try #require(try replica.customer(id: b))
            #expect(record.customer.id == a && record.mergedFrom == [b] && record.loyalty.loyaltyPoints == 40)
            #expect(record.phones.count == 2)
            #expect(try replica.customerCount() == 1)
        }
    }

    @Test func chainedMergesAcrossRooftopsEndWithOneSurvivorAndNoReferenceToAbsorbedIds() throws {
        let all = try replicas(["north", "south", "west"])
        defer { all.forEach { $0.remove() } }
        let (north, south, west) = (all[0].replica, all[1].replica, all[2].replica)
        let a = try person(north, "Li", "Wei", phone: "+14155550101")
        let b = try person(south, "Li", "Wei", email: "li@example.com")
        let c = try person(west, "Lee", "Wei", phone: "+14155550103")
        try MergeExchange.syncAll([north, south, west])
        clock.advance(by: 100)
        // A←B here, B←C there, C←A at a third: one component, one survivor (A, created first).
        _ = try CRMService(replica: north).mergeCustomer(b, into: a)
        _ = try CRMService(replica: south).mergeCustomer(c, into: b)
        _ = try CRMService(replica: west).mergeCustomer(a, into: c)
        // Offline edits naming the ids that end up absorbed.
        _ = try west.addInteraction(["customerId": .text(c.string), "type": .text("SMS")])
        try CRMService(replica: south).recordLoyalty(.add, points: 10, reason: nil, customer: b)
        try MergeExchange.send(west, to: south)
        try MergeExchange.send(north, to: west)
        try MergeExchange.syncAll([north, south, west])
        try MergeExchange.expectConverged([north, south, west])
        for replica in [north, south, west] {
            let record = try #require(try replica.customer(id: c))
            #expect(record.customer.id == a && record.mergedFrom == [b, c].sorted { $0.string < $1.string })
            #expect(record.loyalty.loyaltyPoints == 10)
            #expect(try MergeExchange.aliases(replica) == [b.string: a.string, c.string: a.string])
        }
    }

    @Test func anEditToTheAbsorbedIdFromAnOfflineRooftopIsRedirectedToTheSurvivor() throws {
        let all = try replicas(["north", "south"])
        defer { all.forEach { $0.remove() } }
        let (north, south) = (all[0].replica, all[1].replica)
        let a = try person(north, "Sam", "Park", email: "sam@example.com")
        let b = try person(north, "Samuel", "Park")
        try MergeExchange.syncAll([north, south])
        clock.advance(by: 100)
        _ = try CRMService(replica: north).mergeCustomer(b, into: a)
        // South has not heard: it edits B and gives B a phone.
        clock.advance(by: 100)
        try south.updateCustomer(id: b, CustomerInput(fields: ["email": .text("samuel.park@example.com")],
                                                      phones: [ChildInput(fields: ["number": .text("+16175550123")])]))
        try MergeExchange.syncAll([north, south])
        try MergeExchange.expectConverged([north, south])
        let record = try #require(try north.customer(id: a))
        #expect(record.customer["email"] == .text("samuel.park@example.com"))  // written after the merge: it wins
        #expect(record.phones.map { $0["number"] } == [.text("+16175550123")])
    }

    @Test func unmergeReturnsBothCustomersAndKeepsWhatWasAddedToTheSurvivor() throws {
        let all = try replicas(["north", "south"])
        defer { all.forEach { $0.remove() } }
        let (north, south) = (all[0].replica, all[1].replica)
        let a = try person(north, "Kim", "Lee", email: "kim@example.com", phone: "+12065550101")
        let b = try person(north, "Kimberly", "Lee", phone: "+12065550102")
        try CRMService(replica: north).recordLoyalty(.add, points: 30, reason: nil, customer: b)
        _ = try CRMService(replica: north).mergeCustomer(b, into: a)
        try MergeExchange.syncAll([north, south])
        clock.advance(by: 100)
        try CRMService(replica: south).recordLoyalty(.add, points: 7, reason: nil, customer: a)  // after the merge, to the survivor
        try MergeExchange.syncAll([north, south])
        let undone = try CRMService(replica: south).unmergeCustomer(b, by: "s-2")
        #expect(undone.unmerged.count == 1 && undone.unmerged[0]["unmergedBy"] == .text("s-2"))
        try MergeExchange.syncAll([north, south])
        try MergeExchange.expectConverged([north, south])
        for replica in [north, south] {
            let first = try #require(try replica.customer(id: a)), second = try #require(try replica.customer(id: b))
            #expect(first.customer.id == a && first.mergedFrom.isEmpty && first.loyalty.loyaltyPoints == 7)
            #expect(second.customer.id == b && second.mergedInto == nil && second.loyalty.loyaltyPoints == 30)
            #expect(second.phones.map { $0["number"] } == [.text("+12065550102")])
            #expect(second.customer["firstName"] == .text("Kimberly"))
            #expect(try replica.customerCount() == 2)
        }
        #expect(throws: ReplicaError.self) { try CRMService(replica: north).unmergeCustomer(b) }  // nothing left to undo
    }

    @Test func anErasureOfEitherIdErasesTheMergedPersonInEveryOrder() throws {
        for erasureFirst in [true, false] {
            let all = try replicas(["north", "south", "west"])
            defer { all.forEach { $0.remove() } }
            let (north, south, west) = (all[0].replica, all[1].replica, all[2].replica)
            let a = try person(north, "Eve", "Adams", email: "eve@example.com", phone: "+17735550101")
            let b = try person(north, "Eva", "Adams", phone: "+17735550102")
            try MergeExchange.syncAll([north, south, west])
            clock.advance(by: 100)
            _ = try CRMService(replica: north).mergeCustomer(b, into: a)
            try south.erase(customer: b)  // concurrently, the data subject's request named B
            if erasureFirst {
                try MergeExchange.send(south, to: west)
                try MergeExchange.send(north, to: west)
            } else {
                try MergeExchange.send(north, to: west)
                try MergeExchange.send(south, to: west)
            }
            try MergeExchange.syncAll([north, south, west])
            try MergeExchange.expectConverged([north, south, west])
            for replica in [north, south, west] {
                #expect(try replica.customerCount() == 0, "erasure first: \(erasureFirst)")
                #expect(try replica.customer(id: a) == nil && replica.customer(id: b) == nil)
                #expect(try replica.transaction { try $0.integer("SELECT count(*) FROM customerPhone") } == 0)
            }
        }
    }

    /// An erasure a merge reaches later (the merge arrives after it) removes the other customer's name
    /// from the search index's segments too, as the erasure itself does: not left in the file's bytes.
    @Test func anErasureALaterMergeSpreadsLeavesNoNameInTheFile() throws {
        let all = try replicas(["north", "south", "west"])
        defer { all.forEach { $0.remove() } }
        let (north, south, west) = (all[0].replica, all[1].replica, all[2].replica)
        let a = try person(north, "Evangeline", "Zabriskie", email: "evangeline@example.com", extra: ["addresses": .array([.object(["city": "Quetzaltenango"])])])
        let b = try person(north, "Eva", "Zabriskie-Lund", phone: "+17735550102")
        // Other customers, so the index keeps segments the erasure's merge must rewrite.
        for i in 0..<40 { _ = try person(north, "Other\(i)", "Person\(i)") }
        try MergeExchange.syncAll([north, south, west])
        clock.advance(by: 100)
        _ = try CRMService(replica: north).mergeCustomer(b, into: a)
        try south.erase(customer: b)
        try MergeExchange.send(south, to: west)  // the erasure first: it names B only, A stays
        #expect(try west.customer(id: a) != nil)
        try MergeExchange.send(north, to: west)  // the merge: the erasure covers A too
        #expect(try west.customer(id: a) == nil && west.searchCustomers("zabriskie").isEmpty)
        for suffix in ["", "-wal"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: west.path + suffix))) ?? Data()
            for word in ["zabriskie", "Zabriskie", "quetzaltenango", "Quetzaltenango"] {
                #expect(bytes.range(of: Data(word.utf8)) == nil, "west\(suffix) still holds \(word)")
            }
        }
    }

    @Test func aDeleteOfTheSurvivorAndAConcurrentMergeConvergeInEveryOrder() throws {
        for deleteFirst in [true, false] {
            let all = try replicas(["north", "south", "west"])
            defer { all.forEach { $0.remove() } }
            let (north, south, west) = (all[0].replica, all[1].replica, all[2].replica)
            let a = try person(north, "Ray", "Ng", phone: "+15035550101")
            let b = try person(north, "Raymond", "Ng", phone: "+15035550102")
            try MergeExchange.syncAll([north, south, west])
            clock.advance(by: 100)
            _ = try CRMService(replica: north).mergeCustomer(b, into: a)
            try south.delete(CRMSchema.customer, id: a)
            let first = deleteFirst ? south : north, second = deleteFirst ? north : south
            try MergeExchange.send(first, to: west)
            try MergeExchange.send(second, to: west)
            try MergeExchange.syncAll([north, south, west])
            try MergeExchange.expectConverged([north, south, west])
            for replica in [north, south, west] {
                #expect(try replica.customerCount() == 0)  // the merged customer is deleted
                #expect(throws: ReplicaError.self) { try replica.visibleRow(CRMSchema.customer, id: b) }
            }
            // Restoring brings back the merged customer with both phones (the delete knew them).
            try west.restore(CRMSchema.customer, id: b)
            try MergeExchange.syncAll([north, south, west])
            try MergeExchange.expectConverged([north, south, west])
            #expect(try north.customer(id: b)?.phones.count == 2)
        }
    }

    @Test(arguments: 0..<UInt64(ProcessInfo.processInfo.environment["MERGE_SEEDS"].flatMap(Int.init) ?? 12)) func randomMergesUnmergesAndEditsConvergeInAnyOrder(seed: UInt64) throws {
        let names = ["north", "south", "west"]
        let all = try replicas(names)
        defer { all.forEach { $0.remove() } }
        let nodes = all.map(\.replica)
        var random = SplitMix64(seed: seed)
        for i in 0..<6 { _ = try person(nodes[i % 3], "P\(i)", "Same", phone: "+1312555\(String(format: "%04d", i))") }
        try MergeExchange.syncAll(nodes)
        for step in 0..<60 {
            clock.advance(by: Int64.random(in: 1...50, using: &random))
            let node = nodes[Int.random(in: 0..<3, using: &random)]
            let service = CRMService(replica: node)
            let ids = try node.transaction { try $0.strings("SELECT id FROM customer WHERE _created IS NOT NULL ORDER BY id") }.compactMap(RowID.init)
            guard let x = ids.randomElement(using: &random), let y = ids.randomElement(using: &random) else { continue }
            do {
                switch Int.random(in: 0..<100, using: &random) {
                case 0..<25: _ = try service.mergeCustomer(x, into: y, by: "u\(step)")
                case 25..<35: _ = try service.unmergeCustomer(x)
                case 35..<50: try service.recordLoyalty(.add, points: Int64(step + 1), reason: nil, customer: x)
                case 50..<65: try node.updateCustomer(id: x, CustomerInput(fields: ["notes": .text("step \(step)")],
                                                                        phones: [ChildInput(fields: ["number": .text("+1415555\(String(format: "%04d", step))")])]))
                case 65..<72: _ = try node.addInteraction(["customerId": .text(x.string), "type": .text("Call")])
                case 72..<76: try node.delete(CRMSchema.customer, id: x)
                case 76..<80: try node.restore(CRMSchema.customer, id: x)
                case 80..<82: try node.erase(customer: x)
                case 82..<88: _ = try person(node, "N\(step)", "Same")
                default:
                    let other = nodes[Int.random(in: 0..<3, using: &random)]
                    if other !== node { try MergeExchange.send(other, to: node) }
                }
            } catch is ReplicaError {
                // Refused locally (not found, gone, already one customer, nothing to undo): fine.
            }
        }
        try MergeExchange.syncAll(nodes)
        try MergeExchange.expectConverged(nodes)
    }
}
