import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting
import Testing

/// The service-desk search box: every kind of query a desk types, ranked exact before prefix before
/// fuzzy, and correct under sync (applied rows at once; deleted, erased and absorbed ones never).
@Suite struct CustomerSearchTests {
    struct Desk {
        let t: TestReplica
        var ids: [String: RowID] = [:]
        var replica: Replica { t.replica }

        init() throws {
            t = try TestReplica("north")
            func add(_ key: String, _ json: [String: JSONValue]) throws {
                ids[key] = try t.replica.createCustomer(try CustomerInput(json: json))
            }
            try add("jose", ["firstName": "José", "lastName": "Muñoz", "email": "jose.munoz@gmail.com",
                             "phoneNumbers": [["number": "(312) 555-0101"]], "addresses": [["street": "12 Lake St", "city": "Chicago", "postalCode": "60601"]]])
            try add("john", ["firstName": "John", "lastName": "Smith", "email": "john.smith@yahoo.com", "phoneNumbers": [["number": "217-555-0123"]],
                             "addresses": [["street": "1 Main St", "city": "Springfield", "postalCode": "62701"]]])
            try add("johnny", ["firstName": "Johnny", "lastName": "Smithers", "email": "johnny@smithers.example"])
            try add("acme", ["businessName": "Acme Plumbing LLC", "phoneNumbers": [["number": "+1 415 555 0199"]]])
            try add("ipek", ["firstName": "İpek", "lastName": "Yılmaz", "addresses": [["city": "Zoë Falls"]]])
            try add("gone", ["firstName": "Gone", "lastName": "Smith", "phoneNumbers": [["number": "312.555.7777"]]])
            _ = try t.replica.delete(CRMSchema.customer, id: ids["gone"]!)
            // A vehicle with a valid VIN, owned by José.
            var chars = Array("1FTFW1E50MF312345")  // serial-only ending: the last 6 characters are digits
            chars[8] = VIN.checkDigit(String(chars))!
            let vehicle = RowID.v7(milliseconds: 1)
            try t.replica.write([LocalWrite(.insert, CRMSchema.vehicle, id: vehicle, values: ["vin": .text(String(chars)), "make": .text("Ford")])])
            try t.replica.write([LocalWrite(.insert, CRMSchema.customerVehicle, id: RowID.v7(milliseconds: 2),
                                            values: ["customerId": .text(ids["jose"]!.string), "vehicleId": .text(vehicle.string)])])
            ids["vin:" + String(chars)] = vehicle
        }

        var vin: String { ids.keys.first { $0.hasPrefix("vin:") }!.dropFirst(4).description }

        func find(_ query: String) throws -> [String] {
            let names = Dictionary(uniqueKeysWithValues: ids.map { ($0.value, $0.key) })
            return try replica.searchCustomers(query).map { names[$0.customer.id] ?? $0.customer.id.string }
        }
    }

    /// The typo tier reads the index's terms from a cache kept while the index is unchanged: a name
    /// written after a search (here, or applied from another rooftop) is found with a typo at once.
    @Test func aNameWrittenAfterASearchIsFoundWithATypoAtOnce() throws {
        var desk = try Desk()
        defer { desk.t.remove() }
        #expect(try desk.find("Jonh Smiht") == ["john"])  // reads the terms starting with j and s
        desk.ids["szabo"] = try desk.replica.createCustomer(try CustomerInput(json: ["firstName": "Sándor", "lastName": "Szabó"]))
        #expect(try desk.find("sandor szabp") == ["szabo"])
        let south = try TestReplica("south")
        defer { south.remove() }
        let applied = try south.replica.createCustomer(try CustomerInput(json: ["firstName": "Jolene", "lastName": "Sutcliffe"]))
        _ = try desk.replica.apply(try south.replica.changeset(origin: south.replica.rooftop, after: .zero, limit: 1_000))
        desk.ids["sutcliffe"] = applied
        #expect(try desk.find("jolene sutclife") == ["sutcliffe"])
    }

