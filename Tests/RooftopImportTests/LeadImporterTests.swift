import Foundation
import FoundationXML
import RooftopImport
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting
import Testing

@Suite("LeadImporter")
struct LeadImporterTests {
    /// Runs `body` against a fresh on-disk replica, removed afterwards.
    static func withReplica(_ rooftop: String = "north", _ body: (Replica) throws -> Void) throws {
        let test = try TestReplica(rooftop)
        defer { test.remove() }
        try body(test.replica)
    }

    static func importFixture(_ name: String, into replica: Replica) throws -> ImportReport {
        try LeadImporter.importDocument(try Fixtures.data("adf/\(name)"), into: replica)
    }

    static func report(
        created: Int = 0, matched: Int = 0, interactions: Int = 0, vehicles: Int = 0, alreadyImported: Int = 0
    ) -> ImportReport {
        var report = ImportReport()
        report.customersCreated = created
        report.customersMatched = matched
        report.interactions = interactions
        report.vehicles = vehicles
        report.alreadyImported = alreadyImported
        return report
    }

    static func onlyCustomer(withEmail email: String, in replica: Replica) throws -> CustomerRecord {
        let ids = try replica.customerIDs(withEmail: email)
        #expect(ids.count == 1)
        let id = try #require(ids.first)
        return try #require(try replica.customer(id: id))
    }

    static func onlyCustomer(withPhone number: String, in replica: Replica) throws -> CustomerRecord {
        let ids = try replica.customerIDs(withPhone: number)
        #expect(ids.count == 1)
        let id = try #require(ids.first)
        return try #require(try replica.customer(id: id))
    }

    static func interactions(of customer: CustomerRecord, in replica: Replica) throws -> [StoredRow] {
        try replica.rows(
            CRMSchema.customerInteraction, where: "customerId", equals: .text(customer.customer.id.string),
            orderBy: "interactionDate")
    }

    static func scalars(_ value: FieldValue) -> [Unicode.Scalar] {
        Array(value.textValue?.unicodeScalars ?? "".unicodeScalars)
    }

    static let samples: [(String, ImportReport, Int)] = [
        ("01-used-suv-web-form.xml", report(created: 1, interactions: 1, vehicles: 1), 1),
        ("02-new-vehicle-full-name-trade-in.xml", report(created: 1, interactions: 1, vehicles: 2), 1),
        ("03-business-fleet-inquiry.xml", report(created: 1, interactions: 1, vehicles: 1), 1),
        ("04-two-prospects-one-document.xml", report(created: 1, matched: 1, interactions: 2, vehicles: 2), 2),
        ("05-sell-my-car-appraisal.xml", report(created: 1, interactions: 1, vehicles: 1), 1),
        ("06-minimal-phone-only.xml", report(created: 1, interactions: 1, vehicles: 1), 1),
        ("07-service-to-sales-accents.xml", report(created: 1, interactions: 1, vehicles: 2), 1),
    ]

    @Test(arguments: samples)
    func everySampleLeadImportsAsOneProspectCustomer(fixture: String, expected: ImportReport, prospects: Int) throws {
        try Self.withReplica { replica throws in
            #expect(try Self.importFixture(fixture, into: replica).counts == expected)
            #expect(try replica.customerCount() == 1)
        }
    }

    @Test(arguments: samples)
    func importingTheSameDocumentTwiceChangesNothing(fixture: String, expected: ImportReport, prospects: Int) throws {
        try Self.withReplica { replica throws in
            _ = try Self.importFixture(fixture, into: replica)
            let digest = try replica.digest()
            let hlc = try replica.currentHLC()
            let again = try Self.importFixture(fixture, into: replica)
            #expect(again.counts == Self.report(alreadyImported: prospects))
            #expect(try replica.digest() == digest)
            #expect(try replica.currentHLC() == hlc)
        }
    }

