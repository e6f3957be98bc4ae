import Foundation
import GRDB
@testable import RooftopImport
import RooftopModel
import RooftopReplication
@testable import RooftopStore
import RooftopTesting
import Testing

/// A customer a keyed CSV row creates gets a new UUIDv7, in write order, and the ledger of imported
/// rows maps the row's key to it (`sync-protocol/import-ids.md`, migration v25): a rerun finds it by
/// the key, as it found customers whose id an earlier release derived from the key.
@Suite struct ImportIDsInWriteOrderTests {
    static let dms = """
        externalId,firstName,lastName,email,phone,city
        rec-1,Ann,Lee,ann.lee@example.com,(312) 555-0101,Chicago
        rec-2,Bob,Marsh,bob.marsh@example.com,(617) 555-0102,Boston
        rec-3,Cara,Diaz,cara.diaz@example.com,(303) 555-0103,Denver

        """

    static func keyID(_ externalId: String, rooftop: String = "north") -> RowID {
        StableID.make(CSVCustomerRows.key(externalId: externalId, system: nil, rooftop: rooftop))
    }

    static func version(_ id: RowID) -> Character { Array(id.string)[14] }

    @Test func aKeyedRowsCustomerPhoneAndAddressGetNewIdsInWriteOrderAndTheLedgerMapsItsKey() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        let path = try CustomerCSVTests.file(Self.dms, in: t.directory)
        let importer = try CustomerImporter(replica: t.replica)
        #expect(try importer.importFile(at: path).customersCreated == 3)
        var ids: [RowID] = []
        for (key, name) in [("rec-1", "ann lee"), ("rec-2", "bob marsh"), ("rec-3", "cara diaz")] {
            let customer = try #require(try t.replica.searchCustomers(name).first?.customer)
            #expect(Self.version(customer.id) == "7", "\(customer.id)")
            #expect(customer.id != Self.keyID(key))
            #expect(try importer.importedCustomerID(externalId: key) == customer.id)
            let children = try t.replica.snapshot { try $0.strings("SELECT id FROM customerPhone WHERE customerId = ? UNION ALL SELECT id FROM customerAddress WHERE customerId = ?",
                                                                    arguments: [.text(customer.id.string), .text(customer.id.string)]) }
            #expect(children.count == 2 && children.allSatisfy { Self.version(RowID($0)!) == "7" })
            ids.append(customer.id)
        }
        // The clock moves on: a later import's customers sort after these (B-trees grow at their end).
        t.clock.advance(by: 1)
        let later = try CustomerCSVTests.file("externalId,firstName,lastName\nrec-4,Dana,Holt\n", in: t.directory, "later.csv")
        #expect(try importer.importFile(at: later).customersCreated == 1)
        let dana = try #require(try importer.importedCustomerID(externalId: "rec-4"))
        #expect(ids.allSatisfy { $0 < dana })
        // Run again: each key finds its customer; nothing is written twice.
        let again = try importer.importFile(at: path)
        #expect(again.alreadyImported == 3 && again.customersCreated == 0 && again.rejected.isEmpty, "\(again)")
        #expect(try t.replica.customerCount() == 4)
    }

    /// A customer an import before v25 made has the key's id, and may have no ledger entry (before
    /// v21, or a replica rebuilt from the hub): it is still found, and nothing is written twice.
    @Test func aCustomerWhoseIdAnEarlierReleaseDerivedFromItsKeyIsFound() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        _ = try t.replica.createCustomer(CustomerInput(fields: ["firstName": .text("Ann"), "lastName": .text("Lee")]), id: Self.keyID("rec-1"))
        let path = try CustomerCSVTests.file(Self.dms, in: t.directory)
        let importer = try CustomerImporter(replica: t.replica)
        let report = try importer.importFile(at: path)
        #expect(report.alreadyImported == 1 && report.customersCreated == 2 && report.rejected.isEmpty, "\(report)")
        #expect(try importer.importedCustomerID(externalId: "rec-1") == Self.keyID("rec-1"))
        #expect(try t.replica.searchCustomers("ann lee").count == 1)
        // Another rooftop's key: never this rooftop's customer.
        #expect(Self.keyID("rec-1", rooftop: "south") != Self.keyID("rec-1"))
    }

    /// A deleted customer purged after the retention horizon keeps her key in the ledger: her row
    /// again is counted as imported, not written as a new customer.
    @Test func aPurgedCustomersRowIsNotWrittenAgain() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        let path = try CustomerCSVTests.file(Self.dms, in: t.directory)
        let importer = try CustomerImporter(replica: t.replica)
        _ = try importer.importFile(at: path)
        let bob = try #require(try importer.importedCustomerID(externalId: "rec-2"))
        _ = try t.replica.delete(CRMSchema.customer, id: bob)
        t.clock.advance(by: 91 * 86_400_000)
        _ = try t.replica.compact(purgeExpiredTombstones: true)
        #expect(try t.replica.snapshot { try $0.strings("SELECT id FROM customer WHERE id = ?", arguments: [.text(bob.string)]) }.isEmpty)
        #expect(try t.replica.transaction { try $0.importedKey(Self.keyID("rec-2")) } == .init(customerId: bob, contentHash: nil))
        let again = try importer.importFile(at: path)
        #expect(again.alreadyImported == 3 && again.customersCreated == 0, "\(again)")
        #expect(try t.replica.searchCustomers("bob marsh").isEmpty)
    }

    /// A replica file of the release before (migration v24: the ledger keyed by the customer's
    /// derived id) keeps its entries: a rerun there writes nothing twice and still rejects another
    /// record under a key it imported.
    @Test func theLedgerOfTheReleaseBeforeIsKept() throws {
        let directory = try TemporaryDirectory("rooftop-v24")
        defer { directory.remove() }
        let path = directory.path("replica.sqlite")
        let csv = try CustomerCSVTests.file(Self.dms, in: directory)
        let rows = [("rec-1", "Ann", "Lee"), ("rec-2", "Bob", "Marsh"), ("rec-3", "Cara", "Diaz")]
        var hashes: [RowID: Data] = [:]
        do {
            let replica = try Replica(path: path, rooftop: RooftopID(rawValue: "north")!)
            var pass = try CSVCustomerRows(InputStream(fileAtPath: csv), name: csv, mapping: [:], rooftop: "north", newID: replica.newRowID)
            while let row = pass.next() {
                guard case .customer(_, let input, _, let keyed?) = row else { continue }
                _ = try replica.createCustomer(input, id: keyed.keyID)
                hashes[keyed.keyID] = keyed.contentHash
            }
            #expect(hashes.count == rows.count)
        }
        // The file as v24 left it: `importedCustomerRow(customerId, contentHash)`.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
                DROP TRIGGER importedCustomerKey_forget; DROP TABLE importedCustomerKey;
                CREATE TABLE importedCustomerRow (customerId TEXT PRIMARY KEY, contentHash BLOB NOT NULL) WITHOUT ROWID;
                CREATE TRIGGER importedCustomerRow_purge AFTER DELETE ON customer BEGIN
                  DELETE FROM importedCustomerRow WHERE customerId = OLD.id;
                END;
                DELETE FROM grdb_migrations WHERE identifier = 'v25-import-ids-in-write-order';
                """)
            for (id, hash) in hashes { try db.execute(sql: "INSERT INTO importedCustomerRow VALUES (?, ?)", arguments: [id.string, hash]) }
        }
        try queue.close()
        let replica = try Replica(path: path, rooftop: RooftopID(rawValue: "north")!)
        for (id, hash) in hashes {
            #expect(try replica.transaction { try $0.importedKey(id) } == .init(customerId: id, contentHash: hash))
        }
        let importer = try CustomerImporter(replica: replica)
        let rerun = try importer.importFile(at: csv)
        #expect(rerun.alreadyImported == 3 && rerun.customersCreated == 0 && rerun.rejected.isEmpty, "\(rerun)")
        let clash = try CustomerCSVTests.file("externalId,firstName,lastName\nrec-1,Zora,Quinn\n", in: directory, "clash.csv")
        #expect(try importer.importFile(at: clash).rejected.first?.contains("/externalId: rec-1 was imported before") == true)
        #expect(try replica.customerCount() == 3)
    }
}
