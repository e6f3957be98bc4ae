import RooftopModel
import Testing

@Suite("PhoneNumber")
struct PhoneNumberTests {
    /// Every format listed in `fixtures/adf/README.md`, plus the spacing variants seen in the samples.
    @Test(arguments: [
        ("(555) 010-0101", "+15550100101"),
        ("+1 555 010 0123", "+15550100123"),
        ("555.010.0456", "+15550100456"),
        ("5550100102", "+15550100102"),
        ("1-555-010-0177", "+15550100177"),
        ("(555)010-0188", "+15550100188"),
        ("555 010 0150", "+15550100150"),
        ("555/010-0150", "+15550100150"),
        ("  555-010-0102\n", "+15550100102"),
        ("+15550100123", "+15550100123"),
    ])
    func nanpNumbersInEveryProviderFormatNormaliseToE164(input: String, expected: String) {
        #expect(PhoneNumber.e164(input) == expected)
    }

    @Test(arguments: [
        ("+61 2 9999 0000", "+61299990000"),
        ("0061 2 9999 0000", "+61299990000"),
        ("+44 20 7946 0000", "+442079460000"),
        ("+49 (30) 1234-5678", "+493012345678"),
    ])
    func internationalNumbersKeepTheirCountryCode(input: String, expected: String) {
        #expect(PhoneNumber.e164(input) == expected)
    }

    @Test func nationalNumberOfAnotherDefaultCountryDropsTheTrunkZero() {
        #expect(PhoneNumber.e164("02 9999 0000", defaultCountryCode: "61") == "+61299990000")
        #expect(PhoneNumber.e164("2 9999 0000", defaultCountryCode: "61") == "+61299990000")
    }

    @Test func sameNumberWrittenDifferentlyGivesTheSameE164() {
        let forms = [
            "(555) 010-0102", "555.010.0102", "5550100102", "1-555-010-0102", "+1 555 010 0102", "555-010-0102",
        ]
        #expect(Set(forms.map { PhoneNumber.e164($0) }) == ["+15550100102"])
    }

    @Test(arguments: [
        "",
        "   ",
        "555-CALL-NOW",  // letters
        "(555) 010-0101 x12",  // extension
        "555-010-0101 ext. 12",
        "555-010-0101#12",
        "555-0101",  // 7 digits: too short
        "555 010 010",  // 9 digits
        "55501001021",  // 11 digits not starting with the country code
        "555010010212",  // 12 digits
        "055 010 0101",  // area code starting with 0
        "155 010 0101",  // area code starting with 1
        "1-155-010-0101",  // country code then an area code starting with 1
        "1-055-010-0101",
        "+1 555",  // international but too short
        "+1234567890123456",  // 16 digits: longer than E.164 allows
        "+0 555 010 0101",  // country codes never start with 0
        "555+0100101",  // `+` only at the start
    ])
    func implausibleNumbersAreRejected(input: String) {
        #expect(PhoneNumber.e164(input) == nil)
    }

    /// The national form of this number is rejected (area code 155); the international form of the
    /// same number should be too.
    @Test
    func internationalNANPNumberWithAreaCodeStartingWithOneIsRejected() {
        #expect(PhoneNumber.e164("155 010 0123") == nil)
        #expect(PhoneNumber.e164("+1 155 010 0123") == nil)
        #expect(PhoneNumber.e164("+1 055 010 0123") == nil)
    }
}
