import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting
import Testing

@Suite struct ReplicaApplyTests {
    let clock = ManualWallClock()

    /// Everything `from` has logged for its own origin, as one changeset.
    func outbox(_ from: Replica) throws -> Changeset {
        try from.changeset(origin: from.rooftop, after: .zero, limit: 100_000)
    }

    @Test func applyingTheSameChangesetTwiceChangesNothing() throws {
        let north = try TestReplica("north", clock: clock), hub = try TestReplica("hub", clock: clock)
        defer { north.remove(); hub.remove() }
        try north.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry")]))
        let changeset = try outbox(north.replica)
        let first = try hub.replica.apply(changeset)
        let digest = try hub.replica.digest()
        let second = try hub.replica.apply(changeset)
        #expect(first.applied == changeset.changes.count && !first.wasAlreadyApplied)
        #expect(second.wasAlreadyApplied && second.applied == 0)
        #expect(try hub.replica.digest() == digest)
        #expect(try hub.replica.digest() == north.replica.digest())
    }

    @Test func aChangesetWithOneBadChangeIsRejectedWholeAndTheReplicaIsUntouched() throws {
        let north = try TestReplica("north", clock: clock), hub = try TestReplica("hub", clock: clock)
        defer { north.remove(); hub.remove() }
        try north.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry")]))
        var changeset = try outbox(north.replica)
        let row = RowID.v7(milliseconds: clock.nowMilliseconds())
        changeset.changes.append(RowChange(table: "customer", rowID: row, hlc: HLC(rawValue: changeset.maxHLC!.rawValue + 1), kind: .insert,
                                           fields: [FieldChange("favouriteColour", .text("red"))]))
        let digest = try hub.replica.digest(), vector = try hub.replica.versionVector()
        let error = try #require(throws: ReplicaError.self) { try hub.replica.apply(changeset) }
        #expect(error.code == .unknownSchema)
        #expect(try hub.replica.digest() == digest)
        #expect(try hub.replica.versionVector() == vector)
    }

    @Test func mistypedValueIsRejected() throws {
        let hub = try TestReplica("hub", clock: clock)
        defer { hub.remove() }
        let changeset = Changeset(schemaVersion: 1, origin: RooftopID(rawValue: "north")!, changes: [
            RowChange(table: "customer", rowID: RowID.v7(milliseconds: 1), hlc: HLC(milliseconds: clock.nowMilliseconds(), counter: 0), kind: .insert,
                      fields: [FieldChange("leadScore", .text("high"))]),
        ])
        #expect(throws: ReplicaError.self) { try hub.replica.apply(changeset) }
    }

    @Test func stampBeyondMaxDriftIsRefusedAndNoClockMoves() throws {
        let hub = try TestReplica("hub", clock: clock)
        defer { hub.remove() }
        let ahead = HLC(milliseconds: clock.nowMilliseconds() + 6 * 60_000, counter: 0)
        let changeset = Changeset(schemaVersion: 1, origin: RooftopID(rawValue: "north")!, changes: [
            RowChange(table: "customer", rowID: RowID.v7(milliseconds: 1), hlc: ahead, kind: .insert, fields: [FieldChange("lastName", .text("Skew"))]),
        ])
        let hlc = try hub.replica.currentHLC()
        let error = try #require(throws: ClockSkewError.self) { try hub.replica.apply(changeset) }
        #expect(error.offsetMilliseconds == 360_000)
        #expect(try hub.replica.currentHLC() == hlc)
        #expect(try hub.replica.customerCount() == 0)
        #expect(try hub.replica.versionVector() == VersionVector())
    }

    @Test func anUpdateArrivingBeforeItsInsertStaysInvisibleThenWins() throws {
        let north = try TestReplica("north", clock: clock), south = try TestReplica("south", clock: clock), east = try TestReplica("east", clock: clock)
        defer { north.remove(); south.remove(); east.remove() }
        let id = try north.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry"), "notes": .text("old")]))
        try south.replica.apply(try outbox(north.replica))
        clock.advance(by: 10)
        try south.replica.updateCustomer(id: id, CustomerInput(fields: ["notes": .text("new")]))
        try east.replica.apply(try outbox(south.replica))  // south's update reaches east first
        #expect(try east.replica.customer(id: id) == nil)
        try east.replica.apply(try outbox(north.replica))
        #expect(try east.replica.customer(id: id)?.customer["notes"] == .text("new"))
        #expect(try east.replica.digest() == south.replica.digest())
    }

