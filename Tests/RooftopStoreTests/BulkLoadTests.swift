import Foundation
import GRDB
@testable import RooftopStore
import RooftopTesting
import Testing

/// A bulk load (`Replica.bulkLoad`) drops the indexes it names only while the replica is its own,
/// always builds them again, and a load killed midway leaves a replica whose next open builds them.
@Suite struct BulkLoadTests {
    static let deferring = Replica.indexesNotReadByTheDuplicateCheck

    static func indexes(_ replica: Replica) throws -> Set<String> {
        Set(try replica.pool.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'index'") })
    }

    static func pending(_ replica: Replica) throws -> String? {
        try replica.pool.read { try String.fetchOne($0, sql: "SELECT value FROM replicaMeta WHERE key = 'deferredIndexes'") }
    }

    @Test func aLoadAloneDropsTheNamedIndexesWhileItRunsAndBuildsThemAfter() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        let before = try Self.indexes(t.replica)
        #expect(before.isSuperset(of: Self.deferring))
        let (exclusive, during) = try t.replica.bulkLoad(deferring: Self.deferring) { exclusive throws -> (Bool, Set<String>) in
            (exclusive, try Self.indexes(t.replica))
        }
        #expect(exclusive && during.isDisjoint(with: Self.deferring) && during == before.subtracting(Self.deferring))
        #expect(try Self.indexes(t.replica) == before)
        #expect(try Self.pending(t.replica) == nil)
        // The definitions are the same: the rebuilt ones are what the migrations made.
        let sql = try t.replica.pool.read { try String.fetchOne($0, sql: "SELECT sql FROM sqlite_master WHERE name = 'changeLog_row'") }
        #expect(sql == "CREATE INDEX changeLog_row ON changeLog(tableName, rowId)")
    }

    @Test func aLoadThatFailsStillBuildsTheIndexesAgain() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        let before = try Self.indexes(t.replica)
        struct Stop: Error {}
        #expect(throws: Stop.self) { try t.replica.bulkLoad(deferring: Self.deferring) { _ in throw Stop() } }
        #expect(try Self.indexes(t.replica) == before && Self.pending(t.replica) == nil)
    }

    @Test func whileAnotherProcessHasTheReplicaOpenNothingIsDropped() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        // A second open replica (its own open file description, as another process would have).
        let other = try Replica(path: t.replica.path, rooftop: t.replica.rooftop, wallClock: t.clock)
        let before = try Self.indexes(t.replica)
        let (exclusive, during) = try t.replica.bulkLoad(deferring: Self.deferring) { exclusive throws -> (Bool, Set<String>) in
            (exclusive, try Self.indexes(t.replica))
        }
        #expect(!exclusive && during == before)
        _ = other
    }

    @Test func aLoadKilledMidwayLeavesAReplicaWhoseNextOpenBuildsTheIndexes() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        let path = t.replica.path, rooftop = t.replica.rooftop
        let before = try Self.indexes(t.replica)
        // What a process killed inside the load leaves on disk: the indexes dropped, their
        // definitions pending. (Written through a plain connection: the kill is the one thing a
        // test process cannot do to itself.)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            var pending: [String: String] = [:]
            for name in Self.deferring {
                pending[name] = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [name])
                try db.execute(sql: "DROP INDEX \(name)")
            }
            let text = String(decoding: try JSONEncoder().encode(pending), as: UTF8.self)
            try db.execute(sql: "INSERT INTO replicaMeta (key, value) VALUES ('deferredIndexes', ?)", arguments: [text])
        }
        try queue.close()
        #expect(try Self.indexes(t.replica).isDisjoint(with: Self.deferring))
        let reopened = try Replica(path: path, rooftop: rooftop, wallClock: t.clock)
        #expect(try Self.indexes(reopened) == before)
        #expect(try Self.pending(reopened) == nil)
    }
}
