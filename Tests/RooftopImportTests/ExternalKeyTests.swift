import Foundation
@testable import RooftopImport
import RooftopModel
import RooftopStore
import RooftopTesting
import Testing

/// A CSV's `externalId` is its source system's key: a rerun finds what that key created, another
/// row under the same key (another system numbering its customers the same way) is rejected with its
/// line, never counted as already imported, and `externalSystem` gives a system its own keys.
@Suite struct ExternalKeyTests {
    static let dmsA = """
        externalId,firstName,lastName,email,city
        rec-1,Ann,Lee,ann.lee@example.com,Chicago
        rec-2,Bob,Marsh,bob.marsh@example.com,Boston
        rec-3,Cara,Diaz,cara.diaz@example.com,Denver

        """

    /// Another DMS: the same keys for other people, and rec-3 as DMS A wrote it (columns in another order).
    static let dmsB = """
        lastName,externalId,firstName,email,city
        Okafor,rec-1,Ngozi,ngozi.okafor@example.com,Austin
        Quist,rec-2,Pavel,pavel.quist@example.com,Tulsa
        Diaz,rec-3,Cara,cara.diaz@example.com,Denver

        """

    @Test func anotherSystemsRowUnderAKeyImportedBeforeIsRejectedWithItsLineNotSkipped() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        let a = try CustomerCSVTests.file(Self.dmsA, in: t.directory, "a.csv")
        let b = try CustomerCSVTests.file(Self.dmsB, in: t.directory, "b.csv")
        var importer = try CustomerImporter(replica: t.replica)
        #expect(try importer.importFile(at: a).customersCreated == 3)
        let report = try importer.importFile(at: b)
        #expect(report.customersCreated == 0 && report.alreadyImported == 1)  // rec-3: the same row again
        #expect(report.rejected.count == 2)
        #expect(report.rejected.allSatisfy { $0.contains("/externalId: rec-") && $0.contains("was imported before") && $0.contains("--external-system") })
        #expect(report.rejected.first?.hasPrefix("line 2: /externalId: rec-1") == true)
        #expect(try t.replica.customerCount() == 3)
        #expect(try t.replica.searchCustomers("okafor").isEmpty)

