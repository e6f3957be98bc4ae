import Foundation
import RooftopCRM
import GRDB
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting
import RooftopWire
import Testing

/// Decision 7: a data-subject erasure is terminal, reaches every replica, wins over concurrent
/// edits, purges change logs and outboxes, and survives compaction.
@Suite struct ErasureTests {
    let clock = ManualWallClock()

    func outbox(_ replica: Replica) throws -> Changeset {
        try replica.changeset(origin: replica.rooftop, after: .zero, limit: 100_000)
    }

    /// Every place the replica file could still hold `text` (rows and change log), via SQLite.
    func fileMentions(_ replica: Replica, _ text: String) throws -> Bool {
        let queue = try DatabaseQueue(path: replica.path)
        defer { try? queue.close() }
        return try queue.read { db in
            for table in CRMSchema.entities.map(\.table) + ["changeLog"] {
                let columns = try db.columns(in: table).map(\.name)
                for column in columns {
                    if try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.quotedDatabaseIdentifier) WHERE CAST(\(column.quotedDatabaseIdentifier) AS BLOB) LIKE ?",
                                        arguments: ["%\(text)%"]) ?? 0 > 0 { return true }
                }
            }
            return false
        }
    }

    @Test func anErasureRemovesTheCustomerAndEverythingAboutThemEverywhereIncludingLogsAndOutboxes() throws {
        let north = try TestReplica("north", clock: clock), south = try TestReplica("south", clock: clock), hub = try TestReplica("hub", clock: clock)
        defer { north.remove(); south.remove(); hub.remove() }
        let id = try north.replica.createCustomer(CustomerInput(
            fields: ["firstName": .text("Zelda"), "lastName": .text("Quixote"), "email": .text("zelda@example.com")],
            phones: [ChildInput(fields: ["number": .text("+15550109999")])], tags: ["VIP"]))
        try north.replica.addInteraction(["customerId": .text(id.string), "type": .text("Call"), "subject": .text("Quixote called")])
        try CRMService(replica: north.replica).recordLoyalty(.add, points: 50, reason: "purchase", customer: id)
        for target in [hub, south] { try target.replica.apply(try outbox(north.replica)) }
        clock.advance(by: 10)
        // South edits Zelda offline (unsent: in its outbox) while north erases her.
        try south.replica.updateCustomer(id: id, CustomerInput(fields: ["notes": .text("Quixote prefers mornings")]))
        try north.replica.erase(customer: id)
        for target in [hub, south] { try target.replica.apply(try outbox(north.replica)) }
        try hub.replica.apply(try outbox(south.replica))  // the late edit reaches the hub after the erase
        for replica in [north.replica, south.replica, hub.replica] {
            // Not in the file's bytes either (free pages, write-ahead log).
            for suffix in ["", "-wal"] {
                let bytes = (try? Data(contentsOf: URL(fileURLWithPath: replica.path + suffix))) ?? Data()
                #expect(bytes.range(of: Data("Quixote".utf8)) == nil, "\(replica.rooftop)\(suffix) still holds the name")
                // The interaction search index holds words folded to lower case.
                #expect(bytes.range(of: Data("quixote".utf8)) == nil, "\(replica.rooftop)\(suffix) still holds the name in the search index")
            }
            #expect(try replica.customer(id: id) == nil)
            #expect(try !fileMentions(replica, "Quixote"), "\(replica.rooftop) still holds personal data")
            #expect(try !fileMentions(replica, "15550109999"))
            #expect(try replica.erasures().map(\.customerId) == [id])
        }
        #expect(try north.replica.digest() == south.replica.digest())
        #expect(try south.replica.digest() == hub.replica.digest())
        // Nothing brings her back: not a late insert of a child, not a re-import with her id.
        let lateChild = Changeset(schemaVersion: CRMSchema.version, origin: RooftopID(rawValue: "east")!, changes: [
            RowChange(table: "customerPhone", rowID: RowID.v7(milliseconds: 9), hlc: HLC(milliseconds: clock.nowMilliseconds(), counter: 0), kind: .insert,
                      fields: [FieldChange("customerId", .text(id.string)), FieldChange("number", .text("+15550108888"))]),
        ])
        try hub.replica.apply(lateChild)
        #expect(try !fileMentions(hub.replica, "15550108888"))
        #expect(throws: ReplicaError.self) { try hub.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Again")]), id: id) }
    }

    @Test func theEraseChangeItselfCarriesNoPersonalDataAndSurvivesCompaction() throws {
        let north = try TestReplica("north", clock: clock)
        defer { north.remove() }
        let id = try north.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Quixote")]))
        let erase = try north.replica.erase(customer: id)
        #expect(erase.kind == .erase && erase.fields.isEmpty && erase.table == "customer")
        clock.advance(by: 200 * 86_400_000)
        _ = try north.replica.compact(purgeExpiredTombstones: true)
        #expect(try north.replica.changeset(origin: north.replica.rooftop, after: .zero, limit: 10).changes.map(\.kind) == [.erase])
        #expect(try north.replica.erasures().count == 1)
    }

    @Test func acknowledgementsFollowEachRooftopsProgress() throws {
        let hub = try TestReplica("hub", clock: clock), north = try TestReplica("north", clock: clock)
        defer { hub.remove(); north.remove() }
        let id = try north.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Quixote")]))
        let erase = try north.replica.erase(customer: id)
        try hub.replica.apply(try outbox(north.replica))
        try hub.replica.recordProgress(of: RooftopID(rawValue: "south")!, seen: VersionVector())
        var record = try #require(try hub.replica.erasures().first)
        #expect(record.acknowledgedBy.map(\.rawValue) == ["hub", "north"])  // the hub holds it too
        #expect(record.pending.map(\.rawValue) == ["south"])
        try hub.replica.recordProgress(of: RooftopID(rawValue: "south")!, seen: VersionVector([RooftopID(rawValue: "north")!: erase.hlc]))
        record = try #require(try hub.replica.erasures().first)
        #expect(record.acknowledgedBy.map(\.rawValue) == ["hub", "north", "south"] && record.pending.isEmpty)
    }
}
