import Foundation
import RooftopImport
import RooftopModel
import RooftopStore
import RooftopTesting
import Testing

/// Export → import carries a customer to another rooftop: JSON Lines whole (every field, phone,
/// address, tag and consent flag, the same ids), CSV every customer field with the first phone and
/// address; a second import writes nothing.
@Suite struct CustomerRoundTripTests {
    /// A customer with every field set, two phones, two addresses, and tags holding `;` and `\`.
    static let full: [String: JSONValue] = [
        "contactType": "Individual", "firstName": "Zoë", "lastName": "Ó Briain", "email": "zoe@example.com",
        "communicationPreferences": ["preferredMethod": "SMS", "optInEmail": false, "optInSMS": true, "optInMail": false, "doNotContact": true],
        "demographicInfo": ["birthDate": "1979-05-06", "gender": "F", "occupation": "Engineer", "incomeRange": "100k+", "educationLevel": "MSc"],
        "sourceId": "0b0e9d39-8f64-4a7c-9d61-2f8a8b6f3c11", "sourceType": "Showroom", "leadScore": 420, "lifetimeValue": "45230.5",
        "loyaltyTier": "Silver", "status": "Active", "notes": "line one\nline \"two\"; ✓, =1+1",
        "tags": ["VIP; fleet", "a\\b", "service"],
        "phoneNumbers": [["number": "+13125550102", "type": "Work", "consentToCall": false],
                         ["number": "+13125550101", "type": "Mobile", "primary": true, "consentToCall": true, "consentDate": "2024-01-02T03:04:05.000Z"],
                         ["number": "+13125550103", "type": "Home"]],
        "addresses": [["type": "Work", "street": "2 Oak Ave", "city": "Evanston", "state": "IL", "postalCode": "60201"],
                      ["type": "Billing", "street": "1 Main St", "city": "Chicago", "state": "IL", "postalCode": "60601", "country": "US", "primary": true]],
    ]

    static func seed(_ replica: Replica) throws -> [RowID] {
        [try replica.createCustomer(try CustomerInput(json: full)),
         try replica.createCustomer(try CustomerInput(json: ["contactType": "Business", "businessName": "Acme Fleet; Inc.", "email": "fleet@acme.example",
                                                              "phoneNumbers": [["number": "+16175550123", "type": "Work"]]])),
         try replica.createCustomer(try CustomerInput(json: ["firstName": "Bo", "lastName": "Ray"]))]
    }

    static func export(_ replica: Replica, _ format: CustomerFileFormat, to path: String) throws {
        let stream = try #require(OutputStream(toFileAtPath: path, append: false))
        stream.open()
        defer { stream.close() }
        _ = try CustomerExporter(replica: replica, format: format).export(to: stream)
    }

    /// What a rooftop's copy may differ in: when it was written last.
    static func carried(_ record: CustomerRecord) -> [String: JSONValue] {
        (record.json.objectValue ?? [:]).filter { $0.key != "updatedAt" }
    }

    /// North seeded (``seed(_:)``) and exported in `format`: the ids and the file.
    static func exported(_ format: CustomerFileFormat, _ north: TestReplica) throws -> (ids: [RowID], path: String) {
        let ids = try seed(north.replica)
        let path = north.directory.path("customers." + format.rawValue)
        try export(north.replica, format, to: path)
        return (ids, path)
    }

    @Test func jsonLinesCarryEveryFieldPhoneAddressAndTagWithTheSameIds() throws {
        let north = try TestReplica("north"), south = try TestReplica("south")
        defer { north.remove(); south.remove() }
        let (ids, path) = try Self.exported(.jsonl, north)
        var importer = try CustomerImporter(replica: south.replica)
        importer.format = CustomerFileFormat.implied(byPath: path)
        let report = try importer.importFile(at: path)
        #expect(report.customersCreated == 3 && report.rejected.isEmpty && report.customersMatched == 0, "\(report)")
        for id in ids {
            let original = try #require(try north.replica.customer(id: id)), copy = try #require(try south.replica.customer(id: id))
            #expect(Self.carried(copy) == Self.carried(original))
            // Restored as it was: its home is still north.
            #expect(copy.customer["homeRooftop"] == .text("north"))
        }
        let zoe = try #require(try south.replica.customer(id: ids[0]))
        #expect(zoe.phones.count == 3 && zoe.addresses.count == 2 && zoe.customer["doNotContact"] == .integer(1))
        #expect(try south.replica.searchCustomers("zoe o briain").first?.customer.id == ids[0])
        // Again: every row is already there, nothing is written.
        let again = try importer.importFile(at: path)
        #expect(again.customersCreated == 0 && again.alreadyImported == 3)
        #expect(try south.replica.customerCount() == 3)
        // A customer erased here (DSAR) is not brought back by the file.
        _ = try south.replica.erase(customer: ids[2])
        let afterErasure = try importer.importFile(at: path)
        #expect(afterErasure.customersCreated == 0 && afterErasure.alreadyImported == 2)
        #expect(afterErasure.rejected.count == 1 && afterErasure.rejected.first?.contains("customer \(ids[2].string) was erased (a DSAR erasure)") == true, "\(afterErasure.rejected)")
        #expect(try south.replica.customer(id: ids[2]) == nil && south.replica.customerCount() == 2)
    }

