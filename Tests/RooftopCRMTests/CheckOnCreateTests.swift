import Foundation
import RooftopCRM
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting
import Testing

/// The check on create finds a customer typed again with a name typo, a nickname or a married name
/// and no shared e-mail or phone, by birth date or by house number and postal code
/// (`sync-protocol/duplicate-detection.md#the-check-on-create`), and still lets household members in.
@Suite struct CheckOnCreateTests {
    let clock = ManualWallClock()

    static func person(_ first: String, _ last: String, email: String? = nil, mobile: String? = nil, home: String? = nil,
                       birthDate: String? = nil, street: String? = nil, city: String = "Tucson", postalCode: String = "85711") -> [String: JSONValue] {
        var json: [String: JSONValue] = ["firstName": .string(first), "lastName": .string(last)]
        if let email { json["email"] = .string(email) }
        if let birthDate { json["demographicInfo"] = .object(["birthDate": .string(birthDate)]) }
        var phones: [JSONValue] = []
        if let mobile { phones.append(.object(["number": .string(mobile), "type": "Mobile"])) }
        if let home { phones.append(.object(["number": .string(home), "type": "Home"])) }
        if !phones.isEmpty { json["phoneNumbers"] = .array(phones) }
        if let street {
            json["addresses"] = .array([.object(["street": .string(street), "city": .string(city), "postalCode": .string(postalCode)])])
        }
        return json
    }

    /// Customers already on file: a family at one address, and people elsewhere.
    static let onFile: [(key: String, json: [String: JSONValue])] = [
        ("eric", person("Eric", "Garcia", email: "eric.garcia@example.com", mobile: "+15205550101", home: "+15205550100",
                        birthDate: "1978-04-12", street: "12 Oak Street")),
        ("ana", person("Ana", "Garcia", email: "ana.g@example.org", mobile: "+15205550102", home: "+15205550100",
                       birthDate: "1980-09-30", street: "12 Oak Street")),
        ("william", person("William", "Turner", email: "wturner@example.net", mobile: "+15205550201",
                           birthDate: "1965-01-23", street: "480 Speedway Blvd")),
        ("michelle", person("Michelle", "Hernandez", email: "mh1990@example.com", mobile: "+15205550301",
                            birthDate: "1990-07-04", street: "9 Elm Avenue", postalCode: "85719")),
        ("markus", person("Marcus", "Watson", mobile: "+15205550401", birthDate: "1971-11-02", street: "301 Palo Verde Road",
                          postalCode: "85713")),
    ]

    func replicaWithCustomersOnFile() throws -> (TestReplica, [String: RowID]) {
        let t = try TestReplica("north", clock: clock)
        var ids: [String: RowID] = [:]
        for (key, json) in Self.onFile {
            clock.advance(by: 10)
            ids[key] = try CRMService(replica: t.replica).createCustomer(try CustomerInput(json: json), allowDuplicate: true)
        }
        return (t, ids)
    }

    /// A record typed again: how it differs, what was typed, and who it is.
    struct Typed: CustomTestStringConvertible, Sendable {
        var how: String
        var json: [String: JSONValue]
        var who: String
        var testDescription: String { how }
        init(_ how: String, _ json: [String: JSONValue], _ who: String) { (self.how, self.json, self.who) = (how, json, who) }
    }

    @Test(arguments: [
        // None shares an e-mail or a phone with the record on file.
        Typed("given-name typo, same birth date and address", person("Erik", "Garcia", email: "egarcia77@example.org", mobile: "+15205559001",
                                                                birthDate: "1978-04-12", street: "12 OAK ST"), "eric"),
        Typed("surname typo, same birth date, no address", person("Eric", "Garsia", mobile: "+15205559002", birthDate: "1978-04-12"), "eric"),
        Typed("nickname, same birth date and address", person("Bill", "Turner", email: "bill.t@example.org", birthDate: "1965-01-23",
                                                          street: "480 Speedway Boulevard"), "william"),
        Typed("typos in both names, same birth date and address", person("Michele", "Hernandes", birthDate: "1990-07-04",
                                                                     street: "9 Elm Ave", postalCode: "85719"), "michelle"),
        Typed("given-name spelling, same address, no birth date", person("Markus", "Watson", email: "markus.w@example.com",
                                                                    street: "301 Palo Verde Rd", postalCode: "85713"), "markus"),
    ])
    func aCustomerTypedAgainWithoutASharedContactIsRefused(_ typed: Typed) throws {
        let (t, ids) = try replicaWithCustomersOnFile()
        defer { t.remove() }
        let service = CRMService(replica: t.replica)
        let input = try CustomerInput(json: typed.json)
        let matches = try service.duplicatesOf(input)
        #expect(matches.first?.customerId == ids[typed.who]?.string, "\(typed.how): \(matches)")
        #expect(matches.first?.isConfident == true, "\(typed.how): \(matches.first?.score.probability ?? 0)")
        #expect(throws: DuplicateCustomerError.self, "\(typed.how)") { try service.createCustomer(input, allowDuplicate: false) }
        #expect(try t.replica.customerCount() == Self.onFile.count, "\(typed.how): nothing written")
    }

