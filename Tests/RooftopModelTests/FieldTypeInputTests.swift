import RooftopModel
import Testing

@Suite("FieldType input")
struct FieldTypeInputTests {
    static let pointer = "/communicationPreferences/optInEmail"
    static let customerType = FieldType.enumeration(["Individual", "Business"])
    static let interactionType = FieldType.enumeration(["Call", "Email", "SMS", "In-Person", "Web", "Social"])

    static let allTypes: [FieldType] = [
        .uuid, .text(maxLength: 10), customerType, .boolean, .integer(0...10), .decimal, .date, .dateTime, .email,
        .phone, .vin,
    ]

    /// Types whose JSON input is a string.
    static let textualTypes: [FieldType] = [
        .uuid, .text(maxLength: 10), customerType, .date, .dateTime, .email, .phone, .vin,
    ]

    @Test(arguments: [
        (
            FieldType.uuid, JSONValue.string("0190A1B2-C3D4-7E5F-8A6B-7C8D9E0F1A2B"),
            FieldValue.text("0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b")
        ),
        (.text(maxLength: 10), .string("  Ana \n"), .text("Ana")),
        (.text(maxLength: 5), .string("Zoë12"), .text("Zoë12")),
        (customerType, .string("individual"), .text("Individual")),
        (customerType, .string(" BUSINESS "), .text("Business")),
        (interactionType, .string("in-person"), .text("In-Person")),
        (interactionType, .string("sms"), .text("SMS")),
        (.boolean, .bool(true), .integer(1)),
        (.boolean, .bool(false), .integer(0)),
        (.integer(0...10), .number(0), .integer(0)),
        (.integer(0...10), .number(10), .integer(10)),
        (.integer(0...10), .number(7.0), .integer(7)),
        (.integer(1886...2100), .number(2027), .integer(2027)),
        (.decimal, .number(1234.5), .text("1234.5")),
        (.decimal, .number(19.99), .text("19.99")),
        (.decimal, .number(100), .text("100")),
        (.decimal, .string("1234.50"), .text("1234.5")),
        (.decimal, .string("0.10"), .text("0.1")),
        (.decimal, .string("-12.5"), .text("-12.5")),
        (.decimal, .string("+5"), .text("5")),
        (.decimal, .string(".5"), .text("0.5")),
        (.decimal, .string("007"), .text("7")),
        (.decimal, .string("1e3"), .text("1000")),
        (.decimal, .string(" 42 "), .text("42")),
        (.date, .string("2024-02-29"), .text("2024-02-29")),
        (.dateTime, .string("2026-10-05T09:12:00-07:00"), .text("2026-10-05T16:12:00.000Z")),
        (.email, .string(" Ana.Example@Example.COM "), .text("ana.example@example.com")),
        (.phone, .string("(555) 010-0101"), .text("+15550100101")),
        (.phone, .string("+61 2 9999 0000"), .text("+61299990000")),
        (.vin, .string("1m8gdm9axkp042788"), .text("1M8GDM9AXKP042788")),
    ])
    func validValuesAreNormalisedForStorage(type: FieldType, json: JSONValue, stored: FieldValue) throws {
        #expect(try type.storedValue(for: json, at: Self.pointer) == stored)
    }

    @Test(arguments: allTypes)
    func jsonNullClearsEveryType(type: FieldType) throws {
        #expect(try type.storedValue(for: .null, at: Self.pointer) == .null)
    }

    @Test(arguments: textualTypes, ["", "   ", "\n\t"])
    func emptyTextClearsTextualTypes(type: FieldType, text: String) throws {
        #expect(try type.storedValue(for: .string(text), at: Self.pointer) == .null)
    }

