import Foundation
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

    // MARK: - a replica file written by this release (fixtures/replicas/)

    static let fixture = "replicas/release-1-north.sqlite"
    static let fixtureDigest = "replicas/release-1-north.digest.json"

    /// Writes the fixture (with `ROOFTOP_WRITE_FIXTURES=1`): customers, phones, an ADF lead, an
    /// update and a delete, as this release stores them.
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
        try replica.delete(CRMSchema.customer, id: ids[1])
        try replica.addInteraction(["customerId": .text(ids[2].string), "type": .text("Call"), "subject": .text("fixture call")],
                                   id: RowID.v7(milliseconds: clock.nowMilliseconds(), using: &generator.random))
        try? FileManager.default.removeItem(at: Fixtures.url(fixture))
        try replica.backup(to: Fixtures.url(fixture).path)
        try (try JSONEncoder().encode(try replica.digest())).write(to: Fixtures.url(fixtureDigest))
    }

    @Test func aReplicaFileWrittenByThisReleaseOpensWithItsContentAndKeepsSyncing() async throws {
        if ProcessInfo.processInfo.environment["ROOFTOP_WRITE_FIXTURES"] == "1" { try Self.writeFixture() }
        let cluster = try await TestCluster()
        let copy = cluster.directory.path("north.sqlite")
        try FileManager.default.copyItem(at: Fixtures.url(Self.fixture), to: URL(fileURLWithPath: copy))
        let north = try Replica(path: copy, rooftop: RooftopID(rawValue: "north")!, wallClock: cluster.clock)
        let expected = try JSONDecoder().decode([TableDigest].self, from: Fixtures.data(Self.fixtureDigest))
        #expect(try north.digest() == expected)
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