    @Test func concurrentEditsConvergeInEveryDeliveryOrder() throws {
        let names = ["north", "south", "east"]
        let sources = try names.map { try TestReplica($0, clock: clock) }
        defer { sources.forEach { $0.remove() } }
        // A shared customer, then concurrent edits: different fields and one same field.
        let id = try sources[0].replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry"), "email": .text("b@x.io")]))
        let seed = try outbox(sources[0].replica)
        for s in sources.dropFirst() { try s.replica.apply(seed) }
        clock.advance(by: 5)
        try sources[0].replica.updateCustomer(id: id, CustomerInput(fields: ["email": .text("north@x.io"), "notes": .text("from north")]))
        try sources[1].replica.updateCustomer(id: id, CustomerInput(fields: ["occupation": .text("Chef"), "notes": .text("from south")]))
        clock.advance(by: 1)
        try sources[2].replica.updateCustomer(id: id, CustomerInput(fields: ["notes": .text("from east")]))
        let changesets = try sources.map { try outbox($0.replica) }
        var digests: [[TableDigest]] = []
        let orders = [[0, 1, 2], [2, 1, 0], [1, 2, 0, 1, 0], [2, 2, 0, 1]]
        for order in orders {
            let target = try TestReplica("hub", clock: clock)
            defer { target.remove() }
            for i in order { try target.replica.apply(changesets[i]) }
            digests.append(try target.replica.digest())
            let customer = try #require(try target.replica.customer(id: id)).customer
            #expect(customer["email"] == .text("north@x.io"))
            #expect(customer["occupation"] == .text("Chef"))
            #expect(customer["notes"] == .text("from east"))  // the latest HLC
        }
        #expect(Set(digests.map { $0.map(\.sha256) }).count == 1)
    }

    @Test func digestDiffersWhenAnyStoredFieldDiffers() throws {
        let a = try TestReplica("north", clock: clock), b = try TestReplica("south", clock: clock)
        defer { a.remove(); b.remove() }
        let id = try a.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry")]))
        try b.replica.apply(try outbox(a.replica))
        #expect(try a.replica.digest() == b.replica.digest())
        clock.advance(by: 1)
        try b.replica.updateCustomer(id: id, CustomerInput(fields: ["notes": .text("x")]))
        let da = try a.replica.digest(), db = try b.replica.digest()
        #expect(da.first { $0.table == "customer" } != db.first { $0.table == "customer" })
        #expect(da.first { $0.table == "customerPhone" } == db.first { $0.table == "customerPhone" })
    }

    @Test func concurrentPrimaryPhonesResolveToTheLatestStampEverywhere() throws {
        let north = try TestReplica("north", clock: clock), south = try TestReplica("south", clock: clock)
        defer { north.remove(); south.remove() }
        let id = try north.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry")], phones: [
            ChildInput(fields: ["number": .text("+15550100001")]), ChildInput(fields: ["number": .text("+15550100002")]),
        ]))
        try south.replica.apply(try outbox(north.replica))
        clock.advance(by: 5)
        try north.replica.updateCustomer(id: id, CustomerInput(phones: [ChildInput(fields: ["number": .text("+15550100002"), "primary": .integer(1)])]))
        clock.advance(by: 5)
        try south.replica.updateCustomer(id: id, CustomerInput(phones: [ChildInput(fields: ["number": .text("+15550100003"), "primary": .integer(1)])]))
        try north.replica.apply(try outbox(south.replica))
        try south.replica.apply(try outbox(north.replica))
        for replica in [north.replica, south.replica] {
            let json = try #require(try replica.customer(id: id)).json
            let primaries = json.objectValue!["phoneNumbers"]!.arrayValue!.filter { $0.objectValue!["primary"] == .bool(true) }
            #expect(primaries.map { $0.objectValue!["number"] } == [.string("+15550100003")])
        }
    }
}

extension ReplicaApplyTests {
    @Test(arguments: [
        ("status", FieldValue.text("Deleted")), ("optInEmail", .integer(7)), ("leadScore", .integer(-1)),
        ("email", .text("Ana@Example.com")), ("createdAt", .text("2026-11-30 10:00")), ("sourceId", .text("not-a-uuid")),
        ("birthDate", .text("2026-02-30")), ("lastName", .text(String(repeating: "x", count: 300))),
    ])
    func valueItsTypeDoesNotAllowRejectsTheChangeset(_ field: String, _ value: FieldValue) throws {
        let hub = try TestReplica("hub", clock: clock)
        defer { hub.remove() }
        let changeset = Changeset(schemaVersion: 1, origin: RooftopID(rawValue: "north")!, changes: [
            RowChange(table: "customer", rowID: RowID.v7(milliseconds: 1), hlc: HLC(milliseconds: clock.nowMilliseconds(), counter: 0), kind: .insert,
                      fields: [FieldChange("lastName", .text("Valid")), FieldChange(field, value)].filter { $0.name != field || $0.value == value }),
        ])
        let error = try #require(throws: ReplicaError.self) { try hub.replica.apply(changeset) }
        #expect(error.code == .unknownSchema)
        #expect(try hub.replica.customerCount() == 0)
    }
}
