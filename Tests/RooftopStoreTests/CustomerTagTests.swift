import Foundation
import PropertyBased
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting
import Testing

/// `Customer.tags` as an add-wins set (`sync-protocol/merge-rules.md#add-wins-set`).
@Suite struct CustomerTagTests {
    let clock = ManualWallClock()

    func outbox(_ replica: Replica) throws -> Changeset {
        try replica.changeset(origin: replica.rooftop, after: .zero, limit: 100_000)
    }

    func tags(_ replica: Replica, _ id: RowID) throws -> [String] { try #require(try replica.customer(id: id)).tags }

    @Test func tagsAreASetComparedCaseInsensitively() throws {
        let t = try TestReplica("north", clock: clock)
        defer { t.remove() }
        let id = try t.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry")], tags: ["VIP", "service-plan"]))
        #expect(try tags(t.replica, id) == ["service-plan", "VIP"])
        #expect(try t.replica.updateCustomer(id: id, CustomerInput(tags: ["vip", "service-plan"])) == 0)  // nothing changes
        try t.replica.updateCustomer(id: id, CustomerInput(tags: ["VIP", "fleet"]))
        #expect(try tags(t.replica, id) == ["fleet", "VIP"])
        #expect(try t.replica.customer(id: id)?.json.objectValue?["tags"] == .array([.string("fleet"), .string("VIP")]))
    }

    @Test func aConcurrentAddWinsOverARemoveThatDidNotSeeIt() throws {
        let north = try TestReplica("north", clock: clock), south = try TestReplica("south", clock: clock)
        defer { north.remove(); south.remove() }
        let id = try north.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry")], tags: ["VIP"]))
        try south.replica.apply(try outbox(north.replica))
        clock.advance(by: 10)
        try north.replica.updateCustomer(id: id, CustomerInput(tags: []))  // north removes VIP...
        clock.advance(by: 10)
        try south.replica.updateCustomer(id: id, CustomerInput(tags: []))  // ...south removes it too,
        try south.replica.updateCustomer(id: id, CustomerInput(tags: ["VIP"]))  // then adds it again, unaware of north
        try north.replica.apply(try outbox(south.replica))
        try south.replica.apply(try outbox(north.replica))
        #expect(try tags(north.replica, id) == ["VIP"])
        #expect(try tags(south.replica, id) == ["VIP"])
        #expect(try north.replica.digest() == south.replica.digest())
    }

    @Test func aRemoveThatSawEveryAddRemovesTheTagEverywhere() throws {
        let north = try TestReplica("north", clock: clock), south = try TestReplica("south", clock: clock)
        defer { north.remove(); south.remove() }
        let id = try north.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry")], tags: ["VIP"]))
        try south.replica.apply(try outbox(north.replica))
        clock.advance(by: 10)
        try south.replica.updateCustomer(id: id, CustomerInput(tags: ["VIP", "fleet"]))
        try north.replica.apply(try outbox(south.replica))
        clock.advance(by: 10)
        try north.replica.updateCustomer(id: id, CustomerInput(tags: ["fleet"]))
        try south.replica.apply(try outbox(north.replica))
        #expect(try tags(south.replica, id) == ["fleet"])
        #expect(try north.replica.digest() == south.replica.digest())
    }

    /// Each rooftop runs a random script of adds and removes on one customer, seeing the others'
    /// changes only at random sync points; after a full exchange all agree, and a tag is present
    /// exactly when some add of it was not seen by a later remove of it (the add-wins definition).
    @Test func replicasAgreeAndTagsFollowTheAddWinsDefinition() async {
        await propertyCheck(count: 40, input: Gen.int(in: 0...3).array(of: 3...20), Gen.int(in: 0...10_000)) { script, seed in
            do {
                let clock = ManualWallClock()
                let replicas = try ["north", "south", "east"].map { try TestReplica($0, clock: clock) }
                defer { replicas.forEach { $0.remove() } }
                let id = try replicas[0].replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry")]))
                for r in replicas.dropFirst() { try r.replica.apply(try outbox(replicas[0].replica)) }
                var random = SplitMix64(seed: UInt64(seed))
                for step in script {
                    clock.advance(by: 5)
                    let r = replicas[Int(random.next() % 3)].replica
                    let current = try tags(r, id)
                    let tag = ["VIP", "fleet"][step % 2]
                    let next = step < 2 ? Array(Set(current + [tag])) : current.filter { $0 != tag }
                    try r.updateCustomer(id: id, CustomerInput(tags: next))
                    if random.next() % 3 == 0 {  // a partial exchange between two replicas
                        let a = replicas[Int(random.next() % 3)].replica, b = replicas[Int(random.next() % 3)].replica
                        if a !== b { try b.apply(try outbox(a)); try a.apply(try outbox(b)) }
                    }
                }
                for a in replicas { for b in replicas where a.replica !== b.replica { try b.replica.apply(try outbox(a.replica)) } }
                let results = try replicas.map { try tags($0.replica, id) }
                #expect(Set(results.map { $0 }).count == 1)
                // Add-wins: present iff some element row of the tag is not removed.
                let elements = try #require(try replicas[0].replica.customer(id: id)).tagElements
                let expected = Set(elements.filter { $0["removed"] != .integer(1) }.compactMap { $0["tag"].textValue })
                #expect(Set(results[0]) == expected)
            } catch {
                Issue.record(error)
            }
        }
    }
}