    @Test func householdMembersAtOneAddressAreCreated() throws {
        let (t, _) = try replicaWithCustomersOnFile()
        defer { t.remove() }
        let service = CRMService(replica: t.replica)
        // A grown child and a parent: the family's surname, address and home phone, their own names and birth dates.
        for json in [Self.person("Erica", "Garcia", email: "erica.garcia@example.com", mobile: "+15205550103", home: "+15205550100",
                                 birthDate: "2003-02-14", street: "12 Oak St"),
                     Self.person("Luis", "Garcia", home: "+15205550100", birthDate: "1950-06-01", street: "12 Oak Street")] {
            let input = try CustomerInput(json: json)
            #expect(!(try service.duplicatesOf(input).contains(where: \.isConfident)), "\(json)")
            clock.advance(by: 10)
            _ = try service.createCustomer(input, allowDuplicate: false)
        }
        #expect(try t.replica.customerCount() == Self.onFile.count + 2)
    }

    @Test func aFamilySharingOneMailboxAndAnUntypedPhoneIsNotOnePerson() throws {
        let t = try TestReplica("north", clock: clock)
        defer { t.remove() }
        let service = CRMService(replica: t.replica)
        func untyped(_ first: String, birthDate: String?) throws -> CustomerInput {
            var json = Self.person(first, "Reyes", email: "reyesfamily@gmail.com", birthDate: birthDate, street: "17 Elm Street", postalCode: "53207")
            json["phoneNumbers"] = .array([.object(["number": "414 555 0456"])])  // no type: personal as far as anyone knows
            return try CustomerInput(json: json)
        }
        _ = try service.createCustomer(try untyped("Daniel", birthDate: nil), allowDuplicate: false)
        // Names of opposite sex (Sofia / Daniel, Daniela / Daniel): never one person on a shared mailbox and
        // phone alone; and another first name born on another day (Daniela / Sofia) is another person.
        for (first, birthDate) in [("Sofia", "1978-03-03"), ("Daniela", "2004-10-02")] {
            clock.advance(by: 10)
            let input = try untyped(first, birthDate: birthDate)
            #expect(!(try service.duplicatesOf(input).contains(where: \.isConfident)), "\(first)")
            _ = try service.createCustomer(input, allowDuplicate: false)
        }
        #expect(try t.replica.customerCount() == 3)
        // Daniel typed again with the family's mailbox and phone still is.
        clock.advance(by: 10)
        #expect(throws: DuplicateCustomerError.self) { try service.createCustomer(try untyped("DANIEL", birthDate: nil), allowDuplicate: false) }
    }

    @Test func aLookupByBirthDateOrPlaceNeverReturnsDeletedOrAbsorbedCustomers() throws {
        let (t, ids) = try replicaWithCustomersOnFile()
        defer { t.remove() }
        let service = CRMService(replica: t.replica)
        clock.advance(by: 10)
        _ = try t.replica.delete(CRMSchema.customer, id: try #require(ids["william"]))
        let bill = try CustomerInput(json: Self.person("Bill", "Turner", birthDate: "1965-01-23", street: "480 Speedway Blvd"))
        #expect(try service.duplicatesOf(bill).isEmpty, "a deleted customer is no candidate")
        func found() throws -> Set<String> {
            Set(try t.replica.snapshot { tx in
                try tx.customerNames(bornOn: "1978-04-12", limit: 10).map(\.id)
                    + tx.customerNames(bornOn: "1980-09-30", limit: 10).map(\.id)
                    + tx.customerNames(atPostalCodes: ["85711"], streetStartingWith: "12 ", limit: 10).map(\.id)
            })
        }
        #expect(try found() == [ids["eric"]!.string, ids["ana"]!.string])
        // "12 " is a house number: 120 and 12B on the same street are other houses.
        clock.advance(by: 10)
        _ = try service.createCustomer(try CustomerInput(json: Self.person("Ian", "Cole", birthDate: "1990-01-01", street: "120 Oak Street")),
                                       allowDuplicate: false)
        #expect(try found() == [ids["eric"]!.string, ids["ana"]!.string])
        // A customer merged away is no candidate either: only its survivor is.
        clock.advance(by: 10)
        _ = try service.mergeCustomer(try #require(ids["ana"]), into: try #require(ids["eric"]))
        #expect(try found() == [ids["eric"]!.string])
        let ana = try CustomerInput(json: Self.person("Anna", "Garcia", birthDate: "1980-09-30", street: "12 Oak St"))
        #expect(!(try service.duplicatesOf(ana).map(\.customerId).contains(ids["ana"]!.string)))
    }

    @Test func aNamesakeWithTheSameNumberedMailboxAtAnotherProviderIsACandidate() throws {
        let t = try TestReplica("north", clock: clock)
        defer { t.remove() }
        let service = CRMService(replica: t.replica)
        let jose = try service.createCustomer(try CustomerInput(json: Self.person("José", "Gómez", email: "jgomez8463@gmail.com")), allowDuplicate: false)
        clock.advance(by: 10)
        let again = try CustomerInput(json: Self.person("Jose", "Gomez", email: "jgomez8463@yahoo.com", mobile: "+15205557777"))
        #expect(try service.duplicatesOf(again).map(\.customerId).contains(jose.string))
        // A namesake with nothing else that could agree is not even scored.
        let stranger = try CustomerInput(json: Self.person("Jose", "Gomez", email: "pepe@example.org", mobile: "+15205558888"))
        #expect(try service.duplicatesOf(stranger).isEmpty)
    }

    @Test func scoresStoredBeforeOppositeSexWasRecordedStillDecode() throws {
        let stored = #"[{"field":"givenName","level":"different","weight":-1.5},{"field":"email","level":"exact","weight":9.2}]"#
        let fields = try JSONDecoder().decode([FieldComparison].self, from: Data(stored.utf8))
        #expect(fields.count == 2 && fields[0].oppositeSex == nil && fields[0].level == .different)
    }
}