    @Test func csvCarriesEveryCustomerFieldThePrimaryPhoneAndAddressAndTagsHoldingSeparators() throws {
        let north = try TestReplica("north"), south = try TestReplica("south")
        defer { north.remove(); south.remove() }
        let (ids, path) = try Self.exported(.csv, north)
        let report = try CustomerImporter(replica: south.replica).importFile(at: path)
        #expect(report.customersCreated == 3 && report.rejected.isEmpty, "\(report)")
        #expect(report.ignoredColumns.isEmpty, "the export's own columns are not listed as unmapped: \(report.ignoredColumns)")
        for id in ids {
            let original = try #require(try north.replica.customer(id: id)), copy = try #require(try south.replica.customer(id: id))
            var expected = Self.carried(original), got = Self.carried(copy)
            // CSV holds the primary phone and address (else the first), with their ids.
            for key in ["phoneNumbers", "addresses"] { expected[key] = nil; got[key] = nil }
            #expect(got == expected)
            let primary = { (rows: [StoredRow]) in rows.first { $0["primary"] == .integer(1) } ?? rows.first }
            #expect(copy.phones.count == min(1, original.phones.count) && copy.addresses.count == min(1, original.addresses.count))
            #expect(copy.phones.first?.id == primary(original.phones)?.id && copy.addresses.first?.id == primary(original.addresses)?.id)
            for field in ["number", "type", "consentToCall", "consentDate"] {
                #expect(copy.phones.first?[field] == primary(original.phones)?[field], "\(field)")
            }
            for field in ["type", "street", "city", "state", "postalCode", "country"] {
                #expect(copy.addresses.first?[field] == primary(original.addresses)?[field], "\(field)")
            }
        }
        #expect(try south.replica.customer(id: ids[0])?.tags == ["a\\b", "service", "VIP; fleet"])
        let again = try CustomerImporter(replica: south.replica).importFile(at: path)
        #expect(again.customersCreated == 0 && again.alreadyImported == 3)
        // Restored at another rooftop too, each tag is the same element row: after sync one per tag
        // from the restores, not one per rooftop.
        let west = try TestReplica("west")
        defer { west.remove() }
        #expect(try CustomerImporter(replica: west.replica).importFile(at: path).customersCreated == 3)
        let tagIDs = { (r: Replica) in Set(try r.snapshot { try $0.strings("SELECT id FROM customerTag") }) }
        #expect(try tagIDs(west.replica) == tagIDs(south.replica) && tagIDs(south.replica).count == 3)
    }

