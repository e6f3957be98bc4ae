import RooftopModel
import Testing

@Suite("EntitySchema JSON")
struct EntitySchemaJSONTests {
    static let customer = CRMSchema.customer
    static let id = RowID("0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b")!

    @Test func nestedPreferenceAndDemographicObjectsSetTheirFields() throws {
        let fields = try Self.customer.inputFields(from: [
            "firstName": .string("Ana"),
            "communicationPreferences": .object([
                "preferredMethod": .string("email"),
                "optInEmail": .bool(true),
                "optInSMS": .bool(false),
            ]),
            "demographicInfo": .object(["birthDate": .string("1990-05-01"), "occupation": .string(" Nurse ")]),
        ])
        #expect(
            fields == [
                "firstName": .text("Ana"),
                "preferredMethod": .text("Email"),
                "optInEmail": .integer(1),
                "optInSMS": .integer(0),
                "birthDate": .text("1990-05-01"),
                "occupation": .text("Nurse"),
            ])
    }

    @Test func absentKeyKeepsAFieldAndExplicitNullClearsIt() throws {
        let fields = try Self.customer.inputFields(from: [
            "email": .null,
            "communicationPreferences": .object(["optInSMS": .null]),
        ])
        #expect(fields == ["email": .null, "optInSMS": .null])
        #expect(fields["firstName"] == nil)
        #expect(fields["optInEmail"] == nil)
        #expect(try Self.customer.inputFields(from: [:]).isEmpty)
    }

    @Test func emptyStringClearsAField() throws {
        let fields = try Self.customer.inputFields(from: ["notes": .string(""), "email": .string("  ")])
        #expect(fields == ["notes": .null, "email": .null])
    }

    @Test(arguments: [
        (["nickname": JSONValue.string("Ana")], "/nickname"),
        (["optInEmail": .bool(true)], "/optInEmail"),  // a grouped field outside its group
        (
            ["communicationPreferences": .object(["favouriteColour": .string("red")])],
            "/communicationPreferences/favouriteColour"
        ),
        (["demographicInfo": .object(["optInEmail": .bool(true)])], "/demographicInfo/optInEmail"),  // wrong group
        (["communicationPreferences": .object(["firstName": .string("Ana")])], "/communicationPreferences/firstName"),
    ])
    func unknownFieldIsRejectedWithItsPointer(object: [String: JSONValue], pointer: String) {
        #expect(throws: FieldInputError(pointer: pointer, reason: "unknown field")) {
            try Self.customer.inputFields(from: object)
        }
    }

    @Test func pointerOfAChildObjectIsPrefixed() {
        #expect(throws: FieldInputError(pointer: "/phoneNumbers/2/extension", reason: "unknown field")) {
            try CRMSchema.customerPhone.inputFields(from: ["extension": .string("12")], pointer: "/phoneNumbers/2")
        }
        #expect(
            throws: FieldInputError(
                pointer: "/phoneNumbers/0/number",
                reason: "expected a phone number (E.164 or a 10-digit NANP number)")
        ) {
            try CRMSchema.customerPhone.inputFields(from: ["number": .string("call me")], pointer: "/phoneNumbers/0")
        }
    }

    @Test func invalidNestedValueNamesItsNestedPointer() {
        #expect(
            throws: FieldInputError(
                pointer: "/communicationPreferences/optInEmail", reason: "expected true or false, got string")
        ) {
            try Self.customer.inputFields(from: ["communicationPreferences": .object(["optInEmail": .string("yes")])])
        }
        #expect(throws: FieldInputError(pointer: "/demographicInfo/birthDate", reason: "expected a date YYYY-MM-DD")) {
            try Self.customer.inputFields(from: ["demographicInfo": .object(["birthDate": .string("1990-02-30")])])
        }
    }

    @Test func groupThatIsNotAnObjectIsRejected() {
        #expect(throws: FieldInputError(pointer: "/communicationPreferences", reason: "expected an object, got string"))
        {
            try Self.customer.inputFields(from: ["communicationPreferences": .string("email please")])
        }
        #expect(throws: FieldInputError(pointer: "/demographicInfo", reason: "expected an object, got array")) {
            try Self.customer.inputFields(from: ["demographicInfo": .array([])])
        }
    }

    @Test func everyProblemIsReportedInKeyOrder() throws {
        let error = try #require(throws: FieldInputError.self) {
            try Self.customer.inputFields(from: ["zebra": .null, "aardvark": .null, "email": .string("bad")])
        }
        #expect(error.pointer == "/aardvark" && error.reason == "unknown field")
        #expect(error.all.map(\.pointer) == ["/aardvark", "/email", "/zebra"])
    }

    @Test func systemFieldsAreIgnoredOnInputEvenWhenInvalid() throws {
        let fields = try Self.customer.inputFields(from: [
            "firstName": .string("Ana"),
            "createdAt": .string("not a time"),
            "updatedAt": .string("2020-01-01T00:00:00Z"),
            "homeRooftop": .number(7),
        ])
        #expect(fields == ["firstName": .text("Ana")])
    }

    @Test func systemParentFieldOfAChildIsIgnored() throws {
        let fields = try CRMSchema.customerPhone.inputFields(from: [
            "customerId": .string("0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b"), "number": .string("555.010.0456"),
        ])
        #expect(fields == ["number": .text("+15550100456")])
    }

    @Test func ignoredKeysAreNotRead() throws {
        let fields = try Self.customer.inputFields(
            from: ["id": .string("x"), "phoneNumbers": .array([]), "lastName": .string("Example")],
            ignoring: ["id", "phoneNumbers"])
        #expect(fields == ["lastName": .text("Example")])
    }

    @Test func outputNestsGroupsAndShowsEveryFieldWithNullWhenUnset() throws {
        let json = Self.customer.json(
            id: Self.id,
            values: [
                "firstName": .text("Ana"),
                "optInEmail": .integer(1),
                "birthDate": .text("1990-05-01"),
                "lifetimeValue": .text("1234.5"),
                "leadScore": .integer(80),
            ])
        #expect(json["id"] == .string("0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b"))
        #expect(json["firstName"] == .string("Ana"))
        #expect(json["lastName"] == .null)
        #expect(json["lifetimeValue"] == .number(1234.5))
        #expect(json["leadScore"] == .number(80))
        #expect(json["optInEmail"] == nil)
        #expect(json["birthDate"] == nil)
        let preferences = try #require(json["communicationPreferences"]?.objectValue)
        #expect(
            preferences == [
                "preferredMethod": .null, "optInEmail": .bool(true), "optInSMS": .null, "optInMail": .null,
                "doNotContact": .null,
            ])
        let demographics = try #require(json["demographicInfo"]?.objectValue)
        #expect(demographics["birthDate"] == .string("1990-05-01"))
        #expect(demographics.keys.sorted() == ["birthDate", "educationLevel", "gender", "incomeRange", "occupation"])
        let topLevel = Set(Self.customer.fields.filter { $0.group == nil }.map(\.name))
        #expect(Set(json.keys) == topLevel.union(["id", "communicationPreferences", "demographicInfo"]))
    }

    /// What GET returns can be sent back as a PUT: the values read are the values stored.
    @Test func outputReadBackAsInputGivesTheSameValues() throws {
        let values: [String: FieldValue] = [
            "contactType": .text("Individual"), "firstName": .text("Zoë"), "lastName": .text("Ñandú-Example"),
            "email": .text("zoe.nandu@example.com"), "preferredMethod": .text("SMS"), "optInSMS": .integer(1),
            "doNotContact": .integer(0), "birthDate": .text("2000-02-29"), "sourceId": .text(Self.id.string),
            "leadScore": .integer(12), "lifetimeValue": .text("1234.5"), "status": .text("Prospect"),
            "createdAt": .text("2026-10-05T16:12:00.000Z"), "homeRooftop": .text("north"),
        ]
        let json = Self.customer.json(id: Self.id, values: values)
        let read = try Self.customer.inputFields(from: json, ignoring: ["id"])
        for spec in Self.customer.fields {
            if spec.isSystem {
                #expect(read[spec.name] == nil, "\(spec.name) is read-only")
            } else {
                #expect(read[spec.name] == (values[spec.name] ?? .null), "\(spec.name)")
            }
        }
    }

    /// RFC 6901 §3: `/` in a key is written `~1` and `~` is written `~0`.
    @Test
    func pointerOfAKeyWithSlashOrTildeIsEscaped() {
        #expect(throws: FieldInputError(pointer: "/first~1last", reason: "unknown field")) {
            try Self.customer.inputFields(from: ["first/last": .null])
        }
        #expect(throws: FieldInputError(pointer: "/communicationPreferences/opt~0in", reason: "unknown field")) {
            try Self.customer.inputFields(from: ["communicationPreferences": .object(["opt~in": .null])])
        }
    }
}
