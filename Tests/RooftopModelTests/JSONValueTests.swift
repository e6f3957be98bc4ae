import Foundation
import RooftopModel
import Testing

@Suite("JSONValue")
struct JSONValueTests {
    static func decode(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test func explicitNullIsKeptAndAbsentKeyStaysAbsent() throws {
        let cleared = try #require(try Self.decode(#"{"email": null, "firstName": "Ana"}"#).objectValue)
        #expect(cleared["email"] == .null)
        let untouched = try #require(try Self.decode(#"{"firstName": "Ana"}"#).objectValue)
        #expect(untouched["email"] == nil)
        #expect(untouched.keys.sorted() == ["firstName"])
    }

    @Test func roundTripKeepsNullsAndEveryKind() throws {
        let value = JSONValue.object([
            "email": .null,
            "optIn": .bool(false),
            "leadScore": .number(42),
            "lifetimeValue": .number(1234.5),
            "name": .string("Zoë Ñandú-Example"),
            "tags": .array([.string("a"), .null, .bool(true), .number(-3)]),
            "communicationPreferences": .object(["optInSMS": .null, "preferredMethod": .string("Email")]),
            "empty": .object([:]),
        ])
        let decoded = try JSONDecoder().decode(JSONValue.self, from: try value.encoded())
        #expect(decoded == value)
        let pretty = try JSONDecoder().decode(JSONValue.self, from: try value.encoded(pretty: true))
        #expect(pretty == value)
    }

    @Test(arguments: [
        ("true", JSONValue.bool(true)),
        ("false", .bool(false)),
        ("1", .number(1)),
        ("0", .number(0)),
        ("-2.5", .number(-2.5)),
        (#""true""#, .string("true")),
        ("null", .null),
        ("[]", .array([])),
        ("{}", .object([:])),
    ])
    func scalarsDecodeToTheirOwnKind(text: String, expected: JSONValue) throws {
        #expect(try Self.decode(text) == expected)
    }

    @Test func encodingSortsKeysAndWritesWholeNumbersWithoutAFraction() throws {
        let value = JSONValue.object([
            "b": .number(2), "a": .number(2.5), "c": .null, "d": .string("https://example.com/x"),
        ])
        let text = String(decoding: try value.encoded(), as: UTF8.self)
        #expect(text == #"{"a":2.5,"b":2,"c":null,"d":"https://example.com/x"}"#)
    }

    @Test func equalValuesEncodeToEqualBytes() throws {
        let a = try Self.decode(#"{"z": 1, "a": {"y": null, "b": [1, 2]}}"#)
        let b = try Self.decode(#"{"a": {"b": [1, 2], "y": null}, "z": 1.0}"#)
        #expect(try a.encoded() == b.encoded())
    }

    @Test(arguments: [
        (JSONValue.null, "null"),
        (.bool(true), "boolean"),
        (.number(1), "number"),
        (.string(""), "string"),
        (.array([]), "array"),
        (.object([:]), "object"),
    ])
    func kindNamesAreTheJSONKinds(value: JSONValue, expected: String) {
        #expect(value.kindName == expected)
    }

    @Test func accessorsReturnOnlyTheirOwnKind() {
        #expect(JSONValue.string("x").stringValue == "x")
        #expect(JSONValue.number(1).stringValue == nil)
        #expect(JSONValue.array([.null]).arrayValue == [.null])
        #expect(JSONValue.object([:]).arrayValue == nil)
        #expect(JSONValue.object(["a": .null]).objectValue == ["a": .null])
        #expect(JSONValue.null.objectValue == nil)
    }
}