    @Test func aProspectWithoutContactIsQuarantinedWholeAndReimportingWritesNothing() throws {
        try Self.withReplica { replica throws in
            let report = try Self.importFixture("90-invalid-missing-contact.xml", into: replica)
            #expect(report.quarantined == 1 && report.customersCreated == 0)
            #expect(try replica.customerCount() == 0)
            let leads = try replica.snapshot { try $0.rows(CRMSchema.lead, where: "1 = 1") }
            #expect(leads.count == 1)
            let lead = try #require(leads.first)
            #expect(lead["status"] == .text("Quarantined"))
            #expect(lead["reason"].textValue?.contains("no <contact>") == true)
            // Every text the provider sent is in the kept XML.
            let xml = String(decoding: try Fixtures.data("adf/90-invalid-missing-contact.xml"), as: UTF8.self)
            let document = try XMLDocument(xmlString: xml)
            let prospect = try #require(try document.nodes(forXPath: "//prospect").first)
            for node in try prospect.nodes(forXPath: ".//text()") {
                let text = (node.stringValue ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                guard !text.isEmpty else { continue }
                #expect(lead["raw"].textValue?.contains(text) == true, "\(text) kept")
            }
            let before = try replica.digest()
            let again = try Self.importFixture("90-invalid-missing-contact.xml", into: replica)
            #expect(again.alreadyImported == 1 && again.quarantined == 0)
            #expect(try replica.digest() == before)
        }
    }

    @Test func aDocumentThatIsNotADFIsRejectedWholeAndWritesNothing() throws {
        try Self.withReplica { replica throws in
            _ = try Self.importFixture("01-used-suv-web-form.xml", into: replica)
            let before = try replica.digest()
            #expect(throws: ADFError.self) { try LeadImporter.importDocument(Data("<lead><prospect/></lead>".utf8), into: replica) }
            #expect(try replica.customerCount() == 1)
            #expect(try replica.digest() == before)
        }
    }

    @Test func overLongValuesAreCutToTheirFieldsAndTheLeadStillImports() throws {
        let longName = String(repeating: "Zoe\u{0308}\u{0301}\u{0302}", count: 120)  // 360 characters, many combining marks
        let xml = """
            <?adf version="1.0"?><adf><prospect><requestdate>2026-10-09T08:00:00Z</requestdate>
            <customer><contact><name part="first">\(longName)</name><name part="last">Example</name><phone>5550100170</phone>
            <address><street>\(String(repeating: "Long Street ", count: 40))</street><postalcode>H2Y 1Z7 QUEBEC CANADA NORTH AMERICA</postalcode></address>
            </contact><comments>\(String(repeating: "word ", count: 5_000))</comments></customer>
            <vehicle><odometer>99999999</odometer><make>\(String(repeating: "M", count: 400))</make></vehicle>
            </prospect></adf>
            """
        try Self.withReplica { replica throws in
            let report = try LeadImporter.importDocument(Data(xml.utf8), into: replica)
            #expect(report.customersCreated == 1 && report.interactions == 1)
            #expect(report.warnings.map(\.path).contains("prospect[1]/customer/contact/address/postalcode"))
            #expect(report.warnings.map(\.path).contains("prospect[1]/vehicle/odometer"))
            let lead = try #require(try replica.snapshot { try $0.rows(CRMSchema.lead, where: "1 = 1") }.first)
            #expect(lead["raw"].textValue?.contains("QUEBEC CANADA NORTH AMERICA") == true, "the XML keeps what the fields could not")
        }
    }

    /// No input byte of a lead is lost: each prospect's XML, read back from its `lead` record, has
    /// every element, attribute and text of the prospect as sent (CDATA as its text).
    @Test(arguments: ["01-used-suv-web-form.xml", "03-business-fleet-inquiry.xml", "04-two-prospects-one-document.xml",
                      "07-service-to-sales-accents.xml", "10-provider-junk-phone-extension.xml", "11-batch-one-unreachable.xml"])
    func everyProspectIsKeptWholeInItsLeadRecord(fixture: String) throws {
        func signature(_ element: XMLElement) -> [String] {
            var parts = ["<\(element.name ?? "")" + (element.attributes ?? []).map { " \($0.name ?? "")=\($0.stringValue ?? "")" }.sorted().joined()]
            for child in element.children ?? [] {
                if let e = child as? XMLElement { parts += signature(e) } else if let text = child.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty {
                    parts.append(text)
                }
            }
            return parts
        }
        try Self.withReplica { replica throws in
            _ = try Self.importFixture(fixture, into: replica)
            let sent = try XMLDocument(data: try Fixtures.data("adf/\(fixture)"), options: [])
            let prospects = try sent.nodes(forXPath: "//prospect").compactMap { $0 as? XMLElement }.map(signature)
            let kept = try replica.snapshot { try $0.rows(CRMSchema.lead, where: "1 = 1") }.compactMap { row in
                try row["raw"].textValue.map { try XMLDocument(xmlString: $0, options: []).rootElement().map(signature) ?? [] }
            }
            #expect(kept.count == prospects.count)
            #expect(Set(kept) == Set(prospects))
        }
    }

    @Test func aResendLinksToTheEarlierLeadWithTheSameProviderId() throws {
        func document(_ status: String, _ date: String) -> Data {
            Data("""
                <?adf version="1.0"?><adf><prospect status="\(status)"><id source="LeadCo">L-77</id><requestdate>\(date)</requestdate>
                <customer><contact><name part="full">Re Send</name><email>resend@example.com</email></contact></customer></prospect></adf>
                """.utf8)
        }
        try Self.withReplica { replica throws in
            let first = try LeadImporter.importDocument(document("new", "2026-10-09T08:00:00Z"), into: replica)
            let again = try LeadImporter.importDocument(document("resend", "2026-10-09T09:00:00Z"), into: replica)
            #expect(again.customersMatched == 1 && again.interactions == 1)
            let original = try #require(first.leads.first?.leadId), resent = try #require(again.leads.first?.leadId)
            let row = try #require(try replica.snapshot { try $0.rows(CRMSchema.lead, where: "id = ?", arguments: [.text(resent)]) }.first)
            #expect(row["resend"] == .integer(1) || row["resend"] == .bool(true))
            #expect(row["resendOfId"] == .text(original))
            #expect(row["providerLeadId"] == .text("LeadCo:L-77"))
        }
    }

    /// Found in a user trial: a prospect repeated byte for byte (a double-clicked web form) failed the
    /// whole document with ALREADY_EXISTS, losing the others.
    @Test func aProspectRepeatedInOneDocumentIsOneLeadAndTheOthersImport() throws {
        let prospect = """
            <prospect><requestdate>2026-10-09T08:00:00Z</requestdate>
            <customer><contact><name part="full">Double Click</name><email>double@example.com</email></contact></customer></prospect>
            """
        let unreachable = "<prospect><customer><contact><name part=\"full\">Nobody</name></contact></customer></prospect>"
        let third = """
            <prospect><requestdate>2026-10-09T08:02:00Z</requestdate>
            <customer><contact><name part="full">Third Lead</name><phone>5550100171</phone></contact></customer></prospect>
            """
        let xml = "<?adf version=\"1.0\"?><adf>" + prospect + prospect + unreachable + unreachable + third + "</adf>"
        try Self.withReplica { replica throws in
            let report = try LeadImporter.importDocument(Data(xml.utf8), into: replica)
            #expect(report.customersCreated == 2 && report.interactions == 2 && report.quarantined == 1 && report.alreadyImported == 2)
            #expect(try replica.customerCount() == 2)
        }
    }

    /// Found in a user trial: a lead from another person sharing a home phone was attached to the
    /// existing customer and wrote her e-mail onto him. The create rule decides now.
    @Test func aLeadFromAnotherPersonSharingAHomePhoneIsANewCustomer() throws {
        let peter = """
            <?adf version="1.0"?><adf><prospect><requestdate>2026-10-09T08:00:00Z</requestdate>
            <customer><contact><name part="full">Peter Vance</name><phone type="voice">5550100778</phone>
            <address type="home"><street>9 Elm St</street><city>Dayton</city><postalcode>45402</postalcode></address></contact></customer></prospect></adf>
            """
        let anne = """
            <?adf version="1.0"?><adf><prospect><requestdate>2026-10-10T08:00:00Z</requestdate>
            <customer><contact><name part="full">Anne Vance</name><email>anne.vance@example.com</email><phone type="voice">5550100778</phone>
            <address type="home"><street>9 Elm St</street><city>Dayton</city><postalcode>45402</postalcode></address></contact></customer></prospect></adf>
            """
        try Self.withReplica { replica throws in
            _ = try LeadImporter.importDocument(Data(peter.utf8), into: replica)
            let report = try LeadImporter.importDocument(Data(anne.utf8), into: replica)
            #expect(report.customersCreated == 1 && report.customersMatched == 0)
            let records = try replica.customerIDs(withPhone: "+15550100778").compactMap { try replica.customer(id: $0) }
            #expect(records.count == 2)
            let peterRecord = try #require(records.first { $0.customer["firstName"] == .text("Peter") })
            #expect(peterRecord.customer["email"] == .null, "Anne's e-mail is not written onto Peter")
        }
    }

    /// Found in a user trial: two leads of one person without <id> and <requestdate> had one key, so
    /// the second (another car) was counted as already imported and lost.
    @Test func twoLeadsOfOnePersonWithoutIdOrDateAreTwoLeads() throws {
        func lead(_ model: String) -> Data {
            Data("""
                <?adf version="1.0"?><adf><prospect><customer><contact><name part="full">Bo Buyer</name><phone>5550100172</phone></contact></customer>
                <vehicle interest="buy"><make>Ford</make><model>\(model)</model></vehicle></prospect></adf>
                """.utf8)
        }
        try Self.withReplica { replica throws in
            _ = try LeadImporter.importDocument(lead("F-150"), into: replica)
            let second = try LeadImporter.importDocument(lead("Mustang Mach-E"), into: replica)
            #expect(second.interactions == 1 && second.customersMatched == 1 && second.alreadyImported == 0)
            let again = try LeadImporter.importDocument(lead("Mustang Mach-E"), into: replica)
            #expect(again.alreadyImported == 1, "the same document again is still nothing new")
        }
    }

    /// Found in a user trial: with a request date but no <id>, the key held only the date and the
    /// contact, so a spouse sharing the home phone, or a second car asked about the same minute, was
    /// "already imported": her lead, her minivan and her comment stored nowhere.
    @Test(arguments: [
        ("<name part=\"full\">Tom Ruiz</name><phone type=\"home\">5550100190</phone>", "Camry",
         "<name part=\"full\">Tina Ruiz</name><phone type=\"home\">5550100190</phone>", "Sienna"),
        ("<name part=\"full\">Sam Lee</name><email>sam@example.com</email>", "Bronco",
         "<name part=\"full\">Sam Lee</name><email>sam@example.com</email>", "Maverick"),
    ])
    func twoDifferentProspectsWithoutIdButOneDateAreTwoLeads(first: String, firstModel: String, second: String, secondModel: String) throws {
        func prospect(_ contact: String, _ model: String) -> String {
            "<prospect><requestdate>2026-12-07</requestdate><customer><contact>\(contact)</contact></customer>"
                + "<vehicle interest=\"buy\"><make>Toyota</make><model>\(model)</model></vehicle></prospect>"
        }
        let document = Data("<?adf version=\"1.0\"?><adf>\(prospect(first, firstModel))\(prospect(second, secondModel))</adf>".utf8)
        try Self.withReplica { replica throws in
            let report = try LeadImporter.importDocument(document, into: replica)
            #expect(report.leads.map(\.outcome) == ["Imported", "Imported"])
            #expect(report.interactions == 2 && report.alreadyImported == 0)
            let again = try LeadImporter.importDocument(document, into: replica)
            #expect(again.alreadyImported == 2, "the same document again is still nothing new")
        }
    }

    @Test func aBadProspectIsQuarantinedAndTheRestOfItsDocumentImports() throws {
        let xml = """
            <?adf version="1.0"?><adf>
            <prospect><requestdate>2026-10-09T08:00:00Z</requestdate>
            <customer><contact><name part="full">Good Lead</name><phone>5550100160</phone></contact></customer></prospect>
            <prospect><requestdate>2026-10-09T08:01:00Z</requestdate>
            <customer><contact><name part="full">Bad Lead</name><phone>call me</phone></contact></customer></prospect>
            </adf>
            """
        try Self.withReplica { replica throws in
            let report = try LeadImporter.importDocument(Data(xml.utf8), into: replica)
            #expect(report.customersCreated == 1 && report.quarantined == 1)
            #expect(report.leads.map(\.outcome) == ["Imported", "Quarantined"])
            #expect(report.warnings.contains { $0.path == "prospect[2]/customer/contact/phone" && $0.value == "call me" })
            #expect(try replica.customerCount() == 1)
        }
    }

    @Test func webFormLeadBecomesProspectWithPhoneAddressVehicleAndInboundWebInteraction() throws {
        try Self.withReplica { replica throws in
            _ = try Self.importFixture("01-used-suv-web-form.xml", into: replica)
            let record = try Self.onlyCustomer(withEmail: "ana.example@example.com", in: replica)
            let c = record.customer
            #expect(c["firstName"] == .text("Ana"))
            #expect(c["lastName"] == .text("Example"))
            #expect(c["contactType"] == .text("Individual"))
            #expect(c["status"] == .text("Prospect"))
            #expect(c["sourceType"] == .text("WebLead"))
            #expect(c["preferredMethod"] == .text("Email"))
            #expect(c["homeRooftop"] == .text("north"))

            #expect(record.phones.count == 1)
            #expect(record.phones.first?["number"] == .text("+15550100101"))
            #expect(record.phones.first?["type"] == .text("Mobile"))
            #expect(record.phones.first?["primary"] == .integer(1))

            let address = try #require(record.addresses.first)
            #expect(record.addresses.count == 1)
            #expect(address["type"] == .text("Home"))
            #expect(address["street"] == .text("12 Sample Street, 4B"))
            #expect(address["city"] == .text("Springfield"))
            #expect(address["state"] == .text("IL"))
            #expect(address["postalCode"] == .text("62704"))
            #expect(address["country"] == .text("US"))

            let interaction = try #require(try Self.interactions(of: record, in: replica).first)
            #expect(interaction["type"] == .text("Web"))
            #expect(interaction["direction"] == .text("Inbound"))
            #expect(interaction["interactionDate"] == .text("2026-10-03T23:46:36.000Z"))
            #expect(interaction["subject"] == .text("ADF lead: buy 2022 Toyota RAV4 XLE"))
            #expect(interaction["channelId"] == .text("ExampleCars Marketplace"))
            let content = try #require(interaction["content"].textValue)
            #expect(content.contains("Is this still available? Would like a test drive Saturday."))
            #expect(content.contains("Timeframe: Within 2 weeks"))
            #expect(content.contains("For: Northside Motors"))

            #expect(interaction["relatedToType"] == .text("Vehicle"))
            let vehicleID = try #require(interaction["relatedToId"].textValue.flatMap(RowID.init))
            let vehicle = try #require(try replica.row(CRMSchema.vehicle, id: vehicleID))
            #expect(vehicle["vin"] == .text("2T3P1RFV1NW123456"))
            #expect(vehicle["year"] == .integer(2022))
            #expect(vehicle["make"] == .text("Toyota"))
            #expect(vehicle["model"] == .text("RAV4"))
            #expect(vehicle["trim"] == .text("XLE"))
            #expect(vehicle["condition"] == .text("Used"))
            #expect(vehicle["odometer"] == .integer(31250))
            #expect(vehicle["odometerUnits"] == .text("mi"))
            // A vehicle the customer wants is not one they own.
            #expect(
                try replica.rows(CRMSchema.customerVehicle, where: "customerId", equals: .text(c.id.string)).isEmpty)
        }
    }

