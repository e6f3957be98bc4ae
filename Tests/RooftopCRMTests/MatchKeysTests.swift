import RooftopCRM
import RooftopModel
import Testing

/// Match keys (`sync-protocol/duplicate-detection.md#match-keys`): computed the same on every
/// rooftop, whatever form the value was typed in.
@Suite("Match keys")
struct MatchKeysTests {
    static let names: [(typed: String, key: String)] = [
        ("José", "jose"), ("JOSE", "jose"), ("Jose\u{0301}", "jose"), ("jose", "jose"),
        ("Muñoz", "munoz"), ("MUÑOZ", "munoz"), ("Mun\u{0303}oz", "munoz"),
        ("İbrahim", "ibrahim"), ("ıbrahim", "ibrahim"), ("Zoë", "zoe"), ("ZOE\u{0308}", "zoe"),
        ("O'Brien", "obrien"), ("García-López", "garcia lopez"), ("  Dana   Lee ", "dana lee"), ("Straße", "strasse"),
        ("Łukasz", "lukasz"), ("Søren", "soren"),
    ]

    @Test("names fold case, diacritics (NFC or NFD), Turkish dotted and dotless i, punctuation", arguments: names)
    func nameKeys(_ example: (typed: String, key: String)) {
        #expect(MatchKeys.name(example.typed) == example.key)
    }

    @Test("the house number the check on create looks up is the street's first word with a digit")
    func houseNumbers() {
        for (street, house) in [("12 Oak Street", "12"), ("12B Main St", "12B"), ("12, Oak St", "12"), ("  480 Speedway Blvd", "480"),
                                ("PO Box 7", nil), ("Main Street", nil), ("", nil)] as [(String, String?)] {
            #expect(PostalAddress.houseNumber(street) == house, "\(street)")
        }
    }

    @Test("the given-name key is the first word; the stored value is not touched")
    func givenName() {
        var input = MatchInput(id: "a")
        input.firstName = "Mary Ann"
        input.lastName = "Núñez"
        let record = MatchKeys.record(input)
        #expect(record.given == "mary")
        #expect(record.surname == "nunez")
        #expect(input.lastName == "Núñez")
    }

    static let phones: [String] = ["(602) 555-0142", "602-555-0142", "602.555.0142", "6025550142", "+1 602 555 0142", "1-602-555-0142", "+16025550142"]

    @Test("phones in any format become one E.164 key", arguments: phones)
    func phoneKeys(_ typed: String) {
        var input = MatchInput(id: "a")
        input.phones = [(typed, "Mobile")]
        #expect(MatchKeys.record(input).personalPhones == ["+16025550142"])
    }

    @Test("a junk phone is left out rather than compared; home and work phones are household phones")
    func phoneKinds() {
        var input = MatchInput(id: "a")
        input.phones = [("1234567890", "Mobile"), ("602 555 0100", "Home"), ("602 555 0101", nil)]
        let record = MatchKeys.record(input)
        #expect(record.sharedPhones == ["+16025550100"])
        #expect(record.personalPhones == ["+16025550101"])
    }

    @Test("e-mail trimmed and lower-cased; an invalid one is left out")
    func emails() {
        var input = MatchInput(id: "a")
        input.email = "  Dana.Lee@Example.COM "
        #expect(MatchKeys.record(input).email == "dana.lee@example.com")
        input.email = "not an address"
        #expect(MatchKeys.record(input).email == nil)
    }

    static let streets: [(typed: String, key: String)] = [
        ("123 Main Street", "123 main st"), ("123 MAIN ST.", "123 main st"), ("123 main st", "123 main st"),
        ("12 North Oak Avenue, Apartment 4", "12 n oak ave apt 4"), ("9 Elm Boulevard", "9 elm blvd"),
        ("5 Sunset Circle", "5 sunset cir"), ("7 Park Pkway", "7 park pkwy"), ("40 Harbour Road", "40 hbr rd"),
    ]

    @Test("streets abbreviated per USPS Publication 28", arguments: streets)
    func streetKeys(_ example: (typed: String, key: String)) {
        #expect(MatchKeys.street(example.typed) == example.key)
    }

    @Test("postal codes: upper case without spaces; ZIP+4 keeps the ZIP")
    func postalCodes() {
        #expect(MatchKeys.postalCode("k1a 0b1") == "K1A0B1")
        #expect(MatchKeys.postalCode("62701-1234") == "62701")
        #expect(MatchKeys.postalCode("62701") == "62701")
    }

    @Test("birth dates and VINs normalised; business names without the legal form")
    func otherKeys() {
        var input = MatchInput(id: "a")
        input.contactType = "Business"
        input.businessName = "Acme Motors, LLC"
        input.birthDate = "1980-02-03"
        input.vins = ["1hgcm82633a004352", "not a vin"]
        let record = MatchKeys.record(input)
        #expect(record.isBusiness)
        #expect(record.surname == "acme motors")
        #expect(record.birthDate == "1980-02-03")
        #expect(record.vins == ["1HGCM82633A004352"])
    }

    @Test("Soundex per the US National Archives rules")
    func soundex() {
        #expect(StringSimilarity.soundex("robert") == "r163")
        #expect(StringSimilarity.soundex("rupert") == "r163")
        #expect(StringSimilarity.soundex("ashcraft") == "a261")  // h does not separate s and c
        #expect(StringSimilarity.soundex("tymczak") == "t522")
        #expect(StringSimilarity.soundex("pfister") == "p236")
        #expect(StringSimilarity.soundex("lee") == "l000")
    }

    @Test("Jaro–Winkler against published values (Winkler 1990)")
    func jaroWinkler() {
        #expect(abs(StringSimilarity.jaroWinkler("martha", "marhta") - 0.961) < 0.001)
        #expect(abs(StringSimilarity.jaroWinkler("dwayne", "duane") - 0.840) < 0.001)
        #expect(abs(StringSimilarity.jaroWinkler("dixon", "dicksonx") - 0.813) < 0.001)
        #expect(StringSimilarity.jaroWinkler("abc", "xyz") == 0)
        #expect(StringSimilarity.jaroWinkler("same", "same") == 1)
    }

    @Test("one typing slip: substitution, insertion, deletion, adjacent transposition")
    func oneEdit() {
        #expect(StringSimilarity.withinOneEdit("smith", "smiht"))
        #expect(StringSimilarity.withinOneEdit("smith", "smyth"))
        #expect(StringSimilarity.withinOneEdit("smith", "smithe"))
        #expect(StringSimilarity.withinOneEdit("smith", "smit"))
        #expect(!StringSimilarity.withinOneEdit("smith", "smooth"))
    }
}