    @Test func everyKindOfQueryADeskTypesFindsTheCustomer() throws {
        let desk = try Desk()
        defer { desk.t.remove() }
        let cases: [(String, [String])] = [
            ("munoz", ["jose"]), ("MUÑOZ josé", ["jose"]), ("Jose Munoz", ["jose"]), ("muñoz, jose", ["jose"]),  // any order, folded
            ("smith", ["john", "johnny"]),  // the whole word before the prefix
            ("smi", ["john", "johnny"]), ("john smith", ["john", "johnny"]),
            ("Jonh Smiht", ["john"]), ("smyth", ["john"]), ("muños", ["jose"]),  // one typo per word
            ("acme", ["acme"]), ("plumb", ["acme"]), ("acme plumbing", ["acme"]),  // business name
            ("chicago", ["jose"]), ("jose chicago", ["jose"]), ("springfield smith", ["john"]),  // city
            ("jose.mun", ["jose"]), ("john.sm", ["john", "johnny"]),  // the start of an e-mail without its @
            ("jose.munoz@gmail.com", ["jose"]), ("JOHN.SMITH@yahoo.com", ["john"]), ("johnny@", ["johnny"]), ("john.smith@", ["john"]),  // e-mail
            ("(312) 555-0101", ["jose"]), ("3125550101", ["jose"]), ("+1 312 555 0101", ["jose"]),  // phone, any format
            ("0101", ["jose"]), ("555-0101", ["jose"]), ("0199", ["acme"]), ("7777", []),  // last 4 or 7; deleted ones never
            ("5550", []), ("3125", []),  // digits inside a number, not at its end
            ("Mun\u{303}oz Jose\u{301}", ["jose"]), ("MUN\u{303}OZ", ["jose"]),  // NFD input (combining marks), as some keyboards send it
            ("ipek yilmaz", ["ipek"]), ("IPEK", ["ipek"]), ("yılmaz", ["ipek"]), ("İPEK YILMAZ", ["ipek"]), ("zoe falls", ["ipek"]),  // Turkish İ and ı; Zoë
            ("zzzz", []), ("\"", []), ("smith*", ["john", "johnny"]), ("OR", []),  // query syntax is never read as FTS syntax
        ]
        for (query, expected) in cases {
            #expect(try desk.find(query) == expected, "\(query)")
        }
        let vin = desk.vin
        for query in [vin, String(vin.prefix(8)), String(vin.suffix(8)), String(vin.suffix(6)), vin.lowercased()] {
            #expect(try desk.find(query) == ["jose"], "VIN \(query)")
        }
        // A VIN whose last 6 characters are all digits (the serial): found, though it reads like a phone.
        let digitsOnly = String(vin.suffix(6))
        let allDigits = digitsOnly.allSatisfy { $0.isNumber }
        #expect(allDigits)
        #expect(try desk.find(digitsOnly) == ["jose"], "VIN \(digitsOnly)")
    }

    @Test func searchIsCorrectUnderSyncMergesAndErasure() throws {
        let desk = try Desk()
        let south = try TestReplica("south")
        defer { desk.t.remove(); south.remove() }
        // A customer written at another rooftop is searchable as soon as its changeset is applied.
        let kim = try south.replica.createCustomer(CustomerInput(fields: ["firstName": .text("Kim"), "lastName": .text("Nguyen")],
                                                                 phones: [ChildInput(fields: ["number": .text("+16175550142")])]))
        try desk.replica.apply(try south.replica.changeset(origin: south.replica.rooftop, after: .zero, limit: 1_000))
        #expect(try desk.replica.searchCustomers("nguyen").map(\.customer.id) == [kim])
        #expect(try desk.replica.searchCustomers("0142").map(\.customer.id) == [kim])
        // Renamed: the old name no longer finds it, the new one does.
        try desk.replica.updateCustomer(id: kim, CustomerInput(fields: ["lastName": .text("Tran")]))
        #expect(try desk.replica.searchCustomers("nguyen").isEmpty && desk.replica.searchCustomers("tran").map(\.customer.id) == [kim])
        // Erased: nothing finds the person, and no name is left in the index.
        try desk.replica.erase(customer: kim)
        #expect(try desk.replica.searchCustomers("tran").isEmpty && desk.replica.searchCustomers("0142").isEmpty)
        let terms = try desk.replica.transaction { try $0.strings("SELECT term FROM customerSearchTerms") }
        #expect(!terms.contains("tran") && !terms.contains("kim"))
    }
}