    @Test func fullNameIsSplitAndTradeInBecomesAnOwnedVehicle() throws {
        try Self.withReplica { replica throws in
            _ = try Self.importFixture("02-new-vehicle-full-name-trade-in.xml", into: replica)
            let record = try Self.onlyCustomer(withEmail: "jose.munoz@example.com", in: replica)
            #expect(record.customer["firstName"] == .text("José"))
            #expect(record.customer["lastName"] == .text("Muñoz"))
            #expect(record.phones.map { $0["number"] } == [.text("+15550100123")])

            let tradeIns = try replica.rows(CRMSchema.vehicle, where: "vin", equals: .text("19XFC2F50HE012345"))
            let tradeIn = try #require(tradeIns.first)
            #expect(tradeIns.count == 1)
            #expect(tradeIn["make"] == .text("Honda"))
            #expect(tradeIn["model"] == .text("Civic"))
            #expect(tradeIn["year"] == .integer(2017))
            #expect(tradeIn["condition"] == .text("Used"))
            #expect(tradeIn["odometer"] == .integer(88120))

            let ownerships = try replica.rows(
                CRMSchema.customerVehicle, where: "customerId", equals: .text(record.customer.id.string))
            let ownership = try #require(ownerships.first)
            #expect(ownerships.count == 1)
            #expect(ownership["vehicleId"] == .text(tradeIn.id.string))
            #expect(ownership["relationshipType"] == .text("Owner"))
            #expect(ownership["status"] == .text("Active"))
            #expect(ownership["isCurrentVehicle"] == .integer(1))

            let interaction = try #require(try Self.interactions(of: record, in: replica).first)
            #expect(interaction["subject"] == .text("ADF lead: buy 2027 Honda CR-V Sport Hybrid"))
            #expect(interaction["channelId"] == .text("Manufacturer Build-and-Price"))
            let content = try #require(interaction["content"].textValue)
            #expect(content.contains(#"Trade-in has "minor" hail damage & new tires."#))
            #expect(content.contains("Vehicles: buy 2027 Honda CR-V Sport Hybrid; trade-in 2017 Honda Civic"))
            // The interaction points at the vehicle of interest, not the trade-in.
            let related = try #require(interaction["relatedToId"].textValue.flatMap(RowID.init))
            let wanted = try #require(try replica.row(CRMSchema.vehicle, id: related))
            #expect(wanted["model"] == .text("CR-V"))
            #expect(wanted["exteriorColor"] == .text("Meteorite Gray"))
            #expect(wanted["vin"] == .null)
        }
    }

