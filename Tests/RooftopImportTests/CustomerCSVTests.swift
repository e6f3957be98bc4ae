import Foundation
import RooftopImport
import RooftopModel
import RooftopStore
import RooftopTesting
import Testing

/// Streaming CSV import and export of customers: whole rows or none, every rejected line with its
/// number and reason, nothing written twice on a second run, and a round trip through export.
@Suite struct CustomerCSVTests {
    static func file(_ text: String, in directory: TemporaryDirectory, _ name: String = "customers.csv") throws -> String {
        let path = directory.path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static let sample = #"""
        externalId,First Name,lastName,email,phone,city,birthDate,Loyalty Card
        x1,Ann,O'Neil,ann@example.com,(312) 555-0101,Chicago,1980-02-03,123
        x2,Bo,Ray,not-an-email,,,,
        x3,Cy,Day,cy@example.com,12,Boston,,
        "x4","Dee, Jr","Smith ""the Elder""",dee@example.com,617-555-0123,Boston,,

        """#

    @Test func rowsAreWrittenWholeOrRejectedWithTheirLineAndReasonAndARerunWritesNothingTwice() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        let path = try Self.file(Self.sample, in: t.directory)
        let importer = try CustomerImporter(replica: t.replica, mapping: ["First Name": "firstName"])
        let report = try importer.importFile(at: path)
        #expect(report.customersCreated == 2 && report.alreadyImported == 0)
        #expect(report.rejected == ["line 3: /email: expected an e-mail address",
                                    "line 4: /phoneNumbers/0/number: expected a phone number (E.164 or a 10-digit NANP number)"])
        #expect(report.ignoredColumns == ["Loyalty Card"])
        #expect(try t.replica.customerCount() == 2)  // the rejected rows wrote nothing, not even a partial customer
        let ann = try #require(try t.replica.searchCustomers("o'neil").first)
        #expect(ann.customer["firstName"] == .text("Ann") && ann.phones.first?["number"] == .text("+13125550101"))
        #expect(ann.addresses.first?["city"] == .text("Chicago") && ann.customer["birthDate"] == .text("1980-02-03"))
        #expect(try t.replica.searchCustomers("dee jr").first?.customer["lastName"] == .text("Smith \"the Elder\""))
        // Again (or after an interruption): nothing twice.
        let again = try importer.importFile(at: path)
        #expect(again.customersCreated == 0 && again.alreadyImported == 2)
        #expect(try t.replica.customerCount() == 2)
    }

    @Test func aRejectedRowIsReportedAtItsLineInTheFileAfterNotesOfSeveralLines() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        // Row 2's note spans three lines (LF: lines 3–5), row 3's two (CRLF: lines 6–7): row 4 is line 8.
        let path = try Self.file("externalId,firstName,lastName,email,notes\n"
                                 + "n1,Ann,Lee,ann@example.com,plain\n"
                                 + "n2,Bob,Ray,bob@example.com,\"Called twice:\nfirst about the recall,\nthen about tires\"\n"
                                 + "n3,Cy,Day,cy@example.com,\"Prefers SMS\r\nafter 5 pm\"\n"
                                 + "n4,Dee,Fox,not-an-email,\n", in: t.directory)
        let report = try CustomerImporter(replica: t.replica).importFile(at: path)
        #expect(report.customersCreated == 3)
        #expect(report.rejected == ["line 8: /email: expected an e-mail address"])
        let bob = try #require(try t.replica.searchCustomers("bob ray").first)
        #expect(bob.customer["notes"] == .text("Called twice:\nfirst about the recall,\nthen about tires"))
    }

    @Test func anInterruptedImportRunAgainCompletesWithoutDuplicates() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        let lines = (1...2_500).map { "e\($0),Person\($0),Test,p\($0)@example.com" }
        // The first 1,200 rows got in before the interruption.
        let partial = try Self.file("externalId,firstName,lastName,email\n" + lines.prefix(1_200).joined(separator: "\n") + "\n", in: t.directory, "partial.csv")
        let full = try Self.file("externalId,firstName,lastName,email\n" + lines.joined(separator: "\n") + "\n", in: t.directory, "full.csv")
        var importer = try CustomerImporter(replica: t.replica)
        importer.batchSize = 500
        _ = try importer.importFile(at: partial)
        var batches: [Int] = []
        let report = try importer.importFile(at: full) { batches.append($0) }
        #expect(report.customersCreated == 1_300 && report.alreadyImported == 1_200)
        #expect(batches == [0, 500, 1_000, 1_500, 2_000, 2_500, 2_500])
        #expect(try t.replica.customerCount() == 2_500)
    }

    /// A bulk load's batch is read a thousand rows at a time on another thread while the rows before
    /// are written: what one batch finds across its chunks is found as when it was read in one piece.
    @Test func aBatchReadInChunksFindsRepeatsAcrossThemAndReportsInLineOrder() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        var lines = (1...3_000).map { "e\($0),Person\($0),Test,p\($0)@example.com" }
        lines[1_799] = lines[4]                                   // row 5 again, 1,795 rows later: the same customer
        lines[2_199] = "e10,Someone,Else,else@example.com"         // row 10's key with other values
        lines[1_499] = "e1500,Bad,Mail,not-an-email"              // rejected as it is read
        let path = try Self.file("externalId,firstName,lastName,email\n" + lines.joined(separator: "\n") + "\n", in: t.directory)
        var importer = try CustomerImporter(replica: t.replica)
        importer.checkDuplicates = false
        importer.bulkLoad = true  // alone with the file: one 20,000-row batch, chunks of 1,000
        importer.bulkLoadMinimumRows = 1
        var rebuilt = 0
        importer.rebuildingIndexes = { rebuilt += 1 }
        var progress: [Int] = []
        let report = try importer.importFile(at: path) { progress.append($0) }
        #expect(rebuilt == 1, "not a bulk load")
        #expect(report.customersCreated == 2_997 && report.alreadyImported == 1)
        #expect(report.rejected.count == 2)
        #expect(report.rejected.first == "line 1501: /email: expected an e-mail address")
        #expect(report.rejected.last?.hasPrefix("line 2201: /externalId: e10 was on line 11 with other values") == true)
        #expect(progress == [0, 1_000, 2_000, 3_000, 3_000])
        // Beside a node, transactions of 2,500 rows, each read whole before it begins.
        let shared = try TestReplica("south")
        defer { shared.remove() }
        let node = try Replica(path: shared.replica.path, rooftop: shared.replica.rooftop, wallClock: shared.clock)
        var besideNode = try CustomerImporter(replica: shared.replica)
        besideNode.batchSize = 2_500
        besideNode.bulkLoad = true
        besideNode.bulkLoadMinimumRows = 1
        var steps: [Int] = []
        let other = try besideNode.importFile(at: path) { steps.append($0) }
        _ = node
        #expect(steps == [0, 2_500, 3_000])
        #expect(other.customersCreated == 2_997 && other.alreadyImported == 1 && other.rejected == report.rejected)
        #expect(try t.replica.customerCount() == 2_997)
        // Run again: every row is found, none written twice.
        let again = try importer.importFile(at: path)
        #expect(again.customersCreated == 0 && again.alreadyImported == 2_998 && again.rejected.count == 2)
    }

    @Test func aMappingToAnUnknownFieldAndAFileWithoutFieldsAreRefusedWithTheReason() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        #expect(throws: CustomerImportError.self) { try CustomerImporter(replica: t.replica, mapping: ["Name": "fullName"]) }
        let path = try Self.file("a,b,c\n1,2,3\n", in: t.directory)
        #expect(throws: CustomerImportError.self) { try CustomerImporter(replica: t.replica).importFile(at: path) }
        #expect(try t.replica.customerCount() == 0)
    }

    @Test func anExportReadsBackThroughTheImportAndJSONLinesAreTheAPIsCustomers() throws {
        let north = try TestReplica("north"), south = try TestReplica("south")
        defer { north.remove(); south.remove() }
        _ = try CustomerImporter(replica: north.replica, mapping: ["First Name": "firstName"]).importFile(at: try Self.file(Self.sample, in: north.directory))
        let csvPath = north.directory.path("export.csv"), jsonlPath = north.directory.path("export.jsonl")
        for (format, path) in [(CustomerExporter.Format.csv, csvPath), (.jsonl, jsonlPath)] {
            let stream = try #require(OutputStream(toFileAtPath: path, append: false))
            stream.open()
            #expect(try CustomerExporter(replica: north.replica, format: format).export(to: stream) == 2)
            stream.close()
        }
        let lines = try String(contentsOfFile: jsonlPath, encoding: .utf8).split(separator: "\n")
        let records = try north.replica.customers(limit: 10)
        #expect(lines.map(String.init) == records.map { String(decoding: try! $0.json.encoded(), as: UTF8.self) })
        // The CSV export imports into another rooftop with the same names, e-mails, phones and cities.
        let report = try CustomerImporter(replica: south.replica).importFile(at: csvPath)
        #expect(report.customersCreated == 2 && report.rejected.isEmpty)
        let summary = { (r: Replica) in try r.customers(limit: 10).map { [$0.customer["lastName"], $0.customer["email"], $0.phones.first?["number"], $0.addresses.first?["city"]] } }
        #expect(try Set(summary(south.replica).map { "\($0)" }) == Set(summary(north.replica).map { "\($0)" }))
    }

    /// An export writes a page of 1,000 customers at a time: across page boundaries every row is a
    /// line of its own, quoted where RFC 4180 needs it, and the file reads back whole.
    @Test func anExportOfSeveralPagesReadsBackRowForRow() throws {
        let north = try TestReplica("north"), south = try TestReplica("south")
        defer { north.remove(); south.remove() }
        let lines = (1...2_345).map { "e\($0),Person\($0),\"Test, \"\"Q\"\" \($0)\",p\($0)@example.com" }
        _ = try CustomerImporter(replica: north.replica).importFile(
            at: try Self.file("externalId,firstName,lastName,email\n" + lines.joined(separator: "\n") + "\n", in: north.directory))
        let csvPath = north.directory.path("export.csv"), jsonlPath = north.directory.path("export.jsonl")
        for (format, path) in [(CustomerExporter.Format.csv, csvPath), (.jsonl, jsonlPath)] {
            let stream = try #require(OutputStream(toFileAtPath: path, append: false))
            stream.open()
            var pages: [Int] = []
            #expect(try CustomerExporter(replica: north.replica, format: format).export(to: stream) { pages.append($0) } == 2_345)
            stream.close()
            #expect(pages == [1_000, 2_000, 2_345])
        }
        let json = try String(contentsOfFile: jsonlPath, encoding: .utf8)
        #expect(json.hasSuffix("}\n") && json.split(separator: "\n", omittingEmptySubsequences: false).count == 2_346)
        let csv = try String(contentsOfFile: csvPath, encoding: .utf8)
        // No blank line between pages; the file ends with its last row's line break (`wc -l` counts 2,346 lines).
        #expect(csv.split(separator: "\n", omittingEmptySubsequences: false).count == 2_347 && csv.hasSuffix("\n") && !csv.hasSuffix("\n\n"))
        #expect(csv.split(separator: "\n", omittingEmptySubsequences: true).count == 2_346)
        let report = try CustomerImporter(replica: south.replica).importFile(at: csvPath)
        #expect(report.customersCreated == 2_345 && report.rejected.isEmpty)
        func names(_ r: Replica) throws -> [String] {
            var all: [String] = [], cursor: RowID?
            while case let page = try r.customers(limit: 1_000, after: cursor), let last = page.last {
                all += page.map { $0.customer["lastName"].textValue ?? "" }
                cursor = last.customer.id
            }
            return all.sorted()
        }
        #expect(try names(south.replica).count == 2_345)
        #expect(try names(south.replica) == names(north.replica))
        #expect(try south.replica.searchCustomers("person2345").first?.customer["lastName"] == .text("Test, \"Q\" 2345"))
    }

    /// What the CSV export writes of tags and the loyalty tier reads back through the import.
    @Test func anExportsTagsAndLoyaltyTierReadBackThroughTheImport() throws {
        let north = try TestReplica("north"), south = try TestReplica("south")
        defer { north.remove(); south.remove() }
        let ana = try north.replica.createCustomer(try CustomerInput(json: ["firstName": "Ana", "lastName": "Lee", "loyaltyTier": "Gold", "tags": ["VIP", "fleet"]]))
        _ = try north.replica.createCustomer(try CustomerInput(json: ["firstName": "Bo", "lastName": "Ray"]))
        let path = north.directory.path("export.csv")
        let stream = try #require(OutputStream(toFileAtPath: path, append: false))
        stream.open()
        _ = try CustomerExporter(replica: north.replica, format: .csv).export(to: stream)
        stream.close()
        let report = try CustomerImporter(replica: south.replica).importFile(at: path)
        #expect(report.customersCreated == 2 && report.rejected.isEmpty)
        #expect(!report.ignoredColumns.contains("tags") && !report.ignoredColumns.contains("loyaltyTier"), "\(report.ignoredColumns)")
        let lee = try #require(try south.replica.searchCustomers("ana lee").first)
        let original = try #require(try north.replica.customer(id: ana))
        #expect(lee.tags == original.tags && lee.tags == ["fleet", "VIP"])
        #expect(lee.loyalty.loyaltyTier == original.loyalty.loyaltyTier && lee.customer["loyaltyTier"] == .text("Gold"))
        // The export's tag filter reads a tag letter case aside, as REST's `tags` does.
        #expect(CustomerExporter.Filter(tag: "vip").matches(lee) && !CustomerExporter.Filter(tag: "vi").matches(lee))
    }

    @Test func anExportTakesOnlyTheCustomersItsFilterNames() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        let csv = """
            externalId,firstName,lastName,status,sourceType,createdAt
            f1,Ann,Lee,Active,WebLead,2025-01-10T10:00:00Z
            f2,Bo,Ray,Prospect,WebLead,2026-03-01T10:00:00Z
            f3,Cy,Day,Active,Showroom,2026-05-01T10:00:00Z

            """
        _ = try CustomerImporter(replica: t.replica).importFile(at: try Self.file(csv, in: t.directory))
        func names(_ filter: CustomerExporter.Filter) throws -> [String] {
            let path = t.directory.path("filtered.csv")
            let stream = try #require(OutputStream(toFileAtPath: path, append: false))
            stream.open()
            _ = try CustomerExporter(replica: t.replica, format: .csv, filter: filter).export(to: stream)
            stream.close()
            let column = try #require(CustomerExporter.columns.firstIndex(of: "firstName"))
            return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
                .map { String($0.split(separator: ",", omittingEmptySubsequences: false)[column]) }.sorted()
        }
        #expect(try names(.init()) == ["Ann", "Bo", "Cy"])
        #expect(try names(.init(status: "Active")) == ["Ann", "Cy"])
        #expect(try names(.init(status: "Active", sourceType: "WebLead")) == ["Ann"])
        #expect(try names(.init(createdAfter: "2026-01-01T00:00:00.000Z")) == ["Bo", "Cy"])
        #expect(try names(.init(createdBefore: "2026-03-01T10:00:00.000Z")) == ["Ann"])
        #expect(try names(.init(loyaltyTier: "Gold")).isEmpty)
        #expect(try names(.init(tag: "vip")).isEmpty)
    }

    /// Rows of people at distinct addresses, every 10th a person of an earlier row typed again (the
    /// same e-mail, phone and birth date): the duplicate check attaches those.
    static func peopleFile(_ count: Int, in directory: TemporaryDirectory) throws -> String {
        var text = "externalId,firstName,lastName,email,phone,street,city,postalCode,birthDate\n"
        for row in 1...count {
            let person = row % 10 == 0 ? row - 7 : row
            let day = String(format: "19%02d-%02d-%02d", 40 + person % 60, 1 + person % 12, 1 + person % 28)
            text += "r\(row),Given\(person),Family\(person % 97),p\(person)@example.com,+1312555\(String(format: "%04d", person)),"
            text += "\(person) Main St,Chicago,60601,\(day)\n"
        }
        return try file(text, in: directory, "people.csv")
    }

    @Test func aBulkLoadCreatesAndAttachesWhatAnImportBesideANodeDoesAndLeavesEveryIndex() throws {
        let bulk = try TestReplica("north"), shared = try TestReplica("north")
        defer { bulk.remove(); shared.remove() }
        let path = try Self.peopleFile(3_000, in: bulk.directory)
        let indexes = { (r: Replica) in try r.snapshot { try $0.strings("SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name") } }
        let before = try indexes(bulk.replica)
        var importer = try CustomerImporter(replica: bulk.replica)
        importer.bulkLoad = true
        importer.bulkLoadMinimumRows = 1_000  // 3,000 rows here; a rerun's 300 attached rows are fewer
        var rebuilt = 0
        importer.rebuildingIndexes = { rebuilt += 1 }
        let report = try importer.importFile(at: path)
        #expect(rebuilt == 1)
        // Beside a node (another open of the file): no bulk load, the same outcome.
        let node = try Replica(path: shared.replica.path, rooftop: shared.replica.rooftop, wallClock: shared.clock)
        var besideNode = try CustomerImporter(replica: shared.replica)
        besideNode.bulkLoad = true
        besideNode.bulkLoadMinimumRows = 1_000
        besideNode.rebuildingIndexes = { rebuilt += 1 }
        let other = try besideNode.importFile(at: path)
        #expect(rebuilt == 1, "the import beside a node loaded in bulk")
        _ = node
        #expect(report.customersCreated == 2_700 && report.customersMatched == 300 && report.rejected.isEmpty)
        #expect(other.customersCreated == report.customersCreated && other.customersMatched == report.customersMatched)
        // Each attached row is named, with the customer it duplicates: row r10 (line 11) is the person of r3.
        // The customers by e-mail (each import gives a keyed row's customer an id of its own).
        let email = { (r: Replica, id: String) in try r.snapshot { try $0.strings("SELECT email FROM customer WHERE id = ?", arguments: [.text(id)]) }.first }
        #expect(report.matches.map(\.line) == (1...300).map { $0 * 10 + 1 } && other.matches.map(\.line) == report.matches.map(\.line))
        #expect(try zip(report.matches, other.matches).allSatisfy { try email(bulk.replica, $0.customerId) == email(shared.replica, $1.customerId) })
        #expect(try email(bulk.replica, report.matches[0].customerId) == "p3@example.com" && report.matches.allSatisfy { $0.probability > 0.9 })
        let emails = { (r: Replica) in try r.snapshot { try $0.strings("SELECT email FROM customer ORDER BY email") } }
        #expect(try emails(bulk.replica) == emails(shared.replica) && emails(bulk.replica).count == 2_700)
        #expect(try indexes(bulk.replica) == before)
        #expect(try Self.searchRows(bulk.replica) == Self.searchRows(shared.replica))
        // What the rebuilt indexes serve: the last 4 phone digits, a name, the list in name order.
        #expect(try bulk.replica.searchCustomers("0123").map { $0.customer["email"] } == [.text("p123@example.com")])
        #expect(try bulk.replica.searchCustomers("given2999 family89").first?.customer["email"] == .text("p2999@example.com"))
        #expect(try bulk.replica.customers(limit: 3).count == 3)
        // A rerun with nothing new (its 300 attached rows are checked again) drops and builds no index.
        let again = try importer.importFile(at: path)
        #expect(rebuilt == 1, "a rerun with nothing new rebuilt the indexes")
        #expect(again.customersCreated == 0 && again.alreadyImported == 2_700 && again.customersMatched == 300)
    }

    /// The search box's rows (customer e-mail, folded name words, places) in docid order: the
    /// customer by its e-mail, as two imports of one keyed file give each customer an id of its own.
    static func searchRows(_ replica: Replica) throws -> [[String]] {
        try replica.snapshot { tx in
            try tx.strings("""
                SELECT c.email || '|' || t.name || '|' || coalesce(t.place, '') FROM customerSearchText t
                JOIN customerSearchDoc d ON d.docid = t.rowid JOIN customer c ON c.id = d.customerId ORDER BY d.docid
                """).map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
        }
    }

    @Test func aBulkLoadWithoutTheCheckIndexesForTheSearchBoxWhatAnImportBesideANodeDoes() throws {
        let bulk = try TestReplica("north"), shared = try TestReplica("north")
        defer { bulk.remove(); shared.remove() }
        let path = try Self.peopleFile(3_000, in: bulk.directory)
        var importer = try CustomerImporter(replica: bulk.replica)
        importer.bulkLoad = true
        importer.checkDuplicates = false
        importer.dataLines = 3_000
        importer.bulkLoadMinimumRows = 1_000
        var rebuilt = 0
        importer.rebuildingIndexes = { rebuilt += 1 }
        let report = try importer.importFile(at: path)
        let node = try Replica(path: shared.replica.path, rooftop: shared.replica.rooftop, wallClock: shared.clock)
        var besideNode = try CustomerImporter(replica: shared.replica)
        besideNode.bulkLoad = true
        besideNode.checkDuplicates = false
        let other = try besideNode.importFile(at: path)
        _ = node
        #expect(rebuilt == 1 && report.customersCreated == 3_000 && other.customersCreated == 3_000)
        let rows = try Self.searchRows(bulk.replica)
        let expected = try Self.searchRows(shared.replica)
        #expect(rows.count == 3_000 && rows == expected)
        #expect(rows.first?.dropFirst() == ["given1 family1 ", "chicago"])
        #expect(try bulk.replica.searchCustomers("given2999 family89 chicago").first?.customer["email"] == .text("p2999@example.com"))
    }
}
