import Foundation
import RooftopImport
import RooftopModel
import RooftopStore
import RooftopTesting
import Testing

@Suite("FEBRLImporter")
struct FEBRLImporterTests {
    static let header =
        "rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id"

    static func dataset() throws -> String {
        String(decoding: try Fixtures.data("febrl/dataset1.csv"), as: UTF8.self)
    }

    static func withReplica(_ body: (Replica) throws -> Void) throws {
        let test = try TestReplica()
        defer { test.remove() }
        try body(test.replica)
    }

    /// The customer whose home street and postcode are these, among those a name search finds
    /// (a duplicate record may share the street and differ elsewhere).
    static func customer(named name: String, street: String, postcode: String, in replica: Replica) throws
        -> CustomerRecord
    {
        // The search also finds names one typo away (a duplicate "walter" for "waller"): the surname must be the one asked for.
        let matches = try replica.searchCustomers(name).filter {
            $0.addresses.first?["street"] == .text(street) && $0.addresses.first?["postalCode"] == .text(postcode)
                && Set(name.lowercased().split(separator: " ").map(String.init))
                    .isSubset(of: Set([$0.customer["firstName"], $0.customer["lastName"]].compactMap { $0.textValue?.lowercased() }))
        }
        #expect(matches.count == 1)
        return try #require(matches.first)
    }

    @Test func datasetImportsEveryRecordAsACustomer() throws {
        try Self.withReplica { replica throws in
            let report = try FEBRLImporter.importFile(try Self.dataset(), into: replica)
            #expect(report.customersCreated == 1000)
            #expect(report.rejected.isEmpty)
            #expect(report.alreadyImported == 0)
            #expect(try replica.customerCount() == 1000)
        }
    }

    @Test func importedCustomersHaveTidyNamesISOBirthDatesAndAnAustralianHomeAddress() throws {
        try Self.withReplica { replica throws in
            _ = try FEBRLImporter.importFile(try Self.dataset(), into: replica)
            let customers = try replica.customers(limit: 1000)
            #expect(customers.count == 1000)
            var firstNames = 0, lastNames = 0, birthDates = 0
            for record in customers {
                let c = record.customer
                #expect(c["contactType"] == .text("Individual"))
                #expect(c["status"] == .text("Active"))
                for field in ["firstName", "lastName"] {
                    guard let name = c[field].textValue else { continue }
                    #expect(name.first?.isUppercase == true, "\(field) \(name) is capitalised")
                    #expect(name != name.lowercased())
                    #expect(name == name.trimmingCharacters(in: .whitespaces))
                }
                if c["firstName"] != .null { firstNames += 1 }
                if c["lastName"] != .null { lastNames += 1 }
                if let date = c["birthDate"].textValue {
                    birthDates += 1
                    #expect(Timestamp.normaliseDate(date) == date, "\(date) is a YYYY-MM-DD date")
                }
                let address = try #require(record.addresses.first)
                #expect(record.addresses.count == 1)
                #expect(address["country"] == .text("AU"))
                #expect(address["type"] == .text("Home"))
                #expect(address["primary"] == .integer(1))
                #expect(record.phones.isEmpty)
            }
            // 44 records have no given name, 18 no surname, 41 no birth date and 3 an impossible one.
            #expect(firstNames == 956)
            #expect(lastNames == 982)
            #expect(birthDates == 956)
        }
    }

    @Test func recordFieldsMapOntoTheCustomerAndItsAddress() throws {
        try Self.withReplica { replica throws in
            _ = try FEBRLImporter.importFile(try Self.dataset(), into: replica)
            // rec-122-org, lachlan, berry, 69, giblin street, killarney, bittern, 4814, qld, 19990219, 7364009
            let record = try Self.customer(
                named: "lachlan berry", street: "69 Giblin Street, Killarney", postcode: "4814", in: replica)
            #expect(record.customer["firstName"] == .text("Lachlan"))
            #expect(record.customer["lastName"] == .text("Berry"))
            #expect(record.customer["birthDate"] == .text("1999-02-19"))
            let address = try #require(record.addresses.first)
            #expect(address["city"] == .text("Bittern"))
            #expect(address["state"] == .text("QLD"))
            #expect(address["postalCode"] == .text("4814"))
            #expect(address["country"] == .text("AU"))
        }
    }

    @Test func recordWithOnlyASurnameImportsWithoutAFirstName() throws {
        try Self.withReplica { replica throws in
            _ = try FEBRLImporter.importFile(try Self.dataset(), into: replica)
            // rec-223-org, , waller, 6, tullaroop street, willaroo, st james, 4011, wa, 19081209, 6988048
            let record = try Self.customer(
                named: "waller", street: "6 Tullaroop Street, Willaroo", postcode: "4011", in: replica)
            #expect(record.customer["firstName"] == .null)
            #expect(record.customer["lastName"] == .text("Waller"))
            #expect(record.customer["birthDate"] == .text("1908-12-09"))
            #expect(record.addresses.first?["city"] == .text("St James"))
            #expect(record.addresses.first?["state"] == .text("WA"))
        }
    }