    @Test func businessContactBecomesBusinessCustomerWithoutTheFax() throws {
        try Self.withReplica { replica throws in
            _ = try Self.importFixture("03-business-fleet-inquiry.xml", into: replica)
            let record = try Self.onlyCustomer(withEmail: "fleet@example-plumbing.example.com", in: replica)
            #expect(record.customer["contactType"] == .text("Business"))
            #expect(record.customer["businessName"] == .text("Example Plumbing & Heating LLC"))
            #expect(record.customer["firstName"] == .text("Bo"))
            #expect(record.customer["lastName"] == .text("Sample"))
            #expect(record.phones.map { $0["number"] } == [.text("+15550100456")])
            #expect(record.phones.first?["type"] == .text("Work"))
            #expect(try replica.customerIDs(withPhone: "+15550100457").isEmpty)
            let address = try #require(record.addresses.first)
            #expect(address["type"] == .text("Work"))
            #expect(address["street"] == .text("400 Industrial Pkwy, Suite 12"))
            #expect(address["postalCode"] == .text("82501-1234"))
            let interaction = try #require(try Self.interactions(of: record, in: replica).first)
            #expect(interaction["channelId"] == .text("FleetPortal"))
            #expect(interaction["content"].textValue?.contains("Need 6 units, high roof.") == true)
        }
    }

