import Foundation
import GRDB
import RooftopReplication
@testable import RooftopStore
import RooftopTesting
import Testing

/// A replica file a newer release migrated is refused, not written wrong: GRDB would run the
/// migrations this release knows and ignore the others (since v23 an older release would insert
/// customers without their tier rank and leave their search rows unwritten).
@Suite struct NewerReleaseFileTests {
    @Test func aFileMigratedByANewerReleaseIsRefusedWithTheMigrationNamed() throws {
        let directory = try TemporaryDirectory("rooftop-newer")
        defer { directory.remove() }
        let path = directory.path("replica.sqlite")
        do {
            let replica = try Replica(path: path, rooftop: RooftopID(rawValue: "north")!)
            _ = try replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry")]))
        }
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')") }
        try queue.close()
        let error = try #require(throws: ReplicaError.self) { try Replica(path: path, rooftop: RooftopID(rawValue: "north")!) }
        #expect(error.code == .newerRelease)
        #expect(error.description.contains("v99-from-the-future"))
        // Without the unknown migration the same file opens, its customer intact.
        let again = try DatabaseQueue(path: path)
        try again.write { db in try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v99-from-the-future'") }
        try again.close()
        let reopened = try Replica(path: path, rooftop: RooftopID(rawValue: "north")!)
        #expect(try reopened.searchCustomers("berry").count == 1)
    }
}