        // Named as its own system, the file's keys are its own: its people are created, and a rerun finds them.
        importer.externalSystem = "dms-b"
        let named = try importer.importFile(at: b)
        #expect(named.customersCreated + named.customersMatched == 3 && named.rejected.isEmpty)
        #expect(try t.replica.searchCustomers("ngozi okafor").count == 1)
        let again = try importer.importFile(at: b)
        #expect(again.customersCreated == 0 && again.alreadyImported == named.customersCreated && again.rejected.isEmpty)
        // A system's name, letter case and spaces aside: the same keys.
        importer.externalSystem = " DMS-B "
        #expect(try importer.importFile(at: b).alreadyImported == named.customersCreated)
        // Under a named system, a clash says so.
        let clash = try CustomerCSVTests.file("externalId,firstName,lastName\nrec-1,Zora,Quinn\n", in: t.directory, "clash.csv")
        importer.externalSystem = "dms-b"
        #expect(try importer.importFile(at: clash).rejected.first?.contains("This import names its system dms-b") == true)
        importer.externalSystem = String(repeating: "x", count: 201)
        #expect(throws: CustomerImportError.self) { try importer.importFile(at: clash) }
        // DMS A's file again, without a system: its own keys, nothing twice.
        importer.externalSystem = nil
        let rerunA = try importer.importFile(at: a)
        #expect(rerunA.alreadyImported == 3 && rerunA.rejected.isEmpty)
    }

    @Test func aRowTypedAnotherWayIsTheSameRowAgain() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        let first = try CustomerCSVTests.file("externalId,firstName,lastName,email,phone\nd-1,Ann,Lee,Ann.Lee@Example.com,(312) 555-0101\n", in: t.directory, "1.csv")
        let again = try CustomerCSVTests.file("phone,email,lastName,firstName,externalId\n+13125550101,ann.lee@example.com,Lee,Ann,d-1\n", in: t.directory, "2.csv")
        let changed = try CustomerCSVTests.file("externalId,firstName,lastName,email,phone\nd-1,Ann,Lee,ann@newmail.example,(312) 555-0101\n", in: t.directory, "3.csv")
        let importer = try CustomerImporter(replica: t.replica)
        #expect(try importer.importFile(at: first).customersCreated == 1)
        let report = try importer.importFile(at: again)
        #expect(report.alreadyImported == 1 && report.rejected.isEmpty, "\(report.rejected)")
        // A changed e-mail is other values: rejected, and the customer is left as she is.
        #expect(try importer.importFile(at: changed).rejected.first?.contains("An import never changes a customer") == true)
        #expect(try t.replica.searchCustomers("ann lee").first?.customer["email"] == .text("ann.lee@example.com"))
    }

    @Test func aKeyRepeatedWithOtherValuesInOneFileRejectsTheLaterLine() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        let path = try CustomerCSVTests.file("""
            externalId,firstName,lastName,email
            k1,Dana,Holt,dana.holt@example.com
            k1,Dana,Holt,dana.holt@example.com
            k1,Eli,Stone,eli.stone@example.com

            """, in: t.directory)
        let report = try CustomerImporter(replica: t.replica).importFile(at: path)
        #expect(report.customersCreated == 1 && report.alreadyImported == 1)
        #expect(report.rejected == ["line 4: /externalId: k1 was on line 2 with other values: not written"])
    }

    @Test func anErasedCustomersImportRecordKeepsOnlyHerKey() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        let a = try CustomerCSVTests.file(Self.dmsA, in: t.directory, "a.csv")
        let importer = try CustomerImporter(replica: t.replica)
        _ = try importer.importFile(at: a)
        let ann = try #require(try t.replica.searchCustomers("ann lee").first?.customer.id)
        let key = StableID.make(CSVCustomerRows.key(externalId: "rec-1", system: nil, rooftop: "north"))
        #expect(try t.replica.transaction { try $0.importedKey(key) }?.contentHash?.count == 32)
        _ = try t.replica.erase(customer: ann)
        // The row's hash goes with her; the key still names who she was.
        #expect(try t.replica.transaction { try $0.importedKey(key) } == .init(customerId: ann, contentHash: nil))
        #expect(try importer.importedCustomerID(externalId: "rec-1") == ann)
        // Her row again is not brought back, and the report says why (not "already imported").
        let rerun = try CustomerImporter(replica: t.replica).importFile(at: a)
        #expect(rerun.alreadyImported == 2 && rerun.customersCreated == 0)
        #expect(rerun.rejected == ["line 2: customer \(ann.string) was erased (a DSAR erasure): not imported again"])
        #expect(try t.replica.searchCustomers("ann lee").isEmpty)
    }

    /// A customer imported under the key before the rooftop was part of it and erased before v25 (whose
    /// trigger deleted her ledger entry) is not brought back by her row again.
    @Test func aCustomerErasedUnderTheEarlierKeyIsNotBroughtBack() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        let values = ["externalId": "rec-1", "firstName": "Ann", "lastName": "Lee", "email": "ann.lee@example.com", "city": "Chicago"]
        let (_, input, keyed) = try CSVCustomerRows.customer(values, rowContent: Array(values.values), rooftop: "north", newID: t.replica.newRowID)
        let earlier = try #require(keyed).earlierID
        _ = try t.replica.createCustomer(input, id: earlier)
        _ = try t.replica.erase(customer: earlier)
        let a = try CustomerCSVTests.file(Self.dmsA, in: t.directory, "a.csv")
        let rerun = try CustomerImporter(replica: t.replica).importFile(at: a)
        #expect(rerun.customersCreated == 2 && rerun.rejected == ["line 2: customer \(earlier.string) was erased (a DSAR erasure): not imported again"], "\(rerun)")
        #expect(try t.replica.searchCustomers("ann lee").isEmpty)
    }

    @Test func anExternalSystemIsRefusedForJSONLines() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        let path = try CustomerCSVTests.file("{\"firstName\":\"Ann\"}\n", in: t.directory, "c.jsonl")
        var importer = try CustomerImporter(replica: t.replica)
        importer.format = .jsonl
        importer.externalSystem = "dms-b"
        #expect(throws: CustomerImportError.self) { try importer.importFile(at: path) }
    }

    /// A row imported before the rooftop was part of its key (under `csv:` and the key alone) is found
    /// by that id in this rooftop's ledger: a rerun writes nothing twice; other values are rejected.
    @Test func aKeyImportedBeforeTheRooftopWasInItsIdIsFoundInThisRooftopsLedger() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        // DMS A's rows as an earlier version imported them: ids from `csv:` and the key, in the ledger.
        let rows = [["rec-1", "Ann", "Lee", "ann.lee@example.com", "Chicago"], ["rec-2", "Bob", "Marsh", "bob.marsh@example.com", "Boston"],
                    ["rec-3", "Cara", "Diaz", "cara.diaz@example.com", "Denver"]]
        for row in rows {
            let values = Dictionary(uniqueKeysWithValues: zip(["externalId", "firstName", "lastName", "email", "city"], row))
            let (id, input, keyed) = try CSVCustomerRows.customer(values, rowContent: row, rooftop: "north", newID: t.replica.newRowID)
            let key = try #require(keyed)
            #expect(key.earlierID != id && key.earlierID != key.keyID)
            _ = try t.replica.createCustomer(input, id: key.earlierID)
            // As migration v25 left such an entry: the earlier id is the key's and the customer's.
            try t.replica.transaction { try $0.recordImportedRow(key: key.earlierID, customer: key.earlierID, contentHash: key.contentHash) }
        }
        let a = try CustomerCSVTests.file(Self.dmsA, in: t.directory, "a.csv")
        let rerun = try CustomerImporter(replica: t.replica).importFile(at: a)
        #expect(rerun.alreadyImported == 3 && rerun.customersCreated == 0 && rerun.customersMatched == 0 && rerun.rejected.isEmpty, "\(rerun)")
        let b = try CustomerCSVTests.file(Self.dmsB, in: t.directory, "b.csv")
        let other = try CustomerImporter(replica: t.replica).importFile(at: b)
        #expect(other.rejected.count == 2 && other.alreadyImported == 1 && other.customersCreated == 0, "\(other)")
        #expect(try t.replica.customerCount() == 3)
    }
}