    @Test func twoProspectsForOnePersonMakeOneCustomerWithTwoInteractions() throws {
        try Self.withReplica { replica throws in
            _ = try Self.importFixture("04-two-prospects-one-document.xml", into: replica)
            #expect(try replica.customerCount() == 1)
            let record = try Self.onlyCustomer(withPhone: "+15550100102", in: replica)
            #expect(record.customer["firstName"] == .text("Cara"))
            #expect(record.customer["lastName"] == .text("Demo"))
            // The e-mail arrived with the second prospect and fills the empty field.
            #expect(record.customer["email"] == .text("cara.demo@example.com"))
            #expect(try replica.customerIDs(withEmail: "cara.demo@example.com") == [record.customer.id])
            #expect(record.phones.count == 1)
            let interactions = try Self.interactions(of: record, in: replica)
            #expect(
                interactions.map { $0["interactionDate"] } == [
                    .text("2026-10-07T14:00:00.000Z"), .text("2026-10-07T14:05:00.000Z"),
                ])
            #expect(
                interactions.map { $0["subject"] } == [
                    .text("ADF lead: test-drive 2027 Kia EV9"),
                    .text("ADF lead: test-drive 2027 Kia EV9 (resend)"),
                ])
        }
    }

    @Test func sellMyCarLeadTidiesUpperCaseNamesAndRecordsTheOwnedVehicle() throws {
        try Self.withReplica { replica throws in
            _ = try Self.importFixture("05-sell-my-car-appraisal.xml", into: replica)
            let record = try Self.onlyCustomer(withEmail: "dana.tester@example.org", in: replica)
            #expect(record.customer["firstName"] == .text("Dana Q"))
            #expect(record.customer["lastName"] == .text("Tester"))
            #expect(record.phones.map { $0["number"] } == [.text("+15550100177")])
            let ownership = try #require(
                try replica.rows(
                    CRMSchema.customerVehicle, where: "customerId",
                    equals: .text(record.customer.id.string)
                ).first)
            #expect(ownership["relationshipType"] == .text("Owner"))
            let vehicleID = try #require(ownership["vehicleId"].textValue.flatMap(RowID.init))
            #expect(try replica.row(CRMSchema.vehicle, id: vehicleID)?["vin"] == .text("1GCUYDED4KZ123456"))
            let interaction = try #require(try Self.interactions(of: record, in: replica).first)
            #expect(interaction["subject"] == .text("ADF lead: sell 2019 Chevrolet Silverado 1500"))
            #expect(interaction["relatedToId"] == .null)
        }
    }

    @Test func phoneOnlyLeadIsFoundByItsNumberAndName() throws {
        try Self.withReplica { replica throws in
            _ = try Self.importFixture("06-minimal-phone-only.xml", into: replica)
            let record = try Self.onlyCustomer(withPhone: "+15550100150", in: replica)
            #expect(record.customer["firstName"] == .text("Eli"))
            #expect(record.customer["lastName"] == .text("Example"))
            #expect(record.customer["email"] == .null)
            #expect(record.phones.first?["type"] == .null, "a number without a type stays untyped")
            #expect(record.addresses.isEmpty)
            #expect(try replica.searchCustomers("555-010-0150").map(\.customer.id) == [record.customer.id])
            #expect(try replica.searchCustomers("eli exam").map(\.customer.id) == [record.customer.id])
        }
    }

    @Test func accentedNamesAreStoredPrecomposedAndKilometresKept() throws {
        try Self.withReplica { replica throws in
            _ = try Self.importFixture("07-service-to-sales-accents.xml", into: replica)
            let record = try Self.onlyCustomer(withEmail: "zoe.nandu@example.com", in: replica)
            #expect(Self.scalars(record.customer["firstName"]) == Array("Zo\u{00EB}".unicodeScalars))
            #expect(Self.scalars(record.customer["lastName"]) == Array("\u{00D1}and\u{00FA}-Example".unicodeScalars))
            #expect(Self.scalars(record.addresses.first?["city"] ?? .null) == Array("Montr\u{00E9}al".unicodeScalars))
            #expect(try replica.searchCustomers("Zoë").map(\.customer.id) == [record.customer.id])
            let tradeIn = try #require(
                try replica.rows(CRMSchema.vehicle, where: "vin", equals: .text("4T1BF1FK3GU123456")).first)
            #expect(tradeIn["odometer"] == .integer(182_000))
            #expect(tradeIn["odometerUnits"] == .text("km"))
        }
    }

    @Test func everySampleImportsIntoOneReplicaAndReimportingAllChangesNothing() throws {
        let fixtures = Self.samples.map(\.0)
        try Self.withReplica { replica throws in
            for fixture in fixtures { _ = try Self.importFixture(fixture, into: replica) }
            #expect(try replica.customerCount() == 7)
            let digest = try replica.digest()
            #expect(digest.first { $0.table == "customerInteraction" }?.rows == 8)
            #expect(digest.first { $0.table == "vehicle" }?.rows == 10)
            #expect(digest.first { $0.table == "customerVehicle" }?.rows == 3)
            for fixture in fixtures.reversed() {
                #expect(try Self.importFixture(fixture, into: replica).customersCreated == 0)
            }
            #expect(try replica.digest() == digest)
        }
    }

    @Test func leadFromAnotherDocumentForAKnownPhoneFillsOnlyEmptyFields() throws {
        let followUp = """
            <?adf version="1.0"?><adf><prospect><requestdate>2026-10-12T10:00:00Z</requestdate>
            <customer><contact><name part="full">ELI EXAMPLE</name><email>Eli@Example.com</email>
            <phone type="cellphone">555 010 0150</phone><phone type="cellphone">555 010 0151</phone></contact></customer>
            </prospect></adf>
            """
        try Self.withReplica { replica throws in
            _ = try Self.importFixture("06-minimal-phone-only.xml", into: replica)
            let report = try LeadImporter.importDocument(Data(followUp.utf8), into: replica)
            #expect(report.counts == Self.report(matched: 1, interactions: 1))
            #expect(try replica.customerCount() == 1)
            let record = try Self.onlyCustomer(withPhone: "+15550100150", in: replica)
            #expect(record.customer["firstName"] == .text("Eli"))  // kept
            #expect(record.customer["lastName"] == .text("Example"))  // kept
            #expect(record.customer["email"] == .text("eli@example.com"))  // was empty: filled
            #expect(record.customer["status"] == .text("Prospect"))
            #expect(Set(record.phones.map { $0["number"] }) == [.text("+15550100150"), .text("+15550100151")])
            #expect(try Self.interactions(of: record, in: replica).count == 2)
        }
    }

    @Test func leadForAKnownEmailAttachesToThatCustomer() throws {
        let followUp = """
            <?adf version="1.0"?><adf><prospect><requestdate>2026-10-12T10:00:00Z</requestdate>
            <customer><contact><name part="full">Ana Example</name><email>ANA.EXAMPLE@example.com</email></contact></customer>
            </prospect></adf>
            """
        try Self.withReplica { replica throws in
            _ = try Self.importFixture("01-used-suv-web-form.xml", into: replica)
            #expect(
                try LeadImporter.importDocument(Data(followUp.utf8), into: replica).counts
                    == Self.report(matched: 1, interactions: 1))
            let record = try Self.onlyCustomer(withEmail: "ana.example@example.com", in: replica)
            #expect(try Self.interactions(of: record, in: replica).count == 2)
        }
    }

    @Test func decomposedPersonNameIsStoredPrecomposedAndFoundBySearch() throws {
        let xml = """
            <?adf version="1.0"?><adf><prospect><requestdate>2026-10-12T10:00:00Z</requestdate>
            <customer><contact><name part="first">Zoe\u{0308}</name><name part="last">Nandu\u{0301}</name>
            <phone>5550100171</phone></contact></customer></prospect></adf>
            """
        try Self.withReplica { replica throws in
            _ = try LeadImporter.importDocument(Data(xml.utf8), into: replica)
            let record = try Self.onlyCustomer(withPhone: "+15550100171", in: replica)
            #expect(Self.scalars(record.customer["firstName"]) == Array("Zo\u{00EB}".unicodeScalars))
            #expect(try replica.searchCustomers("Zo\u{00EB} Nand\u{00FA}").map(\.customer.id) == [record.customer.id])
        }
    }

    /// Person names go through `PersonName.tidy` (NFC) and the REST API stores text NFC, but the
    /// importer stores a business name (and street, city) as sent: a lead written in NFD is not
    /// found by a search typed in NFC, because SQLite's LIKE compares bytes.
    @Test
    func decomposedBusinessNameIsStoredPrecomposedAndFoundBySearch() throws {
        let xml = """
            <?adf version="1.0"?><adf><prospect><requestdate>2026-10-12T10:00:00Z</requestdate>
            <customer><contact><name part="full" type="business">Cafe\u{0301} Example LLC</name><phone>5550100170</phone>
            <address type="work"><city>Montre\u{0301}al</city></address></contact></customer></prospect></adf>
            """
        try Self.withReplica { replica throws in
            _ = try LeadImporter.importDocument(Data(xml.utf8), into: replica)
            let record = try Self.onlyCustomer(withPhone: "+15550100170", in: replica)
            #expect(Self.scalars(record.customer["businessName"]) == Array("Caf\u{00E9} Example LLC".unicodeScalars))
            #expect(Self.scalars(record.addresses.first?["city"] ?? .null) == Array("Montr\u{00E9}al".unicodeScalars))
            #expect(try replica.searchCustomers("Caf\u{00E9}").map(\.customer.id) == [record.customer.id])
        }
    }

    /// Ids derive from the lead, not from where or when it is imported: two rooftops that receive
    /// the same lead create the same rows, which sync then merges instead of duplicating.
    @Test func sameLeadImportedAtTwoRooftopsGetsTheSameIds() throws {
        try Self.withReplica("north") { north throws in
            try Self.withReplica("south") { south throws in
                _ = try Self.importFixture("02-new-vehicle-full-name-trade-in.xml", into: north)
                _ = try Self.importFixture("02-new-vehicle-full-name-trade-in.xml", into: south)
                let northID = try north.customerIDs(withEmail: "jose.munoz@example.com")
                #expect(northID.count == 1)
                #expect(try south.customerIDs(withEmail: "jose.munoz@example.com") == northID)
                let vin = FieldValue.text("19XFC2F50HE012345")
                #expect(
                    try north.rows(CRMSchema.vehicle, where: "vin", equals: vin).map(\.id)
                        == south.rows(CRMSchema.vehicle, where: "vin", equals: vin).map(\.id))
            }
        }
    }

    /// Two prospects in one document both match a customer already in the replica and both bring
    /// the same new number: the phone insert is emitted twice with the same id and the whole
    /// document fails with `ALREADY_EXISTS`.
    @Test
    func twoProspectsAddingTheSameNumberToAKnownCustomerImport() throws {
        let twoLeads = """
            <?adf version="1.0"?><adf>
            <prospect><requestdate>2026-10-12T10:00:00Z</requestdate>
            <customer><contact><name part="full">Eli Example</name><phone>555 010 0150</phone><phone>555 010 0151</phone></contact></customer>
            </prospect>
            <prospect status="resend"><requestdate>2026-10-12T10:05:00Z</requestdate>
            <customer><contact><name part="full">Eli Example</name><phone>555 010 0150</phone><phone>555 010 0151</phone></contact></customer>
            </prospect></adf>
            """
        try Self.withReplica { replica throws in
            _ = try Self.importFixture("06-minimal-phone-only.xml", into: replica)
            #expect(
                try LeadImporter.importDocument(Data(twoLeads.utf8), into: replica).counts
                    == Self.report(matched: 2, interactions: 2))
            let record = try Self.onlyCustomer(withPhone: "+15550100150", in: replica)
            #expect(record.phones.count == 2)
        }
    }

    /// Two providers deliver leads from one person at the same moment: each import looks the person
    /// up and writes in one transaction, so the second sees the first's customer instead of creating
    /// another.
    @Test func concurrentImportsOfOnePersonsLeadsCreateOneCustomer() async throws {
        let test = try TestReplica()
        defer { test.remove() }
        let documents = (0..<6).map { i in Data("""
            <?xml version="1.0"?><?adf version="1.0"?><adf><prospect>
            <requestdate>2026-10-09T08:0\(i):00-05:00</requestdate><vehicle><year>2024</year><make>Nissan</make><model>Rogue</model></vehicle>
            <customer><contact><name part="full">Eli Example</name><phone>555 010 0150</phone></contact></customer>
            <vendor><vendorname>Provider \(i)</vendorname></vendor></prospect></adf>
            """.utf8) }
        let replica = test.replica
        let reports = try await withThrowingTaskGroup(of: ImportReport.self) { group in
            for document in documents { group.addTask { try LeadImporter.importDocument(document, into: replica) } }
            return try await group.reduce(into: [ImportReport]()) { $0.append($1) }
        }
        #expect(reports.map(\.customersCreated).reduce(0, +) == 1)
        #expect(reports.map(\.interactions).reduce(0, +) == 6)
        #expect(try replica.customerIDs(withPhone: "+15550100150").count == 1)
    }

    /// Leads are written as they are read, in the document's transaction: a document that turns
    /// out broken after its first leads leaves the replica as it was.
    @Test
    func aDocumentBrokenAfterItsFirstLeadsImportsNothing() throws {
        try Self.withReplica { replica in
            let whole = String(decoding: try Fixtures.data("adf/04-two-prospects-one-document.xml"), as: UTF8.self)
            let broken = try #require(whole.components(separatedBy: "</adf>").first) + "<prospect><customer><contact>"
            let before = try replica.digest()
            #expect(throws: ADFError.self) { try LeadImporter.importDocument(Data(broken.utf8), into: replica) }
            #expect(try replica.digest() == before)
            let report = try LeadImporter.importDocument(Data(whole.utf8), into: replica)
            #expect(report.leads.map(\.outcome) == ["Imported", "Imported"])
        }
    }

}
