import Foundation
import GRDB
import RooftopModel
@testable import RooftopStore
import RooftopTesting
import Testing

/// A bulk load (`Replica.bulkLoad`) drops the indexes and triggers it names only while the replica
/// is its own, always builds them again, writes the search rows of the customers it loaded, and a
/// load killed midway leaves a replica whose next open does all of that.
@Suite struct BulkLoadTests {
    static let deferring = Replica.deferredByAnUncheckedLoad
    /// The indexes among them (the search trigger names defer those rows instead of being dropped).
    static let deferredIndexes = deferring.filter { $0 != CustomerSearchDeferral.names && $0 != CustomerSearchDeferral.places }

    /// The replica's indexes and triggers.
    static func indexes(_ replica: Replica) throws -> Set<String> {
        Set(try replica.pool.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger')") })
    }

    /// Every search document: customer id, folded name words, places, in docid order.
    static func searchRows(_ replica: Replica) throws -> [[String?]] {
        try replica.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.customerId, t.name, t.place FROM customerSearchText t JOIN customerSearchDoc d ON d.docid = t.rowid ORDER BY d.docid
                """).map { [$0[0], $0[1], $0[2]] }
        }
    }

    static func person(_ first: String, _ last: String, city: String?) throws -> CustomerInput {
        var json: [String: JSONValue] = ["firstName": .string(first), "lastName": .string(last)]
        if let city { json["addresses"] = [["street": "1 Main St", "city": .string(city)]] }
        return try CustomerInput(json: json)
    }

    static func pending(_ replica: Replica) throws -> String? {
        try replica.pool.read { try String.fetchOne($0, sql: "SELECT value FROM replicaMeta WHERE key = 'deferredIndexes'") }
    }

    @Test func aLoadAloneDropsTheNamedIndexesWhileItRunsAndBuildsThemAfter() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        let before = try Self.indexes(t.replica)
        #expect(before.isSuperset(of: Self.deferredIndexes))
        let (exclusive, during, deferringSearch) = try t.replica.bulkLoad(deferring: Self.deferring) { exclusive throws -> (Bool, Set<String>, Bool) in
            (exclusive, try Self.indexes(t.replica), try t.replica.pool.read { try CustomerSearchDeferral.isDeferring($0) })
        }
        // The file is marked meanwhile (`CustomerSearchDeferral`).
        #expect(exclusive && deferringSearch)
        #expect(during == before.subtracting(Self.deferredIndexes))
        #expect(try Self.indexes(t.replica) == before)
        #expect(try Self.pending(t.replica) == nil)
        // The definitions are the same: the rebuilt ones are what the migrations made.
        let sql = try t.replica.pool.read { try String.fetchOne($0, sql: "SELECT sql FROM sqlite_master WHERE name = 'changeLog_row'") }
        #expect(sql == "CREATE INDEX changeLog_row ON changeLog(tableName, rowId)")
    }

    @Test func theSearchRowsOfALoadAreWhatTheTriggersWriteOneByOne() throws {
        let bulk = try TestReplica("north"), plain = try TestReplica("north")
        defer { bulk.remove(); plain.remove() }
        let ana = try [bulk, plain].map { try $0.replica.createCustomer(try Self.person("Ana", "Peña", city: "Zoë Falls")) }
        let load = { (t: TestReplica, ana: RowID) in
            _ = try t.replica.createCustomer(try Self.person("José", "Muñoz", city: "Chicago"))
            _ = try t.replica.createCustomer(try Self.person("Mary", "Lake", city: nil))
            // An address added to a customer indexed before the load refreshes her places.
            _ = try t.replica.createCustomer(try Self.person("Bo", "Li", city: "Peoria"))
            // (Its id sorts after her first address's, so her places list them in that order.)
            try t.replica.write([LocalWrite(.insert, CRMSchema.customerAddress, id: RowID("ffffffff-ffff-7fff-bfff-ffffffffffff")!,
                                            values: ["customerId": .text(ana.string), "city": .text("Springfield")])])
        }
        let loaded = try bulk.replica.bulkLoad(deferring: Self.deferring) { exclusive in
            #expect(try bulk.replica.searchCustomers("munoz").isEmpty == true, "the search rows are written at the end")
            try load(bulk, ana[0])
            return exclusive
        }
        try load(plain, ana[1])
        #expect(loaded)
        let rows = try Self.searchRows(bulk.replica), expected = try Self.searchRows(plain.replica)
        // (The replicas' customer ids differ: compared as each replica's names, in docid order.)
        #expect(rows.map { Array($0.dropFirst()) } == expected.map { Array($0.dropFirst()) })
        #expect(rows.map { $0[2] } == ["zoe falls springfield", "chicago", nil, "peoria"])
        #expect(try bulk.replica.searchCustomers("munoz chicago").map { $0.customer["lastName"] } == [.text("Muñoz")])
        #expect(try bulk.replica.searchCustomers("ana springfield").count == 1)
        #expect(try Self.indexes(bulk.replica) == Self.indexes(plain.replica))
        #expect(try bulk.replica.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM customerSearchPending") } == 0)
    }

    @Test func aChangesetOfManyCustomersAppliesTheSearchRowsTheOriginWroteOneByOne() throws {
        let north = try TestReplica("north"), south = try TestReplica("south")
        defer { north.remove(); south.remove() }
        let cities = ["Zoë Falls", "Chicago", nil, "Peoria"]
        for i in 0..<40 {
            _ = try north.replica.createCustomer(try Self.person("Given\(i)", i % 2 == 0 ? "Muñoz" : "Lake", city: cities[i % 4]))
        }
        let changeset = try north.replica.changeset(origin: north.replica.rooftop, after: .zero, limit: 100_000)
        #expect(changeset.changes.filter { $0.table == CRMSchema.customer.table && $0.kind == .insert }.count == 40)
        try south.replica.apply(changeset)
        let rows = try Self.searchRows(south.replica), expected = try Self.searchRows(north.replica)
        #expect(rows.count == 40 && rows == expected)
        let found = try south.replica.searchCustomers("given4 munoz zoe").map { $0.customer["firstName"] }, atNorth = try north.replica.searchCustomers("given4 munoz zoe").map { $0.customer["firstName"] }
        #expect(found == atNorth)
        #expect(found.first == .text("Given4"))  // then one-typo neighbours (given0, given8, …)
        // Nothing is left deferred: a customer written afterwards is searchable at once.
        #expect(try south.replica.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM customerSearchDeferred") } == 0)
        _ = try south.replica.createCustomer(try Self.person("Zed", "Quill", city: "Peoria"))
        #expect(try south.replica.searchCustomers("zed peoria").count == 1)
    }

    @Test func aWriteOfManyCustomersAtOnceWritesTheSearchRowsOfOneByOne() throws {
        let batch = try TestReplica("north"), single = try TestReplica("north")
        defer { batch.remove(); single.remove() }
        var writes: [LocalWrite] = []
        for i in 0..<20 {
            let id = RowID("00000000-0000-7000-8000-\(String(format: "%012d", i))")!
            writes.append(LocalWrite(.insert, CRMSchema.customer, id: id, values: ["firstName": .text("Given\(i)"), "lastName": .text("Peña")]))
            writes.append(LocalWrite(.insert, CRMSchema.customerAddress, id: RowID("00000000-0000-7000-9000-\(String(format: "%012d", i))")!,
                                     values: ["customerId": .text(id.string), "city": .text(i % 2 == 0 ? "Zoë Falls" : "Peoria")]))
        }
        try batch.replica.write(writes)
        for pair in stride(from: 0, to: writes.count, by: 2) { try single.replica.write(Array(writes[pair...pair + 1])) }
        let rows = try Self.searchRows(batch.replica), expected = try Self.searchRows(single.replica)
        #expect(rows.count == 20 && rows == expected)
        #expect(rows.first == ["00000000-0000-7000-8000-000000000000", "given0 pena ", "zoe falls"])
        #expect(try batch.replica.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM customerSearchPending") } == 0)
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
            for name in Self.deferredIndexes {
                pending[name] = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [name])
                try db.execute(sql: "DROP INDEX \(name)")
            }
            try CustomerSearchDeferral.begin(db)
            let text = String(decoding: try JSONEncoder().encode(pending), as: UTF8.self)
            try db.execute(sql: "INSERT INTO replicaMeta (key, value) VALUES ('deferredIndexes', ?)", arguments: [text])
        }
        try queue.close()
        #expect(try Self.indexes(t.replica).isDisjoint(with: Self.deferredIndexes))
        // A customer the load wrote before it was killed: its transaction wrote its search row before
        // it committed (a transaction the kill cut short left nothing at all).
        _ = try t.replica.createCustomer(try Self.person("José", "Muñoz", city: "Chicago"))
        #expect(try t.replica.searchCustomers("munoz chicago").map { $0.customer["firstName"] } == [.text("José")])
        let reopened = try Replica(path: path, rooftop: rooftop, wallClock: t.clock)
        #expect(try Self.indexes(reopened) == before)
        #expect(try Self.pending(reopened) == nil)
        #expect(try reopened.searchCustomers("munoz chicago").map { $0.customer["firstName"] } == [.text("José")])
    }

    /// Every interaction's and VIN's full-text row: id, then its words, in docid order.
    static func textRows(_ replica: Replica) throws -> [[String?]] {
        try replica.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.interactionId, t.subject, t.content FROM customerInteractionText t JOIN customerInteractionDoc d ON d.docid = t.rowid ORDER BY d.docid
                """).map { [$0[0], $0[1], $0[2]] }
                + Row.fetchAll(db, sql: "SELECT d.vehicleId, t.vin FROM vinSearchText t JOIN vinSearchDoc d ON d.docid = t.rowid ORDER BY d.docid").map { [$0[0], $0[1]] }
        }
    }

    @Test func aChangesetOfManyInteractionsAndVehiclesAppliesTheTextRowsTheOriginWroteOneByOne() throws {
        let north = try TestReplica("north"), south = try TestReplica("south")
        defer { north.remove(); south.remove() }
        let ana = try north.replica.createCustomer(try Self.person("Ana", "Peña", city: "Chicago"))
        for i in 0..<20 {
            try north.replica.write([LocalWrite(.insert, CRMSchema.customerInteraction, id: RowID("00000000-0000-7000-8000-\(String(format: "%012d", i))")!,
                                                values: ["customerId": .text(ana.string), "subject": .text("Service visit \(i)"),
                                                         "content": .text(i % 2 == 0 ? "Brake pads and rotors" : "Oil change, tire rotation")])])
            // A VIN with a check digit per 49 CFR 565 is not needed here: the index holds what is stored.
            try north.replica.write([LocalWrite(.insert, CRMSchema.vehicle, id: RowID("00000000-0000-7000-9000-\(String(format: "%012d", i))")!,
                                                values: ["vin": .text("1HGCM82633A\(String(format: "%06d", 100_000 + i))"), "make": .text("Honda")])])
        }
        // One interaction edited after it was written: its row holds the new words (and keeps its
        // place: an update of a row noted in the same apply leaves it to the deferral's end).
        try north.replica.write([LocalWrite(.update, CRMSchema.customerInteraction, id: RowID("00000000-0000-7000-8000-000000000003")!,
                                            values: ["content": .text("Transmission flush")])])
        // Customers written after Ana, one renamed since: the search box's rows in the same order too.
        for i in 0..<16 { _ = try north.replica.createCustomer(try Self.person("Given\(i)", "Lake", city: "Peoria")) }
        try north.replica.write([LocalWrite(.update, CRMSchema.customer, id: ana, values: ["lastName": .text("Peña-Ruiz")])])
        let changeset = try north.replica.changeset(origin: north.replica.rooftop, after: .zero, limit: 100_000)
        try south.replica.apply(changeset)
        let rows = try Self.textRows(south.replica), expected = try Self.textRows(north.replica)
        #expect(rows.count == 40 && rows == expected)
        #expect(rows.contains { $0.last == "Transmission flush" })
        let people = try Self.searchRows(south.replica), peopleAtNorth = try Self.searchRows(north.replica)
        #expect(people.count == 17 && people == peopleAtNorth)
        #expect(people.first?[1] == "ana pena-ruiz ")
        #expect(try south.replica.pool.read { try Int.fetchOne($0, sql: "SELECT (SELECT count(*) FROM customerInteractionTextPending) + (SELECT count(*) FROM vinSearchPending)") } == 0)
        // The VINs are found by their last 6 as at the origin.
        #expect(try south.replica.searchCustomers("100007").count == (try north.replica.searchCustomers("100007").count))
    }
}