    @Test(arguments: [
        (FieldType.uuid, JSONValue.string("not-a-uuid"), "expected a UUID"),
        (.uuid, .number(5), "expected a string, got number"),
        (.text(maxLength: 5), .string("Example"), "longer than 5 characters"),
        (.text(maxLength: 5), .object([:]), "expected a string, got object"),
        (.text(maxLength: 5), .array([.string("a")]), "expected a string, got array"),
        (customerType, .string("Person"), "expected one of Individual, Business"),
        (customerType, .bool(true), "expected a string, got boolean"),
        (.boolean, .string("true"), "expected true or false, got string"),
        (.boolean, .number(1), "expected true or false, got number"),
        (.integer(0...10), .number(11), "expected a whole number in 0...10"),
        (.integer(0...10), .number(-1), "expected a whole number in 0...10"),
        (.integer(0...10), .number(2.5), "expected a whole number in 0...10"),
        (.integer(0...10), .string("5"), "expected a whole number in 0...10"),
        (.decimal, .string("abc"), "expected a decimal number"),
        (.decimal, .string("1,234.50"), "expected a decimal number"),
        (.decimal, .string("$12"), "expected a decimal number"),
        (.decimal, .string("12abc"), "expected a decimal number"),
        (.decimal, .bool(true), "expected a decimal number"),
        (.decimal, .array([]), "expected a decimal number"),
        (.date, .string("2023-02-29"), "expected a date YYYY-MM-DD"),
        (.date, .string("05/10/2026"), "expected a date YYYY-MM-DD"),
        (.dateTime, .string("2026-10-05T16:12:00"), "expected an RFC 3339 date-time with offset"),
        (.email, .string("dana.tester@example"), "expected an e-mail address"),
        (.phone, .string("555-0101"), "expected a phone number (E.164 or a 10-digit NANP number)"),
        (.phone, .string("(555) 010-0101 x12"), "expected a phone number (E.164 or a 10-digit NANP number)"),
        (.vin, .string("1M8GDM9AXKP04278"), "expected a 17-character VIN (ISO 3779)"),
    ])
    func invalidValuesAreRejectedWithPointerAndRule(type: FieldType, json: JSONValue, reason: String) {
        #expect(throws: FieldInputError(pointer: Self.pointer, reason: reason)) {
            try type.storedValue(for: json, at: Self.pointer)
        }
    }

    /// The reason may end up in logs and problem+json: it must not repeat personal data.
    @Test(arguments: [
        (FieldType.email, "dana.tester@example"),
        (.phone, "555-010-0177 ext 4"),
        (.text(maxLength: 3), "Muñoz"),
        (.vin, "19XFC2F50HE01234"),
        (.date, "1990-02-30"),
    ])
    func rejectionReasonNeverRepeatsTheValue(type: FieldType, value: String) throws {
        let error = try #require(throws: FieldInputError.self) {
            try type.storedValue(for: .string(value), at: "/x")
        }
        #expect(!error.reason.contains(value))
        #expect(!error.description.contains(value))
    }

    @Test func textLengthCountsCharactersNotBytes() throws {
        // Four characters, seven UTF-8 bytes.
        #expect(try FieldType.text(maxLength: 4).storedValue(for: .string("Zoë!"), at: "") == .text("Zoë!"))
    }

    @Test func textIsStoredPrecomposed() throws {
        let stored = try FieldType.text(maxLength: 20).storedValue(for: .string("Montre\u{0301}al"), at: "")
        let text = try #require(stored.textValue)
        #expect(Array(text.unicodeScalars) == Array("Montr\u{00E9}al".unicodeScalars))
    }

    @Test func storedEnumerationIsTheCanonicalSpellingWhateverTheInputCase() throws {
        let loyalty = FieldType.enumeration(["Bronze", "Silver", "Gold", "Platinum"])
        for input in ["gold", "GOLD", "Gold", "gOlD", " gold "] {
            #expect(try loyalty.storedValue(for: .string(input), at: "/loyaltyTier") == .text("Gold"))
        }
    }

    /// `Decimal(string:)` parses the longest valid prefix, and the character filter lets these
    /// through: `"1.2.3"` is stored as `1.2`, `"5-3"` as `5`, `"-"` and `"."` as `0`.
    @Test(arguments: ["1.2.3", "5-3", "1..2", "-", ".", "e", "1e", "--5"])
    func malformedDecimalTextIsRejected(text: String) {
        #expect(throws: FieldInputError(pointer: "/lifetimeValue", reason: "expected a decimal number")) {
            try FieldType.decimal.storedValue(for: .string(text), at: "/lifetimeValue")
        }
    }

    /// The doc comment of `storedValue` says empty text becomes null; a decimal accepts text, yet
    /// `""` is rejected.
    @Test
    func emptyTextClearsADecimal() throws {
        #expect(try FieldType.decimal.storedValue(for: .string(""), at: "/lifetimeValue") == .null)
        #expect(try FieldType.decimal.storedValue(for: .string("  "), at: "/lifetimeValue") == .null)
    }

    @Test(arguments: [
        (FieldType.boolean, FieldValue.integer(1), JSONValue.bool(true)),
        (.boolean, .integer(0), .bool(false)),
        (.integer(0...10), .integer(7), .number(7)),
        (.decimal, .text("1234.5"), .number(1234.5)),
        (.text(maxLength: 10), .text("Ana"), .string("Ana")),
        (.dateTime, .text("2026-10-05T16:12:00.000Z"), .string("2026-10-05T16:12:00.000Z")),
        (.email, .null, .null),
    ])
    func storedValuesShowAsTheirJSONKind(type: FieldType, stored: FieldValue, json: JSONValue) {
        #expect(type.jsonValue(for: stored) == json)
    }

    /// A value read back from the API and sent again must store the same thing.
    @Test(arguments: [
        (FieldType.uuid, JSONValue.string("0190A1B2-C3D4-7E5F-8A6B-7C8D9E0F1A2B")),
        (.text(maxLength: 20), .string(" Zoe\u{0308} ")),
        (customerType, .string("business")),
        (.boolean, .bool(true)),
        (.integer(0...10), .number(3)),
        (.decimal, .string("1234.50")),
        (.decimal, .number(0.1)),
        (.date, .string("2000-02-29")),
        (.dateTime, .string("2026-10-05T09:12:00.5-07:00")),
        (.email, .string("FLEET@Example.com")),
        (.phone, .string("1-555-010-0177")),
        (.vin, .string("19xfc2f50he012345")),
    ])
    func normalisedValueSentBackStoresTheSameValue(type: FieldType, json: JSONValue) throws {
        let stored = try type.storedValue(for: json, at: "")
        let again = try type.storedValue(for: type.jsonValue(for: stored), at: "")
        #expect(again == stored)
    }

    @Test func storedValuesOfTheWrongStorageClassAreRefused() {
        #expect(FieldType.boolean.acceptsStored(.integer(1)))
        #expect(FieldType.integer(0...10).acceptsStored(.integer(3)))
        #expect(!FieldType.boolean.acceptsStored(.text("true")))
        #expect(!FieldType.integer(0...10).acceptsStored(.text("3")))
        #expect(FieldType.email.acceptsStored(.text("a@b.example")))
        #expect(!FieldType.email.acceptsStored(.integer(1)))
        #expect(!FieldType.decimal.acceptsStored(.real(1.5)))
        #expect(!FieldType.text(maxLength: 5).acceptsStored(.blob([1])))
        for type in Self.allTypes { #expect(type.acceptsStored(.null)) }
    }

    /// Issue 9, item 8: one character followed by 400,000 combining accents is one character but
    /// 800 KB; text limits count UTF-8 bytes too (4 × the character limit).
    @Test func textLimitsCountBytesAsWellAsCharacters() throws {
        let type = FieldType.text(maxLength: 256)
        let zalgo = "a" + String(repeating: "\u{0301}\u{0300}", count: 200_000)
        #expect(zalgo.count == 1 && zalgo.utf8.count > 800_000)
        #expect(throws: FieldInputError.self) { try type.storedValue(for: .string(zalgo), at: Self.pointer) }
        #expect(!type.acceptsStored(.text(zalgo)))
        let justOver = "a" + String(repeating: "\u{0301}", count: 520)  // 1 character, 1,041 bytes (1,040 in NFC)
        #expect(throws: FieldInputError.self) { try type.storedValue(for: .string(justOver), at: Self.pointer) }
        #expect(!type.acceptsStored(.text(justOver)))
        // 256 characters of 4 bytes each is the most a 256-character field holds, and passes.
        let widest = String(repeating: "😀", count: 256)
        #expect(try type.storedValue(for: .string(widest), at: Self.pointer) == .text(widest))
        #expect(type.acceptsStored(.text(widest)))
        #expect(!type.acceptsStored(.text(widest + "a")))
    }
}