    @Test func socialSecurityNumberIsNotImported() throws {
        try Self.withReplica { replica throws in
            _ = try FEBRLImporter.importFile(try Self.dataset(), into: replica)
            let record = try Self.customer(
                named: "waller", street: "6 Tullaroop Street, Willaroo", postcode: "4011", in: replica)
            let json = String(decoding: try record.json.encoded(), as: UTF8.self)
            #expect(!json.contains("6988048"))
            #expect(try replica.searchCustomers("6988048").isEmpty)
        }
    }

    @Test func impossibleBirthDateIsLeftEmpty() throws {
        try Self.withReplica { replica throws in
            _ = try FEBRLImporter.importFile(try Self.dataset(), into: replica)
            // rec-444-dup-0, sophie, lovelock, 26, durraw een, chant street, williamstown, 2650, vic, 19371233, 3072763
            let record = try Self.customer(
                named: "sophie lovelock", street: "26 Durraw Een, Chant Street", postcode: "2650", in: replica)
            #expect(record.customer["birthDate"] == .null)
            #expect(record.customer["firstName"] == .text("Sophie"))
        }
    }

    @Test func reimportingTheDatasetChangesNothing() throws {
        try Self.withReplica { replica throws in
            let text = try Self.dataset()
            _ = try FEBRLImporter.importFile(text, into: replica)
            let digest = try replica.digest()
            let again = try FEBRLImporter.importFile(text, into: replica)
            #expect(again.alreadyImported == 1000)
            #expect(again.customersCreated == 0)
            #expect(again.rejected.isEmpty)
            #expect(try replica.customerCount() == 1000)
            #expect(try replica.digest() == digest)
        }
    }

    @Test(arguments: ["surname", "date_of_birth", "rec_id"])
    func fileMissingARequiredColumnIsRejectedNamingItAndWritesNothing(column: String) throws {
        let lines = try Self.dataset().split(separator: "\n").prefix(20).map { line in
            line.split(separator: ",", omittingEmptySubsequences: false)
        }
        let drop = try #require(lines[0].firstIndex { $0.trimmingCharacters(in: .whitespaces) == column })
        let text =
            lines.map { fields in
                fields.enumerated().filter { $0.offset != drop }.map { String($0.element) }.joined(separator: ",")
            }.joined(separator: "\n") + "\n"
        try Self.withReplica { replica throws in
            let empty = try replica.digest()
            let error = try #require(throws: FEBRLError.self) { try FEBRLImporter.importFile(text, into: replica) }
            #expect(error.message.contains(column))
            #expect(error.description.contains(column))
            #expect(try replica.customerCount() == 0)
            #expect(try replica.digest() == empty)
        }
    }

    @Test func everyMissingColumnIsNamed() throws {
        let text =
            "rec_id, given_name, street_number, address_1, address_2, suburb, postcode, state\nrec-1-org, ana, 1, a st, , b, 2000, nsw\n"
        try Self.withReplica { replica throws in
            let error = try #require(throws: FEBRLError.self) { try FEBRLImporter.importFile(text, into: replica) }
            #expect(error.message.contains("surname"))
            #expect(error.message.contains("date_of_birth"))
            #expect(try replica.customerCount() == 0)
        }
    }

    @Test func rowWithoutAnyNameIsReportedWithItsLineAndTheOthersImport() throws {
        let text = """
            \(Self.header)
            rec-1-org, ana, example, 12, sample street, , springfield, 2000, nsw, 19900501, 1111111
            rec-2-org, , , 3, nameless road, , nowhere, 2001, nsw, 19900502, 2222222
            rec-3-org, , tester, 9, placeholder road, , lakewood, 2002, vic, 19900503, 3333333

            """
        try Self.withReplica { replica throws in
            let report = try FEBRLImporter.importFile(text, into: replica)
            #expect(report.customersCreated == 2)
            #expect(report.rejected == ["line 3: no given_name or surname"])
            #expect(try replica.customerCount() == 2)
            #expect(try replica.searchCustomers("nameless").isEmpty)
            #expect(try replica.searchCustomers("tester").count == 1)
        }
    }

    @Test func rowWithoutARecordIdIsReportedWithItsLine() throws {
        let text = """
            \(Self.header)
            , ana, example, 12, sample street, , springfield, 2000, nsw, 19900501, 1111111
            rec-3-org, cara, demo, 9, placeholder road, , lakewood, 2002, vic, 19900503, 3333333

            """
        try Self.withReplica { replica throws in
            let report = try FEBRLImporter.importFile(text, into: replica)
            #expect(report.rejected == ["line 2: no rec_id"])
            #expect(report.customersCreated == 1)
            #expect(try replica.searchCustomers("ana example").isEmpty)
        }
    }

    @Test func sameRecordIdIsTheSameCustomerAcrossFiles() throws {
        let first =
            "\(Self.header)\nrec-7-org, ana, example, 12, sample street, , springfield, 2000, nsw, 19900501, 1111111\n"
        let second =
            "\(Self.header)\nrec-7-org, ANA, EXAMPLE, 12, sample street, , springfield, 2000, nsw, 19900501, 1111111\n"
            + "rec-8-org, bo, sample, 1, main road, , riverton, 2003, qld, 19800101, 4444444\n"
        try Self.withReplica { replica throws in
            _ = try FEBRLImporter.importFile(first, into: replica)
            let report = try FEBRLImporter.importFile(second, into: replica)
            #expect(report.alreadyImported == 1)
            #expect(report.customersCreated == 1)
            #expect(try replica.customerCount() == 2)
        }
    }
}