    @Test func aJSONLinesFileReportsEachBadLineWithItsNumberAndWritesTheOthersOnce() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        let lines = [
            #"{"firstName":"Ann","lastName":"Lee","email":"ann@example.com"}"#,
            "",
            "not json",
            "[1,2]",
            #"{"id":"nope","firstName":"Xi"}"#,
            #"{"firstName":"Bo","email":"bad"}"#,
            #"{"firstName":"Cy","lastName":"Day","phoneNumbers":[{"number":"(617) 555-0123"}],"createdAt":"2020-01-02T03:04:05Z"}"#,
        ]
        let path = t.directory.path("leads.ndjson")
        try Data(lines.joined(separator: "\r\n").utf8).write(to: URL(fileURLWithPath: path))  // CRLF, no line break after the last
        var importer = try CustomerImporter(replica: t.replica)
        importer.format = CustomerFileFormat.implied(byPath: path)
        let report = try importer.importFile(at: path)
        #expect(report.customersCreated == 2, "\(report)")
        #expect(report.rejected == ["line 3: not JSON", "line 4: expected a Customer object, got array",
                                    "line 5: /id: expected a UUID", "line 6: /email: expected an e-mail address"])
        let cy = try #require(try t.replica.searchCustomers("cy day").first)
        #expect(cy.phones.first?["number"] == .text("+16175550123") && cy.customer["createdAt"] == .text("2020-01-02T03:04:05.000Z"))
        let again = try importer.importFile(at: path)
        #expect(again.customersCreated == 0 && again.alreadyImported == 2 && again.rejected.count == 4)
        #expect(try t.replica.customerCount() == 2)
        // A mapping is for CSV columns.
        var mapped = try CustomerImporter(replica: t.replica, mapping: ["Name": "firstName"])
        mapped.format = .jsonl
        #expect(throws: CustomerImportError.self) { try mapped.importFile(at: path) }
    }

    /// An export's rows name their customers: each is restored, even one the duplicate check would
    /// attach to another (the source kept them apart); a row without an id is checked as before.
    @Test func rowsNamingTheirOwnIdsAreRestoredNotAttachedToADuplicate() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        let person = #""firstName":"Ana","lastName":"Muñoz","email":"ana@example.com","phoneNumbers":[{"number":"+13125550101"}],"demographicInfo":{"birthDate":"1980-02-03"}"#
        let lines = ["{\"id\":\"5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f\"," + person + "}", "{\"id\":\"6f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f\"," + person + "}",
                     "{" + person + "}"]
        let path = t.directory.path("two.jsonl")
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        var importer = try CustomerImporter(replica: t.replica)
        importer.format = .jsonl
        let report = try importer.importFile(at: path)
        #expect(report.customersCreated == 2 && report.customersMatched == 1 && report.matches.first?.line == 3, "\(report)")
    }

    /// A phone or address id already held here (a file from before a merge moved the phone), or
    /// twice in a file, rejects its row with the line and the pointer; the other rows are imported.
    @Test func aPhoneOrAddressIdAlreadyTakenRejectsOnlyItsRow() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        let held = try t.replica.createCustomer(try CustomerInput(json: ["firstName": "Held", "lastName": "Phone", "phoneNumbers": [["number": "+13125550100"]]]))
        let heldPhone = try #require(try t.replica.customer(id: held)?.phones.first?.id.string)
        let lines = [
            #"{"firstName":"Ann","lastName":"One","phoneNumbers":[{"id":"\#(heldPhone)","number":"+13125550101"}]}"#,
            #"{"firstName":"Bo","lastName":"Two","phoneNumbers":[{"id":"7f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f","number":"+13125550102"}],"addresses":[{"id":"7f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f","city":"Austin"}]}"#,
            #"{"firstName":"Cy","lastName":"Three","phoneNumbers":[{"id":"8f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f","number":"+13125550103"}]}"#,
            #"{"firstName":"Di","lastName":"Four","phoneNumbers":[{"id":"8f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f","number":"+13125550104"}]}"#,
            #"{"firstName":"Ed","lastName":"Five"}"#,
        ]
        let path = t.directory.path("ids.jsonl")
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        var importer = try CustomerImporter(replica: t.replica)
        importer.format = .jsonl
        importer.checkDuplicates = false
        let report = try importer.importFile(at: path)
        #expect(report.customersCreated == 2, "\(report)")
        #expect(Set(report.rejected) == ["line 1: /phoneNumbers/0/id: a phone or address with this id already exists here (another customer's)",
                                         "line 2: /addresses/0/id: the id of another phone or address of this customer",
                                         "line 4: /phoneNumbers/0/id: the id of a phone or address on an earlier line"])
        #expect(try t.replica.customer(id: held)?.phones.first?["number"] == .text("+13125550100"))
        #expect(try t.replica.searchCustomers("cy three").count == 1 && t.replica.searchCustomers("ed five").count == 1)
    }

    /// A file that is not UTF-8 (Latin-1, UTF-16), or not JSON Lines, is refused whole, naming the
    /// line; a CSV row whose field count is not the header's (a quote left open) is rejected.
    @Test func filesInAnotherEncodingOrFormatAreRefusedAndBrokenRowsRejected() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        func write(_ bytes: [UInt8], _ name: String) throws -> String {
            let path = t.directory.path(name)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return path
        }
        let latin1 = try write(Array("firstName,lastName,city\nAnna,One,Austin\nJos".utf8) + [0xE9] + Array(",Latin,Dallas\n".utf8), "latin1.csv")
        let utf16 = try write([0xFF, 0xFE] + Array(#"{"firstName":"Ann"}"#.utf8).flatMap { [$0, 0] }, "utf16.jsonl")
        let csvAsJSONL = try write(Array("firstName,lastName\nAnn,Lee\n".utf8), "customers.jsonl")
        for (path, reason) in [(latin1, "line 3 is not UTF-8 text"), (utf16, "line 1 is not UTF-8 text (UTF-16?)"), (csvAsJSONL, "not JSON Lines: line 1 is not a JSON object")] {
            var importer = try CustomerImporter(replica: t.replica)
            importer.format = CustomerFileFormat.implied(byPath: path)
            #expect { try importer.importFile(at: path) } throws: { "\($0)".contains(reason) && "\($0)".contains("nothing imported") }
        }
        #expect(try t.replica.customerCount() == 0)
        let broken = try write(Array("firstName,lastName,email\nAnn,Lee,ann@example.com\nBo,Ray\nCy,\"Day,cy@example.com\nDee,Park,dee@example.com\n".utf8), "broken.csv")
        let report = try CustomerImporter(replica: t.replica).importFile(at: broken)
        #expect(report.customersCreated == 1, "\(report)")
        #expect(report.rejected == ["line 3: 2 fields where the header has 3 (a separator too many or too few?)",
                                    "line 4: 2 fields where the header has 3 (a quote left open?)"])
    }

    /// A cell a spreadsheet would run as a formula is written with a leading `'` (OWASP "CSV
    /// injection"), plain signed numbers are not, and the import takes the `'` off: the values come
    /// back as they were, `'Tis` from another system's file included.
    @Test func cellsASpreadsheetWouldRunAreGuardedAndReadBackAsTheyWere() throws {
        let north = try TestReplica("north"), south = try TestReplica("south")
        defer { north.remove(); south.remove() }
        let notes = ["=HYPERLINK(\"http://evil.example\",\"x\")", "@SUM(A1:A2)", "+cmd|' /C calc'!A0", "-2+3", "'=kept", "'Tis Motors", "\tindented"]
        var ids: [RowID] = []
        for (i, note) in notes.enumerated() {
            ids.append(try north.replica.createCustomer(try CustomerInput(json: ["firstName": "N\(i)", "lastName": "Lee", "notes": .string(note),
                                                                                   "lifetimeValue": "-12.5", "phoneNumbers": [["number": "+13125550100"]]])))
        }
        let path = north.directory.path("guarded.csv")
        try Self.export(north.replica, .csv, to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for guarded in ["'=HYPERLINK", "'@SUM", "'+cmd", "'-2+3", "''=kept"] { #expect(text.contains(guarded), "\(guarded)") }
        #expect(text.contains(",-12.5,") && text.contains(",+13125550100,") && text.contains(",'Tis Motors,") && !text.contains("''Tis"))
        let report = try CustomerImporter(replica: south.replica).importFile(at: path)
        #expect(report.customersCreated == notes.count && report.rejected.isEmpty, "\(report)")
        for (id, note) in zip(ids, notes) {
            let copy = try #require(try south.replica.customer(id: id))
            // The import trims a cell's surrounding white space, as it always has.
            #expect(copy.customer["notes"] == .text(note.trimmingCharacters(in: .whitespaces)), "\(note)")
            #expect(copy.customer["lifetimeValue"] == (try north.replica.customer(id: id))?.customer["lifetimeValue"])
        }
    }

    /// An export edited since (a note changed in a spreadsheet) imported again: the customer is left
    /// as it is, and the report names the row that differs; the unedited rows are simply already here.
    @Test func anEditedExportRowIsLeftAsItIsAndNamed() throws {
        let north = try TestReplica("north")
        defer { north.remove() }
        for format in [CustomerFileFormat.csv, .jsonl] {
            let (ids, path) = try Self.exported(format, north)
            var text = try String(contentsOfFile: path, encoding: .utf8)
            let before = try #require(try north.replica.customer(id: ids[2]))
            text = text.replacingOccurrences(of: "Ray", with: "Rae")  // Bo Ray's last name, in his row only
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            var importer = try CustomerImporter(replica: north.replica)
            importer.format = format
            let report = try importer.importFile(at: path)
            #expect(report.customersCreated == 0 && report.alreadyImported == 3 && report.rejected.isEmpty, "\(format) \(report)")
            #expect(report.differing.map(\.customerId) == [ids[2].string], "\(format) \(report.differing)")
            #expect(report.description.contains("1 of them differ"))
            #expect(try north.replica.customer(id: ids[2])?.customer["lastName"] == before.customer["lastName"])
            for id in ids { _ = try north.replica.erase(customer: id) }
        }
    }
}
